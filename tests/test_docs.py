"""Docs are checked: the settings reference is generated from the settings, every setting
says what it does, and every command has help."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.settings import Settings
from hindsight.settings_doc import reference
from tests.conftest import REPO


def test_config_reference_matches_the_settings() -> None:
    assert (REPO / "docs" / "config.md").read_text(encoding="utf-8") == reference(), (
        "regenerate: python -m hindsight.settings_doc docs/config.md"
    )


def test_every_setting_is_described() -> None:
    undescribed = [n for n, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert undescribed == []


def test_every_command_and_group_has_help() -> None:
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    group = typer.main.get_command(app)
    names = sorted(getattr(group, "commands", {}))  # a TyperGroup: its commands by name
    assert len(names) >= 15
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name
