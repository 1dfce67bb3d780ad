"""The built-in sample incident: evidence from every source and its finished postmortem."""

from __future__ import annotations

from importlib import resources


def sample_postmortem() -> str:
    """The published postmortem of the sample incident (checkout-api connection-pool exhaustion)."""
    return resources.files(__package__).joinpath("postmortem.md").read_text(encoding="utf-8")
