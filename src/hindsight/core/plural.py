"""Counted nouns in messages and reports: "1 incident", "2 incidents", "1 item in 1 postmortem"."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s".
_IRREGULAR = {"entry": "entries", "summary": "summaries", "analysis": "analyses"}


def noun(count: int, singular: str, plural_form: str | None = None) -> str:
    """`singular` or its plural, as `count` needs."""
    if count == 1:
        return singular
    if plural_form is not None:
        return plural_form
    head, _, last = singular.rpartition(" ")
    last_plural = _IRREGULAR.get(last, last + "s")
    return f"{head} {last_plural}" if head else last_plural


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` and the noun in the right number: plural(1, "incident") == "1 incident"."""
    return f"{count} {noun(count, singular, plural_form)}"
