"""The policy core is pure Python: no Django (also enforced by ruff's banned-api rule in CI)."""

import ast
import subprocess
import sys
from pathlib import Path

import alarfund.policy

POLICY = Path(alarfund.policy.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_policy_module_imports_django():
    offenders = {
        path.name: sorted(name for name in imported_modules(path) if name.split(".")[0] == "django")
        for path in POLICY.glob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_compute_does_not_load_django():
    code = (
        "import sys, alarfund.policy.command, alarfund.policy.spreadsheet;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_float_in_the_policy_core():
    for path in POLICY.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        floats = [
            node.lineno
            for node in ast.walk(tree)
            if (isinstance(node, ast.Constant) and isinstance(node.value, float))
            or (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float")
        ]
        assert floats == [], f"{path.name} uses float at lines {floats}"
