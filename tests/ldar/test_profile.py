"""The enterprise LDAR profile: filled in by the enterprise with its business-licence photo, reviewed by
the bureau through the core review flow, locked once approved; photos served only within scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from lantian.core.models import ApiToken
from lantian.core.todo import items_for
from lantian.ldar.models import ComponentGroup, EnterpriseProfile

pytestmark = pytest.mark.django_db


def png(name="licence.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def profile_form(tree, **changes):
    data = {
        "organization": tree.ent_a1.pk,
        "registered_name": "甲一化工有限公司",
        "legal_representative": "张三",
        "registered_address": "甲县工业园区 1 号",
        "industry": "petrochemical",
        "environment_manager": "李四",
        "environment_manager_phone": "13800000001",
        "ldar_manager": "王五",
        "ldar_manager_phone": "13800000002",
        "contact_person": "赵六",
        "contact_phone": "13800000003",
        "established_on": "2010-05-01",
        "licence_valid_until": "2040-04-30",
    }
    return {**data, **changes}


def test_the_enterprise_fills_in_its_profile_and_the_bureau_approves_it(tree, login, client):
    login(tree.ent_a1_admin)
    response = client.post("/ldar/enterpriseprofiles/add/", {**profile_form(tree), "licence_photo": png()})
    assert response.status_code == 302, response.context["form"].errors
    profile = EnterpriseProfile.objects.get(organization=tree.ent_a1)
    assert profile.status == "draft" and profile.licence_photo.name.startswith("ldar/licences/")
    photo = client.get(f"/ldar/photos/enterpriseprofile/{profile.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    client.post(f"/core/objects/ldar/enterpriseprofile/{profile.pk}/review/submit/")
    profile.refresh_from_db()
    assert profile.status == "submitted"
    assert client.get(f"/ldar/enterpriseprofiles/{profile.pk}/edit/").status_code == 302  # locked

    assert any(item.url == profile.get_absolute_url() for item in items_for(tree.county_a_admin))
    client.logout()
    login(tree.county_a_admin)
    client.post(f"/core/objects/ldar/enterpriseprofile/{profile.pk}/review/approve/")
    profile.refresh_from_db()
    assert profile.status == "approved" and profile.reviewed_by == tree.county_a_admin
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(f"/api/ldar/enterpriseprofiles/{profile.pk}/", {"phone": "1"}, format="json")
    assert response.status_code == 409


def test_the_bureau_rejects_with_a_reason_and_the_enterprise_fixes_and_resubmits(
    tree, archive, login, client
):
    profile = archive.profile
    login(tree.ent_a1_admin)
    client.post(f"/core/objects/ldar/enterpriseprofile/{profile.pk}/review/submit/")
    client.logout()
    login(tree.county_a_admin)
    client.post(
        f"/core/objects/ldar/enterpriseprofile/{profile.pk}/review/reject/", {"reason": "营业执照照片缺失"}
    )
    profile.refresh_from_db()
    assert profile.status == "rejected" and profile.review_reason == "营业执照照片缺失"
    client.logout()
    login(tree.ent_a1_admin)
    response = client.post(
        f"/ldar/enterpriseprofiles/{profile.pk}/edit/", {**profile_form(tree), "licence_photo": png()}
    )
    assert response.status_code == 302
    client.post(f"/core/objects/ldar/enterpriseprofile/{profile.pk}/review/submit/")
    profile.refresh_from_db()
    assert profile.status == "submitted" and profile.licence_photo


def test_a_profile_is_for_an_enterprise_once_and_a_photo_must_be_an_image(tree, archive, login, client):
    login(tree.ent_a1_admin)
    response = client.post("/ldar/enterpriseprofiles/add/", profile_form(tree))
    assert "organization" in response.context["form"].errors  # ent_a1 has its profile already
    text = SimpleUploadedFile("licence.png", b"not an image at all", content_type="image/png")
    response = client.post(
        f"/ldar/enterpriseprofiles/{archive.profile.pk}/edit/", {**profile_form(tree), "licence_photo": text}
    )
    assert "licence_photo" in response.context["form"].errors
    response = client.post("/ldar/enterpriseprofiles/add/", profile_form(tree, organization=tree.ent_a2.pk))
    assert "organization" in response.context["form"].errors  # not theirs


def test_photos_are_served_only_to_those_who_may_see_the_row(tree, archive, login, client):
    group = archive.group
    login(tree.ent_a1_admin)
    form = client.get(f"/ldar/componentgroups/{group.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photo"}
    response = client.post(f"/ldar/componentgroups/{group.pk}/edit/", {**data, "photo": png("group.png")})
    assert response.status_code == 302, response.context["form"].errors
    group = ComponentGroup.objects.get(pk=group.pk)
    assert group.photo
    assert client.get(f"/ldar/photos/componentgroup/{group.pk}/").status_code == 200
    page = client.get(group.get_absolute_url())
    assert f'src="/ldar/photos/componentgroup/{group.pk}/"' in page.content.decode()
    client.logout()
    login(tree.ent_a2_admin)
    assert client.get(f"/ldar/photos/componentgroup/{group.pk}/").status_code == 404
    assert client.get(f"/ldar/photos/sealpoint/{group.pk}/").status_code == 404
    client.logout()
    login(tree.agency_admin)  # serves ent_a1
    assert client.get(f"/ldar/photos/componentgroup/{group.pk}/").status_code == 200
