"""Unified social credit code, GB 32100-2015."""

import pytest

from lantian.core.standards.credit_code import (
    CHAR_VALUES,
    CHARSET,
    WEIGHTS,
    CreditCodeError,
    credit_code_check_digit,
    is_valid_credit_code,
    normalize_credit_code,
    validate_credit_code,
)

# Codes of real organisations, as published in their public registration records (国家企业信用信息公示系统)
# and on their invoice titles (发票抬头).
REAL_CODES = {
    "914403001922038216": "华为技术有限公司",
    "91440300708461136T": "腾讯科技（深圳）有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91330100799655058B": "阿里巴巴（中国）有限公司",
    "12100000400000624D": "清华大学 (事业单位, registered nationally: division part 100000)",
}


def error_of(code) -> CreditCodeError:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(code)
    return info.value


def replace(code: str, position: int, char: str) -> str:
    """``code`` with the character at 1-based ``position`` replaced."""
    return code[: position - 1] + char + code[position:]


# --- the standard's tables -------------------------------------------------------------------------


def test_weights_are_the_standards_table():
    # GB 32100-2015 annex: W_i for i = 1..17.
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert all(weight == 3 ** (i - 1) % 31 for i, weight in enumerate(WEIGHTS, start=1))


def test_character_values_are_the_standards_table():
    assert len(CHARSET) == 31
    assert {char: CHAR_VALUES[char] for char in "0123456789"} == {str(d): d for d in range(10)}
    letters = dict(zip("ABCDEFGHJKLMNPQRTUWXY", range(10, 31), strict=True))
    assert {char: CHAR_VALUES[char] for char in letters} == letters
    assert not set("IOSVZ") & set(CHARSET)


# --- real codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    validate_credit_code(code)
    assert is_valid_credit_code(code)
    assert credit_code_check_digit(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_character_change_makes_a_real_code_fail(code):
    for position in range(1, 19):
        for char in CHARSET:
            if char != code[position - 1]:
                changed = replace(code, position, char)
                assert not is_valid_credit_code(changed), changed


# --- normalisation ---------------------------------------------------------------------------------


def test_surrounding_whitespace_and_lower_case_are_accepted():
    assert normalize_credit_code("  91440300708461136t\n") == "91440300708461136T"
    assert normalize_credit_code("\u300091440300708461136T\u3000") == "91440300708461136T"
    assert is_valid_credit_code(" 91440300708461136t ")
    assert is_valid_credit_code("91330100799655058b")


def test_inner_separators_and_full_width_letters_are_not_forgiven():
    assert error_of("9144 0300708461136T").reason == "length"
    error = error_of("91440300708461136Ｔ")
    assert (error.reason, error.position) == ("character", 18)


# --- invalid codes and their reasons ---------------------------------------------------------------


def test_wrong_check_character_names_the_expected_one():
    error = error_of("914403001922038217")
    assert str(error) == "wrong check character '7' at position 18, expected '6'"
    assert (error.reason, error.position, error.expected) == ("check", 18, "6")


def test_transposed_characters_fail_on_the_check_character():
    error = error_of("91440300708461163T")
    assert error.reason == "check"
    assert error.expected == credit_code_check_digit("91440300708461163")


@pytest.mark.parametrize("letter", "IOZSV")
def test_forbidden_letters(letter):
    error = error_of(replace("91440300708461136T", 12, letter))
    assert str(error) == (
        f"illegal character '{letter}' at position 12 "
        "(allowed: digits and capital letters except I, O, S, V, Z)"
    )
    assert (error.reason, error.position) == ("character", 12)


def test_forbidden_letter_as_check_character():
    error = error_of("91440300708461136I")
    assert (error.reason, error.position) == ("character", 18)


def test_lower_case_forbidden_letter_is_reported_upper_case():
    assert str(error_of("91440300708461136o")).startswith("illegal character 'O' at position 18")


def test_punctuation_is_an_illegal_character():
    error = error_of("9144030070846113-T")
    assert str(error).startswith("illegal character '-' at position 17")


@pytest.mark.parametrize(
    ("code", "length"),
    [("", 0), ("91440300708461136", 17), ("91440300708461136TT", 19), ("91440300", 8)],
)
def test_wrong_length(code, length):
    error = error_of(code)
    assert str(error) == f"a credit code has 18 characters, got {length}"
    assert error.reason == "length"


def test_not_a_string():
    error = error_of(91440300708461136)
    assert str(error) == "a credit code must be a string, not int"
    assert error.reason == "type"


def test_unknown_registration_authority():
    error = error_of("B1440300708461136T")
    assert str(error) == "unknown registration authority code 'B' at position 1"
    assert (error.reason, error.position) == ("authority", 1)


@pytest.mark.parametrize(("prefix", "authority"), [("94", "9"), ("99", "9"), ("Y2", "Y"), ("24", "2")])
def test_category_not_defined_for_the_authority(prefix, authority):
    error = error_of(prefix + "440300708461136T")
    assert str(error) == (
        f"category code '{prefix[1]}' at position 2 does not exist for registration authority '{authority}'"
    )
    assert (error.reason, error.position) == ("category", 2)


def test_letter_in_the_division_part():
    error = error_of("9144A300708461136T")
    assert str(error) == (
        "illegal character 'A' at position 5: the division code (positions 3-8) is digits only"
    )
    assert (error.reason, error.position) == ("division", 5)


def test_unknown_province_in_the_division_part():
    error = error_of("91990300708461136T")
    assert str(error) == "unknown province '99' in the division code at positions 3-4"
    assert error.reason == "division"


def test_national_division_part_is_accepted():
    assert is_valid_credit_code("12100000400000624D")


@pytest.mark.parametrize("first17", ["A1610305MA6X00001", "N2610305MA6X00001", "Y1610305MA6X00001"])
def test_authorities_added_after_2015_and_other(first17):
    assert is_valid_credit_code(first17 + credit_code_check_digit(first17))


# --- check character -------------------------------------------------------------------------------


def test_check_digit_worked_example():
    # 腾讯: sum(C_i * W_i) = 966, 966 mod 31 = 5, 31 - 5 = 26 -> 'T'.
    first17 = "91440300708461136"
    assert sum(CHAR_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) == 966
    assert CHARSET[26] == "T"
    assert credit_code_check_digit(first17) == "T"


def test_check_digit_zero_when_the_sum_is_a_multiple_of_31():
    first17 = "9161030000000000T"
    assert sum(CHAR_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) % 31 == 0
    assert credit_code_check_digit(first17) == "0"
    assert is_valid_credit_code(first17 + "0")


def test_check_digit_needs_17_legal_characters():
    with pytest.raises(CreditCodeError, match="need the first 17 characters, got 16"):
        credit_code_check_digit("9144030070846113")
    with pytest.raises(CreditCodeError, match="illegal character 'I' at position 3"):
        credit_code_check_digit("91I40300708461136")
