from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from recognizer.services import prediction_prune


class Command(BaseCommand):
    help = (
        "Delete readings, pictures and all, older than RECOGNIZER_RETENTION_DAYS (0, the default, "
        "keeps them for ever). Run it daily, from one machine."
    )

    def handle(self, *args, **options) -> None:
        days = settings.RECOGNIZER_RETENTION_DAYS
        if not days:
            self.stdout.write("Retention is off (RECOGNIZER_RETENTION_DAYS=0): every reading is kept.")
            return
        deleted = prediction_prune(older_than=timezone.now() - timedelta(days=days))
        self.stdout.write(
            f"Deleted {deleted} reading{'s' if deleted != 1 else ''} older than {days} days, with their pictures."
        )
