"""The demo filings: approved for the agencies the core demo links to enterprises, one awaiting review."""

import pytest
from django.core.exceptions import ValidationError

from lantian.agencies import approval
from lantian.agencies.demo import build_demo
from lantian.agencies.models import AgencyFiling, FilingArchive
from lantian.agencies.standards import validate_id_number
from lantian.core import demo as core_demo
from lantian.core import review, todo
from lantian.core.models import OrganizationLink, User

pytestmark = pytest.mark.django_db


def test_the_demo_files_every_agency_and_running_it_twice_changes_nothing():
    core_demo.build_demo()
    lines = build_demo()
    assert lines and any("渭川绿源环境监测有限公司" in line for line in lines)
    statuses = dict(AgencyFiling.objects.values_list("agency__name", "status"))
    assert statuses == {
        "渭川华测环境检测有限公司": "approved",
        "陕西清源检测技术有限公司": "approved",
        "渭川绿源环境监测有限公司": "submitted",
    }
    counts = [model.objects.count() for model in (AgencyFiling, FilingArchive, User)]
    assert build_demo() == []
    assert [model.objects.count() for model in (AgencyFiling, FilingArchive, User)] == counts

    huace = AgencyFiling.objects.get(agency__name="渭川华测环境检测有限公司")
    assert huace.staff.filter(name="张伟", certificate_name="LDAR检测员证").exists()
    assert set(huace.instruments.values_list("detector_type", flat=True)) >= {"fid", "pid"}
    assert review.is_locked(huace.staff.first()) and huace.archives.count() == 1
    for member in huace.staff.all():
        validate_id_number(member.id_number)  # with its GB 11643 check character

    # Every agency the core demo links to enterprises is approved, so the links pass the gate.
    for link in OrganizationLink.objects.filter(provider__kind="agency"):
        assert approval.has_approved_filing(link.provider)
        OrganizationLink(provider=link.provider, client=link.client).clean()
    waiting = AgencyFiling.objects.get(status="submitted")
    bureau = User.objects.get(username="bureau")
    assert [i.url for i in todo.items_for(bureau) if i.kind == "review"] == [waiting.get_absolute_url()]
    with pytest.raises(ValidationError):
        ent = OrganizationLink.objects.filter(provider__kind="agency").first().client
        OrganizationLink(provider=waiting.agency, client=ent).full_clean()
