"""Tables of the HJ 212 pages, and how their codes read (QnRtn, CN, ST, flags) in the user's language."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table

from . import codes, status


def code_name(table, code) -> str:
    """The name of ``code`` in ``table`` (a ``codes`` table) in the active language, "" if unknown."""
    if code in (None, ""):
        return ""
    entry = table.get(str(code))
    if entry is None:
        return ""
    return entry.name(translation.get_language() or "zh")


def with_name(table, code) -> str:
    """``code`` followed by its name, e.g. "3 PW错误"; the bare code if the table does not know it."""
    if code in (None, ""):
        return ""
    name = code_name(table, code)
    return f"{code} {name}" if name else str(code)


def frame_text(frame) -> str:
    """A frame as readable text: UTF-8 as is; control characters, bytes that are not UTF-8 and the
    backslash itself escaped (\\r, \\n, \\t, \\xNN, \\\\), so what is shown maps back to the bytes."""
    escaped = []
    for char in bytes(frame).decode("utf-8", errors="surrogateescape"):
        point = ord(char)
        if 0xDC80 <= point <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
            escaped.append(f"\\x{point - 0xDC00:02X}")
        elif char == "\\":
            escaped.append("\\\\")
        elif char in "\r\n\t":
            escaped.append({"\r": "\\r", "\n": "\\n", "\t": "\\t"}[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") or char == "\ufffd":
            escaped.append(f"\\x{point:02X}" if point < 0x100 else f"\\u{point:04X}")
        else:
            escaped.append(char)
    return "".join(escaped)


class Badge(str):
    """A cell that reads as plain text (exports, ``str``) and renders as a coloured badge in a
    template: templates keep a ``str`` as it is and ask it for ``__html__``."""

    css: str

    def __new__(cls, text, css: str):
        badge = super().__new__(cls, str(text))
        badge.css = css
        return badge

    def __html__(self) -> str:
        return format_html('<span class="badge {}">{}</span>', self.css, str.__str__(self))


STATUS_LABELS = {
    status.ONLINE: _("online"),
    status.OFFLINE: _("offline"),
    status.NEVER: _("never seen"),
}
STATUS_CSS = {status.ONLINE: "bg-green-lt", status.OFFLINE: "bg-red-lt", status.NEVER: "bg-secondary-lt"}


def status_badge(state: str) -> Badge:
    return Badge(STATUS_LABELS[state], STATUS_CSS[state])


@dataclass(frozen=True)
class OnlineColumn(Column):
    """Online, offline or never seen, from the row's last packet time: no query per row."""

    def value(self, obj):
        return status_badge(status.status_of(obj))


@dataclass(frozen=True)
class CodeColumn(Column):
    """A code shown with its name from one of the ``codes`` tables (``table`` names it)."""

    table: str = "command"

    def value(self, obj):
        return with_name(codes.table(self.table), super().value(obj)) or None


class DeviceTable(Table):
    columns = (
        Column("mn", linkify=True),
        Column("name", linkify=True),
        Column("organization__name", _("owner")),
        Column("kind"),
        CodeColumn("st", table="system", visible=False),
        Column("measures", visible=False),
        Column("capture_cn", visible=False),
        Column("interval", visible=False),
        OnlineColumn("online", _("status"), sortable=False),
        Column("last_seen_at"),
        CodeColumn("last_cn", visible=False),
        Column("last_peer", visible=False),
        Column("is_active"),
        Column("created_at", visible=False),
    )
    default_order = ("mn",)


class RawPacketTable(Table):
    columns = (
        Column("received_at", linkify=True),
        Column("device__name", _("device")),
        Column("mn"),
        Column("qn", visible=False),
        CodeColumn("cn"),
        CodeColumn("st", table="system", visible=False),
        Column("data_time"),
        Column("resent"),
        Column("peer", visible=False),
        Column("gateway", visible=False),
    )
    default_order = ("-received_at", "-pk")


@dataclass(frozen=True)
class ReasonColumn(Column):
    """A refusal's reason in the user's language, device passwords masked (lists and exports)."""

    def value(self, obj):
        from .reasons import reason_text

        return reason_text(super().value(obj))


class RejectedPacketTable(Table):
    columns = (
        Column("received_at", linkify=True),
        Column("mn"),
        Column("device__name", _("device")),
        CodeColumn("qn_rtn", table="qn_rtn"),
        ReasonColumn("reason", sortable=False),
        Column("peer", visible=False),
        Column("gateway", visible=False),
    )
    default_order = ("-received_at", "-pk")
