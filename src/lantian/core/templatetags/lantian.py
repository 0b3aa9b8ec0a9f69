import datetime
from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

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


@register.filter
def changes(entry):
    """(field label, (old, new)) pairs of a change-log entry; m2m changes as (None, summary)."""
    model = entry.content_type.model_class()
    # django-auditlog records reverse relations on create; they are not the object's own fields.
    reverse = (
        {f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete} if model else set()
    )
    result = []
    for label, change in (entry.changes_display_dict or {}).items():
        if label in reverse:
            continue
        if isinstance(change, list | tuple) and len(change) == 2:
            result.append((label, tuple(change)))
        elif isinstance(change, dict):
            operation = {"add": "+", "delete": "−"}.get(change.get("operation"), change.get("operation", ""))
            result.append((label, (None, f"{operation} {'、'.join(map(str, change.get('objects', [])))}")))
        else:
            result.append((label, (None, change)))
    return result


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
