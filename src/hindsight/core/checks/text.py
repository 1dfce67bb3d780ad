"""Word lists written as text blocks: easy to read and to extend, one frozenset each."""

from __future__ import annotations


def words(text: str) -> list[str]:
    return text.split()
