"""How import cells read: numbers as numbers or numeric text, yes/no words, choices by label or value in
either language, dates as Excel dates or text, codes typed as numbers, several keys in one cell."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from lantian.core.excel.spec import CellError, Column, ImportField
from lantian.core.models import Organization, OrganizationLink, User


def column(model, name, **options):
    return Column(model, ImportField(name, **options))


def test_numbers_read_from_numbers_or_numeric_text_and_text_is_refused():
    longitude = column(Organization, "longitude")
    assert longitude.parse(107.12) == Decimal("107.12")
    assert longitude.parse(107.1 + 0.02) == Decimal("107.12")  # no binary noise beyond Excel's 15 digits
    assert longitude.parse(" 1,234.5 ") == Decimal("1234.5")
    assert longitude.parse("") is None and longitude.parse(None) is None
    for bad in ("东经107度", "NaN", True, datetime.date(2026, 1, 1)):
        with pytest.raises(CellError):
            longitude.parse(bad)
    depth = Column(Organization, ImportField("depth"))
    assert depth.parse(3.0) == 3 and depth.parse("12") == 12
    with pytest.raises(CellError):
        depth.parse(2.5)


def test_yes_no_words_and_empty():
    active = column(Organization, "is_active")
    for word in ("是", "true", "TRUE", "1", 1.0, True, "yes", "Y"):
        assert active.parse(word) is True, word
    for word in ("否", "false", "0", 0.0, False, "no"):
        assert active.parse(word) is False, word
    assert active.parse(" ") is None
    with pytest.raises(CellError):
        active.parse("也许")


def test_choices_read_by_label_in_either_language_or_by_value():
    kind = column(Organization, "kind")
    assert kind.parse("企业") == kind.parse("Enterprise") == kind.parse("enterprise") == "enterprise"
    with translation.override("en"):
        assert kind.parse("第三方检测机构") == "agency"
    with pytest.raises(CellError) as error:
        kind.parse("工厂")
    assert "企业" in str(error.value)


def test_dates_and_times_read_from_excel_dates_or_text():
    since = column(OrganizationLink, "since")
    day = datetime.date(2026, 3, 1)
    for cell in (day, datetime.datetime(2026, 3, 1, 8, 30), "2026-03-01", "2026/3/1", "2026年3月1日"):
        assert since.parse(cell) == day, cell
    for bad in ("2026-02-30", "三月一日", "01/03/2026"):
        with pytest.raises(CellError):
            since.parse(bad)
    created = column(Organization, "created_at")
    moment = created.parse("2026-03-01 08:30")
    assert timezone.is_aware(moment) and timezone.localtime(moment).hour == 8
    assert created.parse(datetime.datetime(2026, 3, 1, 8, 30)) == moment


def test_text_keeps_codes_typed_as_numbers_and_normalizes_when_asked():
    phone = column(Organization, "contact_phone")
    assert phone.parse(13800000000.0) == "13800000000" and phone.parse(" 029-1234 ") == "029-1234"
    code = column(Organization, "credit_code", normalize=str.upper)
    assert code.parse(" 91610323ma6xk0001x ") == "91610323MA6XK0001X"
    roles = column(User, "roles", lookup=("name",))
    assert roles.parse("企业管理员、市局管理员,运维人员；检测公司管理员") == [
        "企业管理员", "市局管理员", "运维人员", "检测公司管理员",
    ]  # fmt: skip
    assert roles.parse("") == []


def test_a_relation_column_needs_its_lookup_fields():
    with pytest.raises(ValueError):
        column(Organization, "parent")
