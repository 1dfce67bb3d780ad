"""Where a diagnostic's rule page lives: a URL the client configures (`rulesUrl`), else the
checkout's generated docs/rules, else the same pages generated once into the user's cache."""

from __future__ import annotations

from pathlib import Path

import hindsight
from hindsight.core.checks.docs import pages
from hindsight.fileio import atomic_write


def rules_base(configured: str | None = None) -> str | None:
    if configured:
        return configured.rstrip("/") + "/"
    checkout = Path(hindsight.__file__).resolve().parents[2] / "docs" / "rules"
    if (checkout / "index.md").is_file():
        return checkout.as_uri() + "/"
    cache = Path.home() / ".cache" / "hindsight" / f"rules-{hindsight.__version__}"
    try:
        if not (cache / "index.md").is_file():
            for name, text in pages().items():
                atomic_write(cache / name, text)
    except OSError:
        return None  # no writable home: diagnostics go without a link
    return cache.as_uri() + "/"
