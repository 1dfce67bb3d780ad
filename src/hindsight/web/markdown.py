"""Postmortem Markdown to HTML that is safe to show: no script from evidence or people runs.

markdown-it-py with raw HTML disabled escapes every tag a document contains (`<script>`,
`<img onerror=…>`); its link validator refuses `javascript:`, `vbscript:`, `file:` and `data:`
URLs, and we refuse everything that is not http(s), a fragment or a relative path.

The header fields (`**Status:** Draft`, one a line) are shown as a definition list, the way
they read, instead of one run-on paragraph; bare http(s) URLs become links.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from hindsight.core.document import parse
from hindsight.web.formatting import safe_url


def _validate(url: str) -> bool:
    text = url.strip()
    if text.startswith(("#", "/")) and not text.startswith("//"):
        return True
    return safe_url(text) is not None


def _engine() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = _validate  # type: ignore[method-assign]
    return md


_MD = _engine()
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


# A bare URL, not already inside <…>, (…) of a link, or a word.
_BARE_URL = re.compile(r"(?<![<(\[\w/])https?://[^\s<>()\[\]`]+[^\s<>()\[\]`.,;:!?'\"]")
_MARKER = "hindsight-header-fields-9c1e"  # a paragraph of its own, replaced after rendering
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _autolink(markdown: str) -> str:
    """Bare http(s) URLs as CommonMark autolinks, outside code fences and code spans."""
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            parts = line.split("`")
            parts[::2] = [_BARE_URL.sub(lambda m: f"<{m.group(0)}>", p) for p in parts[::2]]
            line = "`".join(parts)
        out.append(line)
    return "\n".join(out)


def _header_list(markdown: str) -> tuple[str, str]:
    """The header fields as a definition list, and the Markdown with their lines blanked."""
    fields = [f for f in parse(markdown).header if f.span is not None]
    if not fields:
        return "", markdown
    lines = markdown.split("\n")
    rows = []
    for item in fields:
        assert item.span is not None
        for number in range(item.span.start, item.span.end + 1):
            lines[number - 1] = ""
        value = _MD.renderInline(_autolink(item.value)) if item.value.strip() else "—"
        rows.append(f"<div><dt>{_MD.renderInline(item.label)}</dt><dd>{value}</dd></div>")
    first = fields[0].span.start if fields[0].span else 1
    before, after = lines[: first - 1], lines[first - 1 :]
    marker = _MARKER
    return '<dl class="header-fields">' + "".join(rows) + "</dl>", "\n".join(
        [*before, marker, *after]
    )


def to_html(markdown: str) -> str:
    """Sanitised HTML for `markdown` (raw HTML shown as text, unsafe links left as text;
    HTML comments — provenance, lint directives — are invisible, as on any Markdown site)."""
    text = _COMMENT.sub("", markdown)
    header, rest = _header_list(text)
    html = str(_MD.render(_autolink(rest)))
    return html.replace(f"<p>{_MARKER}</p>", header)
