from django.core.management.base import BaseCommand, CommandParser

from recognizer.engine_port import model_evaluate


class Command(BaseCommand):
    help = "Print accuracy and the confusion matrix of the committed model on the MNIST test split."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", help="folder of MNIST IDX files or an .npz (default: Keras' downloader)")

    def handle(self, *args, **options) -> None:
        model_evaluate(["--data", options["data"]] if options["data"] else [])
