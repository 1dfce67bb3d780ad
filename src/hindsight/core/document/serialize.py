"""The document model as JSON-ready data (`hindsight show --format json`, the API)."""

from __future__ import annotations

from typing import Any

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontMatter,
    HeaderField,
    Heading,
    Paragraph,
    Raw,
    Span,
    Table,
)

SCHEMA = "hindsight.document/1"


def _span(span: Span | None) -> list[int] | None:
    return [span.start, span.end] if span else None


def block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "lines": _span(block.span)}
    if isinstance(block, BulletList):
        return {
            "type": "list",
            "ordered": block.ordered,
            "start": block.start,
            "items": [
                {"text": i.text, "checked": i.checked, "number": i.number, "lines": _span(i.span)}
                for i in block.items
            ],
            "lines": _span(block.span),
        }
    if isinstance(block, Table):
        return {
            "type": "table",
            "header": list(block.header),
            "align": list(block.align),
            "rows": [list(row) for row in block.rows],
            "lines": _span(block.span),
        }
    if isinstance(block, FrontMatter):
        return {
            "type": "front_matter",
            "syntax": block.syntax,
            "text": block.text,
            "lines": _span(block.span),
        }
    assert isinstance(block, Raw)
    return {"type": "raw", "text": block.text, "lines": _span(block.span)}


def to_dict(document: Document) -> dict[str, Any]:
    front: list[dict[str, Any]] = []
    for item in document.front:
        if isinstance(item, HeaderField):
            front.append(
                {
                    "type": "field",
                    "label": item.label,
                    "key": item.key,
                    "value": item.value,
                    "lines": _span(item.span),
                }
            )
        elif isinstance(item, Heading):
            front.append(
                {
                    "type": "heading",
                    "level": item.level,
                    "text": item.text,
                    "lines": _span(item.span),
                }
            )
        else:
            front.append(block_to_dict(item))
    return {
        "schema": SCHEMA,
        "title": document.title.text if document.title else None,
        "description": document.description,
        "header": {f.key or f.label: f.value for f in document.header},
        "front": front,
        "sections": [
            {
                "heading": s.heading,
                "kind": s.kind.value if s.kind else None,
                "level": s.level,
                "lines": _span(s.span),
                "blocks": [block_to_dict(b) for b in s.blocks],
            }
            for s in document.sections
        ],
    }
