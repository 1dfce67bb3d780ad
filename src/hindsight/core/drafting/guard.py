"""The optional language-model pass, and the guard that keeps it honest.

A `Rephraser` (in practice an OpenAI-compatible chat-completions endpoint, see
`hindsight.sources.chat_completions`) may only reword the deterministic draft's prose — the
summary and the root-cause paragraph. Each rewording is checked before it is used, and
rejected, with the reason, when it

* introduces a number or a time that is in neither the drafted text nor the evidence;
* introduces a name, service or identifier (a capitalised word inside a sentence, or a token
  with digits, `-`, `_`, `@`, `#` or `/`) that is in neither;
* drops the word "candidate" from the root cause (a candidate must not become a finding);
* makes the postmortem checks worse (more findings in the summary, timeline or impact
  families, or any new error).

A rephraser that fails (error, timeout, nonsense) raises `RephraseError`; the part keeps its
deterministic text. Rephrased sentences cite every key of the part they replace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from hindsight.core.checks import Diagnostic, lint
from hindsight.core.document.model import Document, Paragraph, Section
from hindsight.core.document.parse import parse
from hindsight.core.document.render import render
from hindsight.core.document.template import SectionKind
from hindsight.core.drafting.draft import Draft
from hindsight.core.drafting.provenance import Citation, blocks_digest, is_trailer, trailer
from hindsight.core.events import Event

PARTS = (SectionKind.SUMMARY, SectionKind.ROOT_CAUSE)
FAMILIES = ("SU", "TL", "IM")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_TOKEN = re.compile(r"[\w@#/.'’-]+")
_IDENTIFIER = re.compile(r"[\d_@#/]|\w-\w")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9*\"“(])")


class RephraseError(Exception):
    """The rephraser could not answer: the deterministic text stays."""


class Rephraser(Protocol):
    def rephrase(self, part: str, text: str) -> str:
        """`text` reworded; raises `RephraseError` when it cannot."""
        ...


@dataclass(frozen=True)
class Verdict:
    part: str
    accepted: bool
    reasons: tuple[str, ...]
    text: str  # what the rephraser returned ("" when it failed)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _words(text: str) -> set[str]:
    return {t.strip(".'’-").casefold() for t in _TOKEN.findall(text)}


def allowed_vocabulary(draft: Draft, evidence: Iterable[Event]) -> tuple[set[str], set[str]]:
    """(numbers, words) a rewording may use: those of the draft and of the evidence."""
    texts = [c.text for c in draft.citations]
    for event in evidence:
        texts.append(event.text)
        texts.extend(event.services)
        if event.actor is not None:
            texts.append(event.actor.name)
    joined = "\n".join(texts)
    return _numbers(joined), _words(joined)


def check_rewording(original: str, candidate: str, numbers: set[str], words: set[str]) -> list[str]:
    """Why `candidate` may not replace `original` (empty: it may, as far as facts go)."""
    reasons: list[str] = []
    if not candidate.strip():
        return ["the rephrased text is empty"]
    allowed_numbers = numbers | _numbers(original)
    for number in sorted(_numbers(candidate) - allowed_numbers):
        reasons.append(f"introduces the number {number!r}, which is not in the evidence")
    allowed_words = words | _words(original)
    for sentence in _SENTENCE.split(candidate.strip()):
        tokens = _TOKEN.findall(sentence)
        for position, token in enumerate(tokens):
            word = token.strip(".'’-")
            if not word or word.casefold() in allowed_words or _NUMBER.fullmatch(word):
                continue
            named = position > 0 and word[:1].isupper()
            if named or _IDENTIFIER.search(word):
                reasons.append(f"introduces the name {word!r}, which is not in the evidence")
    return list(dict.fromkeys(reasons))


def _findings(document: Document) -> list[Diagnostic]:
    # Lint the Markdown as a reader would get it: the rules read positions from the source.
    found = lint(parse(render(document))).diagnostics
    return [d for d in found if d.code[:2] in FAMILIES or d.severity == "error"]


def _with_text(result: Draft, kind: SectionKind, text: str) -> Draft:
    part = kind.value
    keys = tuple(dict.fromkeys(k for c in result.citations if c.part == part for k in c.keys))
    sentences = [s for s in _SENTENCE.split(text.strip()) if s]
    cited = tuple(Citation(part, s, keys) for s in sentences)
    sections: list[Section] = []
    for section in result.document.sections:
        if section.kind is kind:
            blocks = list(section.blocks)
            first = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph))
            blocks[first] = Paragraph(text.strip())
            kept = tuple(b for b in blocks if not is_trailer(b))
            section = replace(section, blocks=(*kept, trailer(part, blocks_digest(kept), cited)))
        sections.append(section)
    citations: list[Citation] = []
    for citation in result.citations:
        if citation.part != part:
            citations.append(citation)
        elif citation is next(c for c in result.citations if c.part == part):
            citations.extend(cited)
    document = replace(result.document, sections=tuple(sections))
    return replace(result, document=document, citations=tuple(citations))


def rephrase_draft(
    result: Draft, rephraser: Rephraser, evidence: Iterable[Event]
) -> tuple[Draft, tuple[Verdict, ...]]:
    """The draft with each accepted rewording in place, and a verdict per part tried."""
    numbers, words = allowed_vocabulary(result, evidence)
    verdicts: list[Verdict] = []
    for kind in PARTS:
        section = result.document.section(kind)
        if section is None or not any(c.part == kind.value for c in result.citations):
            continue
        original = next((b.text for b in section.blocks if isinstance(b, Paragraph)), "")
        try:
            candidate = rephraser.rephrase(kind.value, original).strip()
        except RephraseError as error:
            verdicts.append(Verdict(kind.value, False, (f"rephraser failed: {error}",), ""))
            continue
        reasons = check_rewording(original, candidate, numbers, words)
        if kind is SectionKind.ROOT_CAUSE and "candidate" not in candidate.casefold():
            reasons.append("drops the word 'candidate': the cause would read as a finding")
        if not reasons:
            trial = _with_text(result, kind, candidate)
            before = {(d.code, d.message) for d in _findings(result.document)}
            worse = [d for d in _findings(trial.document) if (d.code, d.message) not in before]
            reasons += [f"fails the checks: {d.code} {d.message}" for d in worse]
            if not reasons:
                result = trial
        verdicts.append(Verdict(kind.value, not reasons, tuple(reasons), candidate))
    return result, tuple(verdicts)
