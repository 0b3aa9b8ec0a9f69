"""Device registry and packet storage of the HJ 212 gateway (specs/hj212.md "Gateway").

The time-series tables are written in bulk by ``lantian.hj212.storage`` with SQL, not row by row
through the ORM, and are kept out of the change log: they are readings, not users' edits.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager

# HJ 212-2017 数据段结构组成表: MN is up to 24 characters, PW up to 9 (six digits by default).
mn_validator = RegexValidator(r"^[0-9A-Za-z]{1,24}$", _("An MN is 1 to 24 letters or digits."))
password_validator = RegexValidator(r"^[0-9A-Za-z]{1,9}$", _("A PW is 1 to 9 letters or digits."))
sm4_key_validator = RegexValidator(
    r"^([0-9A-Fa-f]{32})?$", _("An SM4 key is 32 hexadecimal digits (16 bytes).")
)

# HJ 212-2017 系统编码表: two digits (three allowed for extensions).
st_validator = RegexValidator(
    r"^\d{2,3}$", _("An ST is two or three digits, e.g. 22 for ambient air or 31 for flue gas.")
)

OFFLINE_AFTER_MISSED_INTERVALS = 3  # specs/hj212.md: offline after 3 missed intervals
SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 86400


class Device(models.Model):
    class Kind(models.TextChoices):
        AIR_STATION = "air_station", _("air-quality station")
        MICRO_STATION = "micro_station", _("air micro-station")
        POWER_METER = "power_meter", _("power meter of a pollution-control facility")
        FLUE_GAS = "flue_gas", _("flue-gas CEMS")
        WATER = "water", _("water-quality station")
        VOCS = "vocs", _("VOCs monitor")
        OTHER = "other", _("other device")

    class CaptureCommand(models.TextChoices):
        REALTIME = "2011", _("real-time data (2011)")
        MINUTE = "2051", _("minute data (2051)")
        HOURLY = "2061", _("hourly data (2061)")
        DAILY = "2031", _("daily data (2031)")

    mn = models.CharField(
        _("MN"),
        max_length=24,
        unique=True,
        validators=[mn_validator],
        help_text=_("The device's unique identifier (MN) as it sends it."),
    )
    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        "core.Organization", models.PROTECT, related_name="hj212_devices", verbose_name=_("owner")
    )
    kind = models.CharField(_("device kind"), max_length=20, choices=Kind.choices, default=Kind.AIR_STATION)
    st = models.CharField(
        _("system code (ST)"),
        validators=[st_validator],
        max_length=3,
        default="22",
        help_text=_("22 ambient air, 31 flue gas, 32 wastewater, 27 VOCs …"),
    )
    measures = models.CharField(
        _("monitored object"),
        max_length=200,
        blank=True,
        help_text=_("The station or the facility whose electricity the meter measures."),
    )
    password = models.CharField(_("access password (PW)"), max_length=9, validators=[password_validator])
    sm4_key = models.CharField(
        _("SM4 key"),
        max_length=32,
        blank=True,
        validators=[sm4_key_validator],
        help_text=_("HJ 212-2025 devices that encrypt CP: 32 hexadecimal digits."),
    )
    capture_cn = models.CharField(
        _("data counted for capture"),
        max_length=4,
        choices=CaptureCommand.choices,
        default=CaptureCommand.MINUTE,
    )
    interval = models.PositiveIntegerField(
        _("expected interval (s)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(SECONDS_PER_DAY)],
        help_text=_("How often the counted data is expected, in seconds."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Packets of an inactive device are rejected.")
    )
    last_seen_at = models.DateTimeField(_("last packet"), null=True, blank=True, editable=False)
    last_cn = models.CharField(_("last command"), max_length=4, blank=True, editable=False)
    last_peer = models.CharField(_("last address"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "organization"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("HJ 212 device")
        verbose_name_plural = _("HJ 212 devices")
        ordering = ("mn",)

    def __str__(self):
        return f"{self.name} ({self.mn})"

    def get_absolute_url(self):
        return reverse("hj212:device_detail", args=[self.pk])

    def clean(self):
        # HJ 212-2017 命令编码表: 2061 are hourly and 2031 daily values; minute data come every
        # MinInterval minutes (1063/1064 set it in minutes).
        interval, capture = self.interval, self.capture_cn
        if not interval:
            return
        if capture == self.CaptureCommand.HOURLY and interval != SECONDS_PER_HOUR:
            message = _("Hourly data (2061) come once an hour: the interval is 3600 seconds.")
        elif capture == self.CaptureCommand.DAILY and interval != SECONDS_PER_DAY:
            message = _("Daily data (2031) come once a day: the interval is 86400 seconds.")
        elif capture == self.CaptureCommand.MINUTE and interval % 60:
            message = _(
                "Minute data (2051) come every whole number of minutes: use a multiple of 60 seconds."
            )
        else:
            return
        raise ValidationError({"interval": message})

    @property
    def offline_after(self) -> timedelta:
        return timedelta(seconds=self.interval * OFFLINE_AFTER_MISSED_INTERVALS)

    def is_online(self, now=None) -> bool:
        if self.last_seen_at is None:
            return False
        return (now or timezone.now()) - self.last_seen_at <= self.offline_after

    @property
    def expected_per_day(self) -> int:
        return max(1, 86400 // self.interval)


class RawPacket(models.Model):
    """Every accepted packet as it arrived, for audit and replay; stored once per MN + QN + CN."""

    received_at = models.DateTimeField(_("received at"))
    # PROTECT: a device with data is deactivated, not deleted (its measurements hang on these rows).
    # Django enforces it; the database does not: its per-row check, which also locks the device row,
    # cost PostgreSQL a fifth of the time it spends storing the packet. The gateway takes device ids only
    # from the registry.
    device = models.ForeignKey(
        Device,
        models.PROTECT,
        related_name="packets",
        verbose_name=_("device"),
        db_index=False,  # the (device, received_at) index serves
        db_constraint=False,
    )
    mn = models.CharField(_("MN"), max_length=24)
    # QN, or for HJ/T 212-2005 packets without one "DT" + DataTime: the duplicate key with MN and CN.
    qn = models.CharField(_("QN"), max_length=32)
    cn = models.CharField(_("command (CN)"), max_length=4)
    st = models.CharField(_("system code (ST)"), max_length=3, blank=True)
    data_time = models.DateTimeField(_("data time"), null=True, blank=True)
    resent = models.BooleanField(_("re-sent (RF=1)"), default=False)
    frame = models.BinaryField(_("frame"))
    peer = models.CharField(_("address"), max_length=64, blank=True)
    gateway = models.CharField(_("gateway"), max_length=64, blank=True)
    deviations = models.TextField(
        _("deviations"),
        blank=True,
        help_text=_("What lenient decoding accepted that the standard does not allow."),
    )

    scope_path = "device__organization"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("received packet")
        verbose_name_plural = _("received packets")
        constraints = [models.UniqueConstraint(fields=["mn", "qn", "cn"], name="hj212_rawpacket_once")]
        indexes = [
            models.Index(fields=["device", "received_at"], name="hj212_raw_device_received"),
            models.Index(fields=["device", "cn", "data_time"], name="hj212_raw_device_cn_time"),
        ]

    def __str__(self):
        return f"{self.mn} {self.cn} {self.qn}"

    def get_absolute_url(self):
        return reverse("hj212:rawpacket_detail", args=[self.pk])

    @property
    def text(self) -> str:
        return bytes(self.frame).decode("utf-8", errors="replace")


class Measurement(models.Model):
    """The long time-series table: one value of one code of one kind at one data time."""

    pk = models.CompositePrimaryKey("device_id", "time", "cn", "code", "kind")
    # No foreign-key constraint and no index of its own: checking and indexing tens of thousands of rows
    # a second costs more than the write itself. Rows only come from stored packets, whose device is
    # protected from deletion, and the primary key leads with the device.
    device = models.ForeignKey(
        Device,
        models.DO_NOTHING,
        related_name="+",
        verbose_name=_("device"),
        db_constraint=False,
        db_index=False,
    )
    time = models.DateTimeField(_("data time"))
    cn = models.CharField(_("data type (CN)"), max_length=4)
    code = models.CharField(_("code"), max_length=16)
    kind = models.CharField(_("value kind"), max_length=8)  # Rtd, Avg, Min, Max, Cou, ZsRtd …
    value = models.FloatField(_("value"), null=True)
    flag = models.CharField(_("data flag"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.code}-{self.kind}={self.value} @ {self.time:%Y-%m-%d %H:%M:%S}"


class RejectedPacket(models.Model):
    """A frame the gateway refused, with the reason shown to operators and device vendors."""

    received_at = models.DateTimeField(_("received at"))
    device = models.ForeignKey(
        Device, models.SET_NULL, null=True, blank=True, related_name="rejections", verbose_name=_("device")
    )
    mn = models.CharField(_("MN"), max_length=24, blank=True)
    reason = models.TextField(_("reason"))
    qn_rtn = models.PositiveSmallIntegerField(_("QnRtn"), null=True, blank=True)
    frame = models.BinaryField(_("frame"))
    peer = models.CharField(_("address"), max_length=64, blank=True)
    gateway = models.CharField(_("gateway"), max_length=64, blank=True)

    # Frames from unknown devices belong to nobody: only platform-wide users see them.
    scope_path = "device__organization"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("rejected packet")
        verbose_name_plural = _("rejected packets")
        indexes = [models.Index(fields=["received_at"], name="hj212_rejected_received")]

    def __str__(self):
        return f"{self.mn or '?'} {self.received_at:%Y-%m-%d %H:%M:%S}"

    def get_absolute_url(self):
        return reverse("hj212:rejectedpacket_detail", args=[self.pk])

    @property
    def text(self) -> str:
        return bytes(self.frame).decode("utf-8", errors="replace")
