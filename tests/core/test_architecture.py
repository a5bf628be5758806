"""The house's rules that code review would otherwise have to remember.

Imports run down only (core <- auth <- networks <- documents, audit <- partners <- mous, ... <-
dashboard); nothing commits but the unit of work and CLI commands; our templates fail loudly on
an undefined name.
"""

import ast
import pathlib
import re

import pytest
from flask import render_template_string
from jinja2 import UndefinedError

ROOT = pathlib.Path(__file__).resolve().parents[2] / "governance"

# A module may import modules of a lower rank only (and itself). Modules of the same rank are
# independent of each other. Top-level glue (setup, cli, demo, models) may import anything.
RANKS = {
    "core": 0,
    "auth": 1, "system": 1,
    "networks": 2,
    "audit": 3, "documents": 3,
    "partners": 4,
    "mous": 5, "meetings": 5,
    "declarations": 6, "decisions": 6,
    "accountability": 7, "minutes": 7,
    "engagement": 8,
    "dashboard": 10,
}
GLUE = {"__init__.py", "setup.py", "cli.py", "demo.py", "models.py", "worker.py"}


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    modules = {name.split(".")[1] for name in names if name.startswith("governance.")}
    return {"core" if module == "extensions" else module for module in modules}  # extensions: core's


def import_violations() -> list[str]:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) == 1 and parts[0] in GLUE:
            continue
        module = parts[0].removesuffix(".py")
        module = "core" if module == "extensions" else module
        assert module in RANKS, f"governance/{module} has no place in RANKS: give it one"
        for other in _imports(path) - {module}:
            if other not in RANKS or RANKS[other] >= RANKS[module]:
                problems.append(f"{path.relative_to(ROOT.parent)} imports governance.{other}")
    return problems


def test_imports_run_down_only():
    assert import_violations() == []


def test_the_import_check_is_not_vacuous(tmp_path, monkeypatch):
    bad = ROOT / "core" / "_upward_import_probe.py"
    bad.write_text("from governance.mous import services\n")
    try:
        assert import_violations() == ["governance/core/_upward_import_probe.py imports governance.mous"]
    finally:
        bad.unlink()


def test_only_the_unit_of_work_and_cli_commands_commit():
    allowed = {"core/uow.py", "cli.py", "core/outbox.py"}
    committing = {str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
                  if re.search(r"\bcommit\(\)", path.read_text())}
    assert committing <= allowed, committing - allowed


def test_an_undefined_name_in_our_templates_fails_loudly(app):
    with app.test_request_context():
        with pytest.raises(UndefinedError):
            render_template_string("{{ no_such_name }}")
        with pytest.raises(UndefinedError):
            render_template_string("{% if no_such_name %}x{% endif %}")
        with pytest.raises(UndefinedError):
            render_template_string("{{ thing.no_such_attribute }}", thing=object())
        # what the NHS.UK macros need: missing keys of their parameters are simply empty
        assert render_template_string("[{{ params.hint.text }}]", params={}) == "[]"
        assert render_template_string("[{{ undefined }}]") == "[]"
