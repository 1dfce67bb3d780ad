"""Every real postmortem in ../shared/corpus imports: no crash, a stable canonical form, and
findings rather than silent fixes. (The files stay outside the repository.)"""

from __future__ import annotations

from pathlib import Path

from hindsight.core.importing import import_text


def test_every_corpus_file_imports(shared: Path) -> None:
    files = sorted((shared / "corpus" / "postmortems").glob("*.md"))
    assert len(files) >= 20
    recovered = 0
    for path in files:
        result = import_text(path.read_text(encoding="utf-8"), name=path.name)
        assert import_text(result.markdown).markdown == result.markdown, path.name
        assert result.sections, path.name
        recovered += len(result.events)
    assert recovered > 200  # the timelines are read, not skipped
