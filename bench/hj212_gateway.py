"""HJ 212 gateway end to end on PostgreSQL: simulated devices → gateway → database.

    .venv/bin/python bench/hj212_gateway.py [--devices 1000] [--rate 12000] [--seconds 20] [--gateways 2]

Creates a throwaway database (lantian_bench_hj212 on BENCH_DATABASE_URL's server, default
postgres://postgres@127.0.0.1:5432), migrates it, registers the simulated devices, starts the gateway
(``--gateways`` processes sharing the port with SO_REUSEPORT) and plays the simulator against it:
1. latency: 2,000 packets/s for 10 s after 3 s of warming up; prints p50/p99 acknowledgement latency;
2. sustained: as fast as ``--rate`` asks, for ``--seconds``; prints packets/s acknowledged and the CPU
   each packet cost the gateway, the simulator and PostgreSQL;
then checks that every acknowledged packet is stored exactly once.
Targets (specs/hj212.md): ≥ 10,000 packets/s sustained, p99 < 50 ms at 2,000 packets/s.
"""

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cpu import process_cpu  # noqa: E402 (after the path is set)

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "lantian_bench_hj212"


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lantian.settings.production",
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=f"{ROOT / 'src'}:{ROOT}",
    )
    return env


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gateway did not listen on {port}")


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=12000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--gateways", type=int, default=2)  # one per core, as deployed on two cores
    args = parser.parse_args()

    env = environment()
    os.environ.update(env)
    recreate_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from lantian.core.models import Organization
    from lantian.hj212.models import Device, RawPacket
    from lantian.hj212.simulator import Simulation, make_devices

    owner = Organization.objects.create(name="基准测试运维单位", kind=Organization.Kind.VENDOR)
    start = datetime.now().replace(microsecond=0) - timedelta(days=30)
    devices = make_devices(args.devices, prefix="BENCH", start=start)
    Device.objects.bulk_create(
        Device(mn=d.mn, name=d.mn, password=d.password, organization=owner, interval=d.interval)
        for d in devices
    )

    port = free_port()
    scratch = Path(os.environ.get("TMPDIR", "/tmp"))
    spool = scratch / f"lantian-bench-spool-{os.getpid()}"
    gateway_log = open(scratch / "lantian-bench-hj212-gateway.log", "w")  # noqa: SIM115
    gateways = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "hj212_gateway",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--reuse-port",
                "--spool",
                str(spool),
                "--max-connections-per-peer",  # every simulated device connects from 127.0.0.1
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=gateway_log,
            stderr=gateway_log,
        )
        for _ in range(args.gateways)
    ]
    try:
        wait_for_port(port)
        time.sleep(0.5 * args.gateways)
        print(f"{args.devices} devices, {args.gateways} gateway process(es), PostgreSQL {SERVER}")

        # Latency first, on a quiet gateway that has served for a few seconds (a gateway runs for
        # months: its first second, with every device connecting, is not its steady state); then as
        # fast as the gateway takes it.
        warm_up = uvloop.run(Simulation(devices, "127.0.0.1", port, rate=2000, duration=3).run())
        steady = uvloop.run(Simulation(devices, "127.0.0.1", port, rate=2000, duration=10).run())
        print(f"2,000/s: {steady.summary()}")
        print(
            f"  → p50 {steady.percentile(0.5) * 1000:.1f} ms, p99 {steady.percentile(0.99) * 1000:.1f} ms "
            "(target p99 < 50 ms)"
        )
        gateway_pids = [process.pid for process in gateways]
        cpu_before = process_cpu(gateway_pids), time.process_time(), process_cpu(postgres_pids())
        started = time.perf_counter()
        sustained = uvloop.run(
            Simulation(
                devices, "127.0.0.1", port, rate=args.rate, duration=args.seconds, ack_timeout=300
            ).run()
        )
        elapsed = time.perf_counter() - started
        cpu_after = process_cpu(gateway_pids), time.process_time(), process_cpu(postgres_pids())
        print(f"sustained: {sustained.summary()}")
        print(
            f"  → {sustained.acked / elapsed:,.0f} packets/s acknowledged from the first sent to the last "
            f"acknowledged ({sustained.acked:,} in {elapsed:.1f} s; target ≥ 10,000)"
        )
        gateway_cpu, simulator_cpu, postgres_cpu = (
            (after - before) / max(sustained.acked, 1) * 1e6
            for before, after in zip(cpu_before, cpu_after, strict=True)
        )
        print(
            f"  CPU per packet: gateway {gateway_cpu:.0f} µs, simulator {simulator_cpu:.0f} µs, "
            f"PostgreSQL {postgres_cpu:.0f} µs (two cores give 200 µs per packet at 10,000/s)"
        )
    finally:
        for process in gateways:
            process.send_signal(signal.SIGTERM)
        for process in gateways:
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                print("gateway did not drain within 120 s: killed")

    acked = sustained.acked_keys | steady.acked_keys | warm_up.acked_keys
    stored = set(RawPacket.objects.filter(mn__startswith="BENCH").values_list("mn", "qn", "cn"))
    lost = acked - stored
    print(
        f"stored {len(stored):,} packets; acknowledged {len(acked):,}; "
        f"acknowledged but not stored {len(lost)}; "
        f"missing acknowledgements {len(sustained.missing) + len(steady.missing) + len(warm_up.missing)}"
    )
    if lost or stored != acked:
        sys.exit("FAILED: stored and acknowledged packets differ")


if __name__ == "__main__":
    main()
