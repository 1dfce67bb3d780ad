"""Recurring contributing factors and root-cause themes: cluster the factor texts.

Every factor (and the root-cause statement) is reduced to its content words, identical
readings are counted once, and texts join the theme whose centroid they are most similar to
(TF-IDF cosine) when that similarity passes a threshold — so "config change skipped the
canary" and "no canary stage for configuration pushes" meet, while texts that only share a
common word ("deploy") do not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.text import Vector, cosine, idf_table, terms, tfidf

SIMILARITY = 0.34  # tuned on paraphrases: same factor ≥ 0.4, unrelated factors ≤ 0.25
CANDIDATE_TERMS = 6  # a text is compared with themes sharing one of its heaviest words
MAX_STATEMENT = 300  # characters of a root-cause statement used as a factor text


@dataclass
class _Theme:
    centroid: dict[str, float] = field(default_factory=dict)
    texts: dict[str, int] = field(default_factory=dict)  # original wording → incidents
    incidents: set[str] = field(default_factory=set)
    norm: float = 0.0

    def add(self, vector: Vector, text: str, incidents: set[str]) -> None:
        weight = len(incidents)
        for word, value in vector.items():
            self.centroid[word] = self.centroid.get(word, 0.0) + value * weight
        self.norm = math.sqrt(sum(v * v for v in self.centroid.values()))
        self.texts[text] = self.texts.get(text, 0) + weight
        self.incidents |= incidents


@dataclass(frozen=True)
class FactorTheme:
    label: str  # the most common wording
    keywords: tuple[str, ...]
    incidents: tuple[str, ...]
    phrasings: tuple[str, ...]  # distinct wordings, most common first


def factor_texts(record: IncidentRecord) -> list[str]:
    texts = [t for t in record.factors if t.strip()]
    if record.root_cause:
        texts.append(record.root_cause.split("\n")[0][:MAX_STATEMENT])
    return texts


def cluster_factors(records: Sequence[IncidentRecord]) -> tuple[FactorTheme, ...]:
    readings: dict[tuple[str, ...], tuple[str, set[str]]] = {}
    for record in records:
        for text in factor_texts(record):
            words = terms(text)
            if not words:
                continue
            key = tuple(sorted(set(words)))
            entry = readings.setdefault(key, (text, set()))
            entry[1].add(record.id)
    idf, _ = idf_table((frozenset(key), len(ids)) for key, (_, ids) in readings.items())
    themes: list[_Theme] = []
    index: dict[str, set[int]] = {}  # word → themes whose centroid has it
    ordered = sorted(readings.items(), key=lambda kv: (-len(kv[1][1]), kv[0]))
    for key, (text, ids) in ordered:
        vector = tfidf(key, idf)
        heavy = sorted(vector, key=lambda w: -vector[w])[:CANDIDATE_TERMS]
        candidates = {t for word in heavy for t in index.get(word, ())}
        best, best_score = None, SIMILARITY
        for candidate in sorted(candidates):
            theme = themes[candidate]
            score = cosine(vector, theme.centroid, theme.norm)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = len(themes)
            themes.append(_Theme())
        themes[best].add(vector, text, ids)
        for word in vector:
            index.setdefault(word, set()).add(best)
    out = [_freeze(theme) for theme in _merge(themes)]
    return tuple(sorted(out, key=lambda t: (-len(t.incidents), t.label)))


MERGE_SIMILARITY = 0.42  # two themes whose centroids are this close are one theme


def _merge(themes: list[_Theme]) -> list[_Theme]:
    """Join themes that the one-pass assignment split (paraphrases met in a bad order)."""
    ordered = sorted(themes, key=lambda t: -len(t.incidents))
    kept: list[_Theme] = []
    index: dict[str, set[int]] = {}
    for theme in ordered:
        heavy = sorted(theme.centroid, key=lambda w: -theme.centroid[w])[:CANDIDATE_TERMS]
        candidates = sorted({k for word in heavy for k in index.get(word, ())})
        target = None
        for candidate in candidates:
            other = kept[candidate]
            score = cosine(theme.centroid, other.centroid, theme.norm * other.norm)
            if score >= MERGE_SIMILARITY:
                target = candidate
                break
        if target is None:
            kept.append(theme)
            target = len(kept) - 1
        else:
            into = kept[target]
            for word, value in theme.centroid.items():
                into.centroid[word] = into.centroid.get(word, 0.0) + value
            into.norm = math.sqrt(sum(v * v for v in into.centroid.values()))
            for text, count in theme.texts.items():
                into.texts[text] = into.texts.get(text, 0) + count
            into.incidents |= theme.incidents
        for word in heavy:
            index.setdefault(word, set()).add(target)
    return kept


def _freeze(theme: _Theme) -> FactorTheme:
    phrasings = sorted(theme.texts, key=lambda t: (-theme.texts[t], t))
    keywords = sorted(theme.centroid, key=lambda w: (-theme.centroid[w], w))[:4]
    return FactorTheme(
        phrasings[0], tuple(keywords), tuple(sorted(theme.incidents)), tuple(phrasings)
    )
