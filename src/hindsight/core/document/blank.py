"""A fresh postmortem from the template (`hindsight new`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hindsight.core.document.model import Document, HeaderField, Heading
from hindsight.core.document.parse import parse
from hindsight.core.document.template import SEVERITIES, TEMPLATE, TITLE_PREFIX
from hindsight.core.errors import UserError


def blank_postmortem(
    description: str, *, severity: str | None = None, date: dt.date | None = None
) -> Document:
    """The template with its title, status (Draft), severity and date filled in."""
    description = " ".join(description.split())
    if not description:
        raise UserError("the title is empty", fix='give a one-line description: hindsight new "…"')
    if severity is not None and severity not in SEVERITIES:
        raise UserError(f"unknown severity {severity!r}", fix=f"use one of {', '.join(SEVERITIES)}")
    values = {"Status": "Draft"}
    if severity:
        values["Severity"] = severity
    if date:
        values["Date of incident"] = date.isoformat()
    template = parse(TEMPLATE)
    front = []
    for item in template.front:
        if isinstance(item, Heading) and item.level == 1:
            item = replace(item, text=f"{TITLE_PREFIX} {description}")
        elif isinstance(item, HeaderField) and item.key in values:
            item = replace(item, value=values[item.key])
        front.append(item)
    return Document(tuple(front), template.sections)
