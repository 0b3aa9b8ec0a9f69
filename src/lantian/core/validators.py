"""Text that may be stored: no control characters, in any text field of any registered model.

Refused everywhere: C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F),
except tab, line feed and carriage return in multi-line fields (``TextField``); and the bidirectional
embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). Those reorder how the text
around them is displayed ("Trojan Source", CVE-2021-42574): a name could show one thing in a list,
an export or a report and be another. Chinese and the Latin codes used here never need them; the
plain marks U+200E/U+200F, which reorder nothing, stay allowed.

The validator sits on the model fields, so every path that validates a model runs it: forms
(``ModelForm`` runs ``full_clean``), the API (its writes go through the forms), bulk edit (the same
forms) and the import engine (``full_clean`` on every row). ``registry.register`` installs it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class NoControlCharacters:
    """Refuses a control character, naming the field, the character and where it is."""

    def __init__(self, label, multiline: bool = False):
        self.label = label
        self.pattern = MULTI_LINE if multiline else SINGLE_LINE

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = self.pattern.search(value)
        if found:
            raise ValidationError(
                _(
                    "%(field)s contains the invisible control character %(character)s at position "
                    "%(position)d; remove it."
                ),
                code="control_character",
                params={
                    "field": self.label,
                    "character": f"U+{ord(found.group()):04X}",
                    "position": found.start() + 1,
                },
            )


def guard_text_fields(model: type[models.Model]) -> None:
    """Install ``NoControlCharacters`` on every text field of ``model`` (once; idempotent)."""
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if any(isinstance(v, NoControlCharacters) for v in field.validators):
            continue
        validator = NoControlCharacters(field.verbose_name, multiline=isinstance(field, models.TextField))
        # ``validators`` is a cached property over ``_validators``; setting the cached value keeps the
        # validator out of ``deconstruct()``, so migrations never see it.
        field.__dict__["validators"] = [*field.validators, validator]
