"""The workflow editor's forms (steps, transitions, side-action grants) and the diagram data."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.cases.engine import SIDE_ACTIONS, Definition, Step, Transition
from lantian.core.forms import style_widget
from lantian.core.models import Role

EXTRA_ROWS = 3
MAX_ROWS = 60


def role_choices():
    return [("", "—")] + [(role.code, role.name) for role in Role.objects.order_by("name")]


def side_action_choices():
    return [
        ("extend", _("extend")),
        ("send_back", _("send back")),
        ("park", _("park")),
        ("cancel", _("cancel")),
        ("urge", _("urge")),
        ("supervise", _("supervise")),
    ]


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field.widget)


class StepForm(Styled):
    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=50)
    role = forms.ChoiceField(label=_("acting role"), choices=role_choices, required=False)
    by_department = forms.BooleanField(label=_("by the department"), required=False)
    dispatch = forms.BooleanField(label=_("names the department"), required=False)
    limit = forms.IntegerField(label=_("time limit"), min_value=0, max_value=2000, required=False)
    unit = forms.ChoiceField(
        label=_("unit"), choices=[("hours", _("working hours")), ("days", _("working days"))]
    )
    terminal = forms.BooleanField(label=_("closes the case"), required=False)


class TransitionForm(Styled):
    source = forms.CharField(label=_("from step"), max_length=30)
    target = forms.CharField(label=_("to step"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=50)


class GrantForm(Styled):
    step = forms.CharField(label=_("at step"), max_length=30)
    action = forms.ChoiceField(label=_("side action"), choices=side_action_choices)
    role = forms.ChoiceField(label=_("role"), choices=role_choices)


class HeadForm(Styled):
    start = forms.CharField(label=_("start step"), max_length=30)
    note = forms.CharField(label=_("what changed"), max_length=200, required=False)


FORMSET = {"extra": EXTRA_ROWS, "max_num": MAX_ROWS, "validate_max": True, "can_delete": True}
StepFormSet = forms.formset_factory(StepForm, **FORMSET)
TransitionFormSet = forms.formset_factory(TransitionForm, **FORMSET)
GrantFormSet = forms.formset_factory(GrantForm, **FORMSET)


class DefinitionEditor:
    """The three tables of the editor and the start step, bound together."""

    def __init__(self, data=None, initial: Definition | None = None):
        steps, transitions, grants, head = [], [], [], {}
        if initial is not None:
            head = {"start": initial.start}
            for step in initial.steps:
                row = step.to_dict()
                row.pop("side_actions")
                steps.append(row)
                grants.extend(
                    {"step": step.code, "action": action, "role": role}
                    for action, roles in step.side_actions.items()
                    for role in roles
                )
            transitions = [t.to_dict() for t in initial.transitions]
        self.head = HeadForm(data, initial=head, prefix="head")
        self.steps = StepFormSet(data, initial=steps, prefix="steps")
        self.transitions = TransitionFormSet(data, initial=transitions, prefix="transitions")
        self.grants = GrantFormSet(data, initial=grants, prefix="grants")

    def is_valid(self) -> bool:
        valid = all(part.is_valid() for part in (self.head, self.steps, self.transitions, self.grants))
        if valid:
            codes = {row["code"] for row in self._rows(self.steps)}
            for form in self.grants.forms:
                step = form.cleaned_data.get("step")
                if step and step not in codes:
                    form.add_error("step", ValidationError(gettext("There is no step “%s”.") % step))
                    valid = False
        return valid

    @staticmethod
    def _rows(formset):
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def definition(self) -> Definition:
        grants: dict[str, dict[str, list[str]]] = {}
        for row in self._rows(self.grants):
            roles = grants.setdefault(row["step"], {}).setdefault(row["action"], [])
            if row["role"] not in roles:
                roles.append(row["role"])
        steps = tuple(
            Step(
                code=row["code"].strip(),
                name=row["name"].strip(),
                role=row["role"],
                by_department=row["by_department"],
                dispatch=row["dispatch"],
                limit=row["limit"] or 0,
                unit=row["unit"],
                terminal=row["terminal"],
                side_actions={a: tuple(r) for a, r in grants.get(row["code"].strip(), {}).items()},
            )
            for row in self._rows(self.steps)
        )
        transitions = tuple(
            Transition(row["source"].strip(), row["target"].strip(), row["name"].strip())
            for row in self._rows(self.transitions)
        )
        return Definition(steps, transitions, self.head.cleaned_data["start"].strip())

    def note(self) -> str:
        return self.head.cleaned_data.get("note", "")


assert set(SIDE_ACTIONS) == {code for code, _label in side_action_choices()}


def diagram(definition: Definition) -> dict:
    """Nodes and links for the ECharts graph of a workflow (laid out left to right in step order)."""
    roles = dict(Role.objects.values_list("code", "name"))
    nodes = []
    for index, step in enumerate(definition.steps):
        limit = ""
        if step.limit:
            limit = (
                gettext("%s working hours") if step.unit == "hours" else gettext("%s working days")
            ) % step.limit
        nodes.append(
            {
                "name": step.code,
                "label": step.name,
                "role": roles.get(step.role, step.role),
                "limit": limit,
                "start": step.code == definition.start,
                "terminal": step.terminal,
                "x": index * 160,
                "y": 80 if index % 2 else 0,
                "sides": [
                    str(dict(side_action_choices())[a]) for a in step.side_actions if a in SIDE_ACTIONS
                ],
            }
        )
    links = [{"source": t.source, "target": t.target, "name": t.name} for t in definition.transitions]
    return {"nodes": nodes, "links": links}
