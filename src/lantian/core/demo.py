"""A believable small city for demonstrations and manual testing. Names are invented.

The city, 渭川市, does not exist; its organisations stand on real GB/T 2260 divisions so that every
code can be checked: those of 宝鸡市 (610300) and its districts and counties (``DIVISION_NOTE``).

Idempotent: every object is found by its natural key and only created or corrected when it
differs, so running it twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from lantian.core.models import Division, JournalEntry, Organization, OrganizationLink, Role, User
from lantian.core.standards import credit_code_check_digit

DEMO_PASSWORD = "Lantian@2026"  # demo only; listed in the README and printed by `make demo`

Kind = Organization.Kind


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    kind: str
    parent: str | None
    division: str
    short_name: str = ""
    org_code: str = ""  # the nine-character body of a credit code, for enterprises
    address: str = ""
    contact: str = ""
    phone: str = ""
    lat: str | None = None
    lng: str | None = None


ORGANIZATIONS = (
    DemoOrg("city", "渭川市生态环境局", Kind.REGULATOR, None, "610300", "渭川市局",
            address="渭川市金台大道 88 号", contact="周建国", phone="0917-3261100",
            lat="34.3617", lng="107.2372"),
    DemoOrg("county", "渭川市生态环境局岐阳分局", Kind.REGULATOR, "city", "610323", "岐阳分局",
            address="岐阳县凤鸣路 12 号", contact="李文博", phone="0917-8221200",
            lat="34.4437", lng="107.6213"),
    DemoOrg("ent1", "渭川宏远化工有限公司", Kind.ENTERPRISE, "county", "610323", "宏远化工", "MA6X7K2L1",
            "岐阳县蔡家坡工业园区 6 号", "王海涛", "13891700011", "34.3741", "107.5902"),
    DemoOrg("ent2", "渭川金泰石化有限公司", Kind.ENTERPRISE, "county", "610323", "金泰石化", "MA6X8P3Q4",
            "岐阳县五丈原镇石化路 2 号", "刘晓燕", "13891700022", "34.3366", "107.6658"),
    DemoOrg("ent3", "渭川市秦岭热电有限责任公司", Kind.ENTERPRISE, "city", "610303", "秦岭热电", "MA6Y1R5T7",
            "渭川市金台区热电路 1 号", "赵志强", "13891700033", "34.3902", "107.1388"),
    DemoOrg("agency1", "渭川华测环境检测有限公司", Kind.AGENCY, "city", "610302", "华测检测", "MA6Y2U8W2",
            "渭川市渭滨区高新二路 16 号", "孙丽娟", "0917-3688001", "34.3508", "107.1969"),
    DemoOrg("agency2", "陕西清源检测技术有限公司", Kind.AGENCY, "city", "610303", "清源检测", "MA6Y3X1B9",
            "渭川市金台区宝光路 45 号", "陈立新", "0917-3688002", "34.3788", "107.1623"),
    DemoOrg("vendor", "渭川蓝盾环保科技有限公司", Kind.VENDOR, "city", "610302", "蓝盾环保", "MA6Y4D6F3",
            "渭川市渭滨区清姜路 20 号", "何明", "0917-3688003", "34.3469", "107.2215"),
)  # fmt: skip

LINKS = (("agency1", "ent1", date(2025, 3, 1)), ("agency1", "ent2", date(2025, 3, 1)),
         ("agency2", "ent3", date(2025, 6, 15)), ("vendor", "ent1", date(2024, 11, 1)),
         ("vendor", "ent2", date(2024, 11, 1)), ("vendor", "ent3", date(2024, 11, 1)))  # fmt: skip

# Shown on the bureau's page and printed by `manage.py demo`: why 渭川市 shows the divisions of 宝鸡市.
DIVISION_NOTE = (
    "演示数据说明：渭川市是虚构的城市。为使行政区划代码真实可查，演示单位使用宝鸡市（610300）及其区县的 "
    "GB/T 2260 代码：渭川市生态环境局的行政区划为宝鸡市，岐阳分局及岐阳县的企业为岐山县（610323），"
    "金台区（610303）、渭滨区（610302）沿用原名。"
)

# username, name, organisation key, role code: one account per built-in role.
ACCOUNTS = (
    ("admin", "系统管理员", "city", "system_admin"),
    ("bureau", "张明华", "city", "bureau_admin"),
    ("enterprise", "王海涛", "ent1", "enterprise_admin"),
    ("agency", "孙丽娟", "agency1", "agency_admin"),
    ("ops", "何明", "vendor", "ops_staff"),
)


def credit_code(division: str, org_code: str) -> str:
    first17 = f"91{division}{org_code}"  # 9: registered with market regulation, 1: enterprise
    return first17 + credit_code_check_digit(first17)


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(obj, key, value)
        obj.save()
    return obj


@transaction.atomic
def build_demo() -> list[tuple[str, str, str]]:
    """Build the demo city; returns (username, role, organisation) of the demo accounts."""
    orgs: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        parent = orgs[spec.parent] if spec.parent else None
        orgs[spec.key] = _upsert(
            Organization,
            {"name": spec.name},
            {
                "kind": spec.kind,
                "parent": parent,
                "short_name": spec.short_name,
                "division": Division.objects.get(code=spec.division),
                "credit_code": credit_code(spec.division, spec.org_code) if spec.org_code else "",
                "address": spec.address,
                "contact_person": spec.contact,
                "contact_phone": spec.phone,
                "latitude": Decimal(spec.lat) if spec.lat else None,
                "longitude": Decimal(spec.lng) if spec.lng else None,
            },
        )
    for provider, client, since in LINKS:
        _upsert(OrganizationLink, {"provider": orgs[provider], "client": orgs[client]}, {"since": since})

    accounts = []
    for username, name, org_key, role_code in ACCOUNTS:
        role = Role.objects.get(code=role_code)
        user = _upsert(
            User, {"username": username}, {"name": name, "organization": orgs[org_key], "is_active": True}
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        if list(user.roles.all()) != [role]:
            user.roles.set([role])
        accounts.append((username, role.name, orgs[org_key].name))

    city = orgs["city"]
    JournalEntry.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=city.pk,
        text=DIVISION_NOTE,
        defaults={"author": User.objects.get(username="admin")},
    )
    return accounts


def demo_account(username: str, name: str, organization: Organization, role_code: str) -> str:
    """A module's own demo account (e.g. a grid worker), with the demo password; returns the line
    ``manage.py demo`` prints for it. Idempotent like the rest of the demo."""
    role = Role.objects.get(code=role_code)
    user = _upsert(
        User, {"username": username}, {"name": name, "organization": organization, "is_active": True}
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    if list(user.roles.all()) != [role]:
        user.roles.set([role])
    return f"  {username:<12} {role.name:<10} {organization.name}"


def demo_organization(name: str, kind: str, parent: Organization | None, division_code: str, **values):
    """A module's own demo organisation (a township office, a department), found again by name."""
    return _upsert(
        Organization,
        {"name": name},
        {"kind": kind, "parent": parent, "division": Division.objects.get(code=division_code), **values},
    )


def build_module_demos() -> list[str]:
    """Run ``build_demo()`` of every installed Lantian module that has a ``demo`` module, after the
    core demo city exists; each returns lines that summarise what it loaded. Each is idempotent."""
    from importlib import import_module

    summary = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lantian.") or config.label == "core":
            continue
        if module_has_submodule(config.module, "demo"):
            summary.extend(import_module(f"{config.name}.demo").build_demo())
    return summary
