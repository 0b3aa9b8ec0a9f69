"""The identifier kernels: GB 11643-1999 identity numbers and CMA certificate numbers."""

import datetime

import pytest

from lantian.agencies.standards import (
    ID_WEIGHTS,
    IdNumberError,
    id_check_character,
    is_cma_number,
    normalize_id_number,
    validate_id_number,
)


def test_the_weights_are_those_of_gb_11643_clause_7():
    assert ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def test_the_worked_example_of_gb_11643():
    # GB 11643-1999 annex: 11010519491231002X, a woman born 1949-12-31 in Chaoyang, Beijing.
    assert id_check_character("11010519491231002") == "X"
    validate_id_number("11010519491231002X")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "format"),
        ("1101051949123100XX", "format"),
        ("110105194913310025", "birth_date"),
        ("110105189912310023", "birth_date"),
        ("110105194912310021", "check"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(value, reason):
    with pytest.raises(IdNumberError) as raised:
        validate_id_number(value, today=datetime.date(2026, 1, 1))
    assert raised.value.reason == reason
    if reason == "check":
        assert raised.value.expected == "X"


def test_a_date_of_birth_in_the_future_is_refused():
    first17 = "61030220300101001"
    with pytest.raises(IdNumberError):
        validate_id_number(first17 + id_check_character(first17), today=datetime.date(2026, 1, 1))


def test_normalising_upper_cases_and_strips():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_cma_numbers_have_twelve_digits():
    assert is_cma_number("221612050317")
    assert not is_cma_number("22161205031") and not is_cma_number("2216120503AB")
