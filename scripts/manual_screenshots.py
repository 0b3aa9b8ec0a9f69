#!/usr/bin/env python
"""Screenshots of the real pages for the user manuals (ldar.md §9 [12]).

The pages are declared in docs/manual/screenshots.json (account, path, file, optional viewport,
full_page, click, wait_ms); each is taken in Debian's chromium through Playwright, signed in with the
demo account, and saved as docs/manual/img/<file>.

    .venv/bin/python scripts/manual_screenshots.py                 # starts the demo on a fresh database
    .venv/bin/python scripts/manual_screenshots.py --url http://127.0.0.1:8000   # a running demo
    .venv/bin/python scripts/manual_screenshots.py --only knowledge-list.png      # some pages only

Without --url the script migrates a new SQLite database in a temporary directory, loads the demo
(`manage.py demo`), serves it on a free port of 127.0.0.1 and stops it afterwards; the developer's
own database in var/ is not touched. Nothing is fetched from outside this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
DECLARATIONS = REPO / "docs" / "manual" / "screenshots.json"
OUTPUT = REPO / "docs" / "manual" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DEMO_PASSWORD = "Lantian@2026"  # lantian.core.demo.DEMO_PASSWORD
SETTINGS = """from lantian.settings.embedded import *  # noqa: F403

DEBUG = True  # runserver serves the static files
DATABASES = {{"default": {{**DATABASES["default"], "NAME": {database!r}}}}}  # noqa: F405
MEDIA_ROOT = {media!r}
"""


def load_pages(path: Path = DECLARATIONS) -> tuple[dict, list[dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = data["pages"]
    for number, page in enumerate(pages, start=1):
        missing = {"account", "path", "file"} - page.keys()
        if missing:
            raise SystemExit(f"{path.name}, page {number}: missing {', '.join(sorted(missing))}")
        if not page["file"].endswith(".png") or "/" in page["file"]:
            raise SystemExit(f"{path.name}, page {number}: file must be a plain name ending in .png")
    return data.get("viewport", {"width": 1440, "height": 900}), pages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"The demo did not answer at {url} within {seconds:.0f} s.")


@contextmanager
def demo_server():
    """The demo on a fresh database in a temporary directory, served until the block ends."""
    workdir = Path(tempfile.mkdtemp(prefix="lantian-screenshots-"))
    (workdir / "screenshot_settings.py").write_text(
        SETTINGS.format(database=str(workdir / "demo.sqlite3"), media=str(workdir / "media")),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "screenshot_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    manage = [sys.executable, str(REPO / "manage.py")]
    server = None
    try:
        print("Migrating a new demo database …", flush=True)
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=REPO)
        subprocess.run([*manage, "demo"], env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_up(url)
        print(f"Demo running at {url}", flush=True)
        yield url
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login/", wait_until="networkidle")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/login/" in page.url:
        raise SystemExit(f"Could not sign in as {username} with the demo password.")


def take(url: str, viewport: dict, pages: list[dict], output: Path = OUTPUT) -> list[Path]:
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ordered = sorted(pages, key=lambda p: p["account"])
            for account, group in groupby(ordered, key=lambda p: p["account"]):
                context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                sign_in(page, url, account)
                for spec in group:
                    page.set_viewport_size(spec.get("viewport", viewport))
                    page.goto(url + quote(spec["path"], safe="/?=&%:#"), wait_until="networkidle")
                    if spec.get("click"):
                        page.click(spec["click"])
                        page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(spec.get("wait_ms", 1000))  # charts and maps animate
                    target = output / spec["file"]
                    page.screenshot(path=str(target), full_page=spec.get("full_page", False))
                    written.append(target)
                    print(f"  {spec['file']:<28} {account:<12} {page.url.removeprefix(url)}", flush=True)
                if errors:
                    raise SystemExit(f"JavaScript errors on the pages of {account}: {errors}")
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running demo, e.g. http://127.0.0.1:8000 (default: start one)")
    parser.add_argument("--only", action="append", default=[], metavar="FILE", help="take only this file")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="directory of the PNG files")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is needed: apt-get install -y chromium")
    viewport, pages = load_pages()
    if args.only:
        unknown = set(args.only) - {p["file"] for p in pages}
        if unknown:
            raise SystemExit(f"Not declared in {DECLARATIONS.name}: {', '.join(sorted(unknown))}")
        pages = [p for p in pages if p["file"] in args.only]
    if args.url:
        written = take(args.url.rstrip("/"), viewport, pages, args.output)
    else:
        with demo_server() as url:
            written = take(url, viewport, pages, args.output)
    print(f"{len(written)} screenshots in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
