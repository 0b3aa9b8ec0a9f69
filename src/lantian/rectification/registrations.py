"""The rectification models' registrations with the generic machinery (docs/developing.md)."""

from django.utils.translation import gettext_lazy as _

from lantian.core.registry import register
from lantian.core.tables import Column, Table
from lantian.rectification import filtersets, forms, views
from lantian.rectification.models import RectificationNotice, RectificationResponse


class RectificationNoticeTable(Table):
    columns = (
        Column("number", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("issued_by__name", _("issuing bureau"), visible=False),
        Column("checked_on"),
        Column("problems", sortable=False),
        Column("deadline"),
        Column("state"),
        Column("is_overdue"),
        Column("closed_at", visible=False),
    )
    default_order = ("-checked_on", "-pk")


class RectificationResponseTable(Table):
    columns = (
        Column("notice__number", _("notice number"), linkify=True),
        Column("notice__enterprise__name", _("enterprise")),
        Column("completed_on"),
        Column("measures", sortable=False),
        Column("contact_person"),
        Column("status"),
        Column("submitted_at"),
        Column("reviewed_at"),
    )
    default_order = ("-pk",)


NOTICE_FIELDS = (
    "number", "enterprise", "issued_by", "checked_on", "problems", "requirements", "deadline",
    "state", "is_overdue", "closed_at", "created_at",
)  # fmt: skip

register(
    RectificationNotice,
    table=RectificationNoticeTable,
    filterset=filtersets.RectificationNoticeFilterSet,
    form=forms.RectificationNoticeForm,
    detail_fields=NOTICE_FIELDS,
    detail_template="rectification/rectificationnotice_detail.html",
    views={"detail": views.NoticeDetailView},
)

register(
    RectificationResponse,
    table=RectificationResponseTable,
    filterset=filtersets.RectificationResponseFilterSet,
    form=forms.RectificationResponseForm,
    detail_fields=("notice", "measures", "completed_on", "contact_person", "contact_phone", "status"),
    views={"add": views.ResponseEditView},
)
