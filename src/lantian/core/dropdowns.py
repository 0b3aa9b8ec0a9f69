"""The empty choice of a dropdown says what it means: 全部 (all) in a filter, 请选择 (please choose) in
a form, never Django's "---------"."""

from django import forms
from django.utils.translation import gettext_lazy as _

ALL = _("All")
PLEASE_CHOOSE = _("Please choose")


def label_empty_choice(field: forms.Field, label) -> None:
    """Give ``field``'s empty choice, if it offers one, the text ``label``."""
    if not isinstance(field.widget, forms.Select) or isinstance(field.widget, forms.NullBooleanSelect):
        return
    if getattr(field, "empty_label", None) is not None:
        # A model choice field, or django-filter's choice field: the empty choice is ``empty_label``,
        # read by the choice iterator when the widget renders. A form's deep copy leaves the widget
        # with the iterator of the class-level field; give it this field's own.
        field.empty_label = label
        field.widget.choices = field.choices
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)  # Django's: a blank choice ("", "---------") among the choices
        if choices and choices[0][0] in ("", None) and not isinstance(choices[0][1], list | tuple):
            field.choices = [(choices[0][0], label), *choices[1:]]
