"""Checks of monitored services (only 127.0.0.1), incidents opened by failures, availability."""

import socket
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from lantian.ops.availability import compute
from lantian.ops.models import Incident, MonitoredService
from lantian.ops.monitors import run_all, run_check
from tests.ops import helpers as h

T0 = datetime(2026, 3, 1)


def hours(n):
    return T0 + timedelta(hours=n)


def test_availability_excludes_approved_maintenance():
    checks = [(hours(0), True), (hours(10), False), (hours(12), True), (hours(20), False), (hours(21), True)]
    result = compute(checks, T0, hours(100), maintenance=[(hours(20), hours(22))])
    assert result.downtime == timedelta(hours=2)  # 10–12 counts, 20–21 is inside the window
    assert result.period == timedelta(hours=98) and result.excluded == timedelta(hours=2)
    assert result.percent == pytest.approx(100 * (1 - 2 / 98))
    assert result.budget_left(99.0) == timedelta(hours=98) * 0.01 - timedelta(hours=2)
    still_down = compute([(hours(5), False)], T0, hours(10), state_before=True)
    assert still_down.downtime == timedelta(hours=5) and still_down.unknown == timedelta(0)
    assert compute([], T0, hours(1)).percent is None


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/ok" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_and_tcp_checks_open_one_incident(tree, http_server):
    contract = h.contract_of(tree)
    now = timezone.now()
    good = h.service_of(contract, kind=MonitoredService.Kind.HTTP, target=f"{http_server}/ok", threshold=3)
    bad = h.service_of(contract, kind=MonitoredService.Kind.HTTP, target=f"{http_server}/down", threshold=3)
    closed = h.service_of(contract, kind=MonitoredService.Kind.TCP, target=f"127.0.0.1:{_closed_port()}")
    open_port = h.service_of(
        contract, kind=MonitoredService.Kind.TCP, target=http_server.removeprefix("http://")
    )
    assert run_check(good, now).ok and run_check(open_port, now).ok
    assert not run_check(bad, now).ok and "503" in bad.results.get().message
    assert not run_check(closed, now).ok
    incident = Incident.objects.get(service=bad)
    assert incident.channel == Incident.Channel.MONITORING and incident.severity.rank == 4  # least severe
    run_check(bad, now + timedelta(minutes=5))
    assert Incident.objects.filter(service=bad).count() == 1  # still the same open incident
    checked, failed = run_all(now + timedelta(minutes=10))
    assert (checked, failed) == (4, 2)


def test_disk_and_queue_checks(tree, tmp_path):
    contract = h.contract_of(tree)
    now = timezone.now()
    disk = h.service_of(contract, kind=MonitoredService.Kind.DISK, target=str(tmp_path), threshold=0.001)
    assert run_check(disk, now).ok
    full = h.service_of(contract, kind=MonitoredService.Kind.DISK, target=str(tmp_path), threshold=100.1)
    assert not run_check(full, now).ok
    queue = h.service_of(contract, kind=MonitoredService.Kind.QUEUE, target="", threshold=30)
    assert run_check(queue, now).ok
    missing = h.service_of(contract, kind=MonitoredService.Kind.DISK, target=str(tmp_path / "nope"))
    assert not run_check(missing, now).ok
