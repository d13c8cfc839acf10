from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recognizer.corrections import corrections_export
from recognizer.engine_port import NOT_A_DIGIT


class Command(BaseCommand):
    help = (
        "Write reviewed answers as labelled 28x28 images (an .npz) for "
        "'python manage.py train_model --extra FILE': digits 0-9, and "
        f'{NOT_A_DIGIT} for readings answered "not a digit".'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("corrections.npz"))

    def handle(self, *args, **options) -> None:
        result = corrections_export(path=options["out"])
        if result.skipped:
            self.stderr.write(
                f"skipped {len(result.skipped)} readings whose digits do not match their label: "
                + ", ".join(map(str, result.skipped))
            )
        if not result.images:
            raise CommandError("No reviewed corrections to export: review readings in the admin first.")
        self.stdout.write(
            f"wrote {result.images} images from {result.readings} readings to {options['out']} "
            f"({result.not_digits} labelled {NOT_A_DIGIT}, not a digit)"
        )
