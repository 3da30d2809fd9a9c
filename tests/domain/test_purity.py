"""coach/domain/ is pure Python: the rules must run without the web stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import coach.domain

DOMAIN = Path(coach.domain.__file__).parent
FORBIDDEN = ("flask", "sqlalchemy", "marshmallow", "werkzeug", "webargs", "alembic")


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_modules_import_no_web_or_database_library() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert modules, "coach/domain has no modules"
    offenders = {
        str(path.relative_to(DOMAIN)): sorted(
            r for r in _imported_roots(path) if r.startswith(FORBIDDEN)
        )
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_every_domain_module_loads_none_of_them() -> None:
    names = [
        "coach.domain." + ".".join(p.relative_to(DOMAIN).with_suffix("").parts)
        for p in sorted(DOMAIN.rglob("*.py"))
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0].startswith({FORBIDDEN!r}))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
