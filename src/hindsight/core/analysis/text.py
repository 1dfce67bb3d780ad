"""Normalising factor texts and comparing them: tokens, light stemming, TF-IDF, cosine.

Hand-written and stdlib-only so analysis runs offline with no model to download. Synonyms
fold the words teams use for the same thing ("configuration", "cfg" → "config"; "rollout",
"release" → "deploy") before weighting, which is what lets five phrasings of one factor meet.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_STOP_TEXT = """
    a an the of to in on for and or with without by from at as is was were be been being it
    its this that these those no not our we they their there into onto than then so such any all
    due because which when while after before during under over via per only also very more most
    had has have did does do can could would should will just still even out up down off too same
    other another each both either neither nor one two three first second third us you your who
    what where why how if but about again against between through whether missing lack lacked
    lacking absent never none root cause causes caused factor factors contributing
    issue problem incident outage"""
STOPWORDS = frozenset(_STOP_TEXT.split())
SYNONYMS: Mapping[str, str] = {
    "configuration": "config", "configurations": "config", "cfg": "config", "configs": "config",
    "settings": "config", "setting": "config",
    "deployment": "deploy", "deployments": "deploy", "deploys": "deploy", "deployed": "deploy",
    "deploying": "deploy", "rollout": "deploy", "rollouts": "deploy", "release": "deploy",
    "releases": "deploy", "released": "deploy", "push": "deploy", "pushes": "deploy",
    "pushed": "deploy", "shipped": "deploy",
    "alerting": "alert", "alerts": "alert", "alarm": "alert", "alarms": "alert", "paging": "alert",
    "monitoring": "monitor", "monitored": "monitor", "observability": "monitor",
    "database": "db", "databases": "db",
    "testing": "test", "tests": "test", "tested": "test", "untested": "test",
    "canaries": "canary", "canarying": "canary", "canaried": "canary",
    "prod": "production",
    "runbooks": "runbook", "playbook": "runbook", "playbooks": "runbook",
    "timeouts": "timeout", "retries": "retry", "retried": "retry", "retrying": "retry",
    "certificates": "cert", "certificate": "cert", "certs": "cert",
    "capacity": "capacity", "quota": "capacity", "quotas": "capacity",
}  # fmt: skip


def _stem(word: str) -> str:
    """A light stemmer: "changes", "changed", "changing" and "change" all give "chang"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if word.endswith("ie"):
        word = word[:-2] + "y"
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # "skipped" → "skipp" → "skip"
    return word


def terms(text: str) -> tuple[str, ...]:
    """The content words of `text`, folded to one spelling each."""
    out: list[str] = []
    for token in _TOKEN.findall(text.casefold()):
        token = SYNONYMS.get(token, token)
        if token in STOPWORDS or len(token) < 2:
            continue
        token = _stem(token)
        out.append(SYNONYMS.get(token, token))
    return tuple(out)


Vector = dict[str, float]


def idf_table(documents: Iterable[tuple[frozenset[str], int]]) -> tuple[dict[str, float], int]:
    """Inverse document frequency from (term set, weight) pairs; weight = incidents using it."""
    counts: dict[str, int] = {}
    total = 0
    for words, weight in documents:
        total += weight
        for word in words:
            counts[word] = counts.get(word, 0) + weight
    return {w: math.log((1 + total) / (1 + c)) + 1.0 for w, c in counts.items()}, total


def tfidf(words: tuple[str, ...], idf: Mapping[str, float]) -> Vector:
    tf: dict[str, int] = {}
    for word in words:
        tf[word] = tf.get(word, 0) + 1
    vector = {w: (1.0 + math.log(n)) * idf.get(w, 1.0) for w, n in tf.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {w: v / norm for w, v in vector.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float], b_norm: float = 1.0) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(w, 0.0) for w, v in a.items())
    return dot / b_norm if b_norm else 0.0
