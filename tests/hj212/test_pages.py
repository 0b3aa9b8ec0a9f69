"""The HJ 212 operator pages: device registry, device page, status page, packet pages, import, roles."""

import json
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from lantian.core.models import ApiToken
from lantian.core.navigation import menu_for
from lantian.hj212.models import Device, Measurement, RawPacket, RejectedPacket
from lantian.hj212.tables import frame_text
from tests.hj212.cases import make_device, reject, store_packets

pytestmark = pytest.mark.django_db
KEY = "0123456789ABCDEF0123456789ABCDEF"


@pytest.fixture(autouse=True)
def empty_realtime_cache():
    caches["realtime"].clear()
    yield
    caches["realtime"].clear()


@pytest.fixture
def device(tree):
    device = make_device(tree.ent_a1, "61032300HY0001", name="宏远东厂界微站", sm4_key=KEY, password="852741")
    store_packets(device, timezone.now() - timedelta(minutes=24, seconds=30), 25)  # the last is 30 s old
    device.refresh_from_db()
    return device


def page(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content.decode()[:800]
    return response.content.decode()


# --- the device page ---


def test_the_owner_sees_status_latest_values_capture_and_measurements(tree, login, device):
    response = login(tree.ent_a1_admin).get(device.get_absolute_url())
    html = response.content.decode()
    assert "宏远东厂界微站" in html
    assert response.context["status_badge"].css == "bg-green-lt"  # online: the last packet is seconds old
    assert "细颗粒物(PM2.5)" in html and "μg/m³" in html  # latest values with names and units
    assert "仪器仪表工作正常" in html  # the flag N with its meaning
    assert reverse("hj212:device_capture", args=[device.pk]) in html
    assert 'id="measurements"' in html and "a34004" in html
    assert "22 空气质量监测" in html  # ST with its name


def test_another_enterprise_gets_404_on_every_device_page(tree, login, device):
    client = login(tree.ent_a2_admin)
    assert client.get(device.get_absolute_url()).status_code == 404
    assert client.get(reverse("hj212:device_capture", args=[device.pk])).status_code == 404


def test_the_sm4_key_and_pw_are_masked_on_the_page_the_form_and_the_api(tree, login, device):
    client = login(tree.county_a_admin)
    html = page(client, device.get_absolute_url())
    assert KEY not in html and "••••••••CDEF" in html
    assert "852741" not in html  # the PW
    form = page(client, reverse("hj212:device_edit", args=[device.pk]))
    assert KEY not in form and 'name="clear_sm4_key"' in form
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.issue(tree.county_a_admin)[1]}")
    body = api.get(reverse("api:hj212-device-detail", args=[device.pk])).content.decode()
    assert KEY not in body and "sm4_key" not in body and "852741" not in body


def test_the_capture_json_has_thirty_days(tree, login, device):
    data = json.loads(page(login(tree.ent_a1_admin), reverse("hj212:device_capture", args=[device.pk])))
    assert len(data["days"]) == len(data["rates"]) == len(data["expected"]) == 30
    assert data["days"][-1] == timezone.localdate().isoformat()
    assert data["captured"][-1] >= 1 and 0 < data["rates"][-1] <= 100


def test_measurements_page_back_by_data_time_and_filter_by_code_and_type(tree, login, device):
    client = login(tree.ent_a1_admin)
    measurements = client.get(device.get_absolute_url()).context["measurements"]
    times = [row["time"] for row in measurements["rows"]]
    assert len(times) == 20 and times == sorted(times, reverse=True) and measurements["older"]
    assert times[0] == Measurement.objects.filter(device=device).latest("time").time
    assert measurements["columns"][0] == {"code": "a34004", "name": "细颗粒物(PM2.5)", "unit": "μg/m³"}
    older = client.get(f"{device.get_absolute_url()}?{measurements['older']}").context["measurements"]
    assert max(row["time"] for row in older["rows"]) < times[-1] and older["newest"] is not None
    assert older["older"] is None  # 25 packets: 20 on the first page, 5 here
    only = client.get(device.get_absolute_url(), {"code": "a34004", "cn": "2051"}).context["measurements"]
    assert [c["code"] for c in only["columns"]] == ["a34004"] and {r["cn"] for r in only["rows"]} == {"2051"}
    cell = only["rows"][0]["cells"][0]
    assert cell["kind"] == "Avg" and "Min" in cell["title"] and "Max" in cell["title"]


def test_recent_rejections_on_the_device_page(tree, login, device):
    reject(device, qn_rtn=3, reason="wrong access password (PW)")
    html = page(login(tree.ent_a1_admin), device.get_absolute_url())
    with translation.override("zh-hans"):
        reason = gettext("wrong access password (PW)")  # the recorded English, in the page's language
    assert "3 PW错误" in html and reason in html


# --- the registry ---


def test_the_list_shows_status_and_filters_online_devices(tree, login, device):
    make_device(tree.ent_a1, "NEVERSEEN01", name="未上线微站")
    client = login(tree.ent_a1_admin)
    html = page(client, reverse("hj212:device_list"))
    assert '<span class="badge bg-green-lt">' in html and '<span class="badge bg-secondary-lt">' in html
    online = client.get(reverse("hj212:device_list"), {"online": "online"}).context["rows"]
    assert [row["object"].mn for row in online] == [device.mn]
    never = client.get(reverse("hj212:device_list"), {"online": "never"}).context["rows"]
    assert [row["object"].mn for row in never] == ["NEVERSEEN01"]


def test_the_bureau_registers_a_device_and_the_form_checks_it(tree, login):
    client = login(tree.county_a_admin)
    data = {
        "mn": "61032300HY0009",
        "name": "宏远西厂界微站",
        "organization": tree.ent_a1.pk,
        "kind": "micro_station",
        "st": "22",
        "password": "654321",
        "new_sm4_key": "0123 4567 89ab cdef 0123 4567 89ab cdef",
        "capture_cn": "2011",
        "interval": "60",
        "is_active": "on",
    }
    response = client.post(reverse("hj212:device_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    device = Device.objects.get(mn="61032300HY0009")
    assert device.sm4_key == KEY and device.password == "654321"

    bad = {
        **data,
        "mn": "61-0323",
        "password": "12 34",
        "new_sm4_key": "XYZ",
        "st": "2a",
        "capture_cn": "2061",
        "interval": "60",
    }
    errors = client.post(reverse("hj212:device_add"), bad).context["form"].errors
    assert set(errors) == {"mn", "password", "new_sm4_key", "st", "interval"}
    assert "32" in errors["new_sm4_key"][0] and "3600" in errors["interval"][0]
    other_county = {**data, "mn": "X1", "organization": tree.ent_b1.pk}
    assert "organization" in client.post(reverse("hj212:device_add"), other_county).context["form"].errors


def test_an_empty_key_field_keeps_the_key_and_the_checkbox_removes_it(tree, login, device):
    client = login(tree.county_a_admin)
    url = reverse("hj212:device_edit", args=[device.pk])
    data = {
        "mn": device.mn,
        "name": "改名微站",
        "organization": tree.ent_a1.pk,
        "kind": device.kind,
        "st": "22",
        "password": "852741",
        "new_sm4_key": "",
        "capture_cn": "2011",
        "interval": "60",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    device.refresh_from_db()
    assert device.name == "改名微站" and device.sm4_key == KEY
    assert client.post(url, {**data, "clear_sm4_key": "on"}).status_code == 302
    device.refresh_from_db()
    assert device.sm4_key == ""


def test_an_enterprise_may_not_register_or_change_devices(tree, login, device):
    client = login(tree.ent_a1_admin)
    assert client.get(reverse("hj212:device_add")).status_code == 403
    assert client.get(reverse("hj212:device_edit", args=[device.pk])).status_code == 403


def test_a_device_with_packets_cannot_be_deleted(tree, login, device):
    client = login(tree.county_a_admin)
    response = client.post(reverse("hj212:device_delete", args=[device.pk]), follow=True)
    assert "仍在使用中" in response.content.decode()
    assert Device.objects.filter(pk=device.pk).exists()


def test_devices_are_imported_from_a_sheet(tree, login):
    client = login(tree.county_a_admin)
    template = client.get(reverse("hj212:device_import_template"))
    assert template.status_code == 200
    rows = (  # headers by field name: they are recognised in every language
        "mn,name,organization,kind,st,measures,password,sm4_key,capture_cn,interval,is_active\n"
        f"IMP0001,导入微站1,甲一化工,micro_station,22,东厂界,123456,{KEY.lower()},2011,60,是\n"
        "IMP0002,导入微站2,甲一化工,micro_station,22,西厂界,123456,,2061,3600,是\n"
    )
    upload = SimpleUploadedFile("devices.csv", rows.encode(), content_type="text/csv")
    response = client.post(reverse("hj212:device_import"), {"file": upload, "dry_run": ""})
    result = response.context["result"]
    assert result.ok, [(e.row, e.column, e.message) for e in result.errors]
    assert Device.objects.get(mn="IMP0001").sm4_key == KEY
    assert Device.objects.get(mn="IMP0002").interval == 3600


def test_an_import_row_with_a_wrong_interval_is_reported(tree, login):
    client = login(tree.county_a_admin)
    rows = "mn,name,organization,password,capture_cn,interval\nIMP0003,微站,甲一化工,123456,2061,60\n"
    upload = SimpleUploadedFile("devices.csv", rows.encode(), content_type="text/csv")
    result = client.post(reverse("hj212:device_import"), {"file": upload, "dry_run": ""}).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "interval")]  # named as the file names it
    assert not Device.objects.filter(mn="IMP0003").exists()


# --- the status page ---


def test_the_status_page_counts_and_lists_the_devices_of_the_day(tree, login, device):
    make_device(tree.ent_a1, "NEVERSEEN02")
    make_device(tree.ent_a2, "OTHERENT01")  # another enterprise's: not counted for ent_a1
    reject(device, received_at=timezone.now())
    client = login(tree.ent_a1_admin)
    response = client.get(reverse("hj212:status"))
    assert response.status_code == 200
    assert response.context["counts"] == {"total": 2, "online": 1, "offline": 0, "never": 1}
    rows = {row.device.mn: row for row in response.context["rows"]}
    assert set(rows) == {device.mn, "NEVERSEEN02"}
    assert rows[device.mn].packets >= 20 and rows[device.mn].rejections == 1
    assert rows[device.mn].rate is not None and rows["NEVERSEEN02"].packets == 0
    html = response.content.decode()
    assert f'data-device="{device.mn}"' in html and "text-success" in html


def test_the_status_page_of_another_day_and_with_filters(tree, login, device):
    client = login(tree.county_a_admin)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.get(reverse("hj212:status"), {"day": yesterday, "online": "online"})
    assert response.status_code == 200 and response.context["day"].isoformat() == yesterday
    assert [row.device for row in response.context["rows"]] == [device]


def test_the_ops_vendor_sees_its_clients_devices_read_only(tree, login):
    served = make_device(tree.ent_b1, "OPSCLIENT01")
    client = login(tree.ops)
    assert [row.device for row in client.get(reverse("hj212:status")).context["rows"]] == [served]
    assert client.get(served.get_absolute_url()).status_code == 200
    assert client.get(reverse("hj212:device_edit", args=[served.pk])).status_code == 403


def test_the_status_page_needs_the_view_permission(tree, login):
    assert login(tree.agency_admin).get(reverse("hj212:status")).status_code == 403


# --- packets ---


def test_a_received_packet_shows_its_frame_and_decoded_header(tree, login, device):
    packet = device.packets.filter(cn="2051").first()
    html = page(login(tree.ent_a1_admin), packet.get_absolute_url())
    assert "\\r\\n" in html  # the frame's CR LF, escaped
    assert "2051 污染物分钟数据" in html and "HJ 212-2017" in html
    assert "细颗粒物(PM2.5)" in html


def test_rejections_of_unknown_devices_are_for_platform_wide_users_only(tree, login, device):
    unknown = reject(
        None,
        "UNKNOWN0001",
        qn_rtn=4,
        reason="unknown device MN 'UNKNOWN0001'",
        frame=b"##0005QN=1\x00\xff\r\n",
    )
    county = Client()
    county.force_login(tree.county_a_admin)
    assert county.get(unknown.get_absolute_url()).status_code == 404
    html = page(login(tree.admin), unknown.get_absolute_url())
    assert "4 MN错误" in html and "\\x00\\xFF\\r\\n" in html
    listing = login(tree.admin).get(reverse("hj212:rejectedpacket_list"), {"unknown": "true"})
    assert [row["object"] for row in listing.context["rows"]] == [unknown]


def test_rejection_filters_by_qn_rtn_and_day(tree, login, device):
    crc = reject(device, qn_rtn=9)
    pw = reject(device, qn_rtn=3)
    client = login(tree.ent_a1_admin)
    rows = client.get(reverse("hj212:rejectedpacket_list"), {"qn_rtn": "3"}).context["rows"]
    assert [row["object"] for row in rows] == [pw]
    today = timezone.localdate().isoformat()
    rows = client.get(reverse("hj212:rejectedpacket_list"), {"since": today, "until": today}).context["rows"]
    assert {row["object"] for row in rows} == {crc, pw}
    assert "9 CRC校验错误" in page(client, reverse("hj212:rejectedpacket_list"))


def test_packets_filter_by_command_and_resent(tree, login, device):
    client = login(tree.ent_a1_admin)
    rows = client.get(reverse("hj212:rawpacket_list"), {"cn": "2051"}).context["rows"]
    assert rows and {row["object"].cn for row in rows} == {"2051"}
    assert client.get(reverse("hj212:rawpacket_list"), {"resent": "true"}).context["rows"] == []
    assert RawPacket.objects.filter(device=device).count() == 25


def test_frame_text_escapes_what_is_not_text():
    assert frame_text(b"##0010QN=1\r\n") == "##0010QN=1\\r\\n"
    assert frame_text("MN=监测\\点".encode() + b"\x00\xff\t") == "MN=监测\\\\点\\x00\\xFF\\t"


def test_the_menu_shows_the_monitoring_devices_group(tree):
    def items(user):
        return [[item.url_name for item in group["items"]] for group in menu_for(user)]

    assert [
        "hj212:status",
        "hj212:device_list",
        "hj212:rawpacket_list",
        "hj212:rejectedpacket_list",
    ] in items(tree.ent_a1_admin)
    assert not any(name.startswith("hj212:") for group in items(tree.agency_admin) for name in group)


def test_rejected_packets_keep_their_frame_bytes(device):
    rejection = reject(device, frame=b"##\x01\x02")
    assert bytes(RejectedPacket.objects.get(pk=rejection.pk).frame) == b"##\x01\x02"


def test_bulk_edit_sets_pw_and_interval_and_keeps_each_key(tree, login, device):
    other = make_device(tree.ent_a1, "BULK0002")
    client = login(tree.county_a_admin)
    form = client.post(reverse("hj212:device_bulk_edit"), {"pk": [device.pk, other.pk]}).context["form"]
    assert "mn" not in form.fields and "new_sm4_key" not in form.fields  # unique and secret fields stay out
    body = {"pk": [device.pk, other.pk], "apply": "1", "_apply": ["interval", "password"], "interval": "120",
            "password": "777777"}  # fmt: skip
    assert client.post(reverse("hj212:device_bulk_edit"), body).status_code == 302
    rows = dict(Device.objects.filter(pk__in=[device.pk, other.pk]).values_list("mn", "sm4_key"))
    assert rows == {device.mn: KEY, "BULK0002": ""}
    assert set(Device.objects.filter(pk__in=[device.pk, other.pk]).values_list("interval", "password")) == {
        (120, "777777")
    }
