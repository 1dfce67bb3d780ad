"""Postmortem Markdown to HTML that is safe to show: no script from evidence or people runs.

markdown-it-py with raw HTML disabled escapes every tag a document contains (`<script>`,
`<img onerror=…>`); its link validator refuses `javascript:`, `vbscript:`, `file:` and `data:`
URLs, and we refuse everything that is not http(s), a fragment or a relative path.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

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


def to_html(markdown: str) -> str:
    """Sanitised HTML for `markdown` (raw HTML shown as text, unsafe links left as text;
    HTML comments — provenance, lint directives — are invisible, as on any Markdown site)."""
    return str(_MD.render(_COMMENT.sub("", markdown)))
