"""Forms of the command centre's reference data (categories, workflows, grids)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.cases.models import Category, Grid, Workflow
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization, User


class CategoryForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "kind",
            "parent",
            "code",
            "name",
            "workflow",
            "step_limits",
            "closing_condition",
            "is_active",
        ]
        widgets = {
            "closing_condition": forms.Textarea(attrs={"rows": 3}),
            "step_limits": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.restrict(self.user, "view").filter(parent=None)
        self.fields["step_limits"].help_text = _(
            'By step code, e.g. <code>{"handle": {"limit": 3, "unit": "days"}}</code>; the unit is '
            "<code>hours</code> (working hours) or <code>days</code> (working days)."
        )


class WorkflowForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Workflow
        fields = ["code", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GridForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["organization", "code", "name", "worker", "south", "west", "north", "east"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["organization"].queryset = Organization.objects.restrict(user, "view")
        self.fields["worker"].queryset = User.objects.restrict(user, "view").filter(
            roles__code="cases_grid_worker"
        )
