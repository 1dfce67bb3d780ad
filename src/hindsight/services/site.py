"""`hindsight site build OUT/`: the published postmortems as a static site for teams that keep
their docs in git — offline (no asset from anywhere else), sanitised (no script from a
document runs: raw HTML is shown as text, only http(s), relative and fragment links are
links, and a Content-Security-Policy allows nothing but the site's own inline search script),
an index with search, and one page per incident.

    OUT/index.html                 every published postmortem, newest first, with a search box
    OUT/incidents/<slug>.html      one postmortem
    OUT/search.json                the index the search box reads (also embedded in the page)

Only postmortems in the Published state are included; building again rewrites the files it
owns and removes pages of postmortems that are no longer published.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from hindsight.core.document import parse
from hindsight.core.document.model import section_text
from hindsight.core.document.template import SectionKind
from hindsight.core.errors import UserError
from hindsight.core.incident import PostmortemState
from hindsight.store.records import Incident, Postmortem
from hindsight.store.unit_of_work import UnitOfWork

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em;"
    "color:#1b1b1b}a{color:#0b57a4}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:.2em .5em}input{font:inherit;padding:.3em;width:100%}li.hidden{display:none}"
    ".muted{color:#555}"
)
SEARCH_JS = (
    "(function(){var q=document.getElementById('q');var items=document.querySelectorAll("
    "'#list li');var data=JSON.parse(document.getElementById('index').textContent);"
    "q.addEventListener('input',function(){var words=q.value.toLowerCase().split(/\\s+/)"
    ".filter(Boolean);items.forEach(function(li,i){var text=data[i].text;var hit=words"
    ".every(function(w){return text.indexOf(w)>=0;});li.classList.toggle('hidden',!hit);});"
    "});})();"
)


def _validate(url: str) -> bool:
    text = url.strip()
    if text.startswith("#") or (text.startswith("/") and not text.startswith("//")):
        return True
    if ":" not in text.split("/")[0]:
        return True  # relative
    return text.lower().startswith(_SAFE_SCHEMES)


def _engine() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = _validate  # type: ignore[method-assign]
    return md


_MD = _engine()


def safe_html(markdown: str) -> str:
    """Sanitised HTML for a postmortem's Markdown (comments — provenance — left out)."""
    return str(_MD.render(_COMMENT.sub("", markdown)))


@dataclass(frozen=True)
class SitePage:
    slug: str
    title: str
    date: str
    severity: str
    summary: str


@dataclass(frozen=True)
class BuiltSite:
    folder: Path
    pages: tuple[SitePage, ...]
    removed: tuple[str, ...]


def published(uow: UnitOfWork) -> list[tuple[Incident, Postmortem]]:
    """Every published postmortem with its incident, newest incident first."""
    out: list[tuple[Incident, Postmortem]] = []
    with uow:
        offset = 0
        while True:
            batch = uow.incidents.recent(limit=500, offset=offset)
            if not batch:
                break
            for incident in batch:
                found = uow.postmortems.for_incident(incident.id)
                if found is not None and found.state is PostmortemState.PUBLISHED:
                    out.append((incident, found))
            offset += len(batch)
    return out


def build_site(uow: UnitOfWork, folder: Path) -> BuiltSite:
    """Write the site into `folder` (created if missing)."""
    if folder.exists() and not folder.is_dir():
        raise UserError("is not a directory", where=str(folder), fix="name a folder: OUT/")
    pages_dir = folder / "incidents"
    pages_dir.mkdir(parents=True, exist_ok=True)
    found = published(uow)
    pages: list[SitePage] = []
    for incident, postmortem in found:
        document = parse(postmortem.markdown)
        summary = " ".join(section_text(document, SectionKind.SUMMARY).split())
        page = SitePage(
            slug=incident.slug,
            title=document.description or incident.title,
            date=postmortem.incident_date or f"{incident.opened:%Y-%m-%d}",
            severity=incident.severity or postmortem.severity or "",
            summary=summary[:400],
        )
        pages.append(page)
        _write(pages_dir / f"{incident.slug}.html", _postmortem_page(page, postmortem.markdown))
    kept = {f"{p.slug}.html" for p in pages}
    removed = tuple(
        sorted(p.name for p in pages_dir.glob("*.html") if p.name not in kept and p.is_file())
    )
    for name in removed:
        (pages_dir / name).unlink()
    index = [
        {
            "slug": p.slug,
            "title": p.title,
            "date": p.date,
            "severity": p.severity,
            "url": f"incidents/{p.slug}.html",
            "text": " ".join([p.title, p.summary, p.slug, p.severity]).lower(),
        }
        for p in pages
    ]
    _write(folder / "search.json", json.dumps(index, ensure_ascii=False, indent=1) + "\n")
    _write(folder / "index.html", _index_page(pages, index))
    return BuiltSite(folder, tuple(pages), removed)


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a reader never sees half a page."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _csp(script: str | None) -> str:
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        policy += f"; script-src 'sha256-{digest}'"
    return policy


def _head(title: str, script: str | None = None) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>\n"
    )


def _postmortem_page(page: SitePage, markdown: str) -> str:
    return (
        _head(page.title)
        + '<nav><a href="../index.html">All postmortems</a></nav>\n<main>\n'
        + safe_html(markdown)
        + "</main>\n</body></html>\n"
    )


def _index_page(pages: list[SitePage], index: list[dict[str, str]]) -> str:
    e = html.escape
    items = "\n".join(
        f'<li><a href="incidents/{e(p.slug)}.html">{e(p.title)}</a> '
        f'<span class="muted">{e(p.date)} {e(p.severity)}</span><br>{e(p.summary)}</li>'
        for p in pages
    )
    embedded = json.dumps(index, ensure_ascii=False).replace("<", "\\u003c")
    return (
        _head("Postmortems", SEARCH_JS)
        + "<h1>Postmortems</h1>\n"
        + f'<p class="muted">{len(pages)} published.</p>\n'
        + '<label for="q">Search</label> <input id="q" type="search" autocomplete="off">\n'
        + f'<ul id="list">\n{items}\n</ul>\n'
        + f'<script type="application/json" id="index">{embedded}</script>\n'
        + f"<script>{SEARCH_JS}</script>\n</body></html>\n"
    )
