"""The store commands end to end, on SQLite and PostgreSQL: incident, ingest, timeline,
postmortem edit, export, db upgrade, backup and restore, and a SIGKILL in the middle of a
large ingest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.store.conftest import backend, fresh_url, new_database
from tests.unprivileged import as_unprivileged

__all__ = ["backend", "fresh_url", "new_database"]

runner = CliRunner()
EVIDENCE = Path(__file__).resolve().parents[2] / "src/hindsight/samples/evidence"


@pytest.fixture
def store(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    return fresh_url


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_incident_ingest_timeline_show_and_export(store: str) -> None:
    out = run("incident", "new", "Checkout errors", "--severity", "SEV-2", "--service", "api")
    incident_id, slug = out.split()
    assert slug.endswith("-checkout-errors")
    assert slug in run("incident", "list")
    first = run("ingest", "alertmanager", str(EVIDENCE / "alertmanager"), "--incident", slug)
    assert "01-firing.json: 1 new event," in first
    assert "02-firing-repeat.json: already received: nothing changed" in first
    again = run("ingest", "alertmanager", str(EVIDENCE / "alertmanager"), "--incident", slug)
    assert again.count("already received: nothing changed") == 3
    run("ingest", "github", str(EVIDENCE / "github"), "--incident", incident_id)
    shown = run("incident", "show", slug)
    assert "first detection: 2026-03-14T14:36:20.807000Z" in shown
    assert "Detection gap (suspected cause → detection): 24 min 17 s" in shown
    timeline = run("timeline", slug)
    assert "- 14:36:20 — Detected: HighErrorRate (page) firing" in timeline
    assert run("timeline", incident_id) == timeline
    exported = json.loads(run("export", slug, "--format", "json"))
    assert exported["incident"]["slug"] == slug and len(exported["events"]) == 9
    # The SEV-2's evidence resolved it, so its postmortem was drafted from the evidence.
    assert run("export", slug).startswith("# Postmortem: HighErrorRate on checkout-api")
    run("incident", "show", "no-such-incident", code=2)


def test_postmortem_edit_saves_a_revision(store: str, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('**Author:** <name>', '**Author:** Ana'))\n"
    )
    os.environ["HINDSIGHT_EDITOR"] = f"{sys.executable} {editor}"
    try:
        slug = run("incident", "new", "Checkout errors").split()[1]
        assert "saved version 2" in run("postmortem", "edit", slug)
        assert "no change (version 2)" in run("postmortem", "edit", slug)
        history = run("postmortem", "history", slug)
        assert "v1" in history and "v2" in history and "Author: <name> → Ana" in history
        assert "**Author:** Ana" in run("postmortem", "show", slug)
    finally:
        del os.environ["HINDSIGHT_EDITOR"]


def test_backup_and_restore_through_the_cli(
    store: str, new_database: object, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = run("incident", "new", "Checkout errors").split()[1]
    run("ingest", "pagerduty", str(EVIDENCE / "pagerduty"), "--incident", slug)
    archive = tmp_path / "backup.jsonl"
    assert "wrote" in run("backup", str(archive))
    before = run("export", slug, "--format", "json")
    assert callable(new_database)
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", str(new_database(backend)))
    assert "restored" in run("restore", str(archive))
    assert run("export", slug, "--format", "json") == before
    run("restore", str(archive), code=2)  # not empty any more


def _count(url: str, query: str) -> int:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(query)).scalar_one())
    finally:
        engine.dispose()


def test_sigkill_mid_ingest_leaves_whole_batches_and_a_rerun_completes(
    store: str, tmp_path: Path
) -> None:
    total, batch = 60_000, 2_000
    big = tmp_path / "storm.jsonl"
    with big.open("w") as out:
        for i in range(total):
            at = f"2026-03-14T14:{i // 6000 % 60:02d}:{i // 100 % 60:02d}.{i % 100:02d}Z"
            out.write(
                f'{{"time": "{at}", "kind": "alert-firing", "service": "api",'
                f' "text": "storm {i}", "id": "e{i}"}}\n'
            )
    env = {**os.environ, "HINDSIGHT_INGEST_BATCH_LINES": str(batch)}
    command = [sys.executable, "-m", "hindsight", "ingest", "generic", str(big), "-q"]
    run("db", "upgrade")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if _count(store, "SELECT COUNT(*) FROM payloads") >= 3:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    events = _count(store, "SELECT COUNT(*) FROM events")
    assert 0 < events < total, "the kill should land mid-ingest"
    assert events % batch == 0  # whole batches only: no half-applied payload
    assert events == batch * _count(store, "SELECT COUNT(*) FROM payloads")
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "batches already received" in rerun.stdout
    assert _count(store, "SELECT COUNT(*) FROM events") == total
    assert _count(store, "SELECT COUNT(DISTINCT key) FROM events") == total
    assert _count(store, "SELECT COUNT(*) FROM incidents") == 1


def test_backup_to_an_unwritable_path_and_bad_archives_are_clear_errors(
    store: str, new_database: object, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = run("incident", "new", "Checkout errors").split()[1]
    run("ingest", "pagerduty", str(EVIDENCE / "pagerduty"), "--incident", slug)
    for where in (tmp_path / "no" / "such" / "folder" / "b.jsonl", tmp_path):
        out = run("backup", str(where), code=2)
        assert "cannot write the archive" in out and "internal error" not in out
    archive = tmp_path / "backup.jsonl"
    run("backup", str(archive))
    lines = archive.read_bytes().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if b'"payloads"' in line)
    altered = tmp_path / "altered.jsonl"
    altered.write_bytes(b"".join([*lines[:number], lines[number][:-30] + b"\xff\xfe" * 4 + b"\n"]))
    assert callable(new_database)
    target = str(new_database(backend))
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", target)
    out = run("restore", str(altered), code=2)
    assert f"altered.jsonl:{number + 1}" in out and "internal error" not in out
    assert "restored" in run("restore", str(archive))  # nothing was half-restored before


def test_a_read_only_sqlite_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hindsight-ro-"))
    try:
        folder.chmod(0o777)  # the -wal/-shm files can be made; the database itself is root's
        url = f"sqlite:///{folder / 'h.db'}"
        monkeypatch.setenv("HINDSIGHT_DATABASE_URL", url)
        run("incident", "new", "Before")
        (folder / "h.db").chmod(0o644)
        run("incident", "list")  # loads what reading needs before dropping privileges

        def write() -> tuple[int, str]:
            result = runner.invoke(app, ["incident", "new", "After"])
            return result.exit_code, result.output

        code, output = as_unprivileged(write)
        assert code == 2 and "the database is read-only" in output, output
        assert "internal error" not in output
    finally:
        shutil.rmtree(folder)
