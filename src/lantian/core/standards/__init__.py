"""Pure kernels of the core for national standards (no Django import, no I/O)."""

from lantian.core.standards.credit_code import (
    CreditCodeError,
    credit_code_check_digit,
    is_valid_credit_code,
    normalize_credit_code,
    validate_credit_code,
)
from lantian.core.standards.division_code import (
    DivisionCodeError,
    division_level,
    parent_code,
    validate_division_code,
)

__all__ = [
    "CreditCodeError",
    "DivisionCodeError",
    "credit_code_check_digit",
    "division_level",
    "is_valid_credit_code",
    "normalize_credit_code",
    "parent_code",
    "validate_credit_code",
    "validate_division_code",
]
