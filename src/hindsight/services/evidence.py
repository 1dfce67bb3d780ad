"""Evidence files in: payloads read from paths, the tool each came from, and their events.

What `hindsight timeline`, `hindsight draft` and `hindsight ingest` share, so the command line
never reaches into the sources itself. A folder holding `channels.json` is one Slack export;
any other folder contributes each file inside it; dot files are skipped.
"""

from __future__ import annotations

from pathlib import Path

from hindsight.core.drafting import ServiceMetrics
from hindsight.core.errors import UserError
from hindsight.core.events import Event
from hindsight.fileio import read_bytes
from hindsight.services.chat_names import FileNames
from hindsight.sources import (
    MAX_PAYLOAD_BYTES,
    SOURCES,
    ColumnMapping,
    Source,
    detect_source,
    get_source,
)
from hindsight.sources.generic import GenericSource
from hindsight.sources.prometheus import is_metrics_file, parse_metrics_file
from hindsight.sources.slack import zip_files

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "Source",
    "adapter_for",
    "column_mapping",
    "parse_payloads",
    "read_evidence",
    "read_payloads",
    "source_names",
]


def source_names() -> tuple[str, ...]:
    return tuple(SOURCES)


def column_mapping(columns: list[str], *, where: str = "--column") -> ColumnMapping | None:
    """`FIELD=COLUMN` pairs (for CSV / JSON Lines) as the generic source's mapping."""
    if not columns:
        return None
    pairs: dict[str, str] = {}
    for item in columns:
        field, sep, column = item.partition("=")
        if not sep or not field.strip():
            raise UserError(f"{item!r} is not FIELD=COLUMN", where=where)
        pairs[field.strip()] = column.strip()
    return ColumnMapping.from_pairs(pairs)


def adapter_for(source: str, mapping: ColumnMapping | None = None) -> Source:
    """The named source (the generic one with `mapping` when given)."""
    adapter = get_source(source)
    if mapping is not None and adapter.name == "generic":
        return GenericSource(mapping)
    return adapter


def read_payloads(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) per payload under `paths`."""
    out: list[tuple[str, bytes]] = []
    for path in paths:
        if path.is_dir():
            if (path / "channels.json").is_file():
                files = {str(f.relative_to(path)): _read(f) for f in sorted(path.rglob("*.json"))}
                out.append((str(path), zip_files(files)))
            else:
                out.extend(read_payloads(sorted(path.iterdir())))
        elif path.name.startswith("."):
            continue
        else:
            out.append((str(path), _read(path)))
    return out


def parse_payloads(
    payloads: list[tuple[str, bytes]],
    *,
    source: str | None = None,
    mapping: ColumnMapping | None = None,
) -> list[Event]:
    """The events of every payload: from the named tool, else detected from each payload."""
    chosen = get_source(source) if source else None
    events: list[Event] = []
    names = FileNames()
    for name, data in payloads:
        adapter = chosen or detect_source(name, data)
        if mapping is not None and adapter.name == "generic":
            adapter = GenericSource(mapping)
        events.extend(adapter.parse(name, data))
        if adapter.name == "slack":
            names.read(name, data)
    return names.apply(events)


def read_evidence(paths: list[Path]) -> tuple[list[Event], list[ServiceMetrics]]:
    """Events and metrics files (Prometheus query results) under `paths`."""
    events: list[Event] = []
    metrics: list[ServiceMetrics] = []
    names = FileNames()
    for name, data in read_payloads(paths):
        if is_metrics_file(data):
            metrics.append(parse_metrics_file(name, data))
        else:
            adapter = detect_source(name, data)
            events.extend(adapter.parse(name, data))
            if adapter.name == "slack":
                names.read(name, data)
    return names.apply(events), metrics


def _read(path: Path) -> bytes:
    return read_bytes(path, max_bytes=MAX_PAYLOAD_BYTES, kind="payload")
