"""Small lookups over the typed readings that several rule families use."""

from __future__ import annotations

from hindsight.core.document.readers import ImpactField


def impact_value(fields: tuple[ImpactField, ...], key: str) -> ImpactField | None:
    return next((f for f in fields if f.spec is not None and f.spec.key == key), None)
