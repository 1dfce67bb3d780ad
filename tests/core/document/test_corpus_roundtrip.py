"""`hindsight fmt` over the real postmortems in ../shared/corpus: nothing lost, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.corpus import check_fmt, lost_lines, lost_words

from tests.conftest import shared_dir

CORPUS = sorted((shared_dir() / "corpus" / "postmortems").glob("*.md"))


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem[:30] for p in CORPUS])
def test_fmt_loses_nothing_and_is_idempotent(path: Path) -> None:
    result = check_fmt(path)
    assert result.lost == []
    assert result.lost_words == []
    assert result.idempotent


def test_the_loss_detector_detects_loss() -> None:
    assert lost_lines("# T\n\nkept line\n\ndropped line\n", "# T\n\nkept line\n") == [
        "dropped line"
    ]
    assert lost_lines("* a\n* b\n", "- a\n- b\n") == []


def test_a_field_in_canonical_form_is_not_loss_but_a_dropped_value_is() -> None:
    assert lost_lines("Status: half done\n**Author**: @quill\n", "**Status:** half done\n") == [
        "**Author**: @quill"
    ]
    assert lost_lines("**Author**: @quill\n", "**Author:** @quill\n") == []


def test_the_word_count_detects_a_renumbered_step() -> None:
    assert lost_words("1. a\n2. b\n4. c\n", "1. a\n2. b\n3. c\n") == ["4"]
    assert lost_words("* a b\n", "- a b\n") == []
