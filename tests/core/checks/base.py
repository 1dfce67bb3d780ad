"""Shared fixtures for the checks tests: the good base document every case edits."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
BASE = HERE / "documents" / "good-connection-pool.md"


def base_text() -> str:
    return BASE.read_text("utf-8")
