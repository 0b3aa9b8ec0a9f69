import asyncio
import random
import signal
from datetime import timedelta

import uvloop
from django.core.management.base import BaseCommand, CommandError

from lantian.air.simulator import LiveNetwork, Region, SimClock, _hour, load_stations, local_now


class Command(BaseCommand):
    help = (
        "Play the air stations that have an HJ 212 device live against the HJ 212 gateway: real-time "
        "packets (2011) every --interval seconds and each hour's packet (2061), continuing the demo "
        "year's data. Runs until Ctrl-C (or --duration); reconnects when the gateway restarts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="The gateway's address.")
        parser.add_argument(
            "--port", type=int, default=6001, help="The gateway's port (hj212_gateway --port)."
        )
        parser.add_argument(
            "--stations", type=int, default=0, help="Play the first N stations by code (0: all)."
        )
        parser.add_argument("--codes", default="", help="Play only these station codes (comma-separated).")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between real-time packets.")
        parser.add_argument(
            "--duration", type=float, default=None, help="Real seconds to run (default: until Ctrl-C)."
        )
        parser.add_argument(
            "--backfill",
            type=float,
            default=0.0,
            help="Start this many hours before the current hour (replayed at --speed, then live).",
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=1.0,
            help="How much faster than real time the backfill is replayed.",
        )
        parser.add_argument(
            "--fault-rate",
            type=float,
            default=0.02,
            help="Faults per hour of each of the demo's faulty stations (0: none).",
        )
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--log-every", type=float, default=300.0, help="Seconds between status lines.")

    def handle(self, *args, **options):
        if options["interval"] < 1 or options["interval"] > 3600:
            raise CommandError("--interval is 1 to 3600 seconds")
        if options["speed"] < 1:
            raise CommandError("--speed is at least 1")
        if options["speed"] > 1 and not options["backfill"]:
            raise CommandError(
                "--speed replays the past: give --backfill HOURS (the clock never runs ahead of now)"
            )
        codes = [c.strip() for c in options["codes"].split(",") if c.strip()]
        stations, region_log = load_stations(
            limit=options["stations"] or None,
            codes=codes or None,
            interval=options["interval"],
            fault_rate=options["fault_rate"],
            seed=options["seed"],
        )
        if not stations:
            raise CommandError(
                "no active air station with an active HJ 212 device (load the demo: manage.py demo)"
            )
        now = local_now()
        start = _hour(now) - timedelta(hours=options["backfill"]) if options["backfill"] else now
        network = LiveNetwork(
            stations,
            options["host"],
            options["port"],
            clock=SimClock(start, options["speed"]),
            region=Region(random.Random(options["seed"]), region_log),
            duration=options["duration"],
            log=self._log,
            log_every=options["log_every"],
        )
        faulty = [s.code for s in stations if s.model.faulty]
        self._log(
            f"playing {len(stations)} stations against {options['host']}:{options['port']} from "
            f"{start:%Y-%m-%d %H:%M:%S} (speed {options['speed']:g}), real-time every {options['interval']} s"
            + (f"; faulty now and then: {', '.join(faulty)}" if faulty else "")
        )

        async def main():
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, network.stop)
            return await network.run()

        try:
            report = uvloop.run(main())
        except ConnectionError as error:
            raise CommandError(str(error)) from None
        self._log(network.summary())
        for line in report.unexpected[:20]:
            self._log(f"  unexpected: {line}")

    def _log(self, line):
        self.stdout.write(line)
        self.stdout.flush()
