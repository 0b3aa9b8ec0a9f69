"""GB/T 2260 division-code helpers."""

import pytest

from lantian.core.standards.division_code import (
    DivisionCodeError,
    division_level,
    parent_code,
    validate_division_code,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("610000", "province"),
        ("610100", "city"),
        ("610300", "city"),
        ("610305", "county"),
        ("110000", "province"),
        ("110100", "city"),  # 北京市 市辖区, the summary code of Beijing's districts
        ("110105", "county"),
        ("410000", "province"),
        ("419001", "county"),  # 济源市, administered by Henan directly
        ("429021", "county"),  # 神农架林区
        ("441900", "city"),  # 东莞市, a prefecture-level city without counties
        ("810000", "province"),
    ],
)
def test_division_level(code, level):
    assert division_level(code) == level


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("610000", None),
        ("610300", "610000"),
        ("610305", "610300"),
        ("610122", "610100"),
        ("110000", None),
        ("110100", "110000"),
        ("110105", "110100"),
        ("419001", "410000"),
        ("429004", "420000"),
        ("659001", "650000"),
        ("460400", "460000"),
    ],
)
def test_parent_code(code, parent):
    assert parent_code(code) == parent


@pytest.mark.parametrize("code", ["610000", "610305", "419001", "110105", "500243", "820000", "610322"])
def test_valid_codes(code):
    validate_division_code(code)  # 610322 (凤翔县, abolished 2021) is still well-formed


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("61030", "a division code has 6 digits, got 5 characters"),
        ("6103050", "a division code has 6 digits, got 7 characters"),
        ("", "a division code has 6 digits, got 0 characters"),
        ("61030a", "illegal character 'a' at position 6: only digits are allowed"),
        ("６１００００", "illegal character '６' at position 1: only digits are allowed"),
        (" 61030", "illegal character ' ' at position 1: only digits are allowed"),
        ("991000", "unknown province code '99'"),
        ("001000", "unknown province code '00'"),
        ("100000", "unknown province code '10'"),
        ("610005", "a county part needs a prefecture part: digits 3-4 are 00 but digits 5-6 are not"),
    ],
)
def test_invalid_codes(code, message):
    with pytest.raises(DivisionCodeError) as info:
        validate_division_code(code)
    assert str(info.value) == message


def test_not_a_string():
    with pytest.raises(DivisionCodeError, match="must be a string, not int"):
        validate_division_code(610000)


def test_helpers_validate_first():
    with pytest.raises(DivisionCodeError):
        division_level("61")
    with pytest.raises(DivisionCodeError):
        parent_code("991000")


def test_division_code_error_is_a_value_error():
    assert issubclass(DivisionCodeError, ValueError)
