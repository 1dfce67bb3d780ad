"""The roadmap in Markdown, offline HTML and JSON."""

from __future__ import annotations

import datetime as dt
import json
import re

from hindsight.core.analysis import Analysis, analyze, record_from_import
from hindsight.core.analysis.synthetic import generate
from hindsight.core.importing import import_text
from hindsight.report.roadmap_html import render_html
from hindsight.report.roadmap_json import SCHEMA, render_json
from hindsight.report.roadmap_md import render_markdown


def _analysis(planted: bool = True) -> Analysis:
    docs = generate(120, seed=2, planted=planted)
    records = [record_from_import(import_text(d.text, name=d.name), d.name) for d in docs]
    return analyze(records, today=dt.date(2026, 1, 1), handoffs=("16:00",))


def test_markdown_ranks_items_with_evidence_and_action_kind() -> None:
    analysis = _analysis()
    text = render_markdown(analysis)
    first = analysis.roadmap[0]
    assert f"## 1. {first.title}" in text
    assert f"- **Suggested action:** {first.action}" in text
    assert f"(`{first.incidents[0]}`)" in text
    assert text.index("## 1.") < text.index("## 2.") < text.index("## Recurring factors")
    assert "Reviews that changed nothing: not known (a folder cannot tell" in text


def test_markdown_says_when_nothing_stands_out() -> None:
    assert "No pattern stands out" in render_markdown(_analysis(planted=False))


def test_html_is_self_contained_with_svg_charts() -> None:
    page = render_html(_analysis())
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 4
    assert "<script" not in page and "<link" not in page
    urls = set(re.findall(r"https?://[^\s\"'<]+", page)) - {"http://www.w3.org/2000/svg"}
    assert not urls  # nothing to fetch: works offline


def test_json_carries_the_ranked_roadmap() -> None:
    analysis = _analysis()
    data = json.loads(render_json(analysis))
    assert data["schema"] == SCHEMA
    assert data["incidents"] == 120
    assert [item["rank"] for item in data["roadmap"]] == list(range(1, len(analysis.roadmap) + 1))
    assert data["roadmap"][0]["incidents"] == list(analysis.roadmap[0].incidents)
    assert data["process"]["owed_missing"] is None
