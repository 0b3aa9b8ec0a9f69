"""The spec's examples as data (Chinese, as the contracts word them): the severity levels of two real
contracts and the Renhe assessment scheme."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

H = 60  # minutes in an hour


@dataclass(frozen=True)
class SlaTemplate:
    label: str
    levels: tuple[
        tuple[int, str, int, int | None, int | None, str], ...
    ]  # rank, name, own, restore, resolve, text


SLA_TEMPLATES = {
    # Xi'an: critical respond at once, restore within 40 min (not hardware), resolve within 24 h; serious
    # 30 min / 24 h; medium 30 min / 12 h; minor 30 min / 6 h.
    "xian": SlaTemplate(
        _("four levels (critical, serious, medium, minor)"),
        (
            (1, "特急", 0, 40, 24 * H, "立即响应，40 分钟内恢复（非硬件故障），24 小时内解决"),
            (2, "严重", 30, None, 24 * H, ""),
            (3, "一般", 30, None, 12 * H, ""),
            (4, "轻微", 30, None, 6 * H, ""),
        ),
    ),
    # Renhe: level 1 in real time, level 2 within 5 minutes, level 3 within 10 minutes (response).
    "renhe": SlaTemplate(
        _("three levels (real time, 5 minutes, 10 minutes)"),
        (
            (1, "一级", 0, None, None, "实时响应"),
            (2, "二级", 5, None, None, ""),
            (3, "三级", 10, None, None, ""),
        ),
    ),
}


def apply_sla_template(contract, key: str) -> None:
    """Give ``contract`` the template's levels (ranks it has already stay as they are)."""
    from lantian.ops.models import SeverityLevel

    template = SLA_TEMPLATES[key]
    present = set(contract.levels.values_list("rank", flat=True))
    SeverityLevel.objects.bulk_create(
        SeverityLevel(
            contract=contract,
            rank=rank,
            name=name,
            own_minutes=own,
            restore_minutes=restore,
            resolve_minutes=resolve,
            description=text,
        )
        for rank, name, own, restore, resolve, text in template.levels
        if rank not in present
    )


# The Renhe scheme: 100 points = attendance 10, inspections 10, case reporting 10, fault response 10,
# information security 10, data backup 10, complaints 10, work reports 5, information leaks 10,
# safety incidents 10, conduct 5. Deductions per event; an information leak zeroes the month.
RENHE_NAME = "仁和运维月度考核（百分制）"
RENHE_RULES = (
    # category, points, event, deduction, zeroes
    ("考勤", 10, "absence", 1, False),
    ("巡检", 10, "missed_inspection", 1, False),
    ("巡检", 10, "failed_item", Decimal("0.5"), False),
    ("案件上报", 10, "late_incident_report", 2, False),
    ("故障响应", 10, "sla_breach", 2, False),
    ("信息安全", 10, "security_event", 5, False),
    ("数据备份", 10, "backup_missing", 2, False),
    ("数据备份", 10, "restore_impossible", 5, False),
    ("投诉", 10, "complaint", 2, False),
    ("工作报告", 5, "late_work_report", 2, False),
    ("信息泄露", 10, "data_leak", 10, True),
    ("安全事故", 10, "manual", 10, False),
    ("工作作风", 5, "manual", 1, False),  # judged by the client
)


def seed_renhe_scheme(scheme_model=None, rule_model=None):
    """The Renhe scheme (idempotent: an existing scheme of that name is returned as it is). Takes the
    models so that the data migration can pass its historical ones."""
    if scheme_model is None:
        from lantian.ops.models import AssessmentRule as rule_model
        from lantian.ops.models import AssessmentScheme as scheme_model

    with transaction.atomic():
        scheme, created = scheme_model.objects.get_or_create(name=RENHE_NAME)
        if created:
            rule_model.objects.bulk_create(
                rule_model(
                    scheme=scheme,
                    category=category,
                    points=points,
                    event=event,
                    deduction=deduction,
                    zeroes_month=zeroes,
                    order=order,
                )
                for order, (category, points, event, deduction, zeroes) in enumerate(RENHE_RULES)
            )
    return scheme
