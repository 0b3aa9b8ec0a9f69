"""The forms of notices and responses: the same rules for pages, bulk edit, the API and the import."""

from django import forms

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.rectification.models import NoticeState, RectificationNotice, RectificationResponse


def only_choice(form, name: str) -> None:
    """Choose the dropdown's value when there is exactly one to choose (the user's own bureau)."""
    if form.instance.pk or form.is_bound or form.initial.get(name):
        return
    if len(choices := list(form.fields[name].queryset[:2])) == 1:
        form.initial[name] = choices[0].pk


class RectificationNoticeForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RectificationNotice
        fields = ["enterprise", "issued_by", "checked_on", "problems", "requirements", "deadline"]
        widgets = {
            "problems": forms.Textarea(attrs={"rows": 5}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )
        self.fields["issued_by"].queryset = self.fields["issued_by"].queryset.filter(
            kind=Organization.Kind.REGULATOR
        )
        if self.instance.pk:
            # A notice stays with the enterprise it was issued to and the bureau that issued it.
            for name in ("enterprise", "issued_by"):
                self.fields[name].disabled = True
        only_choice(self, "issued_by")


class RectificationResponseForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RectificationResponse
        fields = ["notice", "measures", "completed_on", "contact_person", "contact_phone"]
        widgets = {"measures": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["notice"].disabled = True
            return
        # Notices of the user's enterprise still waiting for a response.
        self.fields["notice"].queryset = (
            RectificationNotice.objects.restrict(self.user, "view")
            .filter(response__isnull=True)
            .exclude(state=NoticeState.CLOSED)
            .select_related("enterprise")
        )
        only_choice(self, "notice")
        if not self.is_bound and not self.initial.get("contact_person") and self.user is not None:
            self.initial["contact_person"] = getattr(self.user, "name", "") or ""
