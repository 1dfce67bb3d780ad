"""Shared test helpers: where the shared material (seed guide, corpus) lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """`../shared` beside the checkout (CI lays it there), or $HINDSIGHT_SHARED."""
    configured = os.environ.get("HINDSIGHT_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    assert path.is_dir(), f"{path} is missing: CI lays ../shared beside the checkout"
    return path
