"""What the packet pages show (penetration test, issue 12): refusal reasons in the reader's language,
device passwords masked for all but platform administrators, filters that start from "All"."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from lantian.core.models import ApiToken
from lantian.hj212 import decode, filtersets
from lantian.hj212.errors import HJ212Error
from lantian.hj212.reasons import CATALOGUE, parse, reason_text
from lantian.hj212.storage import PacketStore, Received
from tests.hj212.cases import make_device, reject, store_packets

from .frames import APPENDIX_1062, air_frame, make_frame

pytestmark = pytest.mark.django_db
PASSWORD = "852741"


@pytest.fixture
def device(tree):
    device = make_device(tree.ent_b1, "61032400HY0001", name="乙一热电厂界微站", password=PASSWORD)
    store_packets(device, timezone.now() - timedelta(minutes=5), 3)
    return device


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content.decode()[:800]
    return response.content.decode()


# --- reasons in the reader's language ---


def sample(reason) -> tuple[str, dict]:
    """A recorded text of ``reason`` and the parameters in it."""
    names = re.findall(r"\{(\w+)(?:![rs])?\}", reason.english)
    params = {name: f"<{name}>" for name in names}
    return re.sub(r"\{(\w+)(?:![rs])?\}", lambda found: params[found[1]], reason.english), params


@pytest.mark.parametrize("reason", CATALOGUE, ids=[reason.english[:40] for reason in CATALOGUE])
def test_every_reason_reads_back_and_renders_its_translation(reason):
    recorded, params = sample(reason)
    with translation.override("zh-hans"):
        expected = gettext(str(reason.translated._args[0])) % params
        assert reason_text(recorded) == expected
        assert reason_text(f"{recorded} (at byte 17)") == expected + gettext(" (at byte %(position)s)") % {
            "position": "17"
        }


BROKEN_FRAMES = {
    "no ##": b"#0101QN=1;ST=32;CN=1062;PW=1;MN=1;Flag=5;CP=&&&&0000\r\n",
    "bad length": b"##01a1QN=1;ST=32;CN=1062;PW=1;MN=1;Flag=5;CP=&&&&0000\r\n",
    "bad CRC field": APPENDIX_1062[:-6] + b"zz80\r\n",
    "CRC": APPENDIX_1062[:-6] + b"0000\r\n",
    "CP end": make_frame("QN=20240601085900123;ST=22;CN=2011;PW=1;MN=A;Flag=5;CP=&&a=1"),
    "header without =": make_frame("QN=20240601085900123;ST=22;CN=2011;PW;MN=A;Flag=5;CP=&&&&"),
    "Flag": make_frame("QN=20240601085900123;ST=22;CN=2011;PW=1;MN=A;Flag=x;CP=&&&&"),
    "no CN": make_frame("QN=20240601085900123;ST=22;PW=1;MN=A;Flag=5;CP=&&&&"),
    "PNUM": make_frame("QN=20240601085900123;ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=x;PNO=1;CP=&&&&"),
    "PNO": make_frame("QN=20240601085900123;ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;PNO=3;CP=&&&&"),
    "CP item": air_frame(cp="DataTime=20240601085900;a34004"),
    "CP key": air_frame(cp="DataTime=20240601085900;=1"),
    "encoding": make_frame(b"QN=20240601085900123;ST=22;CN=2011;PW=1;MN=A;Flag=5;CP=&&a=\xff\xfe\xff&&"),
}


@pytest.mark.parametrize("frame", BROKEN_FRAMES.values(), ids=BROKEN_FRAMES.keys())
def test_what_the_codec_refuses_is_in_the_catalogue(frame):
    with pytest.raises(HJ212Error) as refused:
        decode(frame, strict=False)
    assert parse(str(refused.value)) is not None, str(refused.value)


def test_the_rejection_pages_show_the_translated_reason_also_of_rows_stored_before(tree, login, device):
    crc = reject(device, reason="CRC mismatch: frame says 0000, data segment gives 1C80 (at byte 105)")
    wrong_pw = reject(device, reason="wrong access password (PW)", qn_rtn=3)
    client = login(tree.ent_b1_admin)
    with translation.override("zh-hans"):
        expected_crc = gettext(
            "CRC mismatch: the frame says %(given)s, the data segment gives %(computed)s"
        ) % {
            "given": "0000",
            "computed": "1C80",
        }
        expected_pw = gettext("wrong access password (PW)")
    listing = html_of(client, reverse("hj212:rejectedpacket_list"))
    assert expected_crc in listing and expected_pw in listing
    assert "CRC mismatch: frame says" not in listing
    detail = html_of(client, crc.get_absolute_url())
    assert expected_crc in detail and "CRC mismatch: frame says" not in detail
    assert expected_pw in html_of(client, device.get_absolute_url())  # recent rejections
    assert wrong_pw.reason == "wrong access password (PW)"  # stored as recorded


# --- device passwords ---


def test_the_pw_is_masked_for_enterprise_ops_and_bureau_users_and_shown_to_platform_admins(tree, device):
    packet = device.packets.order_by("pk").first()
    assert f"PW={PASSWORD}".encode() in bytes(packet.frame)
    for user in (tree.ent_b1_admin, tree.ops, tree.city_admin):
        html = html_of(as_user(user), packet.get_absolute_url())
        assert PASSWORD not in html, user.username
        assert "PW=******" in html  # the frame; the decoded header shows "******"
    assert f"PW={PASSWORD}" in html_of(as_user(tree.admin), packet.get_absolute_url())


def test_the_pw_is_masked_in_rejected_frames_deviations_lists_exports_and_the_api(tree, device):
    refused = make_frame(f"QN=20240601085900123;ST=22;CN=2011;PW={PASSWORD};MN={device.mn};Flag=5;CP=&&&&")
    reject(device, reason="wrong access password (PW)", qn_rtn=3, frame=refused)
    sloppy = make_frame(
        f"QN=20240601085900124;ST=22;CN=2011; PW={PASSWORD};MN={device.mn};Flag=5;"
        "CP=&&DataTime=20240601085900;a34004-Rtd=35.2&&"
    )
    packet = decode(sloppy, strict=False)
    deviations = "; ".join(map(str, packet.warnings))
    assert PASSWORD in deviations
    PacketStore().store([Received(sloppy, packet, device.pk, timezone.now(), "10.0.0.9:1", "gw", deviations)])
    rejection, stored = device.rejections.get(), device.packets.get(qn="20240601085900124")
    assert PASSWORD.encode() in bytes(rejection.frame)  # the bytes are kept as received
    client = as_user(tree.ops)
    for url in (rejection.get_absolute_url(), stored.get_absolute_url()):
        html = html_of(client, url)
        assert PASSWORD not in html and "PW=******" in html, url
    assert PASSWORD not in html_of(client, reverse("hj212:rejectedpacket_list"))
    export = client.get(reverse("hj212:rawpacket_export"))
    assert export.status_code == 200 and PASSWORD.encode() not in export.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.issue(tree.ent_b1_admin)[1]}")
    for url in (
        reverse("api:hj212-rejectedpacket-list"),
        reverse("api:hj212-rawpacket-detail", args=[stored.pk]),
    ):
        response = api.get(url)
        assert response.status_code == 200 and PASSWORD not in response.content.decode(), url
    assert f"PW={PASSWORD}" in html_of(as_user(tree.admin), rejection.get_absolute_url())


# --- filters ---


def select_options(html: str, name: str) -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL)
    assert select, name
    return [
        (value, label.strip(), "selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select[0])
    ]


def test_the_rejection_list_starts_from_all_and_its_search_shows_every_refusal(tree, login, device):
    crc, wrong_pw = reject(device, qn_rtn=9), reject(device, qn_rtn=3)
    client = login(tree.ent_b1_admin)
    html = html_of(client, reverse("hj212:rejectedpacket_list"))
    with translation.override("zh-hans"):
        everything = gettext("All")
    options = select_options(html, "qn_rtn")
    assert options[0][:2] == ("", everything)
    assert not any(selected for _value, _label, selected in options[1:])
    submitted = {
        "q": "",
        "since": "",
        "until": "",
        "mn": "",
        "device": "",
        "unknown": "unknown",
        "qn_rtn": "",
    }
    rows = client.get(reverse("hj212:rejectedpacket_list"), submitted).context["rows"]
    assert {row["object"] for row in rows} == {crc, wrong_pw}


@pytest.mark.parametrize(
    "filterset",
    [filtersets.DeviceFilterSet, filtersets.RawPacketFilterSet, filtersets.RejectedPacketFilterSet],
)
def test_every_choice_filter_of_the_module_offers_all_first(rf, tree, filterset):
    request = rf.get("/")
    request.user = tree.admin
    form = filterset(request.GET, request=request).form
    with translation.override("zh-hans"):
        everything = gettext("All")
        for name, field in form.fields.items():
            choices = getattr(field.widget, "choices", None)
            if choices is None or not hasattr(field, "choices"):
                continue
            first = next(iter(field.widget.choices))
            assert first[0] in ("", "unknown", None) and str(first[1]) == everything, (name, first)
