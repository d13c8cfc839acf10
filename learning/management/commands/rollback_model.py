from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from learning.services import model_version_rollback


class Command(BaseCommand):
    help = "Put back the model version that served before the last change."

    def handle(self, *args, **options) -> None:
        try:
            version = model_version_rollback(by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{version.version} serves again; app servers switch within a few seconds.")
