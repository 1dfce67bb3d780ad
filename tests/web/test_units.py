"""The web's pure parts: sanitising, safe links, signed cookies, list queries, promotion."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.checks import LintOptions
from hindsight.core.document import parse
from hindsight.core.events import UTC, Actor, Event, EventKind
from hindsight.samples import sample_postmortem
from hindsight.web.event_rows import event_rows
from hindsight.web.findings import check, section_of
from hindsight.web.formatting import safe_url
from hindsight.web.incident_view import EventRow
from hindsight.web.listing import ListQuery
from hindsight.web.markdown import to_html
from hindsight.web.security import Signer
from hindsight.web.timeline_edit import demote, line_of, promote, promoted

HOSTILE = '<script>alert(1)</script> <img src=x onerror="alert(2)"> a\n\tb'


def event(text: str = HOSTILE, minute: int = 20, link: str | None = None) -> Event:
    return Event(
        at=dt.datetime(2026, 3, 14, 14, minute, tzinfo=UTC),
        source="slack",
        kind=EventKind.CHAT_MESSAGE,
        key=f'slack:C1:"{minute}"',
        text=text,
        actor=Actor("<b>bot</b>"),
        link=link,
    )


def test_markdown_is_rendered_without_any_raw_html_or_unsafe_link() -> None:
    html = to_html(
        "# T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://ok.example/x) [d](#h)\n"
        "<!-- hindsight: disable=BL001 -->\n"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="data:' not in html and 'href="javascript:' not in html
    assert '<a href="https://ok.example/x">c</a>' in html and '<a href="#h">d</a>' in html
    assert "hindsight: disable" not in html


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://grafana.example.com/d/x?a=1", True),
        ("http://a.example", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("https://a.example/\x00x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_absolute_http_links_are_clickable(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


def test_csrf_tokens_resist_tampering() -> None:
    signer = Signer(b"k" * 32)
    assert not Signer(b"other" * 8).csrf_valid(signer.csrf_token("nonce1"), "nonce1")
    token = signer.csrf_token("nonce1")
    assert signer.csrf_valid(token, "nonce1")
    assert not signer.csrf_valid(token, "nonce2")
    assert not signer.csrf_valid("nonce1.forged", "nonce1")


def test_list_query_round_trips_through_its_links() -> None:
    query = ListQuery.from_params(
        {
            "q": " pool ",
            "severity": "SEV-1",
            "since": "2026-03-01",
            "postmortem": "owed",
            "sort": "gap",
            "order": "asc",
            "page": "3",
        }
    )
    assert query.q == "pool" and query.since == dt.date(2026, 3, 1) and not query.desc
    again = ListQuery.from_params(dict(p.split("=") for p in query.params().split("&")))
    assert again == query
    odd = ListQuery.from_params({"sort": "drop table", "page": "-4", "postmortem": "x"})
    assert (odd.sort, odd.page, odd.postmortem) == ("date", 1, "")


def test_promote_then_demote_gives_the_document_back() -> None:
    text = sample_postmortem()
    found = event()
    once = promote(text, found)
    assert promote(once, found) == once  # promoting twice adds one line
    assert promoted(once, (found,)) == {found.key} and promoted(text, (found,)) == frozenset()
    lines = once.splitlines()
    at = lines.index("- " + line_of(found))
    assert lines[at - 1].startswith("- 14:12") and lines[at + 1].startswith("- 14:32")
    assert demote(once, found) == text
    assert demote(text, found) == text


def test_findings_are_grouped_by_their_section() -> None:
    text = sample_postmortem().replace(
        "## What went poorly\n", "## What went poorly\n\nAlice broke checkout.\n", 1
    )
    checked = check(text, LintOptions())
    assert [name for name, _ in checked.groups] == ["What went poorly"]
    line = checked.groups[0][1][0].diagnostic.line
    assert text.splitlines()[line - 1] == "Alice broke checkout."
    assert section_of(parse(text), 1) == "Header"


def test_event_rows_escape_every_value() -> None:
    hostile = event(link='javascript:alert("x")')
    html = event_rows([EventRow(hostile, "ev-1", 7, '/0/"x"', False)], 'a"b', can_edit=True)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and 'href="javascript' not in html
    assert 'value="slack:C1:&quot;20&quot;"' in html
    assert "/incidents/a&quot;b/payloads/7?pointer=/0/&quot;x&quot;" in html


def test_header_fields_render_as_a_definition_list_and_bare_urls_as_links() -> None:
    from hindsight.web.markdown import to_html

    html = to_html(
        "# Postmortem: x\n\n**Status:** Draft\n**Slack link:** https://example.slack.com/a/C1\n"
        "**Author:** <script>x</script>\n\n## Summary\n\nSee https://grafana.example.com/d/1, "
        "not `https://code.example` nor javascript:alert(1).\n\n```\nhttps://fenced.example\n```\n"
    )
    assert '<dl class="header-fields"><div><dt>Status</dt><dd>Draft</dd></div>' in html
    assert '<dd><a href="https://example.slack.com/a/C1">' in html
    assert "<dd>&lt;script&gt;x&lt;/script&gt;</dd>" in html
    assert '<a href="https://grafana.example.com/d/1">https://grafana.example.com/d/1</a>,' in html
    assert "<code>https://code.example</code>" in html
    assert 'href="javascript' not in html and 'href="https://fenced' not in html
    assert html.index("<dl") < html.index("<h2>Summary")


def test_chart_label_rows_never_put_two_overlapping_labels_in_one_row() -> None:
    from hindsight.web.chart import label_rows

    assert label_rows([(100, "detected 14:36"), (130, "acknowledged 14:39"), (600, "m")]) == [
        0,
        1,
        0,
    ]
    assert label_rows([(100, "a"), (400, "b")]) == [0, 0]
