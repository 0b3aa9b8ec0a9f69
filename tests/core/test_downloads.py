"""Every generated file is sent through ``lantian.core.views.excel.download_response``: a name made of
users' text (a contract number, a report title) cannot break the header or the file name."""

import re
from pathlib import Path
from urllib.parse import unquote

from lantian.core.views.excel import DOCX, download_response

SOURCE = Path(__file__).resolve().parents[2] / "src" / "lantian"


def test_a_hostile_name_arrives_whole_and_inert():
    name = '报告"; filename=evil.exe\r\nX-Injected: 1 =SUM(A1).docx'
    response = download_response(b"content", name, DOCX)
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=UTF-8''")
    assert unquote(header.removeprefix("attachment; filename*=UTF-8''")) == name
    assert not re.search(r'[\s";]', header.removeprefix("attachment; "))
    assert response["Content-Type"] == DOCX and response.content == b"content"


def test_no_module_writes_its_own_attachment_header():
    own = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if path != SOURCE / "core" / "views" / "excel.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Content-Disposition" in line and "attachment" in line
    ]
    assert own == []
