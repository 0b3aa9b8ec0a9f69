from datetime import datetime, timedelta

import uvloop
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lantian.core.models import Organization
from lantian.hj212.models import Device
from lantian.hj212.simulator import Simulation, make_devices


class Command(BaseCommand):
    help = (
        "Play simulated air stations and power meters against an HJ 212 gateway and verify every "
        "acknowledgement. Exits with an error if any packet was not acknowledged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=10)
        parser.add_argument(
            "--rate", type=float, default=10.0, help="Packets per second, all devices together."
        )
        parser.add_argument("--duration", type=float, default=10.0, help="Seconds to send.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=6001)
        parser.add_argument("--corrupt", type=float, default=0.0, help="Share of corrupt packets (0–1).")
        parser.add_argument("--duplicate", type=float, default=0.0, help="Share of packets sent twice.")
        parser.add_argument("--split", type=float, default=0.0, help="Share of packets split into parts.")
        parser.add_argument("--prefix", default="SIM", help="MN prefix of the simulated devices.")
        parser.add_argument(
            "--register",
            metavar="ORGANIZATION",
            help="Register (or update) the simulated devices under this organisation (name) first.",
        )

    def handle(self, *args, **options):
        start = datetime.now().replace(microsecond=0) - timedelta(days=1)
        devices = make_devices(options["devices"], prefix=options["prefix"], start=start)
        if options["register"]:
            self._register(devices, options["register"])
        simulation = Simulation(
            devices,
            options["host"],
            options["port"],
            rate=options["rate"],
            duration=options["duration"],
            corrupt=options["corrupt"],
            duplicate=options["duplicate"],
            split=options["split"],
        )
        report = uvloop.run(simulation.run())
        self.stdout.write(report.summary())
        for line in report.unexpected[:20]:
            self.stdout.write(f"  unexpected: {line}")
        if not report.ok:
            raise CommandError(
                f"{len(report.missing)} packets not acknowledged, {len(report.unexpected)} unexpected replies"
            )

    @transaction.atomic
    def _register(self, devices, organization_name):
        try:
            owner = Organization.objects.get(name=organization_name)
        except Organization.DoesNotExist:
            raise CommandError(f"no organisation named {organization_name!r}") from None
        existing = set(Device.objects.filter(mn__in=[d.mn for d in devices]).values_list("mn", flat=True))
        Device.objects.bulk_create(
            Device(
                mn=d.mn,
                password=d.password,
                organization=owner,
                name=f"{'模拟空气站' if d.kind == 'air' else '模拟用电监控'} {d.mn[-6:]}",
                kind=Device.Kind.AIR_STATION if d.kind == "air" else Device.Kind.POWER_METER,
                st=d.st,
                interval=d.interval,
                capture_cn="2011",
            )
            for d in devices
            if d.mn not in existing
        )
        self.stdout.write(f"{len(devices) - len(existing)} devices registered under {owner.name}")
