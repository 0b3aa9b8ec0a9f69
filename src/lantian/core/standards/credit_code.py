"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Structure, GB 32100-2015 §4: 18 characters from the set ``0-9`` and the capital letters without
I, O, S, V, Z:

====  ===========================================================================
 1    registration authority (登记管理部门代码), e.g. 9 = 工商 / market regulation
 2    category (机构类别代码) within that authority, e.g. 91 = 企业
 3-8  GB/T 2260 division code of the registering authority (登记管理机关行政区划码)
 9-17 subject identifier (主体标识码), the GB 11714 organisation code
 18   check character (校验码) over positions 1-17
====  ===========================================================================

Input is normalised first (:func:`normalize_credit_code`): surrounding whitespace (including the
full-width space) is dropped and ASCII lower-case letters are upper-cased, because codes are typed by
hand and copied from PDFs. Nothing else is forgiven: inner spaces, hyphens and full-width letters are
reported as illegal characters. Positions in error messages are 1-based positions in the normalised
code. Pure functions, no I/O.
"""

from lantian.core.standards.division_code import PROVINCE_CODES

# GB 32100-2015 §4 and the check-character annex (附录): the character set and each character's
# value, 0-9 -> 0-9, A -> 10 ... Y -> 30. I, O, S, V and Z are not used.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CHAR_VALUES = {char: value for value, char in enumerate(CHARSET)}

# GB 32100-2015 annex (附录), weighting factors W_i of positions 1-17: W_i = 3^(i-1) mod 31.
# The standard lists them as 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# Registration authority -> allowed category codes, GB 32100-2015 §4 (登记管理部门代码和机构类别代码).
# A (中央军委改革和编制办公室) and N (农业, rural collective economic organisations) were added to the
# table after 2015; Y (其他) has no sub-categories and always uses 1.
CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

# Division part of codes issued by central (national-level) registration authorities, e.g.
# 91100000100003962T 中国工商银行股份有限公司. Not a GB/T 2260 province code.
NATIONAL_DIVISION_PREFIX = "10"

# Positions 9-17 are the GB 11714 organisation code, which carries its own check character at
# position 17. It is deliberately NOT checked: not every code issued by the registries satisfies it,
# GB 32100 does not make it a condition of validity, and the check character at position 18 already
# covers all 17 positions. Rejecting a code the registry really issued is worse than the rare typo
# that the GB 32100 check character would miss.

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class CreditCodeError(ValueError):
    """An invalid credit code. ``reason`` is a machine-readable key, the message says it in words.

    ``reason`` is one of ``type``, ``length``, ``character``, ``authority``, ``category``,
    ``division`` and ``check``; ``position`` is the 1-based position concerned (or ``None``) and
    ``expected`` the correct check character when ``reason == "check"``.
    """

    def __init__(self, message: str, reason: str, position: int | None = None, expected: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.expected = expected


def normalize_credit_code(code: str) -> str:
    """Strip surrounding whitespace and upper-case ASCII letters; nothing else is changed."""
    return code.strip().translate(_ASCII_UPPER)


def _check_characters(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in CHAR_VALUES:
            raise CreditCodeError(
                f"illegal character {char!r} at position {position} "
                "(allowed: digits and capital letters except I, O, S, V, Z)",
                "character",
                position,
            )


def credit_code_check_digit(first17: str) -> str:
    """The check character (position 18) for the first 17 characters, GB 32100-2015 annex (附录).

    C18 = 31 - MOD(sum(C_i * W_i), 31), and 0 when that is 31. ``first17`` is used as given (not
    normalised).
    """
    if len(first17) != 17:
        raise CreditCodeError(f"need the first 17 characters, got {len(first17)}", "length")
    _check_characters(first17)
    total = sum(CHAR_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> None:
    """Raise :class:`CreditCodeError` with the first problem found, or return ``None`` if valid.

    ``code`` is normalised first (see :func:`normalize_credit_code`). Checked in this order: length,
    character set, registration authority, category, division part (six digits with a known province
    or the national ``10``), check character.
    """
    if not isinstance(code, str):
        raise CreditCodeError(f"a credit code must be a string, not {type(code).__name__}", "type")
    code = normalize_credit_code(code)
    if len(code) != 18:
        raise CreditCodeError(f"a credit code has 18 characters, got {len(code)}", "length")
    _check_characters(code)

    authority, category = code[0], code[1]
    if authority not in CATEGORIES:
        raise CreditCodeError(
            f"unknown registration authority code {authority!r} at position 1", "authority", 1
        )
    if category not in CATEGORIES[authority]:
        raise CreditCodeError(
            f"category code {category!r} at position 2 does not exist "
            f"for registration authority {authority!r}",
            "category",
            2,
        )

    for position in range(3, 9):
        char = code[position - 1]
        if not char.isdigit():
            raise CreditCodeError(
                f"illegal character {char!r} at position {position}: "
                "the division code (positions 3-8) is digits only",
                "division",
                position,
            )
    province = code[2:4]
    if province not in PROVINCE_CODES and province != NATIONAL_DIVISION_PREFIX:
        raise CreditCodeError(
            f"unknown province {province!r} in the division code at positions 3-4", "division", 3
        )

    expected = credit_code_check_digit(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"wrong check character {code[17]!r} at position 18, expected {expected!r}", "check", 18, expected
        )


def is_valid_credit_code(code: str) -> bool:
    """True when :func:`validate_credit_code` accepts ``code`` (after normalisation)."""
    try:
        validate_credit_code(code)
    except CreditCodeError:
        return False
    return True
