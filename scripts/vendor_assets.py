#!/usr/bin/env python3
"""Copy the front-end files Lantian needs from node_modules/ into static/vendor/.

Lantian runs on intranets without internet access, so every browser asset is
committed to the repository.  This script is the only way that folder is
produced:

    npm ci && python3 scripts/vendor_assets.py

It rebuilds src/lantian/static/vendor/ from scratch (the previous folder is
removed), ships only minified dist files plus the fonts, images and licence
texts they need, and writes vendor/VERSIONS.json.  Shipped CSS and JS are
adjusted so that nothing is fetched at run time from another host, and so that
Django's ManifestStaticFilesStorage (collectstatic) finds every file a
stylesheet refers to:

* ``sourceMappingURL`` comments are removed (the .map files are not shipped);
* ``@import`` of an absolute/remote URL (e.g. web fonts from Google Fonts or
  rsms.me) is removed;
* the tabler-icons ``@font-face`` keeps only its woff2 source;
* afterwards every ``url()`` in every shipped stylesheet is checked: it must be
  a ``data:`` URI, a ``#fragment`` or a relative path to a shipped file.
  Anything else aborts the run.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "lantian" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    npm: str  # package name in node_modules/
    dest: str  # folder under static/vendor/
    # (source path inside the package, destination path inside dest)
    files: tuple[tuple[str, str], ...]
    # licence and notice texts, same shape; each source must exist
    licences: tuple[tuple[str, str], ...] = ()
    # licence texts taken from another installed package (code bundled in a dist file)
    bundled_licences: tuple[tuple[str, str, str], ...] = field(default=())


PACKAGES: tuple[Package, ...] = (
    Package(
        npm="@tabler/core",
        dest="tabler",
        files=(
            ("dist/css/tabler.min.css", "tabler.min.css"),
            ("dist/js/tabler.min.js", "tabler.min.js"),
        ),
        # @tabler/core does not ship a LICENSE file on npm; see tabler_licence().
        # tabler.min.js bundles Popper 2 (MIT).
        bundled_licences=(("@popperjs/core", "LICENSE.md", "LICENSE-popperjs.md"),),
    ),
    Package(
        npm="@tabler/icons-webfont",
        dest="tabler-icons",
        files=(
            ("dist/tabler-icons.min.css", "tabler-icons.min.css"),
            ("dist/fonts/tabler-icons.woff2", "fonts/tabler-icons.woff2"),
        ),
        licences=(("LICENSE", "LICENSE"),),
    ),
    Package(
        npm="htmx.org",
        dest="htmx",
        files=(("dist/htmx.min.js", "htmx.min.js"),),
        licences=(("LICENSE", "LICENSE"),),
    ),
    Package(
        npm="echarts",
        dest="echarts",
        files=(("dist/echarts.min.js", "echarts.min.js"),),
        # Apache-2.0 asks for NOTICE to travel with the code; echarts.min.js
        # also embeds d3 code (BSD-3-Clause) and zrender (BSD-3-Clause).
        licences=(
            ("LICENSE", "LICENSE"),
            ("NOTICE", "NOTICE"),
            ("licenses/LICENSE-d3", "LICENSE-d3"),
        ),
        bundled_licences=(("zrender", "LICENSE", "LICENSE-zrender"),),
    ),
    Package(
        npm="leaflet",
        dest="leaflet",
        files=(
            ("dist/leaflet.js", "leaflet.js"),
            ("dist/leaflet.css", "leaflet.css"),
            ("dist/images/layers.png", "images/layers.png"),
            ("dist/images/layers-2x.png", "images/layers-2x.png"),
            ("dist/images/marker-icon.png", "images/marker-icon.png"),
            ("dist/images/marker-icon-2x.png", "images/marker-icon-2x.png"),
            ("dist/images/marker-shadow.png", "images/marker-shadow.png"),
        ),
        licences=(("LICENSE", "LICENSE"),),
    ),
    Package(
        npm="leaflet.markercluster",
        dest="leaflet-markercluster",
        files=(
            ("dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
            ("dist/MarkerCluster.css", "MarkerCluster.css"),
            ("dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
        ),
        licences=(("MIT-LICENCE.txt", "LICENSE"),),
    ),
    Package(
        npm="leaflet.heat",
        dest="leaflet-heat",
        files=(("dist/leaflet-heat.js", "leaflet-heat.js"),),
        licences=(("LICENSE", "LICENSE"),),
    ),
    Package(
        npm="tom-select",
        dest="tom-select",
        files=(
            ("dist/js/tom-select.complete.min.js", "tom-select.complete.min.js"),
            ("dist/css/tom-select.bootstrap5.min.css", "tom-select.bootstrap5.min.css"),
        ),
        licences=(("LICENSE", "LICENSE"),),
        # The complete build bundles @orchidjs/sifter and @orchidjs/unicode-variants (both
        # Apache-2.0, by the same author; sifter ships no licence file of its own).
        bundled_licences=(("@orchidjs/unicode-variants", "LICENSE", "LICENSE-unicode-variants"),),
    ),
)

MIT_TEXT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


class VendorError(Exception):
    pass


def log(msg: str) -> None:
    print(msg, flush=True)


# --- reading node_modules ---------------------------------------------------------


def package_dir(npm: str) -> Path:
    return NODE_MODULES / npm


def installed_version(npm: str) -> str:
    meta = package_dir(npm) / "package.json"
    if not meta.is_file():
        raise VendorError(f"{npm} is not installed in {NODE_MODULES}; run `npm ci` first")
    return json.loads(meta.read_text(encoding="utf-8"))["version"]


def check_pins(packages: tuple[Package, ...]) -> dict[str, str]:
    """Installed versions must equal the exact pins in package.json."""
    pins = json.loads((ROOT / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
    versions: dict[str, str] = {}
    for pkg in packages:
        if pkg.npm not in pins:
            raise VendorError(f"{pkg.npm} is not listed in package.json dependencies")
        got = installed_version(pkg.npm)
        if got != pins[pkg.npm]:
            raise VendorError(
                f"{pkg.npm}: node_modules has {got}, package.json pins {pins[pkg.npm]}; run `npm ci`"
            )
        versions[pkg.npm] = got
    return versions


# --- text fixes -----------------------------------------------------------------

# /*# sourceMappingURL=x.map */  and  //# sourceMappingURL=x.map  (also the old //@ form)
_SOURCEMAP_CSS = re.compile(r"\s*/\*[#@]\s*sourceMappingURL=[^*]*\*/\s*$")
_SOURCEMAP_JS = re.compile(r"\s*//[#@]\s*sourceMappingURL=\S*\s*$")

# @import url("https://...") ...;  @import "//host/...";
_REMOTE_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*)?(['"]?)\s*(?:[a-z][a-z0-9+.-]*:)?//[^'")\s]*\1\s*\)?[^;]*;""",
    re.IGNORECASE,
)
_ANY_IMPORT = re.compile(r"@import\b", re.IGNORECASE)

_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*\)""", re.IGNORECASE | re.DOTALL)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_SRC_DECL = re.compile(r"(?P<prefix>(?:^|[;{\s]))src\s*:(?P<value>[^;}]*)", re.IGNORECASE)
_SRC_ENTRY = re.compile(
    r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)\s*(?:format\(\s*(['"]?)(?P<fmt>[^'")]*)\3\s*\))?""",
    re.IGNORECASE,
)


def strip_sourcemap(text: str, kind: str) -> tuple[str, bool]:
    pattern = _SOURCEMAP_CSS if kind == "css" else _SOURCEMAP_JS
    new = pattern.sub("\n", text)
    return new, new != text


def strip_remote_imports(text: str) -> tuple[str, list[str]]:
    removed = [m.group(0) for m in _REMOTE_IMPORT.finditer(text)]
    return _REMOTE_IMPORT.sub("", text), removed


def woff2_only(text: str) -> tuple[str, int]:
    """Reduce the src of every @font-face to its woff2 entries; returns (css, blocks changed)."""
    changed = 0

    def is_woff2(entry: re.Match[str]) -> bool:
        return (entry.group("fmt") or "").lower() == "woff2" or urlsplit(
            entry.group("url")
        ).path.lower().endswith(".woff2")

    def fix_block(block: re.Match[str]) -> str:
        nonlocal changed
        body = block.group(0)
        decls = list(_SRC_DECL.finditer(body))
        if not decls:
            return body
        entries = [e for d in decls for e in _SRC_ENTRY.finditer(d.group("value"))]
        keep = [e for e in entries if is_woff2(e)]
        if not keep:
            raise VendorError(f"@font-face without a woff2 source: {body[:200]}")
        new_src = "src:" + ",".join(f'url("{e.group("url")}") format("woff2")' for e in keep)
        if len(decls) == 1 and len(keep) == len(entries):
            return body
        changed += 1
        # Drop every src declaration and put the woff2-only one where the last one was.
        for i, d in reversed(list(enumerate(decls))):
            start, end = body.rindex("src", 0, d.start("value")), d.end("value")
            body = body[:start] + (new_src if i == len(decls) - 1 else "") + body[end:]
        return re.sub(r"\{\s*;", "{", re.sub(r";\s*;", ";", body))

    return _FONT_FACE.sub(fix_block, text), changed


def tabler_licence(css_text: str, version: str) -> str:
    """@tabler/core ships no LICENSE file on npm: rebuild the MIT text upstream uses.

    The copyright lines come from the licence banner at the top of tabler.min.css,
    so they follow the release being vendored.
    """
    banner = re.match(r'(?:@charset "[^"]*";)?\s*/\*!(.*?)\*/', css_text, re.DOTALL)
    if not banner or "Licensed under MIT" not in banner.group(1):
        raise VendorError("tabler.min.css no longer carries an MIT banner; check Tabler's licence")
    copyrights = [
        line.strip(" *") for line in banner.group(1).splitlines() if line.strip(" *").startswith("Copyright")
    ]
    if not copyrights:
        raise VendorError("no copyright line in the tabler.min.css banner")
    return (
        f"@tabler/core {version} is published on npm without a LICENSE file. This is the\n"
        'MIT licence it declares (package.json "license": "MIT", and the banner of\n'
        "tabler.min.css: https://github.com/tabler/tabler/blob/master/LICENSE), with the\n"
        "copyright notice from that banner. Generated by scripts/vendor_assets.py.\n"
        "\n"
        "The MIT License (MIT)\n\n" + "\n".join(copyrights) + "\n\n" + MIT_TEXT
    )


# --- checks ---------------------------------------------------------------------


def check_css_urls(css_file: Path, vendor_root: Path) -> list[str]:
    """Every url() must be data:, #fragment or a relative path to a shipped file."""
    problems: list[str] = []
    text = css_file.read_text(encoding="utf-8")
    if _ANY_IMPORT.search(text):
        problems.append(f"{css_file.relative_to(vendor_root)}: @import left in stylesheet")
    for m in _URL.finditer(text):
        url = m.group("url").strip()
        if url.startswith(("data:", "#")):
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/"):
            problems.append(f"{css_file.relative_to(vendor_root)}: non-local url({url})")
            continue
        target = (css_file.parent / parts.path).resolve()
        if not target.is_file():
            problems.append(f"{css_file.relative_to(vendor_root)}: url({url}) -> missing file")
        elif vendor_root.resolve() not in target.parents:
            problems.append(f"{css_file.relative_to(vendor_root)}: url({url}) leaves vendor/")
    return problems


# --- main -----------------------------------------------------------------------


def vendor_package(pkg: Package, version: str, out: Path) -> None:
    src_root = package_dir(pkg.npm)
    dest_root = out / pkg.dest
    for src_rel, dest_rel in pkg.files:
        src = src_root / src_rel
        dest = dest_root / dest_rel
        if not src.is_file():
            raise VendorError(f"{pkg.npm}@{version}: {src_rel} not found")
        dest.parent.mkdir(parents=True, exist_ok=True)
        kind = dest.suffix.lstrip(".")
        if kind not in ("css", "js"):
            shutil.copyfile(src, dest)
            continue
        with src.open(encoding="utf-8", newline="") as fh:  # keep line endings as published
            text = fh.read()
        notes: list[str] = []
        text, had_map = strip_sourcemap(text, kind)
        if had_map:
            notes.append("sourceMappingURL removed")
        if kind == "css":
            text, removed = strip_remote_imports(text)
            for imp in removed:
                notes.append(f"REMOTE @import removed: {imp}")
            text, fonts = woff2_only(text)
            if fonts:
                notes.append(f"@font-face src reduced to woff2 ({fonts})")
        dest.write_text(text, encoding="utf-8", newline="")
        if notes:
            log(f"  {pkg.dest}/{dest_rel}: " + "; ".join(notes))

    for src_rel, dest_rel in pkg.licences:
        src = src_root / src_rel
        if not src.is_file():
            raise VendorError(f"{pkg.npm}@{version}: licence file {src_rel} not found")
        shutil.copyfile(src, dest_root / dest_rel)
    for other, src_rel, dest_rel in pkg.bundled_licences:
        src = package_dir(other) / src_rel
        if not src.is_file():
            raise VendorError(f"{other}: licence file {src_rel} not found")
        shutil.copyfile(src, dest_root / dest_rel)
    if pkg.npm == "@tabler/core":
        css = (dest_root / "tabler.min.css").read_text(encoding="utf-8")
        (dest_root / "LICENSE").write_text(tabler_licence(css, version), encoding="utf-8")


def human(n: int) -> str:
    return f"{n / 1024:,.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MiB"


def main() -> int:
    if not NODE_MODULES.is_dir():
        raise VendorError(f"{NODE_MODULES} does not exist; run `npm ci` first")
    versions = check_pins(PACKAGES)

    VENDOR.parent.mkdir(parents=True, exist_ok=True)
    for stale in VENDOR.parent.glob(".vendor-*"):  # leftovers from an interrupted run
        shutil.rmtree(stale)
    # Build next to the target, then swap in: a failed run leaves the old folder intact.
    staging = Path(tempfile.mkdtemp(prefix=".vendor-", dir=VENDOR.parent))
    try:
        for pkg in PACKAGES:
            log(f"{pkg.npm}@{versions[pkg.npm]} -> vendor/{pkg.dest}/")
            vendor_package(pkg, versions[pkg.npm], staging)
        (staging / "VERSIONS.json").write_text(
            json.dumps(dict(sorted(versions.items())), indent=2) + "\n", encoding="utf-8"
        )
        problems = [p for css in sorted(staging.rglob("*.css")) for p in check_css_urls(css, staging)]
        if problems:
            raise VendorError("stylesheet check failed:\n  " + "\n  ".join(problems))
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        staging.rename(VENDOR)
    finally:
        if staging.exists():
            shutil.rmtree(staging)

    total = 0
    for path in sorted(p for p in VENDOR.rglob("*") if p.is_file()):
        size = path.stat().st_size
        total += size
        log(f"  {size:>10,}  {path.relative_to(VENDOR)}")
    log(f"vendor/ total: {total:,} bytes ({human(total)})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except VendorError as exc:
        print(f"vendor_assets: error: {exc}", file=sys.stderr)
        sys.exit(1)
