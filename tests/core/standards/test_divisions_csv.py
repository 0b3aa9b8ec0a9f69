"""The shipped GB/T 2260 data file, src/lantian/core/data/divisions/divisions.csv."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from lantian.core.standards import division_code
from lantian.core.standards.division_code import division_level, parent_code, validate_division_code

DIVISIONS_CSV = Path(division_code.__file__).resolve().parents[1] / "data" / "divisions" / "divisions.csv"


@pytest.fixture(scope="module")
def rows():
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["code", "name", "parent_code", "level"]
        return list(reader)


@pytest.fixture(scope="module")
def by_code(rows):
    return {row["code"]: row for row in rows}


def test_codes_are_six_digits_well_formed_and_unique(rows):
    codes = [row["code"] for row in rows]
    assert all(len(code) == 6 and code.isascii() and code.isdigit() for code in codes)
    for code in codes:
        validate_division_code(code)
    duplicates = [code for code, n in Counter(codes).items() if n > 1]
    assert duplicates == []


def test_every_parent_exists_and_follows_the_code_structure(rows, by_code):
    for row in rows:
        expected = parent_code(row["code"])
        assert row["parent_code"] == (expected or ""), row
        if expected:
            assert expected in by_code, row


def test_level_matches_the_code(rows):
    for row in rows:
        assert row["level"] == division_level(row["code"]), row


def test_names_are_present_and_trimmed(rows):
    for row in rows:
        assert row["name"], row
        assert row["name"] == row["name"].strip(), row


def test_only_beijing_keeps_a_municipal_districts_row(rows):
    # Ordinary prefectures' xx01 市辖区 rows are omitted (nothing hangs under them); Beijing's 110100
    # is the parent of its 16 districts.
    assert [row["code"] for row in rows if row["name"] == "市辖区"] == ["110100"]


def test_counts_per_province_and_level(rows):
    counts = Counter((row["code"][:2], row["level"]) for row in rows)
    # MCA list of county-level and higher divisions, 2024 edition (as of 2024-12-31).
    assert counts[("11", "province")] == 1
    assert counts[("11", "city")] == 1
    assert counts[("11", "county")] == 16
    assert counts[("41", "province")] == 1
    assert counts[("41", "city")] == 17
    assert counts[("41", "county")] == 157  # 156 under the 17 prefectures + 济源市
    assert counts[("61", "province")] == 1
    assert counts[("61", "city")] == 10
    assert counts[("61", "county")] == 107


@pytest.mark.parametrize(
    ("code", "name", "parent", "level"),
    [
        ("610000", "陕西省", "", "province"),
        ("610100", "西安市", "610000", "city"),
        ("610300", "宝鸡市", "610000", "city"),
        ("610305", "凤翔区", "610300", "county"),
        ("610116", "长安区", "610100", "county"),
        ("610981", "旬阳市", "610900", "county"),
        ("611000", "商洛市", "610000", "city"),
        ("410000", "河南省", "", "province"),
        ("410100", "郑州市", "410000", "city"),
        ("410308", "孟津区", "410300", "county"),
        ("411700", "驻马店市", "410000", "city"),
        ("419001", "济源市", "410000", "county"),
        ("110000", "北京市", "", "province"),
        ("110100", "市辖区", "110000", "city"),
        ("110105", "朝阳区", "110100", "county"),
        ("110119", "延庆区", "110100", "county"),
    ],
)
def test_well_known_codes(by_code, code, name, parent, level):
    assert by_code[code] == {"code": code, "name": name, "parent_code": parent, "level": level}


# Codes abolished by recent changes, taken from the 2020 list of the same source.
@pytest.mark.parametrize(
    "code",
    [
        "610322",  # 凤翔县 -> 凤翔区 610305 (2021)
        "610928",  # 旬阳县 -> 旬阳市 610981 (2021)
        "410306",  # 吉利区, merged into 孟津区 410308 (2021)
        "410322",  # 孟津县 -> 孟津区 410308 (2021)
        "410381",  # 偃师市 -> 偃师区 410307 (2021)
        "110228",  # 密云县 -> 密云区 110118 (2015)
        "110229",  # 延庆县 -> 延庆区 110119 (2015)
    ],
)
def test_abolished_codes_are_absent(by_code, code):
    assert code not in by_code
