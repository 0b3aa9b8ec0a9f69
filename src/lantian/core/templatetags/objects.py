"""The cards every object page carries (review, attachments, journal) and the header's to-do badge.

Each tag reads the user from the template's ``request``, so the generic views pass nothing more.
"""

from auditlog.models import LogEntry
from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from lantian.core import review, todo
from lantian.core.files import accepted_labels
from lantian.core.models import Attachment, JournalEntry, Reviewable, ReviewStatus
from lantian.core.views.attachments import may, may_delete_journal_entry, may_write_journal

register = template.Library()


def _object_urls(obj, name: str, **extra) -> str:
    meta = obj._meta
    return reverse(
        f"core:{name}",
        kwargs={"app_label": meta.app_label, "model_name": meta.model_name, "pk": obj.pk, **extra},
    )


@register.filter
def reviewable(obj) -> bool:
    return isinstance(obj, Reviewable)


@register.filter
def locked(obj) -> bool:
    return review.is_locked(obj)


STATUS_CSS = {
    ReviewStatus.DRAFT: "bg-secondary-lt",
    ReviewStatus.SUBMITTED: "bg-orange-lt",
    ReviewStatus.APPROVED: "bg-green-lt",
    ReviewStatus.REJECTED: "bg-red-lt",
}
JOURNAL_CSS = {
    "info": "bg-blue-lt",
    "success": "bg-green-lt",
    "warning": "bg-orange-lt",
    "danger": "bg-red-lt",
}


@register.filter
def status_css(status: str) -> str:
    return STATUS_CSS.get(status, "bg-secondary-lt")


@register.filter
def journal_css(kind: str) -> str:
    return JOURNAL_CSS.get(kind, "bg-secondary-lt")


@register.inclusion_tag("core/objects/review_card.html", takes_context=True)
def review_card(context, obj):
    if not isinstance(obj, Reviewable):
        return {"show": False}
    user = context["request"].user
    actions = review.allowed_actions(obj, user)
    return {
        "show": True,
        "object": obj,
        "buttons": [
            {"action": action, "url": _object_urls(obj, "review_action", action=action)}
            for action in actions
            if action != "reject"
        ],
        "reject_url": _object_urls(obj, "review_action", action="reject") if "reject" in actions else None,
        "history": review.history(obj),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/objects/attachments_card.html", takes_context=True)
def attachments_card(context, obj):
    user = context["request"].user
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    may_change = not review.is_locked(obj) and may(user, obj, "change")
    removed = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Attachment),
        action=LogEntry.Action.DELETE,
        additional_data__content_type=content_type.pk,
        additional_data__object_id=obj.pk,
    ).select_related("actor")[:20]
    return {
        "object": obj,
        "attachments": Attachment.objects.for_object(obj).select_related("uploaded_by"),
        "may_change": may_change,
        "upload_url": _object_urls(obj, "attachment_add") if may_change else None,
        "accepted": accepted_labels(),
        "max_bytes": settings.LANTIAN_ATTACHMENT_MAX_BYTES,
        "removed": removed,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/objects/journal_card.html", takes_context=True)
def journal_card(context, obj):
    user = context["request"].user
    entries = list(JournalEntry.objects.for_object(obj).select_related("author")[:100])
    for entry in entries:
        entry.deletable = may_delete_journal_entry(user, entry)
    may_add = may_write_journal(user, obj)
    return {
        "object": obj,
        "entries": entries,
        "add_url": _object_urls(obj, "journal_add") if may_add else None,
        "kinds": JournalEntry.Kind.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/objects/todo_badge.html", takes_context=True)
def todo_badge(context):
    """The to-do count, computed with the page: no polling, so an idle page lets its session expire."""
    request = context.get("request")
    return {"count": todo.count_for_request(request) if hasattr(request, "user") else 0}
