"""The blameless checks keep precision and recall of at least 0.9 per family on the
annotation set (`bench/blameless_annotations.yml`) over the shared corpus of real postmortems
and the sentences written in their shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import corpus_blame

from tests.conftest import shared_dir

CORPUS = shared_dir() / "corpus" / "postmortems"


@pytest.fixture(scope="module")
def found() -> list[corpus_blame.Case]:
    assert CORPUS.is_dir(), f"{CORPUS} is missing: CI lays ../shared beside the checkout"
    return corpus_blame.cases(CORPUS)


def test_the_set_is_big_enough(found: list[corpus_blame.Case]) -> None:
    blame = [c for c in found if c.expected]
    clean = [c for c in found if not c.expected]
    assert len(blame) >= 60 and len(clean) >= 60
    assert sum(".md:" in c.where for c in clean) >= 30  # real documents, not only ours


@pytest.mark.parametrize("family", corpus_blame.FAMILIES)
def test_precision_and_recall_per_family(found: list[corpus_blame.Case], family: str) -> None:
    precision, recall, tp, _fp, _fn = corpus_blame.scores(found)[family]
    wrong = [c.where for c in found if (family in c.expected) != (family in c.predicted)]
    assert tp > 0, f"{family}: no case in the set"
    assert precision >= 0.9 and recall >= 0.9, (family, precision, recall, wrong)


def test_scores_count_misses_and_false_alarms() -> None:
    hit = corpus_blame.Case("a", frozenset({"person"}), frozenset({"person"}))
    missed = corpus_blame.Case("b", frozenset({"person"}), frozenset())
    alarm = corpus_blame.Case("c", frozenset(), frozenset({"person"}))
    assert corpus_blame.scores([hit, missed, alarm])["person"] == (0.5, 0.5, 1, 1, 1)


def test_annotations_refer_to_lines_that_exist() -> None:
    for name, line, _ in corpus_blame.load()["corpus"]:
        path = Path(CORPUS / name)
        assert path.is_file(), name
        assert 1 <= line <= len(path.read_text("utf-8").splitlines()), (name, line)
