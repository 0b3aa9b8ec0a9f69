"""The ops pages that differ from the generic ones: the incident with its clocks and timeline, the
assessment with its deductions, an inspection run filled in on a phone, a service with its checks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lantian.core.views.excel import DOCX, download_response
from lantian.core.views.generic import ObjectDetailView
from lantian.ops import actions, assessment, availability, clocks, inspections
from lantian.ops import models as m
from lantian.ops.report import quarter_of
from lantian.ops.sla import CLOCKS

CLOCK_LABELS = {
    "own": m.Incident._meta.get_field("own_state").verbose_name,
    "restore": m.Incident._meta.get_field("restore_state").verbose_name,
    "resolve": m.Incident._meta.get_field("resolve_state").verbose_name,
}


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ActionDetailView(ObjectDetailView):
    """A detail page whose POST takes one named action on the object (``perform``), for users who may
    ``write_action`` it; the result is a message and a redirect back."""

    write_action = "change"

    def writable(self) -> bool:
        return self.restricted(self.write_action).filter(pk=self.object.pk).exists()

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.writable():
            raise PermissionDenied
        try:
            done = self.perform(request.POST.get("action", ""), request)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            if isinstance(done, HttpResponse):
                return done
            messages.success(request, done)
        return HttpResponseRedirect(request.path)

    def perform(self, action: str, request):
        raise ValidationError(_("Unknown action."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["writable"] = self.writable()
        return context


def posted_time(request) -> datetime | None:
    """The optional time of an event (``at``, a datetime-local value); now when empty."""
    text = request.POST.get("at", "").strip()
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        raise ValidationError(_("%(value)s is not a date and time.") % {"value": text[:30]})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class IncidentDetailView(ActionDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("contract", "severity").prefetch_related("pauses__paused_by"),
            pk=self.kwargs["pk"],
        )

    def perform(self, action, request):
        incident = self.object
        if action in actions.EVENTS:
            actions.record_event(incident, action, posted_time(request), request.POST.get("root_cause", ""))
            return _("Recorded.")
        if action == "pause":
            actions.pause(incident, request.POST.get("reason", ""), request.user, posted_time(request))
            return _("The incident is pending: its clocks are paused.")
        if action == "resume":
            actions.resume(incident, posted_time(request))
            return _("The clocks run again.")
        if action == "report":
            actions.submit_report(incident, posted_time(request))
            return _("The incident report is recorded as submitted.")
        return super().perform(action, request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        readings = clocks.readings(incident)
        context["clocks"] = [
            {
                "name": name,
                "label": CLOCK_LABELS[name],
                "reading": readings[name],
                "css": clocks.STATE_CSS[readings[name].state],
                "width": min(readings[name].percent, 100),
            }
            for name in CLOCKS
            if name in readings
        ]
        context["timeline"] = [
            (m.Incident._meta.get_field(name).verbose_name, getattr(incident, name), event)
            for event, name in (("", "reported_at"), *((e, f) for e, f in actions.EVENTS.items()))
        ]
        context["pauses"] = list(incident.pauses.all())
        context["escalations"] = list(incident.escalations.prefetch_related("notices"))
        context["pending"] = any(p.ended_at is None for p in context["pauses"])
        return context


class ContractDetailView(ObjectDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("client", "vendor", "scheme"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.object
        context["levels"] = list(contract.levels.all())
        open_incidents = m.Incident.objects.filter(contract=contract).exclude(
            status=m.Incident.Status.RESOLVED
        )
        context["open_incidents"] = open_incidents.count()
        context["breached"] = open_incidents.filter(breached=True).count()
        context["contacts"] = list(
            m.ContractContact.objects.restrict(self.request.user, "view").filter(contract=contract)
        )
        context["may_add_contact"] = self.request.user.has_perm("ops.add_contractcontact")
        context["may_export"] = (
            m.Contract.objects.restrict(self.request.user, "export").filter(pk=contract.pk).exists()
        )
        context["quarters"] = contract_quarters(contract)
        return context


def contract_quarters(contract, today=None) -> list[dict]:
    """The quarters of the contract up to the current one, newest first (the quarterly report's menu)."""
    today = today or timezone.localdate()
    year, quarter = quarter_of(contract.starts_on)
    last = min(quarter_of(today), quarter_of(contract.ends_on))
    out = []
    while (year, quarter) <= last:
        out.append({"year": year, "quarter": quarter})
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out[::-1]


class ServiceDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        context["results"] = list(service.results.order_by("-checked_at")[:20])
        this_month = timezone.localdate().replace(day=1)
        context["availability"] = availability.monthly(service, this_month, timezone.now())
        return context


class AssessmentDetailView(ActionDetailView):
    write_action = "view"

    def writable(self):
        return super().writable() and self.request.user.has_perm("ops.review_assessment")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "docx":
            from lantian.ops.report import monthly_report

            self.object = self.get_object()
            content = monthly_report(self.object)
            name = f"work-report-{self.object.contract.number}-{self.object.month:%Y-%m}.docx"
            return download_response(content, name, DOCX)
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.restricted().select_related("contract__scheme"), pk=self.kwargs["pk"])

    def perform(self, action, request):
        record = self.object
        if action in ("confirmed", "waived"):
            deduction = get_object_or_404(record.deductions, pk=request.POST.get("deduction"))
            assessment.decide(deduction, action, request.POST.get("reason", ""), request.user)
            return _("Recorded.")
        if action == "manual":
            rule = get_object_or_404(m.AssessmentRule, pk=request.POST.get("rule"))
            try:
                points = Decimal(request.POST.get("points", ""))
            except InvalidOperation:
                raise ValidationError(_("The points are a number.")) from None
            assessment.add_manual(record, rule, points, request.POST.get("text", ""), request.user)
            return _("Recorded.")
        if action == "propose":
            assessment.propose(record.contract, record.month)
            return _("The deductions are proposed again from the records.")
        if action == "confirm":
            assessment.confirm(record, request.user)
            return _("The month's assessment is confirmed.")
        return super().perform(action, request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context["deductions"] = list(record.deductions.select_related("rule", "decided_by"))
        score = assessment.month_score(record)
        categories = {}
        for rule in record.contract.scheme.rules.all():
            categories.setdefault(rule.category, rule.points)
        context["categories"] = [
            {
                "name": name,
                "points": points,
                "lost": score.lost.get(name, 0),
                "kept": points - score.lost.get(name, 0),
            }
            for name, points in categories.items()
        ]
        context["breaches"], context["warnings"], context["penalty"] = assessment.warnings_and_penalty(record)
        context["year"], context["quarter"] = quarter_of(record.month)
        context["manual_rules"] = record.contract.scheme.rules.all()
        return context


class StaffChangeDetailView(ActionDetailView):
    """The client approves or refuses a change of on-site staff (who may change staff changes)."""

    def perform(self, action, request):
        if action not in (m.StaffChange.Decision.APPROVED, m.StaffChange.Decision.REFUSED):
            return super().perform(action, request)
        change = self.object
        if change.decision != m.StaffChange.Decision.REQUESTED:
            raise ValidationError(_("This change is decided already."))
        change.decision, change.decided_on = action, timezone.localdate()
        change.save(update_fields=["decision", "decided_on"])
        return _("Recorded.")


class InspectionRunDetailView(ActionDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("template__contract", "performed_by"), pk=self.kwargs["pk"]
        )

    def perform(self, action, request):
        if action != "record":
            return super().perform(action, request)
        inspections.record_run(self.object, request.POST, request.FILES, request.user)
        return _("The inspection is recorded.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = inspections.items_of(self.object)
        return context
