"""The power pages beyond the generic ones: an event with its evidence and closure, an enterprise's
one-line view, the city overview and the data checks. Every query goes through ``restrict``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from lantian.core.files import RefusedFile
from lantian.core.models import Organization
from lantian.core.scope import scope_for
from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.power import actions, checks, curves, overview
from lantian.power.check_list import CHECK_LIST, COMPLETENESS
from lantian.power.models import AlarmEvent, CheckCount, Finding, PowerProfile

MAX_UPLOADS = 5


class EventDetailView(ObjectDetailView):
    """An event: its evidence (both curves over the window, rule and parameters) and its closure."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        context.update(
            evidence_url=reverse("power:event_evidence", args=[event.pk]),
            may_explain=(
                user.has_perm("power.explain_alarmevent")
                and user.organization_id == event.enterprise_id
                and event.status in (AlarmEvent.Status.NOTIFIED, AlarmEvent.Status.REJECTED)
            ),
            may_decide=(
                user.has_perm("power.verify_alarmevent")
                and user.organization_id != event.enterprise_id
                and event.status == AlarmEvent.Status.EXPLAINED
            ),
            parameters=sorted(event.parameters.items()),
            enterprise_url=reverse("power:enterprise", args=[event.enterprise_id]),
        )
        return context


def visible_event(user, pk) -> AlarmEvent:
    if not user.has_perm("power.view_alarmevent"):
        raise PermissionDenied
    return get_object_or_404(AlarmEvent.objects.restrict(user, "view"), pk=pk)


class EventEvidenceView(LoginRequiredMixin, View):
    """The evidence as JSON: both facilities' minute power and thresholds around the episode."""

    def get(self, request, pk):
        event = visible_event(request.user, pk)
        return JsonResponse(curves.event_evidence(event))


class EventActionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        event = visible_event(request.user, pk)
        try:
            self.act(request, event)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except RefusedFile as refused:
            messages.error(request, refused.messages[0])
        return HttpResponseRedirect(event.get_absolute_url())


class EventExplainView(EventActionView):
    def act(self, request, event):
        uploads = request.FILES.getlist("files")
        if len(uploads) > MAX_UPLOADS:
            raise ValidationError(_("At most %(count)d files at once.") % {"count": MAX_UPLOADS})
        actions.explain(request.user, event.pk, request.POST.get("explanation", ""), uploads)
        messages.success(request, _("The explanation was sent to the bureau."))


class EventDecideView(EventActionView):
    def act(self, request, event):
        accept = request.POST.get("decision") == "verify"
        actions.decide(request.user, event.pk, accept, request.POST.get("text", ""))
        messages.success(
            request, _("The event was verified.") if accept else _("The explanation was rejected.")
        )


def visible_enterprise(user, pk) -> Organization:
    if not user.has_perm("power.view_monitoringpoint"):
        raise PermissionDenied
    return get_object_or_404(
        Organization.objects.restrict(user, "view").filter(kind=Organization.Kind.ENTERPRISE), pk=pk
    )


class EnterpriseView(LoginRequiredMixin, TemplateView):
    """An enterprise's one-line view: facilities and their points, current power and running state,
    today's curves with thresholds."""

    template_name = "power/enterprise.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enterprise = visible_enterprise(user, self.kwargs["pk"])
        context.update(
            enterprise=enterprise,
            profile=PowerProfile.objects.restrict(user, "view").filter(enterprise=enterprise).first(),
            line=curves.one_line(user, enterprise, timezone.now()),
            curves_url=reverse("power:enterprise_curves", args=[enterprise.pk]),
            events=AlarmEvent.objects.restrict(user, "view")
            .filter(enterprise=enterprise, status__in=AlarmEvent.OPEN_STATUSES)
            .select_related("production_facility", "treatment_facility")[:10],
        )
        return context


class EnterpriseCurvesView(LoginRequiredMixin, View):
    def get(self, request, pk):
        enterprise = visible_enterprise(request.user, pk)
        day = parse_day(request.GET.get("day")) or timezone.localdate()
        return JsonResponse(curves.day_curves(request.user, enterprise, day))


class MyEnterpriseView(LoginRequiredMixin, View):
    """The menu's entry for an enterprise user: its own one-line view (others: the overview)."""

    def get(self, request):
        organization = request.user.organization
        if organization is None or organization.kind != Organization.Kind.ENTERPRISE:
            return HttpResponseRedirect(reverse("power:overview"))
        return HttpResponseRedirect(reverse("power:enterprise", args=[organization.pk]))


class OverviewView(LoginRequiredMixin, TemplateView):
    """The city overview: enterprises on line, production running without treatment now, open events
    by district."""

    template_name = "power/overview.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_perm("power.view_alarmevent"):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context.update(overview.city_overview(self.request.user, timezone.now()))
        return context


def parse_day(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class ChecksView(LoginRequiredMixin, TemplateView):
    """The 14 checks: the latest day's count and offenders' link per check, the trend, and running them."""

    template_name = "power/checks.html"
    TREND_DAYS = 30

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_perm("power.view_finding"):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        findings = Finding.objects.restrict(user, "view")
        latest = findings.order_by("-day").values_list("day", flat=True).first()
        day = (
            parse_day(self.request.GET.get("day"))
            or latest
            or timezone.localdate() - datetime.timedelta(days=1)
        )
        counts = dict(
            findings.filter(day=day)
            .values("check_code")
            .annotate(n=_count())
            .order_by()
            .values_list("check_code", "n")
        )
        list_url = reverse("power:finding_list")
        rows = [
            {
                "code": code,
                "name": name,
                "help": help_text,
                "group": group,
                "count": counts.get(code, 0),
                "url": f"{list_url}?check_code={code}&day={day.isoformat()}",
            }
            for code, group, name, help_text in CHECK_LIST
        ]
        context.update(
            day=day,
            completeness=[row for row in rows if row["group"] == COMPLETENESS],
            quality=[row for row in rows if row["group"] != COMPLETENESS],
            may_run=user.has_perm("power.run_checks"),
            trend_url=reverse("power:check_trend"),
        )
        return context

    def post(self, request):
        user = request.user
        if not user.has_perm("power.run_checks"):
            raise PermissionDenied
        day = parse_day(request.POST.get("day"))
        if day is None or day > timezone.localdate():
            messages.error(request, _("Choose a day up to today."))
            return HttpResponseRedirect(reverse("power:checks"))
        enterprises = None
        if not scope_for(user).everything:
            enterprises = list(
                Organization.objects.restrict(user, "change")
                .filter(kind=Organization.Kind.ENTERPRISE)
                .values_list("pk", flat=True)
            )
        checks.run_checks(day, enterprises)
        messages.success(request, _("The checks ran for %(day)s.") % {"day": day.isoformat()})
        return HttpResponseRedirect(f"{reverse('power:checks')}?day={day.isoformat()}")


def _count():
    from django.db.models import Count

    return Count("pk")


class CheckTrendView(LoginRequiredMixin, View):
    """Offenders per check and day. Platform-wide users read the recorded counts; others count the
    findings they may see."""

    def get(self, request):
        user = request.user
        if not user.has_perm("power.view_finding"):
            raise PermissionDenied
        since = timezone.localdate() - datetime.timedelta(days=ChecksView.TREND_DAYS)
        if scope_for(user).everything:
            rows = CheckCount.objects.filter(day__gte=since).values_list("day", "check_code", "count")
        else:
            rows = (
                Finding.objects.restrict(user, "view")
                .filter(day__gte=since)
                .values_list("day", "check_code")
                .annotate(n=_count())
                .order_by()
            )
        days = sorted({row[0] for row in rows})
        index = {day: i for i, day in enumerate(days)}
        series = {code: [0] * len(days) for code, *_rest in CHECK_LIST}
        for day, code, count in rows:
            if code in series:
                series[code][index[day]] = count
        names = {code: str(name) for code, _group, name, _help in CHECK_LIST}
        return JsonResponse(
            {
                "days": [day.isoformat() for day in days],
                "series": [
                    {"code": code, "name": names[code], "data": data} for code, data in series.items()
                ],
            }
        )


class CodeMappingAddView(ObjectEditView):
    """Adding a mapping from an unmapped code's page names the code (``?code=``)."""

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        code = self.request.GET.get("code", "")
        if not self.object.pk and data is None and code:
            form.initial["code"] = code[:16]
        return form
