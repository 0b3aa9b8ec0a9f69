"""Demo filings: the two agencies the core demo links to enterprises have approved filings; a third
agency has submitted its filing and waits for the bureau's review. Idempotent: an agency that has a
filing already is left as it is.

The filings go through the real review actions (submit by the agency's account, approve by the
bureau's), so the history, the archive and the to-do centre show what they would in use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lantian.agencies.models import (
    AgencyFiling,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.agencies.standards import id_check_character
from lantian.core import review
from lantian.core.demo import DEMO_PASSWORD, _upsert, credit_code
from lantian.core.models import Division, Organization, Role, User


def _id(address: str, born: str, sequence: str) -> str:
    first17 = f"{address}{born}{sequence}"
    return first17 + id_check_character(first17)


@dataclass(frozen=True)
class DemoFiling:
    agency: str
    account: tuple[str, str]  # username, name of the agency's administrator
    legal_representative: str
    capital: str
    scope: str
    laboratory: str
    cma: str
    cma_years: int
    introduction: str
    staff: tuple = ()  # name, gender, id, position, title, certificate, number, years valid
    instruments: tuple = ()  # name, model, serial, detector, certificate, months until due
    documents: tuple = ()  # kind, title, number, issuer, issued (years ago), valid (years ahead)
    training: tuple = ()  # days ago, topic, trainer, hours, participants
    approve: bool = True
    extra: dict = field(default_factory=dict)


CREDIT_CODE = object()  # a document numbered with the agency's credit code (its business licence)
SCOPE = ("环境监测；挥发性有机物泄漏检测与修复（LDAR）技术服务；环境空气、废气、水和废水、噪声检测；"
         "环保技术咨询服务。")  # fmt: skip

FILINGS = (
    DemoFiling(
        "渭川华测环境检测有限公司", ("agency", "孙丽娟"), "孙建华", "1000", SCOPE,
        "渭川市渭滨区高新二路 16 号检测楼 3 层", "221612050317", 2,
        "成立于 2012 年，具备检验检测机构资质认定（CMA）证书，在岐阳县、渭滨区开展石化、化工企业 LDAR "
        "检测服务，年检测密封点 60 万余个。",
        staff=(
            ("张伟", "male", _id("610302", "19880612", "031"), "检测员", "工程师", "LDAR检测员证",
             "SXLDAR-2023-0145", 2),
            ("李娜", "female", _id("610303", "19850923", "042"), "技术负责人", "高级工程师", "环境监测上岗证",
             "SXHJ-2022-1187", 1),
            ("刘洋", "male", _id("610304", "19940317", "015"), "检测员", "助理工程师", "LDAR检测员证",
             "SXLDAR-2024-0362", 3),
            ("王芳", "female", _id("610302", "19900208", "026"), "质量负责人", "工程师", "内审员证",
             "NSY-2023-0578", 2),
        ),
        instruments=(
            ("便携式有机气体分析仪", "Thermo TVA2020", "TVA2020-1045223", "fid", "JZ2026-0312", 7),
            ("便携式有机气体分析仪", "Thermo TVA2020", "TVA2020-1045391", "fid", "JZ2026-0313", 7),
            ("便携式 VOCs 检测仪", "Honeywell ppbRAE 3000", "592-918246", "pid", "JZ2026-0527", 5),
            ("红外成像检漏仪", "FLIR GF320", "44102871", "other", "JZ2026-0611", 10),
        ),
        documents=(
            ("licence", "营业执照（副本）", CREDIT_CODE, "渭川市市场监督管理局", 6, None),
            ("cma", "检验检测机构资质认定证书", "221612050317", "陕西省市场监督管理局", 1, 2),
        ),
        training=(
            (40, "HJ 733-2014《泄漏和敞开液面排放的挥发性有机物检测技术导则》操作培训", "李娜", "6",
             "张伟、刘洋、王芳"),
            (120, "GB 37822-2019《挥发性有机物无组织排放控制标准》宣贯", "孙建华", "4",
             "张伟、李娜、刘洋、王芳"),
        ),
    ),
    DemoFiling(
        "陕西清源检测技术有限公司", ("agency2", "陈立新"), "陈立新", "600", SCOPE,
        "渭川市金台区宝光路 45 号实验楼", "231612050846", 3,
        "专业从事 LDAR 检测与环境检测，服务热电、化工企业，配备 FID 检测仪 3 台、PID 检测仪 1 台。",
        staff=(
            ("赵磊", "male", _id("610303", "19910705", "057"), "检测员", "工程师", "LDAR检测员证",
             "SXLDAR-2023-0219", 2),
            ("周婷", "female", _id("610303", "19930114", "068"), "技术负责人", "工程师", "环境监测上岗证",
             "SXHJ-2023-0932", 2),
            ("孙浩", "male", _id("610302", "19960830", "079"), "检测员", "助理工程师", "LDAR检测员证",
             "SXLDAR-2025-0048", 3),
        ),
        instruments=(
            ("便携式有机气体分析仪", "LDARtools phx21", "PHX21-3021", "fid", "JZ2026-0415", 6),
            ("便携式有机气体分析仪", "Thermo TVA2020", "TVA2020-1051176", "fid", "JZ2026-0416", 6),
            ("便携式 VOCs 检测仪", "Honeywell MiniRAE 3000", "592-903317", "pid", "JZ2026-0702", 8),
        ),
        documents=(
            ("licence", "营业执照（副本）", CREDIT_CODE, "渭川市市场监督管理局", 4, None),
            ("cma", "检验检测机构资质认定证书", "231612050846", "陕西省市场监督管理局", 0, 3),
        ),
        training=((60, "LDAR 现场检测安全与质量控制培训", "周婷", "4", "赵磊、孙浩"),),
    ),
    DemoFiling(
        "渭川绿源环境监测有限公司", ("agency3", "马晓峰"), "马晓峰", "300", SCOPE,
        "渭川市陈仓区虢镇工业园 8 号", "251612050975", 5,
        "2025 年新设立的检测机构，申请开展 LDAR 检测服务。",
        staff=(
            ("马晓峰", "male", _id("610304", "19870419", "081"), "技术负责人", "高级工程师", "LDAR检测员证",
             "SXLDAR-2025-0311", 3),
            ("杨静", "female", _id("610304", "19950622", "092"), "检测员", "助理工程师", "LDAR检测员证",
             "SXLDAR-2025-0312", 3),
        ),
        instruments=(
            ("便携式有机气体分析仪", "Thermo TVA2020", "TVA2020-1060482", "fid", "JZ2026-0901", 10),
        ),
        documents=(("cma", "检验检测机构资质认定证书", "251612050975", "陕西省市场监督管理局", 0, 5),),
        approve=False,
        extra={"organization": ("610304", "MA6Y5G2H8", "渭川市陈仓区虢镇工业园 8 号", "0917-3688005",
                                "34.3583", "107.3721")},
    ),
)  # fmt: skip


def _years(today: datetime.date, years: int) -> datetime.date:
    return today.replace(year=today.year + years, day=min(today.day, 28))


def _months(today: datetime.date, months: int) -> datetime.date:
    month = today.month - 1 + months
    return datetime.date(today.year + month // 12, month % 12 + 1, min(today.day, 28))


def _agency(spec: DemoFiling, city: Organization) -> Organization:
    organization = Organization.objects.filter(name=spec.agency).first()
    if organization is not None or not spec.extra.get("organization"):
        return organization
    division, body, address, phone, lat, lng = spec.extra["organization"]
    return _upsert(
        Organization,
        {"name": spec.agency},
        {
            "kind": Organization.Kind.AGENCY, "parent": city, "short_name": "绿源监测",
            "division": Division.objects.get(code=division), "credit_code": credit_code(division, body),
            "address": address, "contact_person": spec.account[1], "contact_phone": phone,
            "latitude": Decimal(lat), "longitude": Decimal(lng),
        },
    )  # fmt: skip


def _account(spec: DemoFiling, agency: Organization) -> User:
    username, name = spec.account
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, name=name, organization=agency
        )
        user.roles.set([Role.objects.get(code="agency_admin")])
    return user


def _build(spec: DemoFiling, agency: Organization, today: datetime.date) -> AgencyFiling:
    filing = AgencyFiling.objects.create(
        agency=agency,
        legal_representative=spec.legal_representative,
        registered_capital=Decimal(spec.capital),
        business_scope=spec.scope,
        laboratory_address=spec.laboratory,
        cma_number=spec.cma,
        cma_valid_until=_years(today, spec.cma_years),
        contact_person=agency.contact_person or spec.account[1],
        contact_phone=agency.contact_phone,
        introduction=spec.introduction,
    )
    StaffMember.objects.bulk_create(
        StaffMember(
            filing=filing,
            name=name,
            gender=gender,
            id_number=number,
            position=position,
            title=title,
            certificate_name=certificate,
            certificate_number=certificate_number,
            certificate_valid_until=_years(today, years),
        )
        for name, gender, number, position, title, certificate, certificate_number, years in spec.staff
    )
    Instrument.objects.bulk_create(
        Instrument(
            filing=filing,
            name=name,
            model_number=model,
            serial_number=serial,
            detector_type=detector,
            calibration_certificate=certificate,
            calibration_due=_months(today, months),
        )
        for name, model, serial, detector, certificate, months in spec.instruments
    )
    QualificationDocument.objects.bulk_create(
        QualificationDocument(
            filing=filing,
            kind=kind,
            title=title,
            number=agency.credit_code if number is CREDIT_CODE else number,
            issuer=issuer,
            issued_on=_years(today, -issued),
            valid_until=_years(today, valid) if valid else None,
        )
        for kind, title, number, issuer, issued, valid in spec.documents
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            filing=filing,
            date=today - datetime.timedelta(days=days),
            topic=topic,
            trainer=trainer,
            hours=Decimal(hours),
            participants=participants,
        )
        for days, topic, trainer, hours, participants in spec.training
    )
    return filing


@transaction.atomic
def build_demo() -> list[str]:
    today = timezone.localdate()
    city = Organization.objects.get(name="渭川市生态环境局")
    bureau = User.objects.get(username="bureau")
    approved, waiting = [], []
    for spec in FILINGS:
        agency = _agency(spec, city)
        if agency is None or AgencyFiling.objects.filter(agency=agency).exists():
            continue
        user = _account(spec, agency)
        filing = _build(spec, agency, today)
        review.submit(filing, user)
        if spec.approve:
            review.approve(filing, bureau)
            approved.append(agency.name)
        else:
            waiting.append(f"{agency.name}（{user.username}）")
    lines = []
    if approved or waiting:
        lines.append(
            f"Agency accounts (password {DEMO_PASSWORD}): "
            + "、".join(f"{spec.account[0]}（{spec.agency}）" for spec in FILINGS)
        )
    if approved:
        lines.append(f"Agency filings approved: {'、'.join(approved)}")
    if waiting:
        lines.append(f"Agency filing awaiting the bureau's review: {'、'.join(waiting)}")
    return lines
