import datetime
from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db.models import BooleanField, JSONField
from django.forms import BoundField
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.forms import style_widget

register = template.Library()


@register.filter
def cell(value):
    """A value as a table cell or detail row shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        icon, css, label = ("check", "text-success", _("Yes")) if value else ("x", "text-secondary", _("No"))
        return format_html(
            '<i class="ti ti-{} {}" title="{}"></i><span class="visually-hidden">{}</span>',
            icon,
            css,
            label,
            label,
        )
    if isinstance(value, datetime.datetime):
        return date_format(localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "Y-m-d")
    if isinstance(value, Decimal):
        return number_format(value)
    if isinstance(value, float):
        # A difference of two readings (16378.8 - 2.2) is 16376.599999999999 in binary floating point;
        # 12 significant digits are more than any measurement here carries.
        return repr(float(f"{value:.12g}"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return value


@register.filter
def styled(field: BoundField):
    style_widget(field.field.widget)
    return field


@register.filter
def menu_active(group: dict, request) -> bool:
    return any(item_active(item, request) for item in group["items"])


@register.filter
def item_active(item, request) -> bool:
    match = request.resolver_match
    if match is None or not match.namespace:
        return False
    current = f"{match.namespace}:{match.url_name}"
    prefix = item.url_name.rsplit("_", 1)[0]
    return current == item.url_name or current.startswith(f"{prefix}_")


ACTION_LABELS = {
    0: gettext_lazy("created"),
    1: gettext_lazy("changed"),
    2: gettext_lazy("deleted"),
    3: gettext_lazy("accessed"),
}
MASKED_FIELDS = set(settings.AUDITLOG_MASK_TRACKING_FIELDS)


@register.filter
def action_label(entry) -> str:
    return ACTION_LABELS.get(entry.action, entry.get_action_display())


@register.filter
def changes(entry) -> list[tuple[str, str | None, str | None]]:
    """(field label, old, new) rows of a change-log entry, readable: no reverse relations,
    masked fields as "changed", many-to-many changes as "+ added / − removed"."""
    model = entry.content_type.model_class()
    fields = {f.name: f for f in model._meta.get_fields()} if model else {}
    raw = entry.changes_dict or {}
    shown = entry.changes_display_dict or {}
    # A model may name the values of a field in words (``Role.changelog_values``: permissions).
    named = getattr(model, "changelog_values", None)
    rows = []
    # django-auditlog builds the display dict from the raw one in the same order.
    for (name, raw_change), (label, change) in zip(raw.items(), shown.items(), strict=False):
        field = fields.get(name)
        if field is not None and field.auto_created and not field.concrete:
            continue  # a reverse relation, which auditlog records on create
        if isinstance(field, GenericForeignKey):  # named by its attribute: "target"
            label = _("belongs to")
        if isinstance(raw_change, dict):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
            sign = "−" if raw_change.get("operation") == "delete" else "+"
            objects = raw_change.get("objects", [])
            objects = named(name, objects) if named else objects
            rows.append((label, None, f"{sign} {'、'.join(map(str, objects))}"))
        elif name in MASKED_FIELDS:
            rows.append((label, None, _("(changed)")))
        else:
            if named and isinstance(raw_change, list) and any(isinstance(v, list) for v in raw_change):
                old, new = (
                    "、".join(map(str, named(name, value)))
                    if isinstance(value, list)
                    else _readable(field, value)
                    for value in raw_change
                )
            else:
                old, new = (_readable(field, value) for value in change)
            rows.append((label, None if entry.action == 0 else old, new))
    return rows


def _readable(field, value):
    if value in (None, "None", ""):
        return None
    if isinstance(field, BooleanField):
        return _("Yes") if value in (True, "True") else _("No")
    if isinstance(field, JSONField):  # auditlog keeps a cut Python repr of it: not for reading
        return _("(structured content: see the object's page)")
    return value


KIND_ICONS = {
    "regulator": "building-bank",
    "enterprise": "building-factory-2",
    "agency": "microscope",
    "vendor": "tool",
    "department": "sitemap",
    "division": "map-2",
}


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "building")


@register.filter
def getlist(query_dict, key: str) -> list:
    return query_dict.getlist(key)
