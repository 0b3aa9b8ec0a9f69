"""Pages of leak repair besides the generic ones: a task's page with its reading, delays and repairs;
a repair work order's page with the agency's re-test; a spot check's page with its readings and verdict.
Add pages of delays and repairs start from the task they were opened from (``?task=``)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.ldar.actions_repair import RepairError, may_retest, record_retest, retest_form
from lantian.ldar.models import DetectionRecord
from lantian.ldar.models.repair import DelayedRepair, RepairOrder, RepairTask, SpotCheckReading

MAX_ROWS = 50


def may_add(user, model) -> bool:
    return user.has_perm(f"ldar.add_{model._meta.model_name}")


class TaskRowEditView(ObjectEditView):
    """The add page of a delay or a repair, with the task chosen from the link that led there."""

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        task = self.request.GET.get("task", "")
        if data is None and not self.object.pk and task.isdigit():
            form.initial["task"] = int(task)
        return form


class RepairTaskDetailView(ObjectDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related(
                "enterprise", "agency", "detection", "seal_point", "unit", "area", "seal_type", "cycle"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task, user = self.object, self.request.user
        context.update(
            orders=RepairOrder.objects.restrict(user, "view").filter(task=task).select_related("retest"),
            delays=DelayedRepair.objects.restrict(user, "view").filter(task=task),
            detection_visible=DetectionRecord.objects.restrict(user, "view")
            .filter(pk=task.detection_id)
            .exists(),
        )
        if task.is_open:
            query = f"?task={task.pk}"
            if (
                may_add(user, RepairOrder)
                and RepairTask.objects.restrict(user, "view")
                .within_scope(user, "add")
                .filter(pk=task.pk)
                .exists()
            ):
                context["add_order_url"] = reverse("ldar:repairorder_add") + query
                context["add_delay_url"] = (
                    reverse("ldar:delayedrepair_add") + query if may_add(user, DelayedRepair) else None
                )
        return context


class RepairOrderDetailView(ObjectDetailView):
    """The repair and its re-test; the agency that found the leak records the re-test here."""

    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("task__enterprise", "task__detection", "retest"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "retest_form" not in context and may_retest(self.object, self.request.user):
            context["retest_form"] = retest_form(self.object, self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            form = record_retest(self.object, request.user, request.POST)
        except RepairError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.object.get_absolute_url())
        if form.is_valid():
            order = RepairOrder.objects.select_related("task").get(pk=self.object.pk)
            if order.result == RepairOrder.Result.PASSED:
                messages.success(request, _("Re-test passed: the repair task is closed."))
            else:
                messages.warning(request, _("Still leaking: the repair task stays open for another repair."))
            return HttpResponseRedirect(order.get_absolute_url())
        return self.render_to_response(self.get_context_data(retest_form=form))


class SpotCheckDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["readings"] = (
            SpotCheckReading.objects.restrict(user, "view")
            .filter(spot_check=self.object)
            .select_related("repair_task")
            .order_by("-is_leak", "tag")
        )
        if may_add(user, SpotCheckReading):
            context["add_reading_url"] = (
                reverse("ldar:spotcheckreading_add") + f"?spot_check={self.object.pk}"
            )
        return context


class SpotCheckReadingEditView(ObjectEditView):
    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        check = self.request.GET.get("spot_check", "")
        if data is None and not self.object.pk and check.isdigit():
            form.initial["spot_check"] = int(check)
        return form


def point_repairs(user, point) -> list:
    """The repair tasks of a seal point the user may see, newest first (the point's page)."""
    return list(
        RepairTask.objects.restrict(user, "view")
        .filter(seal_point=point)
        .prefetch_related("orders")
        .order_by("-detected_on", "-pk")[:MAX_ROWS]
    )
