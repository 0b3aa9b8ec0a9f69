import importlib.util
import logging
from pathlib import Path

import uvloop
from django.conf import settings
from django.core.management.base import BaseCommand

from lantian.hj212.gateway import Gateway

# option, key of settings.HJ212_GATEWAY, type, help
LIMIT_OPTIONS = (
    ("--idle-timeout", "IDLE_TIMEOUT", float, "Seconds without a byte before a connection is closed"),
    ("--frame-timeout", "FRAME_TIMEOUT", float, "Seconds a started frame may wait for its rest"),
    (
        "--max-connections-per-peer",
        "MAX_CONNECTIONS_PER_PEER",
        int,
        "Open connections per client address, 0 for no limit",
    ),
    (
        "--rejections-per-minute",
        "REJECTIONS_PER_MINUTE",
        int,
        "Refused frames stored per client address and minute",
    ),
    ("--future-tolerance", "FUTURE_TOLERANCE", float, "Seconds a DataTime may lie ahead of the clock"),
    (
        "--value-limit",
        "VALUE_LIMIT",
        float,
        "Values beyond plus or minus this are not stored as measurements",
    ),
)


class Command(BaseCommand):
    help = (
        "Run the HJ 212 ingest gateway: accept devices on a TCP port, store their packets, acknowledge "
        "them once stored. SIGTERM or Ctrl-C drains and stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=6001)
        parser.add_argument(
            "--spool",
            type=Path,
            default=None,
            help="Directory of the local spool used while the database is down (default: var/hj212-spool).",
        )
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="Let several gateway processes listen on the same port (Linux SO_REUSEPORT).",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--flush-interval", type=float, default=0.005, help="Seconds a batch may gather.")
        limits = settings.HJ212_GATEWAY
        for option, key, kind, text in LIMIT_OPTIONS:
            parser.add_argument(
                option,
                type=kind,
                default=limits[key],
                help=f"{text} (settings.HJ212_GATEWAY[{key!r}]: %(default)s).",
            )

    def handle(self, *args, **options):
        # The gateway's own log, and the event loop's (a connection that failed), go to stderr whatever
        # the project's LOGGING says (journald keeps it).
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        for name, level in (("lantian.hj212", logging.INFO), ("asyncio", logging.WARNING)):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(level)
            logger.propagate = False
        if importlib.util.find_spec("lantian.hj212._speedups") is None:
            logging.getLogger("lantian.hj212").warning(
                "the C speedups are not built (`make speedups`): CRC and value rows run in Python, slower"
            )
        gateway = Gateway(
            host=options["host"],
            port=options["port"],
            spool_root=options["spool"] or Path(settings.VAR_DIR) / "hj212-spool",
            reuse_port=options["reuse_port"],
            batch_size=options["batch_size"],
            flush_interval=options["flush_interval"],
            idle_timeout=options["idle_timeout"],
            frame_timeout=options["frame_timeout"],
            max_connections_per_peer=options["max_connections_per_peer"],
            rejections_per_minute=options["rejections_per_minute"],
            future_tolerance=options["future_tolerance"],
            value_limit=options["value_limit"],
        )
        uvloop.run(gateway.run())  # libuv: less CPU per read and write than the default loop
        self.stdout.write(gateway.stats.line())
