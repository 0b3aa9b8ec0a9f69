"""Builders of ops rows for tests (the conftest Tree: the vendor serves the city bureau)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from lantian.ops import models as m
from lantian.ops.seeds import apply_sla_template, seed_renhe_scheme

_numbers = itertools.count(1)


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def contract_of(tree, calendar=m.Contract.Calendar.ALWAYS, template="xian", number=None) -> m.Contract:
    number = number or "YW-2026-001"
    contract = m.Contract.objects.filter(number=number).first()
    if contract is not None:
        return contract
    contract = m.Contract.objects.create(
        name=f"运维合同{number}",
        number=number,
        client=tree.city,
        vendor=tree.vendor,
        systems="综合监管平台\n在线监控系统",
        on_site_staff="张伟\n李娜",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        amount=1_000_000,
        calendar=calendar,
        scheme=seed_renhe_scheme(),
    )
    apply_sla_template(contract, template)
    return contract


def incident_of(contract, rank=2, **fields) -> m.Incident:
    level = contract.levels.get(rank=rank)
    values = {"title": f"故障{next(_numbers)}", "reported_at": timezone.now() - timedelta(hours=1)} | fields
    return m.Incident.objects.create(contract=contract, severity=level, **values)


def backup_of(contract, **fields) -> m.BackupRun:
    values = {"system": "综合监管平台", "result": m.BackupRun.Result.SUCCEEDED, "size": 1024} | fields
    return m.BackupRun.objects.create(contract=contract, **values)


def drill_of(contract) -> m.RestoreDrill:
    return m.RestoreDrill.objects.create(backup=backup_of(contract), succeeded=True, duration_seconds=12)


def service_of(contract, **fields) -> m.MonitoredService:
    values = {
        "name": f"接口{next(_numbers)}",
        "kind": m.MonitoredService.Kind.TCP,
        "target": "127.0.0.1:9",
    } | fields
    return m.MonitoredService.objects.create(contract=contract, **values)


def window_of(contract) -> m.MaintenanceWindow:
    start = timezone.now().replace(microsecond=0)
    return m.MaintenanceWindow.objects.create(
        service=service_of(contract),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        reason="升级",
        approved=True,
    )


def template_of(contract, **fields) -> m.InspectionTemplate:
    values = {
        "name": f"应用巡检{next(_numbers)}",
        "kind": m.InspectionTemplate.Kind.APPLICATION,
        "frequency": m.InspectionTemplate.Frequency.DAILY,
        "due_time": time(8, 30),
        "items": "首页可访问\n登录正常\n数据接入正常",
    } | fields
    return m.InspectionTemplate.objects.create(contract=contract, **values)


def run_of(contract, due_on=None) -> m.InspectionRun:
    template = template_of(contract)
    return m.InspectionRun.objects.create(template=template, due_on=due_on or date(2026, 3, 2))


def assessment_of(contract, month=None) -> m.Assessment:
    month = month or date(2026, 3, 1)
    return m.Assessment.objects.get_or_create(contract=contract, month=month)[0]


def attendance_of(contract) -> m.Attendance:
    day = date(2026, 1, 1) + timedelta(days=next(_numbers))
    return m.Attendance.objects.create(contract=contract, person="张伟", date=day)


def staff_change_of(contract) -> m.StaffChange:
    return m.StaffChange.objects.create(contract=contract, leaving="李娜", joining="王强", reason="调岗")


def training_of(contract) -> m.Training:
    return m.Training.objects.create(
        contract=contract, date=date(2026, 3, 5), topic="等保培训", participants="张伟", hours=2
    )


def security_inspection_of(contract) -> m.SecurityInspection:
    return m.SecurityInspection.objects.create(
        contract=contract, date=date(2026, 3, 5), scope="服务器漏洞扫描"
    )


def security_event_of(contract) -> m.SecurityEvent:
    return m.SecurityEvent.objects.create(
        contract=contract,
        occurred_at=aware(2026, 3, 6, 10),
        kind=m.SecurityEvent.Kind.INTRUSION,
        description="端口扫描",
    )


def contact_of(contract, **fields) -> m.ContractContact:
    values = {"name": f"联系人{next(_numbers)}", "role": "信息中心", "phone": "029-88881234"} | fields
    return m.ContractContact.objects.create(contract=contract, **values)
