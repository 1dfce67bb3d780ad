"""The postmortem document: model, template, parser and renderer."""

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontMatter,
    HeaderField,
    Heading,
    ListItem,
    Paragraph,
    Raw,
    Section,
    Span,
    Table,
)
from hindsight.core.document.parse import parse
from hindsight.core.document.render import render
from hindsight.core.document.template import SectionKind

__all__ = [
    "Block",
    "BulletList",
    "Document",
    "FrontMatter",
    "HeaderField",
    "Heading",
    "ListItem",
    "Paragraph",
    "Raw",
    "Section",
    "SectionKind",
    "Span",
    "Table",
    "parse",
    "render",
]
