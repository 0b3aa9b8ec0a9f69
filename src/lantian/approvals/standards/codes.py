"""Project codes (项目代码) and works codes (工程代码).

The project code is the code the national investment-project online approval and supervision
platform (全国投资项目在线审批监管平台) gives a project: ``YYYY-XXXXXX-XX-XX-XXXXXX``, i.e. the year it
was assigned, the six-digit GB/T 2260 division code, the two-digit industry code, the two-digit
project-type code and a six-digit serial number (《全国投资项目在线审批监管平台投资项目代码编码规则》).
The works code of the construction-approval system (工程建设项目审批管理系统数据共享交换标准, GCDM) is the
project code followed by ``-`` and a four-digit number of the works within the project.
"""

import re

PROJECT_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
WORKS_CODE = re.compile(r"^(.+)-(\d{4})$")
FIRST_YEAR = 2014  # the platform assigned its first codes in 2014


class CodeError(ValueError):
    """A code that is not well formed: ``reason`` names the rule broken (the caller words it)."""

    def __init__(self, reason: str, **params):
        super().__init__(reason, params)
        self.reason = reason
        self.params = params


def check_project_code(code: str, this_year: int) -> str:
    """The code's division (six digits); CodeError when the code is not a project code."""
    match = PROJECT_CODE.match(code or "")
    if match is None:
        raise CodeError("project_format")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= this_year:
        raise CodeError("project_year", year=year, first=FIRST_YEAR, last=this_year)
    if match.group(5) == "000000":
        raise CodeError("project_serial")
    return match.group(2)


def check_works_code(code: str, project_code: str) -> None:
    """CodeError unless ``code`` is ``project_code`` followed by ``-`` and four digits (not 0000)."""
    match = WORKS_CODE.match(code or "")
    if match is None or match.group(1) != project_code:
        raise CodeError("works_format", project_code=project_code)
    if match.group(2) == "0000":
        raise CodeError("works_serial")
