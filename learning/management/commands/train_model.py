import argparse
import shlex
import sys

from django.core.management.base import BaseCommand, CommandParser

from learning.training import model_version_queue
from ml import train


class Command(BaseCommand):
    help = (
        "Train the digit CNN: with --queue, as a new model version that a worker trains "
        "(python manage.py db_worker) and the gate compares; otherwise here, into ml/artifacts "
        "(same as python -m ml.train)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        train.add_arguments(parser)
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue a training run for a worker; the new version waits for promotion",
        )
        parser.add_argument(
            "--no-corrections",
            action="store_true",
            help="with --queue: leave the site's reviewed answers out of training",
        )

    def handle(self, *args, **options) -> None:
        if options.pop("queue"):
            version = model_version_queue(
                by=None,
                epochs=options["epochs"] or 12,
                limit=options["limit"],
                corrections=not options["no_corrections"],
            )
            self.stdout.write(f"queued {version.version}: a worker (python manage.py db_worker) trains it")
            return
        options.pop("no_corrections")
        train.run(argparse.Namespace(**options), "python manage.py " + shlex.join(sys.argv[1:]))
