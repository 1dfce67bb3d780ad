"""`hindsight import --into-store` and `hindsight analyze` over the store, end to end on a
temporary SQLite file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.core.analysis.synthetic import generate

SAMPLE = Path(__file__).resolve().parents[2] / "src/hindsight/samples/postmortem.md"
runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "core" / "importing" / "fixtures"
COUNT = len(list(FIXTURES.glob("*.md")))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'hindsight.db'}"
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    return url


def run(*args: str, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


def test_import_a_folder_into_the_store_twice(store: str) -> None:
    out, err = run("import", str(FIXTURES), "--into-store")
    assert out.count(": imported → incident ") == COUNT
    assert f"{COUNT} imported, 0 already in the store, 0 failed" in err
    assert "setext.md:17: IP011 warning" in err  # the findings, as without --into-store
    out, err = run("import", str(FIXTURES), "--into-store")
    assert out.count("already imported: nothing changed") == COUNT
    assert f"0 imported, {COUNT} already in the store, 0 failed" in err
    listed, _ = run("incident", "list")
    assert "2024-03-12-cluster-ran-out-of-ip-addresses" in listed
    shown, _ = run("postmortem", "show", "2024-03-12-cluster-ran-out-of-ip-addresses")
    converted, _ = run("import", str(FIXTURES / "table_timeline.md"))
    assert shown.rstrip("\n") == converted.rstrip("\n")
    history, _ = run("postmortem", "history", "2024-03-12-cluster-ran-out-of-ip-addresses")
    assert "v1" in history and "tester" in history


def test_a_file_that_cannot_be_read_fails_alone(store: str, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text((FIXTURES / "setext.md").read_text())
    (folder / "b.md").write_bytes(b"# Outage\n\n\xff\xfe not UTF-8\n")
    out, err = run("import", str(folder), "--into-store", code=2)
    assert "a.md: imported" in out and "not read:" in err
    assert "1 imported, 0 already in the store, 1 failed" in err


def test_into_store_writes_no_files(store: str, tmp_path: Path) -> None:
    _, err = run("import", str(FIXTURES), "--into-store", "-o", str(tmp_path), code=2)
    assert "--into-store writes to the store" in err


def test_analyze_without_a_path_reads_the_store(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, err = run("analyze", code=2)
    assert "the store holds no incidents" in err
    folder = tmp_path / "postmortems"
    folder.mkdir()
    for doc in generate(40, seed=5):
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
    run("import", str(folder), "--into-store")
    run("incident", "new", "Checkout down", "--severity", "SEV-1")  # owed, and missing
    # A review that only filled in a header field: it changed no section.
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('**Author:** <name>', '**Author:** Ana'))\n"
    )
    monkeypatch.setenv("HINDSIGHT_EDITOR", f"{sys.executable} {editor}")
    slug = run("incident", "new", "Queue backlog", "--severity", "SEV-2")[0].split()[1]
    assert "saved version 2" in run("postmortem", "edit", slug)[0]
    # One published through the workflow: reviewed, approved, published.
    reviewed = run("incident", "new", "Checkout 500s")[0].split()[1]
    draft = tmp_path / "sample.md"
    draft.write_text(SAMPLE.read_text().replace("**Status:** Published", "**Status:** Draft"))
    writer = tmp_path / "writer.py"
    writer.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path(sys.argv[1]).write_text(pathlib.Path({str(draft)!r}).read_text())\n"
    )
    monkeypatch.setenv("HINDSIGHT_EDITOR", f"{sys.executable} {writer}")
    run("postmortem", "edit", reviewed)
    run("postmortem", "status", reviewed, "in-review")
    run("postmortem", "approve", reviewed, "--as", "Amara Okafor")
    run("postmortem", "status", reviewed, "published")
    report, err = run("analyze", "--today", "2026-01-01", "--handoff", "16:00")
    assert "analysed 43 incidents from the store" in err
    assert report.startswith("# Reliability roadmap")
    process = report.split("## Process health")[1].split("\n## ")[0]
    assert "- Incidents that owed a postmortem and have none: 1\n" in process
    assert "- Reviews that changed nothing: 1\n" in process
    assert "not known" not in process
    by_folder, _ = run("analyze", str(folder), "--format", "json", "--today", "2026-01-01")
    by_store, _ = run("analyze", "--format", "json", "--today", "2026-01-01")
    folder_data, store_data = json.loads(by_folder), json.loads(by_store)
    assert store_data["incidents"] == folder_data["incidents"] + 3
    for data in (folder_data, store_data):  # the incidents are named differently
        for theme in data["factor_themes"]:
            theme["incidents"] = len(theme["incidents"])
    # The same themes (their keywords' weights shift with the one extra, published document).
    assert [
        (t["label"], t["incidents"]) for t in store_data["factor_themes"] if t["incidents"] > 1
    ] == [(t["label"], t["incidents"]) for t in folder_data["factor_themes"] if t["incidents"] > 1]
    assert store_data["services"][0]["name"] == folder_data["services"][0]["name"]
    recent, _ = run("analyze", "--format", "json", "--since", "2025-01-01")
    assert json.loads(recent)["since"] == "2025-01-01"


def test_export_all_then_import_changes_nothing(store: str, tmp_path: Path) -> None:
    run("import", str(FIXTURES), "--into-store")
    out_dir = tmp_path / "OUT"
    _, err = run("export", "--all", "--format", "md", str(out_dir))
    files = sorted(out_dir.glob("*.md"))
    assert len(files) == COUNT and f"{COUNT} postmortems, {COUNT} written" in err
    listed, _ = run("incident", "list")
    assert all(f.stem in listed for f in files)  # named by incident slug
    shown, _ = run("postmortem", "show", files[0].stem)
    assert shown.rstrip("\n") == files[0].read_text("utf-8").rstrip("\n")
    before, _ = run("incident", "list")
    out, err = run("import", str(out_dir), "--into-store")
    assert f"0 imported, {COUNT} already in the store, 0 failed" in err
    assert run("incident", "list")[0] == before
    _, again = run("export", "--all", "--format", "md", str(out_dir))
    assert f"{COUNT} postmortems, 0 written" in again  # nothing to rewrite either
    # An edit in the folder goes back as the postmortem's next version.
    edited = files[0].read_text("utf-8").replace("## Summary\n", "## Summary\n\nEdited.\n", 1)
    files[0].write_text(edited, encoding="utf-8")
    out, err = run("import", str(out_dir), "--into-store")
    assert f"postmortem of {files[0].stem} updated (v2)" in out and ", 1 updated" in err
    history, _ = run("postmortem", "history", files[0].stem)
    assert "v2" in history
    assert run("incident", "list")[0].count("\n") == before.count("\n")
