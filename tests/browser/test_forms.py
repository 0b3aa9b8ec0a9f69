"""Forms in the browser: a searchable relation dropdown, date inputs that show their value, and the
bulk-edit page ticking a field's box when the field is changed."""

from tests.browser.test_shell import sign_in


def test_the_group_of_a_seal_point_is_found_by_typing(demo_site, page, screenshot):
    from lantian.core.models import User
    from lantian.ldar.models import ComponentGroup, SealPoint

    enterprise = User.objects.get(username="enterprise").organization
    point = SealPoint.objects.filter(enterprise=enterprise).order_by("pk").first()
    target = (
        ComponentGroup.objects.filter(equipment__area__unit__enterprise=point.enterprise)
        .exclude(pk=point.group_id)
        .order_by("-pk")
        .first()
    )
    sign_in(page, demo_site, "enterprise")
    page.goto(f"{demo_site}/ldar/sealpoints/{point.pk}/edit/")
    control = page.locator("#id_group + .ts-wrapper")  # Tom Select replaced the plain select
    assert control.is_visible() and "ts-hidden-accessible" in page.locator("#id_group").get_attribute("class")
    control.locator(".ts-control").click()
    page.locator("#id_group-ts-control").press_sequentially(target.code, delay=50)
    options = page.locator(".ts-dropdown .option")
    page.wait_for_function("() => document.querySelectorAll('.ts-dropdown .option').length === 1")
    option = options.first
    assert target.code in option.inner_text()
    screenshot("form-searchable-select-open")
    option.click()
    assert page.locator("#id_group").input_value() == str(target.pk)
    screenshot("form-searchable-select-chosen")
    page.fill("#id_extension_number", "901")  # free in the new group
    page.click(".card-footer button.btn-primary[type=submit]")
    page.wait_for_load_state("networkidle")
    point.refresh_from_db()
    assert point.group_id == target.pk
    assert page.js_errors == []


def test_a_date_shows_its_value_and_survives_an_unchanged_save(demo_site, page):
    from datetime import date

    from lantian.core.models import OrganizationLink

    link = OrganizationLink.objects.order_by("pk").first()
    link.since = date(2025, 3, 1)
    link.save()
    sign_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/core/organizationlinks/{link.pk}/edit/")
    assert page.locator("#id_since").input_value() == "2025-03-01"
    page.click(".card-footer button.btn-primary[type=submit]")
    page.wait_for_load_state("networkidle")
    link.refresh_from_db()
    assert link.since == date(2025, 3, 1)


def test_changing_a_bulk_edit_field_ticks_its_box(demo_site, page, screenshot):
    from lantian.ldar.models import SealPoint

    sign_in(page, demo_site, "enterprise")
    page.goto(f"{demo_site}/ldar/sealpoints/")
    page.locator("table tbody input[name=pk]").nth(0).check()
    page.locator("table tbody input[name=pk]").nth(1).check()
    page.click("[data-needs-selection][formaction$='/edit/']")
    page.wait_for_load_state("networkidle")
    assert not page.locator("#apply-remark").is_checked()
    page.fill("#id_remark", "法兰已更换")
    assert page.locator("#apply-remark").is_checked()  # typing ticked it
    page.select_option("#id_material_state", index=1)
    assert page.locator("#apply-material_state").is_checked()
    assert not page.locator("#apply-seal_type").is_checked()  # untouched fields stay unticked
    screenshot("bulk-edit-ticked")
    page.click(".card-footer button.btn-primary[type=submit]")
    page.wait_for_load_state("networkidle")
    assert SealPoint.objects.filter(remark="法兰已更换").count() == 2
    assert page.js_errors == []
