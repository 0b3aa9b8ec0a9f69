"""Pages of the detection process besides the generic ones: the point-by-point entry of a work order
on a phone during the walk, and detail pages that link a point, its readings and their work order."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from lantian.core.views.generic import ObjectDetailView, OutOfScope, still_in_scope
from lantian.ldar.forms_detection import DetectionRecordForm
from lantian.ldar.models import DetectionRecord, InaccessiblePoint, SealPoint, WorkOrder

WALK_FIELDS = (
    "background",
    "reading",
    "started_at",
    "ended_at",
    "visible_leak",
    "instrument",
    "wind_direction",
    "operator",
    "position",
    "remark",
)
HISTORY_ROWS = 20


class WorkOrderDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        records = DetectionRecord.objects.restrict(self.request.user, "view").filter(work_order=order)
        context.update(
            planned=order.plan.points().count(),
            detected=records.values("seal_point_id").distinct().count(),
            leaks=records.filter(is_leak=True).count(),
            walk_url=walk_url(self.request.user, order),
            records_url=reverse("ldar:detectionrecord_list") + f"?work_order={order.pk}",
        )
        return context


def walk_url(user, order) -> str | None:
    if not user.has_perm("ldar.add_detectionrecord"):
        return None
    if not WorkOrder.objects.restrict(user, "view").within_scope(user, "add").filter(pk=order.pk).exists():
        return None
    return reverse("ldar:workorder_walk", args=[order.pk])


class DetectionRecordDetailView(ObjectDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related(
                "seal_point",
                "cycle__enterprise",
                "work_order",
                "instrument",
                "agency",
                "unit",
                "area",
                "equipment",
                "group",
                "seal_type",
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retests"] = self.object.retests.order_by("tested_at")
        context["earlier"] = (
            DetectionRecord.objects.restrict(self.request.user, "view")
            .filter(seal_point_id=self.object.seal_point_id)
            .exclude(pk=self.object.pk)
            .order_by("-started_at")[:HISTORY_ROWS]
        )
        return context


def point_history(user, point) -> list:
    """The readings of a seal point the user may see, newest first (the point's page)."""
    return list(
        DetectionRecord.objects.restrict(user, "view")
        .filter(seal_point=point)
        .select_related("cycle__enterprise", "agency")
        .order_by("-started_at")[:HISTORY_ROWS]
    )


class WorkOrderWalkView(LoginRequiredMixin, TemplateView):
    """Point-by-point entry during the walk (巡检录入), built for a phone: the work order's points by
    group and extension number, and for the chosen (or the next undetected) point a short form of
    background, reading and times. It saves through the detection record's own form, so the filing
    rule, the scope and the leak decision are the same as on every other page."""

    template_name = "ldar/detection/walk.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("ldar.add_detectionrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        user = self.request.user
        orders = WorkOrder.objects.restrict(user, "view").within_scope(user, "add")
        self.order = get_object_or_404(
            orders.select_related("plan__area", "cycle__enterprise"), pk=self.kwargs["pk"]
        )
        self.points = list(
            self.order.plan.points()
            .select_related("group", "seal_type")
            .order_by("group__code", "extension_number")
        )
        cycle = self.order.cycle
        self.done = dict(
            DetectionRecord.objects.filter(
                cycle=cycle, seal_point__in=[p.pk for p in self.points]
            ).values_list("seal_point_id", "is_leak")
        )
        self.unreachable = set(
            InaccessiblePoint.objects.filter(
                cycle=cycle, seal_point__area_id=self.order.plan.area_id
            ).values_list("seal_point_id", flat=True)
        )

    def chosen_point(self, pk) -> SealPoint | None:
        # Only points a reading can be taken at: the page greys the others out, a crafted request too.
        by_pk = {
            point.pk: point for point in self.points if point.accessible and point.pk not in self.unreachable
        }
        if pk and str(pk).isdigit() and int(pk) in by_pk:
            return by_pk[int(pk)]
        return next(
            (
                p
                for p in self.points
                if p.pk not in self.done and p.pk not in self.unreachable and p.accessible
            ),
            None,
        )

    def initial(self) -> dict:
        """The instrument, wind and operator of the work order's last reading, and its background if it
        was taken today (a background serves the day it was measured)."""
        now = timezone.localtime().replace(microsecond=0)
        last = (
            DetectionRecord.objects.filter(work_order=self.order)
            .order_by("-started_at")
            .values("background", "instrument_id", "wind_direction", "operator", "detected_on")
            .first()
        ) or {}
        user = self.request.user
        return {
            "background": last.get("background") if last.get("detected_on") == now.date() else None,
            "instrument": last.get("instrument_id"),
            "wind_direction": last.get("wind_direction", ""),
            "operator": last.get("operator") or getattr(user, "name", "") or user.get_username(),
            "started_at": now,
            "ended_at": now,
        }

    def get(self, request, *args, **kwargs):
        self.load()
        point = self.chosen_point(request.GET.get("point"))
        form = None
        if point is not None:
            form = DetectionRecordForm(
                user=request.user,
                action="add",
                initial={**self.initial(), "cycle": self.order.cycle_id, "tag": point.tag},
            )
        return self.render_to_response(self.get_context_data(point=point, form=form))

    def post(self, request, *args, **kwargs):
        self.load()
        point = self.chosen_point(request.POST.get("point"))
        if point is None or str(point.pk) != request.POST.get("point"):
            messages.error(request, _("Choose a seal point of this work order."))
            return HttpResponseRedirect(request.path)
        data = request.POST.copy()
        data["cycle"], data["tag"] = str(self.order.cycle_id), point.tag
        form = DetectionRecordForm(data=data, user=request.user, action="add")
        if form.is_valid():
            try:
                with transaction.atomic():
                    record = form.save()
                    if not still_in_scope(request.user, DetectionRecord, [record.pk], "add"):
                        raise OutOfScope
            except OutOfScope:
                form.add_error(None, _("You may not save this object there: it would be outside your scope."))
            else:
                verdict = _("leak") if record.is_leak else _("no leak")
                messages.success(
                    request,
                    _("Saved %(tag)s: net value %(net)s μmol/mol, %(verdict)s.")
                    % {"tag": record.tag, "net": f"{record.net_value:g}", "verdict": verdict},
                )
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(point=point, form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = []
        for point in self.points:
            if not groups or groups[-1]["group"] != point.group:
                groups.append({"group": point.group, "points": []})
            state = (
                "leak"
                if self.done.get(point.pk)
                else "done"
                if point.pk in self.done
                else ("unreachable" if point.pk in self.unreachable or not point.accessible else "todo")
            )
            groups[-1]["points"].append({"point": point, "state": state})
        form = context.get("form")
        context.update(
            order=self.order,
            groups=groups,
            total=len(self.points),
            detected=len(self.done),
            fields=[form[name] for name in WALK_FIELDS] if form is not None else [],
            detail_url=self.order.get_absolute_url(),
        )
        return context
