"""The work calendar in the database: seeding, maintenance by the system administrator, the cached
``lantian.core.worktime.calendar()`` and the administrators' home-page warning."""

import io
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lantian.core import worktime
from lantian.core.models import WorkCalendarDay
from tests.core.test_import_organizations import upload

pytestmark = pytest.mark.django_db


def year_days(year):
    return {(d.date, d.kind, d.name) for d in WorkCalendarDay.objects.filter(year=year)}


# Seeding


def test_migrate_loads_every_year_of_the_data_file():
    by_year = worktime.read_calendar_file()
    assert WorkCalendarDay.objects.count() == sum(len(rows) for rows in by_year.values()) == 771
    assert year_days(2026) == {(r["date"], r["kind"], r["name"]) for r in by_year[2026]}
    assert set(WorkCalendarDay.objects.values_list("year", flat=True)) == set(range(2004, 2027))
    cal = worktime.calendar()
    assert cal.workday_deadline(date(2026, 9, 30), 3) == date(2026, 10, 10)  # the Saturday worked


def test_the_command_loads_missing_years_and_keeps_the_administrators_edits():
    WorkCalendarDay.objects.filter(year=2025).delete()
    edited = WorkCalendarDay.objects.get(date=date(2026, 10, 1))
    edited.name = "国庆"
    edited.save()
    WorkCalendarDay.objects.filter(date=date(2026, 10, 7)).delete()
    out = io.StringIO()
    call_command("load_work_calendar", stdout=out)
    assert "Years loaded: 2025." in out.getvalue()
    assert len(year_days(2025)) == 33
    assert WorkCalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆"  # kept
    assert not WorkCalendarDay.objects.filter(date=date(2026, 10, 7)).exists()

    call_command("load_work_calendar", "--replace", "2026", stdout=out)
    assert WorkCalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert WorkCalendarDay.objects.filter(date=date(2026, 10, 7), kind="holiday").exists()


@pytest.mark.parametrize(
    "content,message",
    [
        ("date,kind,name\n2027-02-06,holiday,春节\n2027-02-07,off,春节\n", "line 3: the kind is holiday"),
        ("date,kind,name\n2027-02-10,workday,春节\n", "line 2: 2027-02-10 is a weekday"),
        ("date,kind,name\n2027-13-01,holiday,春节\n", "line 2: '2027-13-01' is not a date"),
        ("date,kind,name\n2027-02-06,holiday,春节\n2027-02-06,holiday,春\n", "line 3: 2027-02-06 is listed"),
        ("day,kind,name\n2027-02-06,holiday,春节\n", "header date,kind,name"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_changes_nothing(tmp_path, content, message):
    path = tmp_path / "calendar.csv"
    path.write_text(content, encoding="utf-8")
    before = WorkCalendarDay.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("load_work_calendar", "--file", str(path))
    assert WorkCalendarDay.objects.count() == before


def test_a_new_year_loads_from_a_file_and_a_year_the_file_lacks_cannot_be_replaced(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节\n", encoding="utf-8")
    call_command("load_work_calendar", "--file", str(path), stdout=io.StringIO())
    assert year_days(2027) == {(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 2, 20), "workday", "春节")}
    with pytest.raises(CommandError, match="has no days of 2030"):
        call_command("load_work_calendar", "--replace", "2030")


# Maintenance by the system administrator only


def test_the_system_administrator_adds_edits_and_deletes_days(tree, login):
    client = login(tree.admin)
    response = client.post(
        reverse("core:workcalendarday_add"), {"date": "2027-02-20", "kind": "workday", "name": "春节"}
    )
    assert response.status_code == 302
    day = WorkCalendarDay.objects.get(date=date(2027, 2, 20))
    assert (day.year, day.kind, day.name) == (2027, "workday", "春节")
    edit = reverse("core:workcalendarday_edit", args=[day.pk])
    client.post(edit, {"date": "2027-02-21", "kind": "workday", "name": "春节"})
    day.refresh_from_db()
    assert (day.date, day.year) == (date(2027, 2, 21), 2027)
    client.post(reverse("core:workcalendarday_delete", args=[day.pk]))
    assert not WorkCalendarDay.objects.filter(pk=day.pk).exists()


def test_a_weekday_is_refused_as_a_working_weekend(tree, login):
    client = login(tree.admin)
    response = client.post(
        reverse("core:workcalendarday_add"), {"date": "2027-02-22", "kind": "workday", "name": "春节"}
    )
    assert response.status_code == 200
    assert "2027-02-22" in " ".join(response.context["form"].errors["kind"])
    assert not WorkCalendarDay.objects.filter(date=date(2027, 2, 22)).exists()


@pytest.mark.parametrize("member", ["city_admin", "county_a_admin", "ent_a1_admin", "ops"])
def test_nobody_else_sees_or_changes_the_calendar(tree, login, member):
    client = login(getattr(tree, member))
    day = WorkCalendarDay.objects.get(date=date(2026, 10, 1))
    assert client.get(reverse("core:workcalendarday_list")).status_code == 403
    assert client.get(reverse("core:workcalendarday_add")).status_code == 403
    edit = reverse("core:workcalendarday_edit", args=[day.pk])
    assert client.post(edit, {"date": "2026-10-01", "kind": "holiday", "name": "x"}).status_code == 403
    new_day = {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    assert client.post("/api/core/workcalendardays/", new_day).status_code == 403
    day.refresh_from_db()
    assert day.name == "国庆节"
    assert not WorkCalendarDay.objects.filter(year=2027).exists()


# The cached calendar


def test_the_calendar_is_built_once_and_rebuilt_after_every_kind_of_change(tree, login):
    first = worktime.calendar()
    assert worktime.calendar() is first
    client = login(tree.admin)
    saturday = date(2027, 2, 20)
    assert not first.is_workday(saturday)

    client.post(
        reverse("core:workcalendarday_add"), {"date": "2027-02-20", "kind": "workday", "name": "春节"}
    )
    added = worktime.calendar()
    assert added.is_workday(saturday)

    day = WorkCalendarDay.objects.get(date=saturday)
    edit = reverse("core:workcalendarday_edit", args=[day.pk])
    client.post(edit, {"date": "2027-02-20", "kind": "holiday", "name": "春节"})
    assert not worktime.calendar().is_workday(saturday) and saturday in worktime.calendar().holidays

    client.post(reverse("core:workcalendarday_delete", args=[day.pk]))
    assert saturday not in worktime.calendar().holidays

    national_day = date(2026, 10, 8)  # a Thursday: made a holiday by an Excel import
    assert worktime.calendar().is_workday(national_day)
    headers = ",".join(
        str(WorkCalendarDay._meta.get_field(name).verbose_name) for name in ("date", "kind", "name")
    )
    holiday = WorkCalendarDay.Kind.HOLIDAY.label
    sheet = f"{headers}\n2026-10-08,{holiday},国庆节\n2026-10-01,{holiday},国庆\n".encode()
    result = upload(client, sheet, name="calendar.csv", url="core:workcalendarday_import").context["result"]
    assert result.ok and result.created == 1 and result.updated == 1, [str(e) for e in result.errors]
    assert not worktime.calendar().is_workday(national_day)
    assert WorkCalendarDay.objects.get(date=national_day).year == 2026


def test_the_calendar_follows_the_office_hours_setting(settings):
    assert worktime.calendar().add_working_hours(datetime(2026, 3, 2, 11), 1) == datetime(2026, 3, 2, 12)
    settings.LANTIAN_OFFICE_HOURS = [("08:00", "12:00"), ("14:00", "18:00")]
    cal = worktime.calendar()
    assert cal.hours == ((time(8), time(12)), (time(14), time(18)))
    assert cal.add_working_hours(datetime(2026, 3, 2, 11), 2) == datetime(2026, 3, 2, 15)


# The administrators' home page


def test_the_warning_rule():
    WorkCalendarDay.objects.filter(year__gte=2026).delete()
    WorkCalendarDay.objects.create(date=date(2026, 1, 1), kind="holiday", name="元旦")
    assert worktime.missing_years(date(2026, 11, 30)) == []
    assert worktime.missing_years(date(2026, 12, 1)) == [2027]  # from December on: next year
    assert worktime.missing_years(date(2027, 6, 1)) == [2027]  # the current year, always
    assert worktime.missing_years(date(2027, 12, 31)) == [2027, 2028]
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    assert worktime.missing_years(date(2026, 12, 1)) == []


def test_administrators_are_warned_of_a_missing_year_with_a_link(tree, login):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        WorkCalendarDay.objects.get_or_create(
            date=date(year, 1, 1), defaults={"kind": "holiday", "name": "元旦"}
        )
    client = login(tree.admin)
    assert b"work-calendar-missing" not in client.get("/").content

    WorkCalendarDay.objects.filter(year=this_year).delete()
    page = client.get("/").content.decode()
    assert 'id="work-calendar-missing"' in page
    assert str(this_year) in page.split('id="work-calendar-missing"')[1].split("</div>")[0]
    assert reverse("core:workcalendarday_list") in page

    client.logout()
    assert "work-calendar-missing" not in login(tree.city_admin).get("/").content.decode()


def test_office_hours_the_kernel_cannot_use_fail_the_system_check(settings):
    assert worktime.check_office_hours() == []
    settings.LANTIAN_OFFICE_HOURS = [("09:00", "12:00"), ("11:00", "17:30")]
    (error,) = worktime.check_office_hours()
    assert error.id == "lantian.E001" and "starts before period 1 ends" in error.msg


def test_aware_times_from_django_are_counted_in_the_site_time_zone():
    friday_11_local = timezone.make_aware(datetime(2026, 2, 13, 11, 0))
    utc = friday_11_local.astimezone(UTC)
    assert worktime.calendar().add_working_hours(utc, 2) == timezone.make_aware(datetime(2026, 2, 13, 14, 30))
    assert worktime.calendar().add_working_hours(utc, 2).tzinfo is UTC
