import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client

from lantian.core.demo import ACCOUNTS, DEMO_PASSWORD, DIVISION_NOTE, ORGANIZATIONS
from lantian.core.models import JournalEntry, Organization, User

pytestmark = pytest.mark.django_db


def test_demo_builds_a_city_and_running_it_twice_changes_nothing(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and all(username in out for username, *_ in ACCOUNTS)
    counts = (Organization.objects.count(), User.objects.count(), LogEntry.objects.count())
    passwords = dict(User.objects.values_list("username", "password"))

    call_command("demo")
    assert (Organization.objects.count(), User.objects.count(), LogEntry.objects.count()) == counts
    assert dict(User.objects.values_list("username", "password")) == passwords
    # the core city; the modules' demos add their own organisations (townships, departments, plants)
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds >= {"regulator", "enterprise", "agency", "vendor"}
    core = [spec for spec in ORGANIZATIONS if spec.kind == "enterprise"]
    assert Organization.objects.filter(kind="enterprise", name__in=[spec.name for spec in core]).count() == 3


@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_every_demo_account_logs_in_and_sees_its_home(username):
    call_command("demo", stdout=io.StringIO())
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_invented_city_stands_on_real_divisions_and_says_so(capsys):
    call_command("demo")
    assert DIVISION_NOTE in capsys.readouterr().out
    bureau = Organization.objects.get(name="渭川市生态环境局")
    assert (bureau.division.code, bureau.division.name) == ("610300", "宝鸡市")
    assert Organization.objects.get(short_name="岐阳分局").division.code == "610323"
    client = Client()
    client.post("/login/", {"username": "admin", "password": DEMO_PASSWORD})
    page = client.get(bureau.get_absolute_url()).content.decode()
    assert "宝鸡市（610300）" in page and "渭川市是虚构的城市" in page
    call_command("demo")  # idempotent: one note
    assert JournalEntry.objects.filter(text=DIVISION_NOTE).count() == 1
