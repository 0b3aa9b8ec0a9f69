"""Workflows as data: defined in the editor, validated, published as immutable versions; a running
case keeps the version it started with while a new case takes the newest."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantian.cases import actions
from lantian.cases.models import Category, Workflow, WorkflowVersion
from tests.cases.conftest import report

STEP_FIELDS = ("code", "name", "role", "by_department", "dispatch", "limit", "unit", "terminal")


def editor_data(steps, transitions, grants, start, note=""):
    data = {"head-start": start, "head-note": note}
    for prefix, rows, fields in (
        ("steps", steps, STEP_FIELDS),
        ("transitions", transitions, ("source", "target", "name")),
        ("grants", grants, ("step", "action", "role")),
    ):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for index, row in enumerate(rows):
            for name, value in zip(fields, row, strict=True):
                if value is True:
                    data[f"{prefix}-{index}-{name}"] = "on"
                elif value not in (False, None):
                    data[f"{prefix}-{index}-{name}"] = value
    return data


V1_STEPS = [
    ("report", "受理派遣", "cases_operator", False, True, 1, "hours", False),
    ("fix", "处置", "cases_handler", True, False, 2, "hours", False),
    ("done", "办结", "", False, False, 0, "hours", True),
]
V1_MOVES = [("report", "fix", "派遣"), ("fix", "done", "办结")]
V2_STEPS = [
    *V1_STEPS[:2],
    ("check", "核查", "cases_grid_worker", False, False, 4, "hours", False),
    V1_STEPS[2],
]
V2_MOVES = [("report", "fix", "派遣"), ("fix", "check", "处置完毕"), ("check", "done", "核查通过")]


@pytest.fixture
def admin_client(centre, login):
    return login(centre.tree.county_a_admin)


def design(client, workflow, data):
    return client.post(reverse("cases:workflow_design", args=[workflow.pk]), data)


def publish(client, workflow):
    return client.post(reverse("cases:workflow_publish", args=[workflow.pk]), follow=True)


def test_define_publish_run_edit_republish(centre, admin_client):
    client = admin_client
    response = client.post(reverse("cases:workflow_add"), {"code": "quick", "name": "快速办结流程"})
    assert response.status_code == 302, response.content.decode()[:2000]
    workflow = Workflow.objects.get(code="quick")
    assert client.get(reverse("cases:workflow_design", args=[workflow.pk])).status_code == 200

    grants = [("fix", "urge", "cases_leader"), ("fix", "send_back", "cases_handler")]
    assert (
        design(client, workflow, editor_data(V1_STEPS, V1_MOVES, grants, "report", "初版")).status_code == 302
    )
    page = publish(client, workflow)
    assert "版本 1 已发布" in page.content.decode() or workflow.versions.filter(number=1).exists()
    workflow.refresh_from_db()
    v1 = workflow.published
    assert v1.number == 1 and v1.parsed.step("fix").allows("urge", {"cases_leader"})

    category = Category.objects.get(code="E0201")  # 非法小广告
    category.workflow = workflow
    category.step_limits = {}
    category.save()
    running = report(centre, category=category)
    assert running.workflow_version == v1 and running.step == "report"
    running = actions.transition(running, centre.operator, "fix", "请清除", centre.street)

    # The editor starts from the current version; the new draft adds a check step.
    form = client.get(reverse("cases:workflow_design", args=[workflow.pk]))
    assert 'value="fix"' in form.content.decode()
    assert (
        design(client, workflow, editor_data(V2_STEPS, V2_MOVES, grants, "report", "增加核查")).status_code
        == 302
    )
    page = client.get(workflow.get_absolute_url())
    assert page.status_code == 200 and "workflow-diagram" in page.content.decode()
    publish(client, workflow)
    workflow.refresh_from_db()
    v2 = workflow.published
    assert v2.number == 2 and v2.pk != v1.pk

    # The version published first is unchanged, and the running case still follows it.
    v1.refresh_from_db()
    assert [step.code for step in v1.parsed.steps] == ["report", "fix", "done"]
    running.refresh_from_db()
    assert running.workflow_version_id == v1.pk
    with pytest.raises(ValidationError):
        actions.transition(running, centre.street_handler, "check", "按新流程")
    closed = actions.transition(running, centre.street_handler, "done", "已清除")
    assert closed.state == "closed"

    fresh = report(centre, category=category, lat="34.401", lng="107.601")
    assert fresh.workflow_version_id == v2.pk
    fresh = actions.transition(fresh, centre.operator, "fix", "请清除", centre.street)
    fresh = actions.transition(fresh, centre.street_handler, "check", "已清除")
    assert fresh.step == "check" and fresh.state == "open"


def test_an_unsound_draft_is_saved_but_not_published(centre, admin_client):
    workflow = Workflow.objects.get(code="fast")
    steps = [*V1_STEPS, ("lost", "孤立步骤", "cases_operator", False, False, 1, "hours", False)]
    assert design(admin_client, workflow, editor_data(steps, V1_MOVES, [], "report")).status_code == 302
    page = admin_client.get(workflow.get_absolute_url()).content.decode()
    assert "孤立步骤" not in page or "lost" in page
    assert 'id="draft-problems"' in page and "lost" in page
    publish(admin_client, workflow)
    workflow.refresh_from_db()
    assert workflow.published.number == 1
    assert WorkflowVersion.objects.filter(workflow=workflow, number=None).exists()
    with pytest.raises(ValidationError) as refused:
        actions.publish(workflow, centre.tree.county_a_admin)
    assert any("lost" in message for message in refused.value.messages)


def test_the_editor_refuses_a_grant_for_an_unknown_step(centre, admin_client):
    workflow = Workflow.objects.get(code="fast")
    data = editor_data(V1_STEPS, V1_MOVES, [("nowhere", "urge", "cases_leader")], "report")
    response = design(admin_client, workflow, data)
    assert response.status_code == 200
    assert "nowhere" in response.content.decode()
    assert not WorkflowVersion.objects.filter(workflow=workflow, number=None).exists()


def test_only_those_who_may_change_workflows_edit_them(centre, login):
    workflow = Workflow.objects.get(code="standard")
    client = login(centre.dispatcher)
    assert client.get(reverse("cases:workflow_design", args=[workflow.pk])).status_code == 404
    assert client.post(reverse("cases:workflow_publish", args=[workflow.pk])).status_code == 404
