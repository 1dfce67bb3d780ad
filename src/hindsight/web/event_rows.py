"""The evidence table's rows as HTML, made in one tight loop.

An incident can have thousands of events; a template loop with its attribute look-ups and
filters costs most of the page's time at that size, so the rows are built here, every value
passed through `html.escape` (text, actor, keys and links alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from markupsafe import Markup

from hindsight.web.formatting import safe_url
from hindsight.web.incident_view import EventRow


def event_rows(rows: Iterable[EventRow], slug: str, *, can_edit: bool) -> Markup:
    base = f"/incidents/{escape(slug)}"
    out: list[str] = []
    for row in rows:
        e = row.event
        classes = "lane-cause" if e.is_cause else "lane-response"
        if row.promoted:
            classes += " promoted"
        actor = f' <span class="muted">— {escape(e.actor.name)}</span>' if e.actor else ""
        link = safe_url(e.link)
        if link:
            evidence = f'<a href="{escape(link)}" rel="noopener noreferrer nofollow">link</a>'
        elif e.link:
            evidence = (
                f'<span class="muted" title="not an http(s) link">{escape(e.link[:40])}</span>'
            )
        else:
            evidence = ""
        if row.payload_id is not None:
            pointer = escape(row.pointer or "")
            evidence += f' <a href="{base}/payloads/{row.payload_id}?pointer={pointer}">raw</a>'
        out.append(
            f'<tr id="{row.anchor}" class="{classes}">'
            f'<td><time datetime="{e.at.isoformat()}">{e.at:%H:%M:%S}</time></td>'
            f"<td>{escape(e.source)}</td><td>{e.kind.value}</td>"
            f'<td class="text">{escape(e.text)}{actor}</td><td>{evidence}</td>'
        )
        if can_edit:
            action, label = ("demote", "Remove") if row.promoted else ("promote", "Add")
            out.append(
                f'<td><button type="submit" form="move" name="key" value="{escape(e.key)}" '
                f'formaction="{base}/timeline/{action}" class="small quiet">{label}</button></td>'
            )
        out.append("</tr>\n")
    return Markup("".join(out))
