import ast
import sys
from pathlib import Path

import lantian.ldar.standards as kernel

ALLOWED = set(sys.stdlib_module_names) | {"numpy"}


def test_the_kernel_imports_only_numpy_and_the_standard_library():
    package = Path(kernel.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported
    assert imported <= ALLOWED, imported - ALLOWED
