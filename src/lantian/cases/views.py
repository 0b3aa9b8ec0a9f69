"""The command centre's work pages: the case page and its actions, each role's queue, the leaders'
overview, and the workflow page with its diagram, editor and publishing."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from lantian.cases import actions, clock, queues
from lantian.cases.editor import DefinitionEditor, diagram
from lantian.cases.engine import SIDE_ACTIONS
from lantian.cases.models import Case, CaseEvent, Clock, EventKind, State, Workflow
from lantian.cases.problems import describe
from lantian.core.views.generic import ObjectDetailView
from lantian.core.worktime import calendar


def side_labels() -> dict[str, str]:
    return {
        "extend": _("Extend"),
        "send_back": _("Send back"),
        "park": _("Park"),
        "resume": _("Resume"),
        "cancel": _("Cancel the case"),
        "urge": _("Urge"),
        "supervise": _("Supervise"),
    }


def remaining_text(hours: float | None) -> str:
    if hours is None:
        return _("no time limit")
    if hours >= 0:
        return _("%(hours).1f working hours left") % {"hours": hours}
    return _("%(hours).1f working hours overdue") % {"hours": -hours}


class CaseDetailView(ObjectDetailView):
    """The case: where it stands, its time limit, the map, photos before and after, the timeline
    and the actions the user may take at the current step."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        user = self.request.user
        definition = case.definition
        step = case.current_step
        events = list(
            CaseEvent.objects.filter(case=case)
            .select_related("actor", "department")
            .prefetch_related("attachments")
        )
        department_steps = {s.code for s in definition.steps if s.by_department}
        before = [a for e in events if e.kind == EventKind.REPORT for a in e.attachments.all() if a.is_image]
        after = [
            a for e in events if e.step in department_steps and e.kind == EventKind.TRANSITION
            for a in e.attachments.all() if a.is_image
        ]  # fmt: skip
        acting = case.state == State.OPEN and actions.may_act(user, case, step)
        moves = definition.outgoing(step.code) if acting else ()
        sides = []
        if case.is_open:
            for action in SIDE_ACTIONS:
                if actions.may_side(user, case, action):
                    if action == "park" and case.state == State.PARKED:
                        sides.append("resume")
                    elif case.state == State.OPEN or action in ("urge", "supervise", "cancel"):
                        sides.append(action)
        now = timezone.now()
        remaining = None
        if case.is_open and case.due_at is not None:
            moment = case.parked_at if case.state == State.PARKED else now
            remaining = clock.remaining_hours(calendar(), moment, case.due_at)
        context.update(
            step=step,
            events=events,
            photos_before=before,
            photos_after=after,
            moves=[{"target": m.target, "name": m.name} for m in moves],
            needs_department=acting and step.dispatch,
            departments=actions.departments_for(case) if acting and step.dispatch else [],
            sides=[(action, side_labels()[action]) for action in sides],
            remaining=remaining_text(remaining) if case.is_open else "",
            clock_css={"normal": "bg-green-lt", "warning": "bg-yellow-lt", "overdue": "bg-red-lt"}[
                case.clock
            ],
            steps=[
                {"code": s.code, "name": s.name, "current": s.code == case.step, "terminal": s.terminal}
                for s in definition.steps
            ],
            map_points=[{"lat": float(case.lat), "lng": float(case.lng), "name": case.number, "url": ""}]
            if case.lat is not None
            else [],
            feedback_url=reverse("cases:feedback", args=[case.token]) if case.state == State.CLOSED else "",
        )
        return context


class CaseActionForm(forms.Form):
    target = forms.CharField(max_length=30)
    expected_step = forms.CharField(max_length=30)
    opinion = forms.CharField(max_length=2000, required=False)
    department = forms.IntegerField(required=False)


class CaseView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def case(self) -> Case:
        return get_object_or_404(Case.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    def back(self, case):
        return HttpResponseRedirect(case.get_absolute_url())

    def refuse(self, case, error):
        texts = error.messages if isinstance(error, ValidationError) else [str(error) or _("Not allowed.")]
        for text in texts:
            messages.error(self.request, text)
        return self.back(case)


class CaseActView(CaseView):
    """Move the case along a transition of its workflow."""

    def post(self, request, pk):
        case = self.case()
        form = CaseActionForm(request.POST)
        if not form.is_valid():
            return self.refuse(case, ValidationError(_("The form was incomplete; reload the page.")))
        department = None
        if form.cleaned_data["department"]:
            department = actions.departments_for(case).filter(pk=form.cleaned_data["department"]).first()
        try:
            actions.transition(
                case, request.user, form.cleaned_data["target"], form.cleaned_data["opinion"], department,
                request.FILES.getlist("photos"), expected_step=form.cleaned_data["expected_step"],
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            return self.refuse(case, error)
        messages.success(request, _("Case %(number)s passed on.") % {"number": case.number})
        next_url = (
            reverse("cases:queues")
            if not Case.objects.restrict(request.user).filter(pk=pk).exists()
            else None
        )
        return HttpResponseRedirect(next_url or case.get_absolute_url())


class CaseSideView(CaseView):
    """A side action at the current step: extend, send back, park or resume, cancel, urge, supervise."""

    def post(self, request, pk, action):
        case = self.case()
        opinion = request.POST.get("opinion", "")[:2000]
        try:
            if action == "extend":
                try:
                    amount = int(request.POST.get("amount", ""))
                except ValueError:
                    raise ValidationError(
                        _("Give the extension as a whole number of hours or days.")
                    ) from None
                actions.extend(case, request.user, amount, request.POST.get("unit", ""), opinion)
            elif action == "resume":
                actions.resume(case, request.user, opinion)
            elif action in actions.SIDE_FUNCTIONS:
                actions.SIDE_FUNCTIONS[action](case, request.user, opinion)
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as error:
            return self.refuse(case, error)
        messages.success(request, _("Done: %(action)s.") % {"action": side_labels()[action]})
        return self.back(case)


class QueueView(LoginRequiredMixin, TemplateView):
    """My work: the cases waiting at a step where my role acts, counted per step."""

    template_name = "cases/queues.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_perm("cases.change_case"):
            raise PermissionDenied
        user = self.request.user
        chosen = self.request.GET.get("step", "")
        cases = queues.my_queue(user).select_related("category", "department", "organization")
        if chosen:
            cases = cases.filter(step_name=chosen)
        return super().get_context_data(
            counts=queues.queue_counts(user), cases=cases[:200], chosen=chosen, shown_limit=200, **kwargs
        )


class OverviewView(LoginRequiredMixin, TemplateView):
    """The leaders' view: progress, each department's load and the overdue cases, with urge and
    supervise at hand. Figures are aggregates in the database over the user's cases."""

    template_name = "cases/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_perm("cases.export_case"):
            raise PermissionDenied
        cases = Case.objects.restrict(user, "view")
        since = timezone.now() - timedelta(days=30)
        totals = cases.aggregate(
            open=Count("pk", filter=Q(state=State.OPEN)),
            parked=Count("pk", filter=Q(state=State.PARKED)),
            overdue=Count("pk", filter=Q(state=State.OPEN, clock=Clock.OVERDUE)),
            warning=Count("pk", filter=Q(state=State.OPEN, clock=Clock.WARNING)),
            reported_30=Count("pk", filter=Q(created_at__gte=since)),
            closed_30=Count("pk", filter=Q(state=State.CLOSED, closed_at__gte=since)),
            supervised=Count("pk", filter=Q(supervised=True, state__in=(State.OPEN, State.PARKED))),
        )
        steps = cases.open().order_by().values("step_name").annotate(total=Count("pk")).order_by("-total")
        load = (
            cases.open()
            .exclude(department=None)
            .order_by()
            .values("department", "department__name")
            .annotate(
                total=Count("pk"),
                overdue=Count("pk", filter=Q(clock=Clock.OVERDUE, state=State.OPEN)),
                reworked=Count("pk", filter=Q(rework_count__gt=0)),
            )
            .order_by("-overdue", "-total")
        )
        overdue = (
            cases.filter(state=State.OPEN, clock=Clock.OVERDUE)
            .select_related("category", "department")
            .order_by("due_at")[:100]
        )
        list_url = reverse("cases:case_list")
        return super().get_context_data(
            totals=totals,
            steps=list(steps),
            load=list(load),
            overdue=overdue,
            list_url=list_url,
            step_chart={"categories": [s["step_name"] for s in steps], "values": [s["total"] for s in steps]},
            **kwargs,
        )


class CategoryDetailView(ObjectDetailView):
    """A class with the time limit of each step of its workflow's current version (its own or the
    workflow's)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.object
        version = category.workflow.published if category.workflow_id else None
        limits = []
        for step in version.parsed.steps if version else ():
            if step.terminal:
                continue
            limit, unit = category.limit_for(step)
            limits.append(
                {"code": step.code, "name": step.name, "limit": limit, "unit": unit,
                 "own": step.code in category.step_limits}
            )  # fmt: skip
        context.update(limits=limits, version=version)
        return context


class WorkflowDetailView(ObjectDetailView):
    """A workflow: its current version drawn as a diagram, its versions, and its draft's problems."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workflow = self.object
        versions = list(workflow.versions.select_related("published_by").annotate(running=Count("cases")))
        draft = next((v for v in versions if v.is_draft), None)
        shown = workflow.published or draft
        may_change = Workflow.objects.restrict(self.request.user, "change").filter(pk=workflow.pk).exists()
        context.update(
            versions=versions,
            draft=draft,
            draft_problems=[describe(p) for p in draft.parsed.problems(actions.known_role_codes())]
            if draft
            else [],
            diagram=diagram(shown.parsed) if shown else None,
            shown=shown,
            may_change=may_change,
        )
        return context


class WorkflowDesignView(LoginRequiredMixin, TemplateView):
    """The editor: steps, transitions and side-action grants of the draft (started from the current
    version if there is none)."""

    template_name = "cases/workflow_design.html"

    def workflow(self) -> Workflow:
        return get_object_or_404(Workflow.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        workflow = self.workflow()
        source = workflow.draft or workflow.published
        editor = DefinitionEditor(initial=source.parsed if source else None)
        return self.render_to_response(self.get_context_data(workflow=workflow, editor=editor))

    def post(self, request, pk):
        workflow = self.workflow()
        editor = DefinitionEditor(data=request.POST)
        if not editor.is_valid():
            messages.error(request, _("Correct the marked fields."))
            return self.render_to_response(self.get_context_data(workflow=workflow, editor=editor))
        actions.save_draft(workflow, editor.definition(), request.user, editor.note())
        problems = editor.definition().problems(actions.known_role_codes())
        if problems:
            messages.warning(request, _("The draft is saved but cannot be published yet: see its problems."))
        else:
            messages.success(request, _("The draft is saved; publish it when it is ready."))
        return HttpResponseRedirect(workflow.get_absolute_url())


class WorkflowPublishView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        workflow = get_object_or_404(Workflow.objects.restrict(request.user, "change"), pk=pk)
        try:
            version = actions.publish(workflow, request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
        return HttpResponseRedirect(workflow.get_absolute_url())
