"""Diagnostics latency of `hindsight lsp` after an edit of a 20 KB postmortem.

A real LSP client (pygls) starts the server as a subprocess, opens the document, then makes
edits one at a time, each timed from the didChange notification to the publishDiagnostics it
causes. Goal: median < 50 ms. Printed beside it, as the baseline measured in the same run:
`hindsight lint` of the same text from the command line (what an editor without the server
would run on save), and their ratio.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from hindsight.samples import sample_postmortem

HINDSIGHT = Path(sys.executable).parent / "hindsight"
GOAL_MS = 50.0
SIZE = 20_000


def document(size: int = SIZE) -> str:
    """The sample postmortem grown to `size` bytes with more timeline entries and notes."""
    text = sample_postmortem()
    extra: list[str] = []
    minute = 0
    while len(text) + sum(len(e) + 1 for e in extra) < size:
        extra.append(
            f"- 16:{minute % 60:02d} — Follow-up check {minute}: error rate stayed at baseline "
            "on every checkout-api pod, and the pool-wait histogram showed no queueing (log)"
        )
        minute += 1
    return text.replace("## What went well", "\n".join(extra) + "\n\n## What went well", 1)


async def _measure(path: Path, text: str, edits: int) -> list[float]:
    client = LanguageClient("bench", "1")
    published: asyncio.Queue[float] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(time.perf_counter())

    await client.start_io(str(HINDSIGHT), "lsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri()
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    await published.get()
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("## What went poorly"))
    latencies = []
    for version in range(2, edits + 2):
        insert = f"- Typing note {version}: the status page was updated late.\n"
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(target + 2, 0), types.Position(target + 2, 0)),
            text=insert,
        )
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change]
            )
        )
        latencies.append((await published.get()) - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def cli_lint(path: Path, runs: int) -> float:
    subprocess.run([str(HINDSIGHT), "lint", str(path)], capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(HINDSIGHT), "lint", str(path)], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(quick: bool) -> bool:
    edits = 20 if quick else 100
    text = document()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.md"
        path.write_text(text, encoding="utf-8")
        latencies = asyncio.run(_measure(path, text, edits))
        cli = cli_lint(path, 3 if quick else 11)
    median = statistics.median(latencies) * 1000
    p90 = statistics.quantiles(latencies, n=10)[-1] * 1000
    print(f"document {len(text.encode()):,} bytes, {edits} edits")
    print(f"lsp diagnostics after an edit: median {median:.1f} ms, p90 {p90:.1f} ms")
    print(f"hindsight lint of the same text (CLI process): {cli * 1000:.1f} ms")
    print(
        f"ratio lsp/cli {median / (cli * 1000):.3f}; goal median < {GOAL_MS:.0f} ms: "
        f"{'ok' if median < GOAL_MS else 'MISSED'}"
    )
    return median < GOAL_MS
