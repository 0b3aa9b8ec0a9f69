"""Excel import of user accounts (with roles and initial passwords) and of administrative divisions."""

import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lantian.core.imports import DIVISIONS, USERS
from lantian.core.models import Division, PasswordHistory, User
from tests.core.test_import_organizations import upload, xlsx

pytestmark = pytest.mark.django_db
PASSWORD = "Import#2026ok"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(spec, model, rows: list[dict]) -> bytes:
    """A workbook with the spec's headers (as the template has them) and ``rows`` by field name."""
    columns = [c for c in spec.columns(model) if any(c.name in row for row in rows)]
    return xlsx([c.header for c in columns], [[row.get(c.name, "") for c in columns] for row in rows])


def user_rows(**changes):
    rows = [
        {"username": "a1_clerk", "name": "甲一文员", "organization": "甲一化工", "roles": "企业管理员",
         "phone": 13800000001, "initial_password": PASSWORD},
        {"username": "a_inspector", "name": "甲县巡查员", "organization": "甲县分局", "roles": "市局管理员",
         "initial_password": PASSWORD},
    ]  # fmt: skip
    for index, values in changes.items():
        rows[int(index[1:])].update(values)
    return rows


def test_a_bureau_imports_accounts_with_roles_and_initial_passwords(tree, login):
    client = login(tree.county_a_admin)
    response = upload(client, sheet(USERS, User, user_rows()), url="core:user_import")
    result = response.context["result"]
    assert result.ok and result.created == 2, [str(e) for e in result.errors]
    clerk = User.objects.get(username="a1_clerk")
    assert clerk.organization == tree.ent_a1 and [r.code for r in clerk.roles.all()] == ["enterprise_admin"]
    assert clerk.phone == "13800000001" and clerk.check_password(PASSWORD) and clerk.must_change_password
    assert PasswordHistory.objects.filter(user=clerk).count() == 1
    entry = LogEntry.objects.get_for_object(clerk).get()
    assert entry.changes_dict["roles"] == [None, "企业管理员"] and entry.actor == tree.county_a_admin
    assert PASSWORD not in str(entry.changes_dict) and clerk.password not in str(entry.changes_dict)
    login_client = client.__class__()
    assert login_client.post("/login/", {"username": "a1_clerk", "password": PASSWORD}).status_code == 302


def test_account_rows_are_checked_for_roles_passwords_and_scope_and_passwords_never_reported(tree, login):
    client = login(tree.county_a_admin)
    rows = user_rows(
        r0={"roles": "企业管理员、市局管理员"},  # a bureau role for an enterprise user
        r1={"initial_password": "abc"},  # too weak
    )
    rows += [
        {"username": "b_clerk", "name": "乙", "organization": "乙县分局", "roles": "市局管理员",
         "initial_password": PASSWORD},  # an organisation it cannot see
        {"username": "root2", "name": "根", "organization": "甲县分局", "roles": "系统管理员",
         "initial_password": PASSWORD},  # a role it cannot grant
        {"username": "a_nopass", "name": "无", "organization": "甲县分局", "roles": "市局管理员"},
    ]  # fmt: skip
    response = upload(client, sheet(USERS, User, rows), url="core:user_import")
    errors = {(e.row, e.column): e for e in response.context["result"].errors}
    assert set(errors) == {(2, "角色"), (3, "初始密码"), (4, "所属单位"), (5, "角色"), (6, "初始密码")}
    assert errors[(3, "初始密码")].value == "" and "abc" not in response.content.decode()
    report = client.get(response.context["report_url"])
    copy = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    cells = [str(cell) for row in copy.worksheets[0].iter_rows(values_only=True) for cell in row]
    cells += [str(cell) for row in copy.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert "初始密码" in cells and PASSWORD not in cells and "abc" not in cells  # the copy is kept
    assert not User.objects.filter(username__in=["a1_clerk", "a_inspector", "b_clerk", "root2"]).exists()


def test_an_account_is_updated_by_username_and_nobody_changes_their_own_roles(tree, login):
    client = login(tree.county_a_admin)
    rows = [
        {"username": "ent_a1", "name": "甲一管理员（新）", "organization": "甲一化工", "roles": "企业管理员"}
    ]
    result = upload(client, sheet(USERS, User, rows), url="core:user_import").context["result"]
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    tree.ent_a1_admin.refresh_from_db()
    assert tree.ent_a1_admin.name == "甲一管理员（新）" and tree.ent_a1_admin.check_password("Test@pass2026")
    rows = [{"username": "county_a", "organization": "甲县分局", "roles": "市局管理员", "is_active": "否"}]
    result = upload(client, sheet(USERS, User, rows), url="core:user_import").context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    rows = [{"username": "ent_b1", "name": "改名", "organization": "甲一化工", "roles": "企业管理员"}]
    result = upload(client, sheet(USERS, User, rows), url="core:user_import").context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]  # an account of the other county


def test_accounts_are_never_deleted_by_import(tree, login):
    client = login(tree.admin)
    content = xlsx(["用户名", "删除"], [["ent_a1", "是"]])
    result = upload(client, content, url="core:user_import").context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(1, "删除")]


def test_divisions_import_with_their_gb2260_structure_by_the_system_administrator_only(tree, login):
    rows = [
        {"code": "619900", "name": "测试市", "level": "地级", "parent": "610000"},
        {"code": "619901", "name": "测试县", "level": "county", "parent": "619900"},  # a row above
        {"code": "619902", "name": "错级县", "level": "地级", "parent": "619900"},
        {"code": "619903", "name": "错父县", "level": "县级", "parent": "610300"},
        {"code": "61990X", "name": "坏码", "level": "县级", "parent": "619900"},
    ]
    assert signed_in(tree.city_admin).get(reverse("core:division_import")).status_code == 403
    client = login(tree.admin)
    result = upload(client, sheet(DIVISIONS, Division, rows), url="core:division_import").context["result"]
    assert sorted((e.row, e.column) for e in result.errors) == [
        (4, "级别"),
        (5, "上级行政区划"),
        (6, "行政区划代码"),
    ]
    result = upload(client, sheet(DIVISIONS, Division, rows[:2]), url="core:division_import").context[
        "result"
    ]
    assert result.ok and result.created == 2
    assert Division.objects.get(code="619901").parent.code == "619900"


def test_the_division_form_checks_the_code_structure_too(tree, login):
    client = login(tree.admin)
    response = client.post(
        reverse("core:division_add"), {"code": "619905", "name": "表单县", "level": "county", "parent": ""}
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    parent = Division.objects.get(code="610300")
    response = client.post(
        reverse("core:division_add"),
        {"code": "610399", "name": "表单县", "level": "county", "parent": parent.pk},
    )
    assert response.status_code == 302 and Division.objects.filter(code="610399").exists()
    assert signed_in(tree.city_admin).get(reverse("core:division_add")).status_code == 403
