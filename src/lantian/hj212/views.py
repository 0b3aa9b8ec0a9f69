"""The HJ 212 operator pages beyond the generic ones: the device page (latest values, capture rates,
measurements, rejections), the device status page, the capture-rate JSON and the packet pages."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lantian.core.masking import mask_secret
from lantian.core.views import generic

from . import codes, status
from .codec import decode
from .errors import HJ212Error
from .filtersets import DeviceFilterSet
from .forms import masked
from .framing import StreamFramer
from .models import Device, Measurement, RawPacket, RejectedPacket
from .reasons import reason_text
from .secrets import is_secret_field, mask_secrets, sees_secrets
from .storage import latest_values
from .tables import code_name, frame_text, status_badge, with_name

VALUE_KINDS = ("Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax")
MEASUREMENT_TIMES_PER_PAGE = 20  # data times per page of the device's measurements
CAPTURE_DAYS = 30
RECENT_REJECTIONS = 10


def flag_text(flag: str | None) -> str:
    return with_name(codes.data_flags(), flag) if flag else ""


class PermissionMixin(LoginRequiredMixin):
    """A page of the module that needs one permission ("app.codename")."""

    permission = "hj212.view_device"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- the device page ---------------------------------------------------------------------------


def latest_rows(device_id: int) -> list[dict]:
    """The device's newest value of each code from the realtime cache, in code-table order."""
    pollutants = codes.pollutants()
    order = {code: index for index, code in enumerate(pollutants)}
    rows = []
    for code, reading in latest_values(device_id).items():
        entry = pollutants.get(code)
        rows.append({
            "code": code,
            "name": code_name(pollutants, code),
            "unit": entry.unit if entry else "",
            "values": [(kind, reading[kind]) for kind in VALUE_KINDS if kind in reading],
            "flag": reading.get("Flag", ""),
            "flag_name": code_name(codes.data_flags(), reading.get("Flag")),
            "time": reading["time"],
            "cn": with_name(codes.command_codes(), reading.get("cn")),
        })  # fmt: skip
    rows.sort(key=lambda row: (order.get(row["code"], len(order)), row["code"]))
    return rows


class MeasurementFilter(forms.Form):
    code = forms.CharField(required=False, label=gettext_lazy("code"))
    cn = forms.ChoiceField(required=False, label=gettext_lazy("data type (CN)"))
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, code_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        commands = codes.command_codes()
        self.fields["cn"].choices = [("", _("All"))] + [
            (cn, with_name(commands, cn)) for cn in Device.CaptureCommand.values
        ]
        if code_choices:
            self.fields["code"].widget = forms.Select(choices=[("", _("All")), *code_choices])
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")


MAIN_KINDS = ("Rtd", "Avg", "Cou", "ZsRtd", "ZsAvg", "Max", "Min")  # the value a cell shows first


def measurement_page(device: Device, query) -> dict:
    """A page of the device's measurements, newest first, one row per data time and one column per
    code: ``MEASUREMENT_TIMES_PER_PAGE`` data times, whose rows are read with the (device, time …)
    primary key; ``before`` pages back by data time (no COUNT over a long table)."""
    pollutants = codes.pollutants()
    flags = codes.data_flags()
    latest = latest_values(device.pk)
    code_choices = [
        (code, with_name(pollutants, code) if code in pollutants else code) for code in sorted(latest)
    ]
    form = MeasurementFilter(query, code_choices=code_choices)
    form.is_valid()
    chosen = form.cleaned_data
    rows = Measurement.objects.filter(device_id=device.pk)
    if chosen.get("code"):
        rows = rows.filter(code=chosen["code"].strip())
    if chosen.get("cn"):
        rows = rows.filter(cn=chosen["cn"])
    before = parse_datetime(chosen.get("before") or "")
    if before is not None and timezone.is_naive(before):
        before = timezone.make_aware(before)
    times_query = rows.filter(time__lt=before) if before else rows
    times = list(
        times_query.order_by("-time")
        .values_list("time", flat=True)
        .distinct()[: MEASUREMENT_TIMES_PER_PAGE + 1]
    )
    more = len(times) > MEASUREMENT_TIMES_PER_PAGE
    times = times[:MEASUREMENT_TIMES_PER_PAGE]
    readings: dict[tuple, dict[str, dict]] = {}  # (time, cn) → code → {kind: value, "flag": …}
    if times:
        for m in rows.filter(time__gte=times[-1], time__lte=times[0]).order_by("-time", "cn", "code", "kind"):
            cell = readings.setdefault((m.time, m.cn), {}).setdefault(m.code, {"values": {}, "flag": m.flag})
            cell["values"][m.kind] = m.value
    order = {code: index for index, code in enumerate(pollutants)}
    present = sorted({code for cells in readings.values() for code in cells},
                     key=lambda code: (order.get(code, len(order)), code))  # fmt: skip
    columns = []
    for code in present:
        entry = pollutants.get(code)
        columns.append(
            {"code": code, "name": code_name(pollutants, code), "unit": entry.unit if entry else ""}
        )
    commands = codes.command_codes()
    table = []
    for (moment, cn), cells in readings.items():
        row = {"time": moment, "cn": cn, "cn_name": code_name(commands, cn), "cells": []}
        for code in present:
            cell = cells.get(code)
            if cell is None:
                row["cells"].append(None)
                continue
            values = cell["values"]
            kind = next((k for k in MAIN_KINDS if k in values), next(iter(values)))
            row["cells"].append({
                "kind": kind, "value": values[kind], "flag": cell["flag"] or "",
                "title": " · ".join(f"{k} {v}" for k, v in values.items())
                + (f" · {with_name(flags, cell['flag'])}" if cell["flag"] else ""),
            })  # fmt: skip
        table.append(row)
    older = None
    if more:
        older_query = query.copy()
        older_query["before"] = times[-1].isoformat()
        older = older_query.urlencode()
    newest = None
    if before is not None:
        newest_query = query.copy()
        newest_query.pop("before", None)
        newest = newest_query.urlencode()
    return {
        "form": form,
        "columns": columns,
        "rows": table,
        "older": older,
        "newest": newest,
        "before": before,
    }


class DeviceDetailView(generic.ObjectDetailView):
    """The device page. PW and SM4 key are shown masked (their last characters only), after ST."""

    SECRETS = ("password", "sm4_key")

    def field_row(self, obj, name):
        row = super().field_row(obj, name)
        if name == "st":
            row["value"] = with_name(codes.system_codes(), obj.st)
        return row

    def secret_rows(self, obj) -> list[dict]:
        rows = []
        for name in self.SECRETS:
            value = masked(getattr(obj, name)) or (_("none") if name == "sm4_key" else "")
            rows.append({"label": obj._meta.get_field(name).verbose_name, "value": value, "link": None})
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device, user, now = self.object, self.request.user, timezone.now()
        fields = context["fields"]
        at = next(
            (i + 1 for i, name in enumerate(self.registration.detail_fields) if name == "measures"),
            len(fields),
        )
        context["fields"] = fields[:at] + self.secret_rows(device) + fields[at:]
        series = status.capture_series(device, CAPTURE_DAYS, now)
        for point in series:
            point["css"] = status.rate_css(point["rate"])
        context.update(
            status_badge=status_badge(status.status_of(device, now)),
            offline_after=device.offline_after,
            last_cn=with_name(codes.command_codes(), device.last_cn),
            latest=latest_rows(device.pk),
            capture=series,
            capture_today=series[-1],
            capture_url=reverse("hj212:device_capture", args=[device.pk]),
            good=int(status.GOOD * 100),
            fair=int(status.FAIR * 100),
        )
        if user.has_perm("hj212.view_measurement"):
            context["measurements"] = measurement_page(device, self.request.GET)
        if user.has_perm("hj212.view_rejectedpacket"):
            rejections = (
                RejectedPacket.objects.restrict(user).filter(device=device).order_by("-received_at", "-pk")
            )
            context["rejections"] = [
                {
                    "object": r,
                    "qn_rtn": with_name(codes.qn_rtn_codes(), r.qn_rtn),
                    "reason": reason_text(r.reason),
                }
                for r in rejections[:RECENT_REJECTIONS]
            ]
            context["rejections_url"] = f"{reverse('hj212:rejectedpacket_list')}?device={device.pk}"
        if user.has_perm("hj212.view_rawpacket"):
            context["packets_url"] = f"{reverse('hj212:rawpacket_list')}?device={device.pk}"
        return context


class DeviceCaptureView(PermissionMixin, View):
    """The capture rates of one device over the last 30 days, for the device page's chart."""

    def get(self, request, pk):
        device = get_object_or_404(Device.objects.restrict(request.user, "view"), pk=pk)
        series = status.capture_series(device, CAPTURE_DAYS)
        return JsonResponse({
            "device": device.mn,
            "expected_per_day": device.expected_per_day,
            "days": [point["day"].isoformat() for point in series],
            "captured": [point["captured"] for point in series],
            "expected": [point["expected"] for point in series],
            "rates": [None if point["rate"] is None else round(point["rate"] * 100, 1) for point in series],
            "good": round(status.GOOD * 100),
            "fair": round(status.FAIR * 100),
            "label": _("capture rate (%)"),
        })  # fmt: skip


# --- the status page ---------------------------------------------------------------------------


class DayForm(forms.Form):
    day = forms.DateField(
        required=False, label=gettext_lazy("day"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DeviceStatusView(PermissionMixin, TemplateView):
    """设备在线状态: online/offline counts now, and per device the figures of a chosen day."""

    template_name = "hj212/device_status.html"
    paginate_by = 50

    def chosen_day(self) -> tuple[date, DayForm]:
        form = DayForm(self.request.GET)
        day = form.cleaned_data.get("day") if form.is_valid() else None
        return day or status.today(), form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        day, day_form = self.chosen_day()
        devices = Device.objects.restrict(user, "view")
        filterset = DeviceFilterSet(self.request.GET, queryset=devices, request=self.request)
        selected = filterset.qs.select_related("organization").order_by("organization__name", "mn")
        page = Paginator(selected, self.paginate_by).get_page(self.request.GET.get("page"))
        may_see_rejections = user.has_perm("hj212.view_rejectedpacket")
        rows = status.day_statuses(
            list(page.object_list), day, now=now,
            packets=RawPacket.objects.restrict(user, "view"),
            rejections=RejectedPacket.objects.restrict(user, "view") if may_see_rejections else None,
        )  # fmt: skip
        for row in rows:
            row.badge = status_badge(row.status)
        query = self.request.GET.copy()
        query.pop("page", None)
        day_text = day.isoformat()
        context.update(
            day=day,
            is_today=day == status.today(now),
            previous_day=(day - timedelta(days=1)).isoformat(),
            next_day=(day + timedelta(days=1)).isoformat() if day < status.today(now) else None,
            day_form=day_form,
            filterset=filterset,
            counts=status.status_counts(filterset.qs, now),
            rows=rows,
            page_obj=page,
            query_string=query.urlencode(),
            day_text=day_text,
            may_see_rejections=may_see_rejections,
            may_see_packets=user.has_perm("hj212.view_rawpacket"),
            packets_url=reverse("hj212:rawpacket_list"),
            rejections_url=reverse("hj212:rejectedpacket_list"),
            good=int(status.GOOD * 100),
            fair=int(status.FAIR * 100),
        )
        return context


# --- the packet pages --------------------------------------------------------------------------


def decoded_parts(frame: bytes, device: Device | None, *, reveal_secrets: bool = False) -> list[dict]:
    """Each frame in ``frame`` (a split message is stored as its parts) decoded leniently, for the
    packet pages: header fields with their names, CP items, deviations; or why it does not decode.
    Device passwords are masked unless ``reveal_secrets``."""
    shown = (lambda text: text) if reveal_secrets else mask_secrets
    keys = {device.mn: bytes.fromhex(device.sm4_key)} if device is not None and device.sm4_key else None
    framer = StreamFramer()
    pieces = framer.feed(bytes(frame)) + framer.close()
    parts = []
    for piece in pieces:
        if not isinstance(piece, bytes | bytearray):
            parts.append({"error": reason_text(str(piece))})
            continue
        try:
            packet = decode(piece, strict=False, keys=keys)
        except HJ212Error as error:
            parts.append(
                {"error": reason_text(str(error)), "qn_rtn": with_name(codes.qn_rtn_codes(), error.qn_rtn)}
            )
            continue
        header = [
            (_("QN"), packet.qn),
            (_("system code (ST)"), with_name(codes.system_codes(), packet.st)),
            (_("command (CN)"), with_name(codes.command_codes(), packet.cn)),
            (_("access password (PW)"), packet.pw if reveal_secrets else mask_secret(packet.pw)),
            (_("MN"), packet.mn),
            (_("Flag"), "" if packet.flag is None else str(packet.flag)),
            (_("protocol version"), packet_version(packet)),
            (_("reply requested"), _("Yes") if packet.needs_ack else _("No")),
        ]
        if packet.pnum is not None:
            header.append((_("part"), f"{packet.pno} / {packet.pnum}"))
        if packet.encrypted:
            header.append((_("CP"), _("SM4-encrypted; decrypted with the device key")))
        header.extend((key, value) for key, value in packet.extras)
        pollutants = codes.pollutants()
        values = [
            {"code": code, "name": code_name(pollutants, code), "items": sorted(items.items())}
            for code, items in packet.cp.values.items()
        ]
        parts.append({
            "header": [(label, value) for label, value in header if value not in (None, "")],
            "fields": [(key, value if reveal_secrets or not is_secret_field(key) else mask_secret(value))
                       for key, value in sorted(packet.cp.fields.items())],
            "values": values,
            "warnings": [shown(str(w)) for w in packet.warnings],
        })  # fmt: skip
    return parts


def packet_version(packet) -> str:
    version = packet.version
    year = getattr(version, "year", None)
    if year == 2005:
        return "HJ/T 212-2005"
    return f"HJ 212-{year}" if year else str(version)


class PacketDetailMixin:
    """The frame as text and decoded, device passwords masked for all but platform administrators."""

    def get_object(self):
        return get_object_or_404(self.restricted().select_related("device"), pk=self.kwargs["pk"])

    def reveal_secrets(self) -> bool:
        return sees_secrets(self.request.user)

    def field_row(self, obj, name):
        row = super().field_row(obj, name)
        if name in ("deviations", "reason") and not self.reveal_secrets():
            row["value"] = mask_secrets(row["value"] or "")
        return row

    def frame_context(self, obj) -> dict:
        reveal = self.reveal_secrets()
        text = frame_text(obj.frame)
        return {
            "frame_text": text if reveal else mask_secrets(text),
            "frame_size": len(bytes(obj.frame)),
            "parts": decoded_parts(obj.frame, obj.device, reveal_secrets=reveal),
        }


class RawPacketDetailView(PacketDetailMixin, generic.ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        packet = self.object
        context.update(
            **self.frame_context(packet),
            device_visible=Device.objects.restrict(self.request.user).filter(pk=packet.device_id).exists(),
        )
        return context


class RejectedPacketDetailView(PacketDetailMixin, generic.ObjectDetailView):
    def field_row(self, obj, name):
        row = super().field_row(obj, name)
        if name == "qn_rtn":
            row["value"] = with_name(codes.qn_rtn_codes(), obj.qn_rtn)
        elif name == "reason":
            row["value"] = reason_text(obj.reason)
        return row

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.frame_context(self.object))
        return context
