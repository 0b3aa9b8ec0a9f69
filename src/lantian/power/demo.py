"""The power demo: invented enterprises in the demo city's districts with facilities, meters and
minute data ending now, in which every alarm kind and every data-check finding occurs.

``LANTIAN_DEMO_SCALE``: "full" — 200 enterprises and a week of minute data; "small" — the three core
demo enterprises and three more, six hours. The data are generated with numpy and written in bulk;
the roll-ups, the rules and the checks then run as the periodic jobs would. Idempotent: once the
demo's enterprises have their power profiles nothing is built again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lantian.core.demo import credit_code, demo_organization
from lantian.core.models import Organization, OrganizationLink
from lantian.hj212.models import Device
from lantian.power import alarms, checks, ingest, partitions
from lantian.power.models import (
    AlarmEvent,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
    Watermark,
)
from lantian.power.sql import db_time, is_postgres

Kind = MonitoringPoint.Kind
DISTRICTS = (("610323", "county"), ("610303", "city"), ("610302", "city"))
INDUSTRIES = (
    ("化学原料和化学制品制造业", "2614", "化工"),
    ("非金属矿物制品业", "3011", "建材"),
    ("金属制品业", "3360", "金属"),
    ("橡胶和塑料制品业", "2927", "塑胶"),
    ("家具制造业", "2110", "家具"),
    ("印刷和记录媒介复制业", "2319", "印务"),
)
FIRST_NAMES = "秦岭渭水周原岐山凤鸣太白陈仓五丈蔡家眉坞麟游扶风千阳法门金渠青化益店龙泉"
PRODUCTION_NAMES = ("喷涂线", "烘干炉", "反应釜", "破碎机", "搅拌站", "注塑机")
TREATMENT_NAMES = ("活性炭吸附装置", "布袋除尘器", "RTO 焚烧炉", "喷淋塔", "UV 光解装置", "静电除尘器")
SCENARIOS = ("treatment_stopped", "late_start", "early_stop", "idling", "night_stop")
CHECK_OFFENDERS = (
    "no_points", "no_total_meter", "production_without_meter", "treatment_without_meter",
    "facility_without_threshold", "small_category_missing", "credit_code_empty", "no_data_since_networked",
    "negative_energy", "negative_power", "constant_power", "energy_over_max_load", "energy_abnormally_large",
    "sub_meters_exceed_total",
)  # fmt: skip


@dataclass
class Series:
    """The minute series of a demo: point ids and their power and energy, (points × minutes)."""

    start: datetime.datetime
    minutes: int
    points: list = field(default_factory=list)
    power: list = field(default_factory=list)
    energy: list = field(default_factory=list)
    check_minute: int = 0  # a minute of the day the checks run for: planted anomalies go there

    def add(self, point, power, energy_start=1000.0, jump=0.0):
        energy = energy_start + np.cumsum(np.maximum(power, 0)) / 60
        energy[self.check_minute :] += jump
        self.points.append(point.pk)
        self.power.append(np.round(power, 3))
        self.energy.append(np.round(energy, 3))


def _scale() -> tuple[int, int]:
    """(invented enterprises, minutes of data)."""
    if getattr(settings, "LANTIAN_DEMO_SCALE", "full") == "small":
        return 3, 6 * 60
    return 197, 7 * 1440


def _enterprises(count: int) -> list[Organization]:
    core = list(
        Organization.objects.filter(
            name__in=["渭川宏远化工有限公司", "渭川金泰石化有限公司", "渭川市秦岭热电有限责任公司"]
        )
    )
    parents = {
        "city": Organization.objects.get(name="渭川市生态环境局"),
        "county": Organization.objects.get(name="渭川市生态环境局岐阳分局"),
    }
    vendor = Organization.objects.filter(kind=Organization.Kind.VENDOR).first()
    invented = []
    for n in range(1, count + 1):
        division, parent = DISTRICTS[n % len(DISTRICTS)]
        industry = INDUSTRIES[n % len(INDUSTRIES)]
        prefix = FIRST_NAMES[(n * 2) % len(FIRST_NAMES)] + FIRST_NAMES[(n * 2 + 1) % len(FIRST_NAMES)]
        name = f"渭川{prefix}{industry[2]}有限公司（用电{n:03d}）"
        invented.append(
            demo_organization(
                name,
                Organization.Kind.ENTERPRISE,
                parents[parent],
                division,
                credit_code=credit_code(division, f"MP{n:07d}"),
                address=f"渭川市{prefix}工业园 {n} 号",
            )
        )
        if vendor is not None and n % 4 == 0:
            OrganizationLink.objects.get_or_create(provider=vendor, client=invented[-1])
    return core + invented


def _daily_pattern(series: Series, rated: float, day_on=480, day_off=1080, lead=0) -> np.ndarray:
    """Power of a day-shift facility: on between ``day_on`` − lead and ``day_off`` + lead, local time."""
    local = timezone.localtime(series.start)
    minute = (local.hour * 60 + local.minute + np.arange(series.minutes)) % 1440
    on = (minute >= day_on - lead) & (minute < day_off + lead)
    rng = np.random.default_rng(int(rated * 1000) % 9973 + lead)
    noise = 1 + 0.08 * rng.standard_normal(series.minutes)
    return np.where(on, 0.6 * rated * noise, 0.03 * rated * np.abs(noise))


def _window(series: Series, fraction: float, length: int) -> slice:
    start = int(series.minutes * fraction)
    return slice(start, min(start + length, series.minutes))


def _apply_scenario(
    kind: str, series: Series, production: np.ndarray, treatment: np.ndarray, rated_p, rated_t
):
    """Overwrite part of a pair's series so that the rule of ``kind`` fires once (thresholds are
    0.2 × rated power)."""
    on, off = 0.6 * rated_p, 0.02 * rated_p
    run, stop, idle = 0.6 * rated_t, 0.02 * rated_t, 0.25 * rated_t
    if kind == "night_stop":
        local = timezone.localtime(series.start)
        first = (24 * 60 - (local.hour * 60 + local.minute) + 6 * 60) % 1440  # the first 06:00
        if first + 1440 > series.minutes:
            return
        day = slice(first, first + 16 * 60)
        night = slice(first + 16 * 60, first + 1440)
        production[day.start : night.stop] = on
        treatment[day] = run
        treatment[night] = 0.15 * run
        return
    window = _window(series, 0.45, 150)
    a = window.start
    production[a - 30 : a + 150] = on
    treatment[a - 30 : a + 150] = run
    if kind == "treatment_stopped":
        treatment[a + 20 : a + 80] = stop
    elif kind == "late_start":
        production[a - 30 : a] = off
        treatment[a - 30 : a + 25] = stop
    elif kind == "early_stop":
        production[a + 120 : a + 150] = off
        treatment[a + 100 : a + 150] = stop
    elif kind == "idling":
        treatment[a + 10 : a + 100] = idle


def _device(enterprise, mn: str) -> Device:
    device, _created = Device.objects.get_or_create(
        mn=mn,
        defaults={"name": f"{enterprise.name[:80]} 电表", "organization": enterprise,
                  "kind": Device.Kind.POWER_METER,
                  "st": "31", "password": "123456", "interval": 60},
    )  # fmt: skip
    return device


def _point(
    enterprise, code, kind, facility, rated, networked, threshold=True, device=True
) -> MonitoringPoint:
    point = MonitoringPoint.objects.create(
        enterprise=enterprise,
        code=code,
        name=f"{facility.name if facility else '总'}电表",
        kind=kind,
        production_facility=facility if kind == Kind.PRODUCTION else None,
        treatment_facility=facility if kind == Kind.TREATMENT else None,
        device=_device(enterprise, f"WCP{enterprise.pk:05d}{code[-2:]}") if device else None,
        rated_power_kw=rated,
        networked_on=networked,
    )
    if threshold and kind != Kind.TOTAL:
        RunningThreshold.objects.create(
            point=point,
            valid_from=timezone.make_aware(datetime.datetime.combine(networked, datetime.time())),
            threshold_kw=round(0.2 * rated, 1),
        )  # fmt: skip
    return point


def _plant(enterprise, index: int, series: Series, scenario: str | None, offender: str | None):
    industry = INDUSTRIES[index % len(INDUSTRIES)]
    PowerProfile.objects.create(
        enterprise=enterprise,
        credit_code="" if offender == "credit_code_empty" else enterprise.credit_code,
        industry=industry[0],
        industry_small_category="" if offender == "small_category_missing" else industry[1],
        address=enterprise.address,
        longitude=enterprise.longitude,
        latitude=enterprise.latitude,
    )
    if offender == "no_points":
        return
    networked = timezone.localdate(series.start) - datetime.timedelta(days=30)
    rated_p, rated_t = 40.0 + (index % 7) * 15, 20.0 + (index % 5) * 8
    production = ProductionFacility.objects.create(
        enterprise=enterprise, code="SC01", name=PRODUCTION_NAMES[index % 6]
    )
    treatment = TreatmentFacility.objects.create(
        enterprise=enterprise, code="ZW01", name=TREATMENT_NAMES[index % 6]
    )
    treatment.serves.set([production])
    p_point = _point(enterprise, "DB01", Kind.PRODUCTION, production, rated_p, networked,
                     threshold=offender != "facility_without_threshold")  # fmt: skip
    t_point = _point(enterprise, "DB02", Kind.TREATMENT, treatment, rated_t, networked)
    p_power = _daily_pattern(series, rated_p)
    t_power = _daily_pattern(series, rated_t, lead=10)
    if scenario and offender not in ("no_points", "facility_without_threshold", "constant_power"):
        _apply_scenario(scenario, series, p_power, t_power, rated_p, rated_t)
    total_power = p_power + t_power + 12.0
    # a register that jumps by 1.5 h at rated power on a day the facility barely ran
    jumps = {"energy_over_max_load": 1.5 * rated_p}
    if offender == "energy_over_max_load":
        p_power = 0.05 * rated_p * (1 + 0.1 * np.sin(np.arange(series.minutes) / 30))
        total_power = p_power + t_power + 12.0
    if offender == "energy_abnormally_large":
        MonitoringPoint.objects.filter(pk=p_point.pk).update(rated_power_kw=rated_p / 20)
    if offender == "constant_power":
        t_power = np.full(series.minutes, 0.5 * rated_t)
        total_power = p_power + t_power + 12.0
    if offender == "negative_power":
        p_power[series.check_minute] = -2.0
    series.add(
        p_point, p_power, -5000.0 if offender == "negative_energy" else 1000.0, jumps.get(offender, 0.0)
    )
    series.add(t_point, t_power)
    if offender != "no_total_meter":
        total = _point(enterprise, "DB00", Kind.TOTAL, None, 3 * (rated_p + rated_t), networked)
        if offender == "sub_meters_exceed_total":
            series.add(total, total_power * 0.2)
        else:
            series.add(total, total_power, 50000.0, jumps.get(offender, 0.0))
    if offender == "production_without_meter":
        ProductionFacility.objects.create(enterprise=enterprise, code="SC09", name="备用产线")
    if offender == "treatment_without_meter":
        TreatmentFacility.objects.create(enterprise=enterprise, code="ZW09", name="备用治理设施")
    if offender == "no_data_since_networked":
        _point(enterprise, "DB09", Kind.PRODUCTION, production, rated_p, networked)


def _write(series: Series) -> int:
    """All readings at once: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    times = [series.start + datetime.timedelta(minutes=i) for i in range(series.minutes)]
    partitions.ensure_months(timezone.localdate(times[0]), timezone.localdate(times[-1]))
    with connection.cursor() as cursor:
        if is_postgres():
            with cursor.cursor.copy(
                "COPY power_reading (point_id, time, power_kw, energy_kwh) FROM STDIN"
            ) as copy:
                for point, power, energy in zip(series.points, series.power, series.energy, strict=True):
                    for time, p, e in zip(times, power.tolist(), energy.tolist(), strict=True):
                        copy.write_row((point, time, p, e))
        else:
            stamps = [db_time(t) for t in times]
            for point, power, energy in zip(series.points, series.power, series.energy, strict=True):
                cursor.executemany(
                    "INSERT INTO power_reading (point_id, time, power_kw, energy_kwh) "
                    "VALUES (%s, %s, %s, %s)",
                    [
                        (point, s, p, e)
                        for s, p, e in zip(stamps, power.tolist(), energy.tolist(), strict=True)
                    ],
                )
    return len(series.points) * series.minutes


def build_demo() -> list[str]:
    invented, minutes = _scale()
    if PowerProfile.objects.filter(enterprise__name="渭川宏远化工有限公司").exists():
        return ["power: demo already loaded"]
    end = timezone.now().replace(second=0, microsecond=0)
    series = Series(end - datetime.timedelta(minutes=minutes), minutes)
    day = timezone.localdate(end) - datetime.timedelta(days=1 if minutes >= 1440 else 0)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    series.check_minute = max(0, min(minutes - 1, int((noon - series.start).total_seconds() // 60)))
    with transaction.atomic(), disable_auditlog():
        enterprises = _enterprises(invented)
        offenders = dict(zip(range(len(enterprises) - 1, -1, -1), CHECK_OFFENDERS, strict=False))
        scenario_of = {i: SCENARIOS[i % len(SCENARIOS)] for i in range(min(len(enterprises), 40))}
        for index, enterprise in enumerate(enterprises):
            offender = offenders.get(index)
            _plant(enterprise, index, series, scenario_of.get(index), offender)
        readings = _write(series)
        ingest.mark_dirty(series.start)
        ingest.rollup()
        ingest.analyze()
        Watermark.objects.update_or_create(name="alarms", defaults={"time": series.start, "state": {}})
        alarms.evaluate(until=end)
        checks.run_checks(day)
        _close_some_events()
    return [
        f"power: {len(enterprises)} enterprises, {len(series.points)} metered points, {readings} readings, "
        f"{AlarmEvent.objects.count()} alarm events"
    ]


def _close_some_events() -> None:
    """Show every state of the closure: some events explained, verified and rejected."""
    events = list(AlarmEvent.objects.order_by("start"))
    events = events[: min(len(events) // 2, 8)]
    now = timezone.now()
    for event, status in zip(events, ("explained", "verified", "rejected", "explained"), strict=False):
        event.status = status
        event.explanation = "风机检修，已向分局报备。"
        event.explained_at = now
        if status in ("verified", "rejected"):
            event.decision = "情况属实。" if status == "verified" else "未见检修记录，请补充。"
            event.decided_at = now
        event.save()
