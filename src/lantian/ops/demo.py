"""The operations demo: two contracts of the demo vendor with the city bureau — a 24×7 platform contract
with four severity levels and an office-hours one with three and the Renhe scheme — and weeks of records
(three months at "full" scale, three weeks at "small"): incidents (some breached, one pending), daily
inspections with one missed, nightly backups with one failed, attendance with an absence, security
records, monitored services with their checks, and the monthly assessments proposed from all that.
Idempotent: a contract that exists is left as it is. Generated with one seeded random stream."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from lantian.core.demo import demo_account
from lantian.core.models import Organization
from lantian.ops import assessment
from lantian.ops import models as m
from lantian.ops.seeds import apply_sla_template, seed_renhe_scheme

STAFF = ("张伟", "李娜", "王强")
CONTRACTS = (
    # number, name, calendar, SLA template, systems
    (
        "WCHB-YW-2026-01",
        "渭川市生态环境综合监管平台运维服务",
        m.Contract.Calendar.ALWAYS,
        "xian",
        "综合监管平台\n在线监控数据传输系统\n机房服务器与网络",
    ),
    (
        "WCHB-YW-2026-02",
        "渭川市污染源在线监控系统运维服务",
        m.Contract.Calendar.OFFICE,
        "renhe",
        "污染源在线监控系统\n前置数据库\n数据交换接口",
    ),
)
INCIDENT_TITLES = ("数据接入中断", "页面响应缓慢", "服务器磁盘告警", "接口超时", "登录异常", "报表导出失败")
CAUSES = ("网络运营商线路故障", "数据库连接池耗尽", "日志未轮转导致磁盘占满", "第三方接口变更", "证书过期")


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _contract(vendor, client, number, name, calendar, template, systems, start, scheme):
    contract = m.Contract.objects.create(
        number=number,
        name=name,
        client=client,
        vendor=vendor,
        systems=systems,
        on_site_staff="\n".join(STAFF),
        contacts="生态环境局信息中心 029-8888 1234",
        starts_on=start,
        ends_on=date(start.year + 1, 12, 31),
        amount=1_200_000,
        calendar=calendar,
        scheme=scheme,
    )
    apply_sla_template(contract, template)
    # Told of escalations (no e-mail addresses: a demo has no mail server); shown on the incident pages.
    m.ContractContact.objects.bulk_create(
        [
            m.ContractContact(contract=contract, name="王建国", role="信息中心主任", phone="029-88881234"),
            m.ContractContact(
                contract=contract,
                name="刘敏",
                role="信息科科长",
                phone="029-88885678",
                escalate=m.ContractContact.Escalate.BREACH,
            ),
        ]
    )
    return contract


def _records(contract, start: date, today: date, rng: random.Random, ops_user) -> None:
    days = [start + timedelta(days=n) for n in range((today - start).days)]
    levels = list(contract.levels.all())
    # Backups every night; one failed in the middle of the period.
    failed_day = days[len(days) // 2]
    m.BackupRun.objects.bulk_create(
        m.BackupRun(
            contract=contract,
            system=contract.system_names[0],
            started_at=_aware(day, time(2, 0)),
            finished_at=_aware(day, time(2, 9)),
            result=m.BackupRun.Result.FAILED if day == failed_day else m.BackupRun.Result.SUCCEEDED,
            size=None if day == failed_day else rng.randint(800, 1200) * 1_048_576,
            checksum="" if day == failed_day else f"{rng.getrandbits(256):064x}",
            message="磁盘空间不足，备份中止" if day == failed_day else "",
        )
        for day in days
    )
    succeeded = m.BackupRun.objects.filter(contract=contract, result=m.BackupRun.Result.SUCCEEDED).first()
    m.RestoreDrill.objects.create(
        backup=succeeded,
        performed_at=succeeded.started_at + timedelta(days=1),
        succeeded=True,
        duration_seconds=420,
        notes="恢复到测试库并核对记录数",
    )
    # Attendance: every working day, one absence.
    workdays = [day for day in days if day.weekday() < 5]
    absent = workdays[len(workdays) // 3]
    m.Attendance.objects.bulk_create(
        m.Attendance(
            contract=contract,
            person=person,
            date=day,
            status=m.Attendance.Status.ABSENT if (day, person) == (absent, STAFF[1]) else "present",
        )
        for day in workdays
        for person in STAFF
    )
    # Inspections: a daily application checklist and a weekly server one; runs done, one missed.
    daily = m.InspectionTemplate.objects.create(
        contract=contract,
        name="应用系统日巡检",
        kind=m.InspectionTemplate.Kind.APPLICATION,
        frequency=m.InspectionTemplate.Frequency.DAILY,
        due_time=time(8, 30),
        items="平台首页可访问\n登录与权限正常\n数据接入率不低于95%\n定时任务运行正常\n错误日志无新增异常",
    )
    m.InspectionTemplate.objects.create(
        contract=contract,
        name="服务器周巡检",
        kind=m.InspectionTemplate.Kind.SERVER,
        frequency=m.InspectionTemplate.Frequency.WEEKLY,
        weekday=0,
        due_time=time(17, 0),
        items="CPU与内存使用率\n磁盘剩余空间\n系统补丁\n备份文件完整性",
    )
    missed_day = workdays[len(workdays) // 2]
    runs = m.InspectionRun.objects.bulk_create(
        m.InspectionRun(
            template=daily,
            due_on=day,
            status=m.InspectionRun.Status.MISSED if day == missed_day else m.InspectionRun.Status.DONE,
            performed_at=None if day == missed_day else _aware(day, time(8, rng.randint(0, 25))),
            performed_by=None if day == missed_day else ops_user,
        )
        for day in workdays
    )
    items = daily.item_list
    m.InspectionResult.objects.bulk_create(
        m.InspectionResult(
            run=run,
            position=index,
            item=item,
            passed=not (index == 2 and run_index % 9 == 4),
            note="接入率 91.3%，已通知设备运维" if index == 2 and run_index % 9 == 4 else "",
        )
        for run_index, run in enumerate(runs)
        if run.status == m.InspectionRun.Status.DONE
        for index, item in enumerate(items)
    )
    # Incidents: about two a week; every fourth responded late; the newest still open and pending.
    sampled = days[::3]
    for index, day in enumerate(sampled):
        level = levels[index % len(levels)]
        reported = _aware(day, time(rng.randint(9, 16), rng.randint(0, 59)))
        late = index % 4 == 1
        respond = reported + timedelta(
            minutes=(level.own_minutes or 1) * 3 if late else level.own_minutes * 0.5
        )
        incident = m.Incident(
            contract=contract,
            severity=level,
            title=INCIDENT_TITLES[index % len(INCIDENT_TITLES)],
            system=contract.system_names[index % len(contract.system_names)],
            reported_by="信息中心值班员",
            reported_at=reported,
            responded_at=respond,
            on_site_at=respond + timedelta(minutes=20),
        )
        if index < len(sampled) - 1:  # the newest stays open
            incident.restored_at = respond + timedelta(minutes=35)
            incident.resolved_at = respond + timedelta(hours=2)
            incident.root_cause = CAUSES[index % len(CAUSES)]
            incident.report_submitted_at = incident.resolved_at + timedelta(hours=30 if index % 5 == 2 else 6)
        incident.save()
    newest = (
        m.Incident.objects.filter(contract=contract, resolved_at__isnull=True)
        .order_by("-reported_at")
        .first()
    )
    if newest is not None:
        m.IncidentPause.objects.create(
            incident=newest,
            started_at=newest.responded_at + timedelta(minutes=5),
            reason="等待甲方提供数据库账号",
            paused_by=ops_user,
        )
        newest.save()
    # Staff and security records.
    m.StaffChange.objects.create(
        contract=contract,
        leaving=STAFF[2],
        joining="赵敏",
        reason="人员调岗",
        requested_on=days[-5],
        decision=m.StaffChange.Decision.REQUESTED,
    )
    m.Training.objects.create(
        contract=contract,
        date=days[5],
        topic="网络安全等级保护制度培训",
        participants="、".join(STAFF),
        hours=3,
    )
    for week_start in days[::7]:
        m.SecurityInspection.objects.create(
            contract=contract, date=week_start, scope="漏洞扫描与弱口令检查", findings="", passed=True
        )
    m.SecurityEvent.objects.create(
        contract=contract,
        occurred_at=_aware(days[len(days) // 4], time(3, 12)),
        kind=m.SecurityEvent.Kind.INTRUSION,
        description="境外IP端口扫描",
        handling="防火墙封禁来源地址",
        closed=True,
    )
    # Monitored services with a week of checks; one outage during approved maintenance, one outside.
    web = m.MonitoredService.objects.create(
        contract=contract,
        name=f"{contract.system_names[0]}门户",
        kind=m.MonitoredService.Kind.HTTP,
        target="http://127.0.0.1:8000/health/",
        threshold=5,
        severity=levels[-1],
    )
    m.MonitoredService.objects.create(
        contract=contract,
        name="设备在线率",
        kind=m.MonitoredService.Kind.HJ212,
        threshold=90,
        severity=levels[-1],
    )
    checks_from = max(start, today - timedelta(days=7))
    moments = [
        _aware(checks_from, time()) + timedelta(minutes=15 * n)
        for n in range(((today - checks_from).days) * 96)
    ]
    outage = len(moments) // 3
    m.CheckResult.objects.bulk_create(
        m.CheckResult(
            service=web,
            checked_at=moment,
            ok=not (outage <= n < outage + 4 or outage * 2 <= n < outage * 2 + 2),
            value=0.2,
            message="HTTP 200",
        )
        for n, moment in enumerate(moments)
    )
    if moments:
        m.MaintenanceWindow.objects.create(
            service=web,
            starts_at=moments[outage * 2] - timedelta(minutes=5),
            ends_at=moments[outage * 2] + timedelta(minutes=40),
            reason="数据库版本升级（甲方已批准）",
            approved=True,
        )
        m.MonitoredService.objects.filter(pk=web.pk).update(
            last_ok=True, last_checked_at=moments[-1], last_message="HTTP 200"
        )


def build_demo() -> list[str]:
    vendor = Organization.objects.get(name="渭川蓝盾环保科技有限公司")
    city = Organization.objects.get(name="渭川市生态环境局")
    from lantian.core.models import User

    ops_user = User.objects.filter(username="ops").first()
    lines = [demo_account("ops_lead", "周建国", city, "ops_supervisor")]
    if m.Contract.objects.filter(number=CONTRACTS[0][0]).exists():
        return lines
    today = timezone.localdate()
    weeks = 13 if getattr(settings, "LANTIAN_DEMO_SCALE", "full") == "full" else 3
    start = today - timedelta(weeks=weeks)
    scheme = seed_renhe_scheme()
    rng = random.Random(2026)
    for number, name, calendar, template, systems in CONTRACTS:
        contract = _contract(
            vendor, city, number, name, calendar, template, systems, start.replace(day=1), scheme
        )
        _records(contract, start, today, rng, ops_user)
        month = start.replace(day=1)
        while month <= today:
            assessment.propose(contract, month)
            month = (month + timedelta(days=32)).replace(day=1)
    lines.append(
        f"Operations: {len(CONTRACTS)} contracts, {m.Incident.objects.count()} incidents, "
        f"{m.InspectionRun.objects.count()} inspection runs, {m.BackupRun.objects.count()} backups"
    )
    return lines
