"""The domain package is pure Python: no Flask, SQLAlchemy, WTForms or reportlab (see STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "competitions" / "domain"
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "sqlalchemy", "wtforms",
             "reportlab", "openpyxl", "werkzeug", "jinja2")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_no_framework(path):
    bad = _imports(path).intersection(FORBIDDEN)
    assert not bad, f"{path.name} imports {sorted(bad)}; domain rules must stay framework-free"


def test_the_scan_sees_imports():
    """Guard against a scan that silently finds nothing."""
    assert "decimal" in _imports(DOMAIN / "points.py")
