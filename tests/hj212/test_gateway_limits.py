"""The gateway's limits, over a real socket (penetration test of the HJ 212 gateway): idle and
half-frame timeouts, connections per address, refusals stored per address, data times ahead of
the clock and implausible values."""

import logging
import socket
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import uvloop
from django.core.cache import caches

from lantian.hj212 import gateway as gateway_module
from lantian.hj212.gateway import Gateway
from lantian.hj212.models import Measurement, RawPacket, RejectedPacket
from lantian.hj212.storage import LATEST_COMMANDS, REALTIME_CACHE, latest_key, latest_values

from .frames import make_frame
from .test_gateway import connect, device, eventually  # noqa: F401  (device: a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
LOCAL = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def start_gateway(device, tmp_path):  # noqa: F811
    """Starts a gateway with the limits given; stops it after the test."""
    started = []

    def start(**limits):
        gw = Gateway(host="127.0.0.1", port=0, spool_root=tmp_path / "spool", flush_interval=0.001, **limits)
        loop = uvloop.new_event_loop()
        thread = threading.Thread(
            target=loop.run_until_complete, args=(gw.run(install_signals=False),), daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not gw.ready.is_set():
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.01)
        started.append((gw, loop, thread))
        return gw

    yield start
    for gw, loop, thread in started:
        loop.call_soon_threadsafe(gw.stop)
        thread.join(30)


def closed_by_peer(sock, timeout=5.0) -> bool:
    """Whether the gateway closes ``sock`` within ``timeout`` (reading whatever it still sends)."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return False


def data_frame(
    data_time: str, values: str = "a34004-Rtd=35.2,a34004-Flag=N", qn="20240601085900123"
) -> bytes:
    header = f"QN={qn};ST=22;CN=2011;PW=123456;MN=TESTAIR0001;Flag=5;"
    return make_frame(f"{header}CP=&&DataTime={data_time};{values}&&")


def local_stamp(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y%m%d%H%M%S")


def test_an_idle_connection_is_closed_and_logged(start_gateway, caplog):
    gw = start_gateway(idle_timeout=0.5)
    caplog.set_level(logging.INFO, logger="lantian.hj212.gateway")
    with connect(gw) as client:
        assert closed_by_peer(client.sock)
    assert gw.stats.timed_out == 1
    assert any("idle_timeout" in record.getMessage() for record in caplog.records)


def test_a_busy_connection_is_not_idle(start_gateway):
    gw = start_gateway(idle_timeout=0.6)
    with connect(gw) as client:
        for second in range(6):
            client.send(data_frame(local_stamp(datetime.now(LOCAL)), qn=f"2024060108590{second}123"))
            assert [reply.cn for reply in client.replies(1)] == ["9014"]
            time.sleep(0.25)
    assert gw.stats.timed_out == 0


def test_a_frame_left_incomplete_closes_the_connection_and_is_recorded(start_gateway, caplog):
    gw = start_gateway(frame_timeout=0.6, idle_timeout=60)
    caplog.set_level(logging.WARNING, logger="lantian.hj212.gateway")
    with connect(gw) as client:
        client.send(b"##0100QN=2024")
        for _ in range(12):  # a byte now and then: never idle, the frame never done
            time.sleep(0.15)
            try:
                client.send(b"0")
            except OSError:
                break
        assert closed_by_peer(client.sock)
    [refusal] = eventually(lambda: list(RejectedPacket.objects.all()))
    assert bytes(refusal.frame).startswith(b"##0100QN=2024") and "not completed" in refusal.reason
    assert any("frame_timeout" in record.getMessage() for record in caplog.records)


def test_a_frame_without_cr_lf_is_answered_once_the_device_is_quiet(start_gateway):
    gw = start_gateway(frame_timeout=5, idle_timeout=60)
    with connect(gw) as client:
        client.send(data_frame(local_stamp(datetime.now(LOCAL)))[:-2])
        assert [reply.cn for reply in client.replies(1, timeout=5)] == ["9014"]


def test_connections_per_address_are_limited_and_the_refusals_logged(start_gateway, caplog):
    gw = start_gateway(max_connections_per_peer=3)
    caplog.set_level(logging.WARNING, logger="lantian.hj212.gateway")
    held = [socket.create_connection(("127.0.0.1", gw.port), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.2)
        extra = socket.create_connection(("127.0.0.1", gw.port), timeout=5)
        assert closed_by_peer(extra, timeout=3)
        extra.close()
        assert gw.stats.refused_connections == 1
        assert any("max_connections_per_peer" in record.getMessage() for record in caplog.records)
        held.pop().close()
        time.sleep(0.2)
        with connect(gw) as client:  # a place is free again
            client.send(data_frame(local_stamp(datetime.now(LOCAL))))
            assert [reply.cn for reply in client.replies(1)] == ["9014"]
    finally:
        for sock in held:
            sock.close()


def test_refusals_are_stored_up_to_the_limit_per_address_and_the_rest_counted(
    start_gateway, caplog, monkeypatch
):
    monkeypatch.setattr(gateway_module, "THROTTLE_WINDOW", 1.5)
    gw = start_gateway(rejections_per_minute=5)
    caplog.set_level(logging.WARNING, logger="lantian.hj212.gateway")
    wrong_crc = [
        data_frame("20240601085900", qn=f"202406010859{n:05d}")[:-6] + b"0000\r\n" for n in range(20)
    ]
    with connect(gw) as client:
        for frame in wrong_crc:
            client.send(frame)
        assert len(client.replies(20)) == 20  # every frame is still answered (9011, CRC error)
    summary = eventually(lambda: list(RejectedPacket.objects.filter(frame=b"")), timeout=6)
    assert RejectedPacket.objects.exclude(frame=b"").count() == 5
    assert [row.reason.split()[0] for row in summary] == ["15"] and "not stored" in summary[0].reason
    assert gw.stats.throttled == 15 and gw.stats.rejected == 20
    assert any("throttling refusals from 127.0.0.1" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("data_time", ["99991231235959", "22000101000000", "later"])
def test_a_data_time_in_the_future_is_refused_and_never_the_latest_value(start_gateway, device, data_time):  # noqa: F811
    gw = start_gateway(future_tolerance=600)
    caches[REALTIME_CACHE].delete_many([latest_key(device.pk, cn) for cn in LATEST_COMMANDS])
    now = datetime.now(LOCAL)
    future = local_stamp(now + timedelta(minutes=11)) if data_time == "later" else data_time
    with connect(gw) as client:
        client.send(data_frame(future, "a34004-Rtd=99.9,a34004-Flag=N", qn="20240601085900001"))
        [refusal] = client.replies(1)
        client.send(data_frame(local_stamp(now), qn="20240601085900002"))
        [ack] = client.replies(1)
    assert (refusal.cn, refusal.cp.get("QnRtn"), refusal.qn) == ("9011", "2", "20240601085900001")
    assert ack.cn == "9014"
    assert list(RawPacket.objects.values_list("qn", flat=True)) == ["20240601085900002"]
    [rejection] = eventually(lambda: list(RejectedPacket.objects.all()))
    assert (rejection.qn_rtn, rejection.device_id) == (2, device.pk) and future in rejection.reason

    def latest():
        reading = latest_values(device.pk).get("a34004")
        return [reading] if reading else []

    [reading] = eventually(latest)
    assert reading["Rtd"] == "35.2" and reading["time"] == now.replace(microsecond=0)


def test_a_data_time_within_the_tolerance_is_accepted(start_gateway):
    gw = start_gateway(future_tolerance=600)
    with connect(gw) as client:
        client.send(data_frame(local_stamp(datetime.now(LOCAL) + timedelta(minutes=9))))
        assert [reply.cn for reply in client.replies(1)] == ["9014"]


def test_an_implausible_value_is_flagged_and_never_the_latest_value(start_gateway, device):  # noqa: F811
    gw = start_gateway(value_limit=1e12)
    caches[REALTIME_CACHE].delete_many([latest_key(device.pk, cn) for cn in LATEST_COMMANDS])
    now = datetime.now(LOCAL).replace(microsecond=0)
    values = "a34004-Rtd=1e308,a34004-Flag=N;a21005-Rtd=0.612,a21005-Flag=N;a21026-Rtd=inf"
    with connect(gw) as client:
        client.send(data_frame(local_stamp(now), values))
        assert [reply.cn for reply in client.replies(1)] == ["9014"]
    packet = RawPacket.objects.get()
    assert "a34004-Rtd=1e308" in packet.deviations and "a21026-Rtd=inf" in packet.deviations
    assert set(Measurement.objects.values_list("code", "value")) == {("a21005", 0.612)}
    assert gw.stats.implausible == 1

    def latest():
        values = latest_values(device.pk)
        return [values] if values else []

    [values] = eventually(latest)
    assert set(values) == {"a21005"} and values["a21005"]["time"] == now
