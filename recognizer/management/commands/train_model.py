import argparse
import shlex
import sys

from django.core.management.base import BaseCommand, CommandParser

from ml import train


class Command(BaseCommand):
    help = "Train the digit CNN on MNIST and write ml/artifacts (same as python -m ml.train)."

    def add_arguments(self, parser: CommandParser) -> None:
        train.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        train.run(argparse.Namespace(**options), "python manage.py " + shlex.join(sys.argv[1:]))
