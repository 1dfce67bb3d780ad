"""Hypothesis strategies for documents in canonical form (what `render` writes)."""

from __future__ import annotations

import string
from dataclasses import replace

from hypothesis import strategies as st

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontItem,
    HeaderField,
    Heading,
    ListItem,
    Paragraph,
    Raw,
    Section,
    Table,
)
from hindsight.core.document.template import HEADER_FIELDS, SECTIONS, section_spec

_WORD = st.text(alphabet=string.ascii_letters + string.digits + "'", min_size=1, max_size=8)
_LETTER_WORD = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(string.ascii_letters),
    st.text(alphabet=string.ascii_lowercase + string.digits, max_size=6),
)


@st.composite
def line(draw: st.DrawFn) -> str:
    """A line of prose that starts with a letter, so Markdown reads it as plain text."""
    first = draw(_LETTER_WORD)
    rest = draw(st.lists(_WORD | st.sampled_from([",", ".", "—", "(x)", "50%"]), max_size=6))
    return " ".join([first, *rest])


paragraphs = st.builds(
    lambda lines: Paragraph("\n".join(lines)), st.lists(line(), min_size=1, max_size=3)
)
items = st.builds(
    lambda lines, checked: ListItem("\n".join(lines), checked),
    st.lists(line(), min_size=1, max_size=2),
    st.sampled_from([None, None, True, False]),
)


def _numbered(block: BulletList, written: list[int]) -> BulletList:
    """An ordered list whose later items carry the numbers an author wrote (repeats, skips);
    a number is kept only where it does not follow on, as the parser stores it."""
    if not block.ordered:
        return BulletList(block.items, False, 1)
    numbered = [block.items[0]]
    previous = block.start
    for item, number in zip(block.items[1:], written, strict=False):
        numbered.append(replace(item, number=None if number == previous + 1 else number))
        previous = number
    numbered.extend(block.items[len(numbered) :])
    return BulletList(tuple(numbered), True, block.start)


lists = st.builds(
    _numbered,
    st.builds(
        BulletList,
        st.lists(items, min_size=1, max_size=4).map(tuple),
        st.booleans(),
        st.integers(min_value=1, max_value=12),
    ),
    st.lists(st.integers(min_value=0, max_value=40), max_size=3),
)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    width = draw(st.integers(min_value=1, max_value=4))
    header = tuple(draw(st.lists(_LETTER_WORD, min_size=width, max_size=width)))
    rows = draw(
        st.lists(st.lists(_LETTER_WORD, min_size=width, max_size=width).map(tuple), max_size=3)
    )
    align = tuple(
        draw(
            st.lists(
                st.sampled_from(["", "left", "right", "center"]), min_size=width, max_size=width
            )
        )
    )
    return Table(header, tuple(rows), align)


raws = st.builds(lambda body: Raw(f"```text\n{body}\n```"), line())
blocks: st.SearchStrategy[Block] = st.one_of(paragraphs, lists, tables(), raws)

_known_labels = st.sampled_from([f.key for f in HEADER_FIELDS])
fields = st.builds(
    HeaderField,
    _known_labels | _LETTER_WORD,
    st.just("") | line(),
)


@st.composite
def sections(draw: st.DrawFn) -> Section:
    heading = draw(st.sampled_from([s.title for s in SECTIONS]) | line())
    level = 2 if section_spec(heading) else draw(st.integers(min_value=2, max_value=4))
    return Section(heading, level, tuple(draw(st.lists(blocks, max_size=4))))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    front: list[FrontItem] = []
    if draw(st.booleans()):
        title = draw(line())
        if section_spec(title) is None:
            front.append(Heading(f"Postmortem: {title}", 1))
    front.extend(draw(st.lists(fields | paragraphs, max_size=6)))
    return Document(tuple(front), tuple(draw(st.lists(sections(), max_size=6))))
