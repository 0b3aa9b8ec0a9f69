from django import forms

from lantian.core.forms import ScopedFormMixin
from lantian.knowledge.models import Document


class DocumentForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "title", "number", "category", "issuer", "issued_on", "effective_on", "abolished_on",
            "keywords", "summary", "full_text",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "full_text": forms.Textarea(attrs={"rows": 12}),
        }
