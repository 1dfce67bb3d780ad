"""Commands import only what they need: lint, fmt, show and new never load the store or server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from hindsight.cli.app import COMMANDS, build_app, modules_for
from tests.core.checks.base import base_text

HEAVY = ("sqlalchemy", "alembic", "fastapi", "hindsight.store", "hindsight.services.*")
# `hindsight lint` takes its config through the lint use case (services.linting), the one the
# API and the web UI use; the package's store names load lazily, so that costs nothing.
# Runs a command the way the entry point does, then reports which heavy modules got loaded.
PROBE = """
import json, sys
from hindsight.cli.app import main
sys.argv = ["hindsight", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
light = {"hindsight.services", "hindsight.services.linting"}
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"sqlalchemy", "alembic", "fastapi"}
               or (m.startswith(("hindsight.store", "hindsight.services")) and m not in light))
print("\\nLOADED " + json.dumps(heavy))
"""


def _loaded(args: list[str], cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    marker = done.stdout.rsplit("LOADED ", 1)
    assert len(marker) == 2, done.stderr
    return list(json.loads(marker[1]))


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "pm.md"],
        ["lint", "--fix", "--diff", "pm.md"],
        ["fmt", "--check", "pm.md"],
        ["show", "pm.md"],
        ["new", "checkout broke", "--date", "2026-03-14"],
        ["rules"],
        ["--version"],
    ],
)
def test_light_commands_import_no_store_or_server(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "pm.md").write_text(base_text(), encoding="utf-8")
    assert _loaded(args, tmp_path) == []


def test_the_probe_can_see_heavy_imports(tmp_path: Path) -> None:
    # `incident --help` registers the store commands: the probe must notice them.
    assert "sqlalchemy" in {m.split(".")[0] for m in _loaded(["incident", "--help"], tmp_path)}


def test_command_table_matches_what_modules_register() -> None:
    for module in dict.fromkeys(COMMANDS.values()):
        group = typer.main.get_command(build_app([module]))
        names = set(getattr(group, "commands", {}))
        assert names == {n for n, m in COMMANDS.items() if m == module}, module
    full = set(getattr(typer.main.get_command(build_app()), "commands", {}))
    assert full == set(COMMANDS)


def test_modules_for_argv() -> None:
    assert modules_for(["--debug", "lint", "x.md"]) == ("lint",)
    assert modules_for(["--version"]) == ()
    assert len(modules_for(["--help"])) == len(set(COMMANDS.values()))
    assert len(modules_for(["nonsense"])) == len(set(COMMANDS.values()))
