"""The learning loop's background work, on django-tasks (the interface Django 6 adopts as django.tasks)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="training")
def model_version_train(version_id: int) -> str:
    from learning.training import model_version_run

    return model_version_run(pk=version_id)
