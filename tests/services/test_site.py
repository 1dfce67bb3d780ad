"""`hindsight site build`: the published postmortems only, sanitised, offline, with a search
index; pages of postmortems no longer published are removed (both backends)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hindsight.core.document import parse, render
from hindsight.core.incident import PostmortemState
from hindsight.samples import sample_postmortem
from hindsight.services.incidents import create_incident, find_incident
from hindsight.services.postmortems import save_version_in, start_postmortem
from hindsight.services.site import build_site
from hindsight.services.workflow import with_status
from hindsight.store.unit_of_work import UnitOfWork, utc_now

HOSTILE = (
    "\n<script>window.pwned=1</script>\n\n[click](javascript:alert(1)) "
    '<img src=x onerror="alert(2)"> [ok](https://example.com/runbook)\n'
)


def _set_state(uow: UnitOfWork, slug: str, state: PostmortemState) -> None:
    with uow:
        incident = find_incident(uow, slug)
        current = uow.postmortems.for_incident(incident.id)
        assert current is not None
        text = render(with_status(parse(current.markdown), state))
        save_version_in(uow, incident, current, text, author="t", now=utc_now())
        uow.commit()


def test_the_site_holds_the_published_postmortems_sanitised(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    shown = create_incident(uow, title="Checkout 500s")
    text = sample_postmortem().replace("## Summary\n", "## Summary\n" + HOSTILE, 1)
    start_postmortem(uow, shown.id, author="priya", markdown=text)
    hidden = create_incident(uow, title="Still a draft")
    start_postmortem(uow, hidden.id, author="priya")
    out = tmp_path / "site"
    built = build_site(uow, out)
    assert [p.slug for p in built.pages] == [shown.slug]
    page = (out / "incidents" / f"{shown.slug}.html").read_text()
    assert "<script>window.pwned" not in page and "&lt;script&gt;window.pwned" in page
    assert 'href="javascript:' not in page and "<img" not in page
    assert '<a href="https://example.com/runbook">ok</a>' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r'(src|href)="(https?:)?//(?!example\.com)', page.split("<main>")[0])
    index = (out / "index.html").read_text()
    assert f'href="incidents/{shown.slug}.html"' in index and hidden.slug not in index
    data = json.loads((out / "search.json").read_text())
    assert [d["slug"] for d in data] == [shown.slug] and "connection" in data[0]["text"]
    assert not (out / "incidents" / f"{hidden.slug}.html").exists()
    # Reopened: no longer published, so its page goes on the next build.
    _set_state(uow, shown.slug, PostmortemState.DRAFT)
    again = build_site(uow, out)
    assert again.pages == () and again.removed == (f"{shown.slug}.html",)
    assert list((out / "incidents").iterdir()) == []
