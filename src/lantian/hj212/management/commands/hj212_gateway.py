import importlib.util
import logging
from pathlib import Path

import uvloop
from django.conf import settings
from django.core.management.base import BaseCommand

from lantian.hj212.gateway import Gateway


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
        )
        uvloop.run(gateway.run())  # libuv: less CPU per read and write than the default loop
        self.stdout.write(gateway.stats.line())
