"""The device form and the device import: MN, PW and SM4 key checked; the key never shown back."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.forms import ScopedFormMixin

from .models import Device, sm4_key_validator


def normalize_key(text: str) -> str:
    """An SM4 key as typed or pasted: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-:]", "", text or "").upper()


class DeviceForm(ScopedFormMixin, forms.ModelForm):
    """A device. The SM4 key is entered, replaced or removed, never shown: the page and the API
    only say whether one is stored."""

    new_sm4_key = forms.CharField(
        label=gettext_lazy("SM4 key"),
        required=False,
        max_length=64,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "HJ 212-2025 devices that encrypt CP: 32 hexadecimal digits. Leave empty to keep the stored key."
        ),
    )
    clear_sm4_key = forms.BooleanField(label=gettext_lazy("Remove the stored SM4 key"), required=False)

    class Meta:
        model = Device
        fields = ["mn", "name", "organization", "kind", "st", "measures", "password", "new_sm4_key",
                  "clear_sm4_key", "capture_cn", "interval", "is_active"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.sm4_key):
            self.fields["clear_sm4_key"].widget = forms.HiddenInput()

    def clean_mn(self):
        return (self.cleaned_data.get("mn") or "").strip()

    def clean_new_sm4_key(self):
        key = normalize_key(self.cleaned_data.get("new_sm4_key"))
        if key:
            sm4_key_validator(key)
        return key

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_sm4_key") and cleaned.get("new_sm4_key"):
            raise ValidationError(_("Either enter a new SM4 key or remove the stored one, not both."))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("clear_sm4_key"):
            self.instance.sm4_key = ""
        elif self.cleaned_data.get("new_sm4_key"):
            self.instance.sm4_key = self.cleaned_data["new_sm4_key"]


def masked(secret: str, shown: int = 4) -> str:
    """A secret as the detail page shows it: its last few characters only, e.g. "••••••••3F9A"."""
    if not secret:
        return ""
    if len(secret) <= shown * 2:
        return "•" * len(secret)
    return "•" * 8 + secret[-shown:]


DEVICES = ImportSpec(
    fields=(
        ImportField("mn", example="61032300HY0001"),
        ImportField("name", example="宏远化工东厂界微站"),
        ImportField(
            "organization",
            lookup=("credit_code", "name"),
            example="渭川宏远化工有限公司",
            help_text=gettext_lazy("The owner's credit code or name."),
        ),
        ImportField("kind", example=Device.Kind.MICRO_STATION.label),
        ImportField("st", example="22"),
        ImportField("measures", example="宏远化工东厂界"),
        ImportField("password", example="123456", secret=True),
        ImportField("sm4_key", normalize=normalize_key, secret=True, example=""),
        ImportField("capture_cn", example=Device.CaptureCommand.MINUTE.label),
        ImportField("interval", example=60),
        ImportField("is_active", example=True),
    ),
    keys=(("mn",),),
)
