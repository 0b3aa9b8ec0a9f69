"""The HJ 212 models' registrations with the generic machinery (docs/developing.md).

Devices are registered by the bureau (form, bulk edit, Excel import); received and rejected packets
are the gateway's record and read-only here. Measurements have a composite key and are shown on the
device page, not through the generic views.
"""

from lantian.core.registry import register

from . import filtersets, forms, tables, views
from .models import Device, RawPacket, RejectedPacket

register(
    Device,
    table=tables.DeviceTable,
    filterset=filtersets.DeviceFilterSet,
    form=forms.DeviceForm,
    importer=forms.DEVICES,
    # PW and SM4 key are added masked by the detail view: a detail field would also be an API field.
    detail_fields=(
        "mn",
        "name",
        "organization",
        "kind",
        "st",
        "measures",
        "capture_cn",
        "interval",
        "is_active",
        "created_at",
    ),
    detail_template="hj212/device_detail.html",
    views={"detail": views.DeviceDetailView},
)
register(
    RawPacket,
    table=tables.RawPacketTable,
    filterset=filtersets.RawPacketFilterSet,
    detail_fields=(
        "received_at",
        "device",
        "mn",
        "qn",
        "cn",
        "st",
        "data_time",
        "resent",
        "peer",
        "gateway",
        "deviations",
    ),
    detail_template="hj212/packet_detail.html",
    views={"detail": views.RawPacketDetailView},
)
register(
    RejectedPacket,
    table=tables.RejectedPacketTable,
    filterset=filtersets.RejectedPacketFilterSet,
    detail_fields=("received_at", "mn", "device", "qn_rtn", "reason", "peer", "gateway"),
    detail_template="hj212/packet_detail.html",
    views={"detail": views.RejectedPacketDetailView},
)
