"""The role editor in a real browser: a module's "tick all", saving, and the tree on the role's page."""

from lantian.core.models import Role
from tests.browser.test_shell import sign_in


def test_a_bureau_ticks_a_module_saves_the_role_and_sees_its_tree(demo_site, page, screenshot):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/core/roles/add/")
    page.fill("#id_name", "知识库维护员")
    page.fill("#id_code", "knowledge_keeper")
    page.check("input[name=org_kinds][value=regulator]")
    module = page.locator("[data-module=knowledge]")
    module.locator("[data-tick=module]").check()
    boxes = module.locator("input[name=permissions]")
    ticked = boxes.count()
    assert ticked >= 4 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert module.locator("[data-count]").inner_text().startswith(f"{ticked} /")
    # Unticking one action leaves its model's box half-ticked (indeterminate).
    boxes.first.uncheck()
    model_box = module.locator("[data-tick=model]").first
    assert model_box.evaluate("box => box.indeterminate") and not model_box.is_checked()
    boxes.first.check()
    screenshot("role-editor")
    page.click("form[data-role-editor] button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    role = Role.objects.get(code="knowledge_keeper")
    assert page.url.endswith(f"/core/roles/{role.pk}/")
    assert set(role.permissions.values_list("content_type__app_label", flat=True)) == {"knowledge"}
    assert role.permissions.count() == ticked
    tree = page.locator(".permission-tree [data-module=knowledge]")
    assert tree.locator(".badge").count() == role.permissions.count()
    assert "知识库" in tree.inner_text()
    assert page.js_errors == []
    screenshot("role-detail")
