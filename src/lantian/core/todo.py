"""The to-do centre (待办提醒): what waits for the signed-in user, gathered from providers.

Core provides three: submissions awaiting my review, my rejected submissions and my drafts.
Modules add theirs, such as work orders assigned to me or overdue items of my organisation::

    from lantian.core.todo import TodoItem, register_todo_provider

    @register_todo_provider
    def assigned_work_orders(user):
        for order in WorkOrder.objects.restrict(user, "view").filter(assignee=user, closed=False):
            yield TodoItem(str(order), order.get_absolute_url(), "assigned",
                           due=order.deadline, organization=order.organization)

Items are read from the current state on every request, so a change shows at once and a
provider needs nothing else to stay current. A provider may give a cheaper ``count`` for the
header badge: ``register_todo_provider(items, count=count_function)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# kind → heading on the to-do page, in the order the page shows them
KINDS = {
    "review": _("Awaiting my review"),
    "rejected": _("My submissions sent back"),
    "assigned": _("Assigned to me"),
    "overdue": _("Overdue in my organization"),
    "draft": _("My drafts"),
}


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    kind: str  # a key of KINDS
    due: datetime.date | datetime.datetime | None = None
    organization: object = None  # an Organization (or its name)
    detail: str = ""  # one line under the title: who, what, why
    at: datetime.datetime | None = None  # when it arose

    @property
    def overdue(self) -> bool:
        if self.due is None:
            return False
        if isinstance(self.due, datetime.datetime):
            return self.due < timezone.now()
        return self.due < timezone.localdate()


@dataclass(frozen=True)
class Provider:
    items: Callable[..., Iterable[TodoItem]]
    count: Callable[..., int] | None = None

    def count_for(self, user) -> int:
        return self.count(user) if self.count is not None else sum(1 for _ in self.items(user))


_providers: list[Provider] = []


def register_todo_provider(items: Callable, count: Callable | None = None) -> Callable:
    """Add a source of to-do items: ``items(user) -> iterable of TodoItem``; usable as a decorator."""
    if all(provider.items is not items for provider in _providers):
        _providers.append(Provider(items, count))
    return items


def items_for(user) -> list[TodoItem]:
    if not user.is_authenticated:
        return []
    return [item for provider in _providers for item in provider.items(user)]


def count_for(user) -> int:
    """The number of to-do items of ``user``, for the header badge."""
    if not user.is_authenticated:
        return 0
    return sum(provider.count_for(user) for provider in _providers)


def count_for_request(request) -> int:
    """The request user's count, counted once per request: the header badge and the home page ask."""
    if not hasattr(request, "_lantian_todo_count"):
        request._lantian_todo_count = count_for(request.user)
    return request._lantian_todo_count


def grouped(items: list[TodoItem]) -> list[dict]:
    """Items under their headings, in the order of KINDS (unknown kinds last), empty groups left out."""
    order = {kind: index for index, kind in enumerate(KINDS)}
    groups: dict[str, list[TodoItem]] = {}
    for item in items:
        groups.setdefault(item.kind, []).append(item)
    return [
        {"kind": kind, "label": KINDS.get(kind, kind), "items": groups[kind]}
        for kind in sorted(groups, key=lambda kind: order.get(kind, len(order)))
    ]


# --- the core providers -----------------------------------------------------------------------


def organization_of(obj):
    """The organisation an object belongs to, by its model's ``scope_path``."""
    path = getattr(type(obj), "scope_path", None)
    if path is None:
        return None
    for part in path.split("__") if path else ():
        obj = getattr(obj, part, None)
    return obj


def _awaiting_review(user):
    from lantian.core.models import ReviewStatus

    return {
        model: model.objects.restrict(user, "review")
        .filter(status=ReviewStatus.SUBMITTED)
        .exclude(submitted_by=user)
        for model in _reviewable_models()
    }


def _sent_back(user):
    from lantian.core.models import ReviewStatus

    return {
        model: model.objects.restrict(user, "view").filter(status=ReviewStatus.REJECTED, submitted_by=user)
        for model in _reviewable_models()
    }


def _reviewable_models():
    from lantian.core.review import reviewable_models

    return reviewable_models()


def _with_related(queryset):
    path = getattr(queryset.model, "scope_path", None)
    related = ["submitted_by", "reviewed_by", *([path] if path else [])]
    return queryset.select_related(*related)


def review_items(user):
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    for model, queryset in _awaiting_review(user).items():
        for obj in _with_related(queryset.order_by("submitted_at", "pk")):
            yield TodoItem(
                title=f"{model._meta.verbose_name}：{obj}",
                url=obj.get_absolute_url(),
                kind="review",
                organization=organization_of(obj),
                detail=_("Submitted by %(user)s on %(time)s")
                % {"user": obj.submitted_by, "time": date_format(localtime(obj.submitted_at), "Y-m-d H:i")},
                at=obj.submitted_at,
            )


def sent_back_items(user):
    for model, queryset in _sent_back(user).items():
        for obj in _with_related(queryset.order_by("-reviewed_at", "-pk")):
            yield TodoItem(
                title=f"{model._meta.verbose_name}：{obj}",
                url=obj.get_absolute_url(),
                kind="rejected",
                organization=organization_of(obj),
                detail=_("Rejected by %(user)s: %(reason)s")
                % {"user": obj.reviewed_by, "reason": obj.review_reason},
                at=obj.reviewed_at,
            )


def draft_items(user):
    from lantian.core.models import Draft

    for draft in Draft.objects.filter(user=user).select_related("content_type"):
        url = draft.get_absolute_url()
        if url is not None:
            yield TodoItem(
                title=draft.title,
                url=url,
                kind="draft",
                detail=str(draft.model_label),
                at=draft.updated_at,
            )


def _count_querysets(querysets) -> int:
    """The rows of all ``querysets`` (of different models), counted in one query: the header badge asks
    on every page, and a count per reviewable model was a dozen round trips."""
    parts = [queryset.order_by().values_list("pk") for queryset in querysets]
    if not parts:
        return 0
    return parts[0].union(*parts[1:], all=True).count()


register_todo_provider(review_items, count=lambda user: _count_querysets(_awaiting_review(user).values()))
register_todo_provider(sent_back_items, count=lambda user: _count_querysets(_sent_back(user).values()))
register_todo_provider(draft_items)  # a user has few drafts; counting them is listing them
