from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recognizer.storage import ORPHAN_AGE, storage_check, storage_repair


class Command(BaseCommand):
    help = (
        "Compare the stored pictures with the readings: files without a reading (left by a worker "
        "killed while saving), readings without their file, and storage counts that differ from "
        "the readings. Exits 1 when any is found; --fix removes them (a reading without its file "
        "is deleted) and recounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="remove what is found and recount")

    def handle(self, *args, **options) -> None:
        check = storage_check()
        self.stdout.write(
            f"{check.files} stored files, {check.readings} readings "
            f"(files younger than {ORPHAN_AGE.seconds // 60} minutes are left alone)."
        )
        if check.files_without_readings:
            self.stdout.write(
                f"Files without a reading ({len(check.files_without_readings)}): "
                + ", ".join(check.files_without_readings)
            )
        if check.readings_without_files:
            self.stdout.write(
                f"Readings without their file ({len(check.readings_without_files)}): ids "
                + ", ".join(map(str, check.readings_without_files))
            )
        if check.miscounted:
            self.stdout.write(
                f"Storage counts that differ from the readings ({len(check.miscounted)}): user ids "
                + ", ".join(map(str, check.miscounted))
            )
        if check.sound:
            self.stdout.write("Every reading has its file and every file its reading.")
            return
        if not options["fix"]:
            raise CommandError(
                "Storage and readings differ: run 'python manage.py check_storage --fix' "
                "to remove what is listed above."
            )
        if check.readings_without_files and not check.files:
            raise CommandError(
                f"No stored file was found at all under {settings.MEDIA_ROOT}: is the storage "
                "mounted? Nothing was removed."
            )
        storage_repair(check=check)
        files, readings = len(check.files_without_readings), len(check.readings_without_files)
        self.stdout.write(
            f"Removed {files} file{'s' if files != 1 else ''} without a reading and {readings} "
            f"reading{'s' if readings != 1 else ''} without a file; recounted the storage."
        )
