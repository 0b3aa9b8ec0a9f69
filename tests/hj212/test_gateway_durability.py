"""No acknowledged packet is lost (specs/hj212.md targets): devices play against a gateway process
that is killed with SIGKILL mid-stream and restarted, while the PostgreSQL server under it is
crash-restarted mid-stream; afterwards every acknowledged packet is stored exactly once.

The test runs its own throw-away PostgreSQL cluster (initdb as the postgres user) so that it can
restart it without disturbing anything else; it is skipped where the PostgreSQL server binaries are
not installed.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvloop

from lantian.hj212.simulator import Simulation, make_devices

ROOT = Path(__file__).resolve().parents[2]
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(
    not BINARIES or shutil.which("runuser") is None, reason="PostgreSQL server binaries needed"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A private PostgreSQL server in a temporary directory."""

    def __init__(self, directory: Path):
        self.bin = Path(BINARIES[-1])
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(directory, "postgres", "postgres")
        self._as_postgres(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def _as_postgres(self, *command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.directory / "log", "-w", "start"
        )

    def crash_restart(self, noticed=lambda: True, patience: float = 120.0):
        """Stop as if the machine lost power (immediate mode: no checkpoint), stay down until ``noticed()``
        (a loaded machine may take a while to try a write), then start again."""
        self._as_postgres(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        time.sleep(1.0)
        deadline = time.monotonic() + patience
        while not noticed() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.start()

    def stop(self):
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/lantian"


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
        **kwargs,
    )


def start_gateway(env, port, spool, log):
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "hj212_gateway",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--spool",
            spool,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            assert process.poll() is None, "the gateway exited"
            time.sleep(0.1)
    raise AssertionError("the gateway did not start")


@pytest.fixture
def cluster():
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="lantian-pg-"))
    cluster = Cluster(directory)
    cluster.start()
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(cluster.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "lantian",
        ],
        check=True,
        timeout=60,
    )
    yield cluster
    cluster.stop()
    shutil.rmtree(directory, ignore_errors=True)


def test_kill_and_database_restart_lose_no_acknowledged_packet(cluster, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lantian.settings.test",
        "DATABASE_URL": cluster.url,
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "-v0")
    devices = make_devices(30, prefix="DUR", start=datetime.now().replace(microsecond=0) - timedelta(days=1))
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        (
            "from lantian.core.models import Organization as O; "
            "from lantian.hj212.models import Device as D; "
            "o = O.objects.create(name='耐久测试运维单位', kind='vendor'); "
            "D.objects.bulk_create(D(mn=mn, name=mn, password='123456', organization=o) "
            f"for mn in {[d.mn for d in devices]!r})"
        ),
    )

    port, spool = free_port(), tmp_path / "spool"
    log = open(tmp_path / "gateway.log", "w")  # noqa: SIM115
    gateway = start_gateway(env, port, spool, log)
    simulation = Simulation(
        devices, "127.0.0.1", port, rate=300, duration=12, duplicate=0.05, split=0.05, ack_timeout=60
    )
    outcome = {}
    player = threading.Thread(target=lambda: outcome.update(report=uvloop.run(simulation.run())))
    player.start()
    try:
        time.sleep(3)
        gateway.send_signal(signal.SIGKILL)  # mid-stream, mid-batch
        gateway.wait(timeout=30)
        gateway = start_gateway(env, port, spool, log)  # takes the same spool slot back
        time.sleep(2)
        gateway_log = tmp_path / "gateway.log"
        cluster.crash_restart(noticed=lambda: "database unavailable" in gateway_log.read_text())  # it spools
        player.join(timeout=180)
        assert not player.is_alive(), "the simulator did not finish"
    finally:
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(timeout=120)
        log.close()

    report = outcome["report"]
    assert report.ok, (
        report.summary(),
        report.unexpected[:5],
        (tmp_path / "gateway.log").read_text()[-3000:],
    )
    assert report.acked > 1000
    output = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        (
            "import json; from lantian.hj212.models import RawPacket as R; "
            "print(json.dumps(list(R.objects.values_list('mn', 'qn', 'cn'))))"
        ),
    ).stdout
    stored = [tuple(key) for key in json.loads(output)]
    assert len(stored) == len(set(stored))  # exactly once (the unique constraint)
    assert report.acked_keys <= set(stored), (
        f"acknowledged but lost: {sorted(report.acked_keys - set(stored))[:5]}"
    )
    assert not list(spool.glob("slot-*/segment-*.log")), "the spool was not replayed"
    assert "database unavailable" in (tmp_path / "gateway.log").read_text()  # the restart was noticed
