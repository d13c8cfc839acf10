"""Staff run the learning loop here: train a new version, watch it, compare it, promote or roll back.

Every change goes through learning.services and learning.training; the pages
only translate forms and buttons. A version's own fields are read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from accounts.signed_in import signed_in
from learning.comparison import ROW, class_bars, comparison_rows
from learning.forms import PromoteForm, TrainForm
from learning.models import ModelVersion
from learning.selectors import model_version_committed, model_version_serving
from learning.services import gate_failures, model_version_promote, model_version_rollback
from learning.training import model_version_cancel, model_version_queue

Status = ModelVersion.Status
RUNNING = (Status.QUEUED, Status.TRAINING, Status.EVALUATING)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "status", "mnist_accuracy", "created_at", "started_by", "committed"]
    list_filter = ["status"]
    change_list_template = "admin/learning/modelversion/change_list.html"
    change_form_template = "admin/learning/modelversion/change_form.html"
    readonly_fields = [
        "version",
        "status",
        "created_at",
        "started_by",
        "committed",
        "command",
        "options",
        "data",
        "error",
        "promoted_at",
        "promoted_by",
        "override_reason",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description="MNIST test")
    def mnist_accuracy(self, version: ModelVersion) -> str:
        card = version.card or {}
        return f"{card['test_accuracy']:.2%}" if "test_accuracy" in card else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training runs ("Train a new version")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a version that served stays on record

    def get_queryset(self, request):
        model_version_committed()  # a fresh database lists the committed model too
        return super().get_queryset(request)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("train/", wrap(self.train_view), name="learning_modelversion_train"),
            path("rollback/", wrap(require_POST(self.rollback_view)), name="learning_modelversion_rollback"),
            path("<int:pk>/cancel/", wrap(require_POST(self.cancel_view)), name="learning_modelversion_cancel"),
            path("<int:pk>/promote/", wrap(require_POST(self.promote_view)), name="learning_modelversion_promote"),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _back(self, version: ModelVersion) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:learning_modelversion_change", args=[version.pk]))

    def changelist_view(self, request, extra_context=None):
        serving = model_version_serving()
        return super().changelist_view(request, {**(extra_context or {}), "serving": serving})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = get_object_or_404(ModelVersion, pk=object_id)
        serving = model_version_serving()
        context = {
            "running": version.status in RUNNING,
            "serving": serving,
            "rows": comparison_rows(version) if version.evaluation else [],
            "bars": (bars := class_bars(version) if version.evaluation else []),
            "chart_height": len(bars) * ROW,
            "failures": gate_failures(version=version) if version.status == Status.READY else [],
            "can_promote": version.status in (Status.READY, Status.RETIRED),
            "promote_form": PromoteForm(),
            "show_save": False,
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **context})

    def train_view(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = TrainForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            version = model_version_queue(by=signed_in(request), **form.cleaned_data)
            messages.success(request, f"Queued {version.version}: a worker trains it (python manage.py db_worker).")
            return self._back(version)
        return render(
            request,
            "admin/learning/modelversion/train.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.model._meta,
                "title": "Train a new version",
            },
        )

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        version = model_version_cancel(version=get_object_or_404(ModelVersion, pk=pk))
        messages.info(
            request, "Cancelled." if version.status == Status.CANCELLED else "The run stops after its current epoch."
        )
        return self._back(version)

    def promote_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        version = get_object_or_404(ModelVersion, pk=pk)
        form = PromoteForm(request.POST)
        form.is_valid()
        reason = form.cleaned_data.get("reason", "")
        try:
            model_version_promote(version=version, by=signed_in(request), force=bool(reason.strip()), reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{version.version} serves now; every app server switches within seconds.")
        return self._back(version)

    def rollback_view(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        try:
            version = model_version_rollback(by=signed_in(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("admin:learning_modelversion_changelist"))
        messages.success(request, f"Rolled back: {version.version} serves again.")
        return self._back(version)
