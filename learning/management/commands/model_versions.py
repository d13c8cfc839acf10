from django.core.management.base import BaseCommand

from learning.selectors import model_version_list


class Command(BaseCommand):
    help = "List the model versions, newest first; the one serving is marked with *."

    def handle(self, *args, **options) -> None:
        for v in model_version_list():
            card = v.card or {}
            accuracy = f"{card['test_accuracy']:.2%}" if "test_accuracy" in card else "-"
            mark = "*" if v.status == v.Status.SERVING else " "
            self.stdout.write(
                f"{mark} {v.version:<28} {v.status:<10} MNIST {accuracy:<7} "
                f"{v.created_at:%Y-%m-%d %H:%M}{'  committed' if v.committed else ''}"
            )
