"""`hindsight ingest SOURCE FILE|-`: evidence into the store, idempotently.

JSON Lines (a `.jsonl`/`.ndjson` file, or `-` for the generic source) is streamed in batches
with a progress bar, so an export of any size runs in constant memory and a re-run after a
crash finishes the job without duplicates. Every other payload is read whole (they are small).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.fileio import open_regular, read_stream
from hindsight.runtime.bulk_ingest import ingest_lines, read_blocks
from hindsight.services.evidence import (
    MAX_PAYLOAD_BYTES,
    adapter_for,
    column_mapping,
    read_payloads,
)
from hindsight.services.ingest import ingest as ingest_payload

STREAMED = (".jsonl", ".ndjson")


@handle_errors
def ingest(
    source: str = typer.Argument(..., help="alertmanager, grafana, pagerduty, opsgenie, …"),
    file: str = typer.Argument(..., help="A payload file, a folder (Slack export), or -."),
    incident: str | None = typer.Option(
        None, "--incident", help="Attach to this incident (id or slug) instead of correlating."
    ),
    column: list[str] = typer.Option(
        [], "--column", help="Generic source: FIELD=COLUMN, e.g. at=timestamp (repeatable)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Store a payload's events on an incident; running it again changes nothing."""
    adapter = adapter_for(source, column_mapping(column))
    streamed = adapter.name == "generic" and (file == "-" or file.lower().endswith(STREAMED))
    with session() as s:
        if streamed:
            name = "stdin.jsonl" if file == "-" else file
            with _open(file) as handle:
                total = None if file == "-" else Path(file).stat().st_size
                with _progress(quiet or total is None) as bar:
                    task = bar.add_task("ingest", total=total)
                    result = ingest_lines(
                        s.uow,
                        adapter,
                        read_blocks(handle),
                        name=name,
                        incident=incident,
                        actor=s.settings.user,
                        window=s.settings.correlation_window,
                        batch_lines=s.settings.ingest_batch_lines,
                        workers=s.settings.ingest_workers,
                        progress=lambda n: bar.advance(task, n),
                    )
            console.out.print(result.describe(), markup=False)
            return
        payloads = (
            [("stdin", read_stream(sys.stdin.buffer, max_bytes=MAX_PAYLOAD_BYTES))]
            if file == "-"
            else read_payloads([Path(file)])
        )
        for name, data in payloads:
            one = ingest_payload(
                s.uow,
                adapter,
                data,
                name=name,
                incident=incident,
                actor=s.settings.user,
                window=s.settings.correlation_window,
                lookback=s.settings.change_lookback,
            )
            console.out.print(f"{name}: {one.describe()}", markup=False)


class _open:
    def __init__(self, file: str) -> None:
        self.file = file
        self.handle: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        if self.file == "-":
            return sys.stdin.buffer
        self.handle = open_regular(Path(self.file))  # never a device or a FIFO
        return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _progress(disabled: bool) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console.err,
        disable=disabled,
        transient=True,
    )


def register(app: typer.Typer) -> None:
    app.command()(ingest)
