from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.selectors import model_version_get
from learning.services import model_version_promote


class Command(BaseCommand):
    help = "Put a model version in service on every app server, if it passes the gate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version")
        parser.add_argument("--force", action="store_true", help="promote it although the gate refuses")
        parser.add_argument("--reason", default="", help="why, with --force (recorded)")

    def handle(self, *args, version: str, force: bool, reason: str, **options) -> None:
        found = model_version_get(version=version)
        if found is None:
            raise CommandError(f"No model version {version}: see `python manage.py model_versions`.")
        try:
            model_version_promote(version=found, by=None, force=force, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{version} serves now; app servers switch within a few seconds.")
