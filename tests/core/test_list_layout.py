"""List pages keep codes on one line: a tag such as G00013-1 must not break at its hyphen."""

import re

import pytest

from lantian.core.registry import registrations
from lantian.core.tables import CODE_NAMES, CODE_SUFFIXES, Column
from tests.ldar.factories import build_branch


def test_every_code_column_of_every_registered_table_keeps_to_one_line():
    code_columns = [
        (registration.model.__name__, column)
        for registration in registrations()
        for column in registration.table.columns
        if column.accessor.rsplit("__", 1)[-1] in CODE_NAMES or column.accessor.endswith(CODE_SUFFIXES)
    ]
    assert len(code_columns) > 10
    assert [(model, c.accessor) for model, c in code_columns if c.css != "text-nowrap"] == []
    assert Column("name").css == "" and Column("name", nowrap=True).css == "text-nowrap"
    assert Column("code", nowrap=False).css == ""


@pytest.mark.django_db
def test_the_seal_point_list_renders_tags_unbroken(tree, login):
    build_branch(tree.ent_a1)
    html = login(tree.ent_a1_admin).get("/ldar/sealpoints/").content.decode()
    assert re.search(r'<td class="text-nowrap"><a href="/ldar/sealpoints/\d+/">G0012-1</a></td>', html)
