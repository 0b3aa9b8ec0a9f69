"""The gateway end to end in this process: a real TCP socket, the real database (hence transactional
tests: the gateway writes from its own thread), replies checked byte for byte through the codec."""

import socket
import threading
import time
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import uvloop
from django.core.cache import caches
from django.db import OperationalError

from lantian.core.models import Organization
from lantian.hj212 import StreamFramer, decode, split_packet
from lantian.hj212.gateway import Gateway
from lantian.hj212.models import Device, Measurement, RawPacket, RejectedPacket
from lantian.hj212.simulator import SimulatedDevice, Simulation
from lantian.hj212.storage import LATEST_COMMANDS, REALTIME_CACHE, PacketStore, latest_key, latest_values

from .frames import make_frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def device():
    """A device of an operations vendor: transactional tests start from empty tables, so nothing here
    relies on data that migrations load (divisions, roles)."""
    owner = Organization.objects.create(name="网关测试运维单位", kind=Organization.Kind.VENDOR)
    return Device.objects.create(
        mn="TESTAIR0001",
        name="测试空气站",
        organization=owner,
        password="123456",
        interval=60,
        capture_cn="2011",
    )


@pytest.fixture
def gateway(device, tmp_path):
    gw = Gateway(
        host="127.0.0.1", port=0, spool_root=tmp_path / "spool", flush_interval=0.001, retry_interval=0.2
    )
    # Each status the status thread publishes is announced, for the tests that wait for one.
    gw.publications = threading.Condition()
    publish = gw.store.publish

    def announced(status):
        try:
            publish(status)
        finally:
            with gw.publications:
                gw.publications.notify_all()

    gw.store.publish = announced
    loop = uvloop.new_event_loop()  # as the command runs it
    thread = threading.Thread(
        target=loop.run_until_complete, args=(gw.run(install_signals=False),), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not gw.ready.is_set():
        assert time.monotonic() < deadline, "gateway did not start"
        time.sleep(0.01)
    gw.stop_and_wait = lambda: (loop.call_soon_threadsafe(gw.stop), thread.join(30))
    yield gw
    if thread.is_alive():
        gw.stop_and_wait()


@contextmanager
def connect(gw):
    sock = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
    try:
        yield Client(sock)
    finally:
        sock.close()


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.framer = StreamFramer()
        self.pending = []

    def send(self, data: bytes):
        self.sock.sendall(data)

    def replies(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.pending) < count:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            self.pending.extend(decode(frame) for frame in self.framer.feed(data))
        taken, self.pending = self.pending[:count], self.pending[count:]
        return taken


def eventually(query, count=1, timeout=60):
    """Refusals are written with the next batch or within half a second: ``query`` is asked again until
    it returns ``count`` rows. ``timeout`` only ends a wait that would never end (the machine may be
    busy: the timing is not what is tested)."""
    deadline = time.monotonic() + timeout
    while len(result := query()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def published(gw, condition, patience=120):
    """Wait until ``condition()`` holds, looking again after each status the gateway publishes (never
    before: a publication that happened while it was being looked at is not missed, the lock is
    held). ``patience`` only ends a wait that would never end; the timing itself is not tested."""
    deadline = time.monotonic() + patience
    with gw.publications:
        while not condition():
            remaining = deadline - time.monotonic()
            assert remaining > 0, "no status published that satisfies the condition"
            gw.publications.wait(remaining)
    return True


def station(device, **kwargs):
    return SimulatedDevice(mn=device.mn, password="123456", **kwargs)


def test_a_data_packet_is_acknowledged_after_it_is_stored(gateway, device):
    sim = station(device)
    packet = sim.next_packet()
    with connect(gateway) as client:
        client.send(sim.encode(packet))
        [reply] = client.replies(1)
    assert (reply.cn, reply.qn, reply.mn, reply.st) == ("9014", packet.qn, device.mn, "91")
    stored = RawPacket.objects.get()
    assert (stored.qn, stored.cn) == (packet.qn, packet.cn)
    assert Measurement.objects.filter(device=device).count() == len(packet.cp.measurements())


def test_the_device_status_follows_its_packets(gateway, device):
    # Published with the first batch, then every STATUS_EVERY from the status thread, also when no
    # further packet comes to carry it.
    caches[REALTIME_CACHE].delete_many([latest_key(device.pk, cn) for cn in LATEST_COMMANDS])
    sim = station(device)
    packets = [sim.next_packet() for _ in range(2)]
    with connect(gateway) as client:
        for packet in packets:
            client.send(sim.encode(packet))
            assert [reply.cn for reply in client.replies(1)] == ["9014"]
            data_time = packet.cp.data_time.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
            code = packet.cp.measurements()[0].code

            def shows_it(data_time=data_time, code=code, cn=packet.cn):
                device.refresh_from_db()
                newest = latest_values(device.pk).get(code, {})
                return device.last_cn == cn and newest.get("time") == data_time

            # The second packet is handed over by the database thread's round every STATUS_EVERY,
            # not by a batch: how long that takes on a loaded machine is not what is tested here.
            assert published(gateway, shows_it)
    assert device.last_seen_at is not None and device.last_peer.startswith("127.0.0.1:")


def test_several_packets_in_one_read_and_one_packet_over_many_reads(gateway, device):
    sim = station(device)
    frames = [sim.encode(sim.next_packet()) for _ in range(4)]
    with connect(gateway) as client:
        client.send(frames[0] + frames[1] + frames[2][:50])
        time.sleep(0.05)
        client.send(frames[2][50:100])
        time.sleep(0.05)
        client.send(frames[2][100:] + b"rubbish between frames\r\n" + frames[3])
        replies = client.replies(4)
    assert [r.cn for r in replies] == ["9014"] * 4
    assert RawPacket.objects.count() == 4
    [garbage] = eventually(lambda: list(RejectedPacket.objects.all()))
    assert bytes(garbage.frame).startswith(b"rubbish") and garbage.mn == ""


def test_unknown_device_and_wrong_password_are_refused_with_their_qn_rtn(gateway, device):
    stranger = SimulatedDevice(mn="NOBODY000001", password="123456")
    wrong = SimulatedDevice(mn=device.mn, password="654321")
    with connect(gateway) as client:
        client.send(stranger.encode(stranger.next_packet()))
        client.send(wrong.encode(wrong.next_packet()))
        replies = client.replies(2)
    # The unknown MN is refused only after the registry was read again: its answer may come second.
    assert sorted((r.mn, r.cn, r.cp.get("QnRtn")) for r in replies) == [
        ("NOBODY000001", "9011", "4"),
        (device.mn, "9011", "3"),
    ]
    assert not RawPacket.objects.exists()
    reasons = eventually(
        lambda: sorted(RejectedPacket.objects.values_list("mn", "device", "qn_rtn")), count=2
    )
    assert reasons == [("NOBODY000001", None, 4), (device.mn, device.pk, 3)]


def test_a_crc_error_is_refused_and_the_stream_goes_on(gateway, device):
    sim = station(device)
    bad = bytearray(sim.encode(sim.next_packet()))
    bad[-6:-2] = b"0000" if bad[-6:-2] != b"0000" else b"1111"
    good = sim.next_packet()
    with connect(gateway) as client:
        client.send(bytes(bad) + sim.encode(good))
        refusal, ack = client.replies(2)
    assert (refusal.cn, refusal.cp.get("QnRtn")) == ("9011", "9")
    assert (ack.cn, ack.qn) == ("9014", good.qn)
    assert "CRC" in eventually(lambda: list(RejectedPacket.objects.all()))[0].reason


def test_a_repeated_packet_is_acknowledged_each_time_and_stored_once(gateway, device):
    sim = station(device)
    frame = sim.encode(sim.next_packet())
    with connect(gateway) as client:
        client.send(frame)
        client.replies(1)
        client.send(frame + frame)
        assert [r.cn for r in client.replies(2)] == ["9014", "9014"]
    assert RawPacket.objects.count() == 1


def test_split_parts_are_each_acknowledged_once_the_whole_is_stored(gateway, device):
    sim = station(device)
    packet = sim.next_packet()
    parts = split_packet(packet, max_cp=200)
    assert len(parts) >= 2
    with connect(gateway) as client:
        for part in parts:
            client.send(sim.encode(part))
        replies = client.replies(len(parts))
    assert [r.cn for r in replies] == ["9014"] * len(parts)
    stored = RawPacket.objects.get()
    assert Measurement.objects.filter(device=device).count() == len(packet.cp.measurements())
    assert stored.qn == packet.qn


def test_a_time_calibration_request_is_answered_with_the_platform_time(gateway, device):
    request = make_frame(f"QN=20261122120000001;ST=22;CN=1013;PW=123456;MN={device.mn};Flag=4;CP=&&&&")
    with connect(gateway) as client:
        client.send(request)
        [answer] = client.replies(1)
    assert answer.cn == "1012" and len(answer.cp.get("SystemTime")) == 14


def test_packets_are_spooled_while_the_database_is_down_and_stored_when_it_is_back(
    gateway, device, monkeypatch
):
    original = PacketStore.store
    down = threading.Event()
    down.set()

    def store(self, batch):
        if down.is_set():
            raise OperationalError("connection refused (simulated)")
        return original(self, batch)

    monkeypatch.setattr(PacketStore, "store", store)
    sim = station(device)
    packets = [sim.next_packet() for _ in range(5)]
    with connect(gateway) as client:
        for packet in packets[:3]:
            client.send(sim.encode(packet))
        assert [r.qn for r in client.replies(3)] == [p.qn for p in packets[:3]]  # acknowledged from the spool
        assert not RawPacket.objects.exists()
        assert gateway.spool.pending
        down.clear()
        time.sleep(0.3)  # the retry interval
        for packet in packets[3:]:
            client.send(sim.encode(packet))
        assert [r.qn for r in client.replies(2)] == [p.qn for p in packets[3:]]
    assert sorted(RawPacket.objects.values_list("qn", flat=True)) == sorted(p.qn for p in packets)
    assert not gateway.spool.pending


def test_stopping_drains_what_was_received(gateway, device):
    sim = station(device)
    frames = [sim.encode(sim.next_packet()) for _ in range(200)]
    with connect(gateway) as client:
        client.send(b"".join(frames))
        time.sleep(0.1)
        gateway.stop_and_wait()
        acks = client.replies(200, timeout=5)
    assert RawPacket.objects.count() >= len(acks) > 0
    stored = set(RawPacket.objects.values_list("qn", flat=True))
    assert {r.qn for r in acks} <= stored


def test_a_device_registered_after_start_is_accepted(gateway, device):
    late = Device.objects.create(
        mn="LATE00000001", name="新设备", organization=device.organization, password="123456"
    )
    sim = SimulatedDevice(mn=late.mn, password="123456")
    with connect(gateway) as client:
        client.send(sim.encode(sim.next_packet()))
        [reply] = client.replies(1)
    assert reply.cn == "9014"


def test_the_simulator_plays_corrupt_duplicate_and_split_packets_and_checks_every_reply(gateway, device):
    simulation = Simulation(
        [station(device)], "127.0.0.1", gateway.port, rate=1000, packets=300, corrupt=0.1, duplicate=0.1,
        split=0.1, ack_timeout=10, reconnect=False,
    )  # fmt: skip
    outcome = {}  # in a thread of its own: the browser tests' Playwright may be running a loop in this one
    player = threading.Thread(target=lambda: outcome.update(report=uvloop.run(simulation.run())))
    player.start()
    player.join(60)
    report = outcome["report"]

    assert report.ok, (report.summary(), report.unexpected[:3])
    assert report.corrupt > 10 and report.duplicates > 10 and report.split_parts > 20
    assert report.refused + report.corrupt_passed == report.corrupt
    assert report.acked == report.expected_acks
    stored = set(RawPacket.objects.values_list("mn", "qn", "cn"))
    assert report.acked_keys <= stored
    assert len(stored) == len(report.acked_keys) + report.corrupt_passed


def test_the_gateway_stops_reading_while_the_database_falls_behind_and_loses_nothing(
    gateway, device, monkeypatch
):
    original = PacketStore.store

    def slow_store(self, batch):
        time.sleep(0.05)
        return original(self, batch)

    monkeypatch.setattr(PacketStore, "store", slow_store)
    monkeypatch.setattr("lantian.hj212.gateway.BACKLOG_LIMIT", 20)
    gateway.batch_size = 10
    pauses = []
    pause = gateway._pause_reading
    monkeypatch.setattr(gateway, "_pause_reading", lambda: (pauses.append(len(gateway._incoming)), pause()))
    sim = station(device)
    packets = [sim.next_packet() for _ in range(200)]
    acks = []
    with connect(gateway) as client:
        for part in (packets[:100], packets[100:]):  # the second part is only read if reading resumed
            client.send(b"".join(sim.encode(packet) for packet in part))
            acks += client.replies(100, timeout=30)
    assert [ack.qn for ack in acks] == [packet.qn for packet in packets]
    # It stopped reading at the limit, each time (at least once a part: how TCP cuts a part into
    # reads decides whether a part pauses it once or more).
    assert len(pauses) >= 2 and set(pauses) == {20}
    assert RawPacket.objects.count() == 200
