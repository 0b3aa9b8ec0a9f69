"""The codec and the simulator stay free of Django (spec: "Codec (pure Python, no Django)"); only the
registry, storage and gateway modules of the package may use it."""

import ast
import sys
from pathlib import Path

import lantian.hj212 as package

PURE = ("__init__", "codec", "codes", "cp", "cp_checks", "crc", "errors", "framing", "header", "packet",
        "reassembly", "replies", "sm4", "simulator")  # fmt: skip
ALLOWED = set(sys.stdlib_module_names) | {"cryptography"}


def test_the_codec_imports_only_the_standard_library_and_cryptography():
    folder = Path(package.__file__).parent
    imported = set()
    for name in PURE:
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED, imported - ALLOWED
