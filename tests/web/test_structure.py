"""The editor's form rows without the script (a plain form post) and through the endpoint the
script calls: a changed row is written into the Markdown, an unchanged one changes nothing."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from hindsight.core.document import parse
from hindsight.core.document.action_items import read_action_items
from hindsight.services.postmortems import get_postmortem
from tests.web.conftest import Store, sign_in

_INPUT = re.compile(r"<input\b([^>]*)>|<textarea\b([^>]*)>(.*?)</textarea>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)=(?:"([^"]*)"|\'([^\']*)\')')


def _form(page: str) -> list[tuple[str, str]]:
    """What a browser without scripts submits from the save form, in document order."""
    start = page.index('id="save-form"')
    body = page[start : page.index("</form>", start)]
    fields = []
    for plain, area, inner in _INPUT.findall(body):
        attrs = plain or area
        found = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTR.finditer(attrs)
        }
        if "name" not in found:
            continue
        value = inner if area else found.get("value", "")
        fields.append((found["name"], html.unescape(value)))
    return fields


def _post(client: TestClient, path: str, fields: list[tuple[str, str]]) -> int:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.post(path, content=urlencode(fields), headers=form, follow_redirects=False)
    return response.status_code


def _set(fields: list[tuple[str, str]], name: str, index: int, value: str) -> None:
    positions = [i for i, (n, _) in enumerate(fields) if n == name]
    fields[positions[index]] = (name, value)


def test_the_rows_show_the_markdown(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    page = client.get(f"/incidents/{store.slug}/postmortem").text
    assert 'id="header-rows"' in page and 'id="action-rows"' in page
    labels = [v for n, v in _form(page) if n == "h_label"]
    assert "Severity" in labels and "Status" in labels
    assert re.search(r'id="h-\d+" name="h_value" value="Draft"[^>]*readonly', page)  # Status
    saved = read_action_items(parse(get_postmortem(store.uow(), store.slug).markdown))
    owners = [v for n, v in _form(page) if n == "a_owner"]
    assert owners[: len(saved)] == [i.owner or "" for i in saved] and owners[-1] == ""


def test_a_plain_post_writes_changed_rows_only(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    path = f"/incidents/{store.slug}/postmortem"
    before = get_postmortem(store.uow(), store.slug)
    fields = _form(client.get(path).text)
    # Unchanged rows: the Markdown is saved exactly as typed.
    assert _post(client, path, fields) == 303
    assert get_postmortem(store.uow(), store.slug).markdown == before.markdown
    fields = _form(client.get(path).text)
    labels = [v for n, v in fields if n == "h_label"]
    _set(fields, "h_value", labels.index("Author"), "Mei Lin")
    blank = sum(1 for n, _ in fields if n == "a_owner") - 1  # the spare row
    _set(fields, "a_owner", blank, "Ana Silva")
    _set(fields, "a_action", blank, "Alert when the pool | queue saturates")
    _set(fields, "a_type", blank, "detect")
    assert _post(client, path, fields) == 303
    saved = get_postmortem(store.uow(), store.slug).markdown
    assert "**Author:** Mei Lin" in saved
    items = read_action_items(parse(saved))
    assert items[-1].owner == "Ana Silva" and items[-1].type == "detect"
    assert items[-1].action == "Alert when the pool \\| queue saturates"
    untouched = [line for line in before.markdown.split("\n") if "Author" not in line]
    assert all(line in saved.split("\n") for line in untouched if not line.startswith("|"))


def test_the_script_endpoint_writes_and_reads_rows(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    page = client.get(f"/incidents/{store.slug}/postmortem").text
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert meta is not None
    url = f"/incidents/{store.slug}/postmortem/structure"
    markdown = get_postmortem(store.uow(), store.slug).markdown
    headers = {"X-CSRF-Token": meta.group(1)}
    read = client.post(url, json={"markdown": markdown}, headers=headers)
    assert read.status_code == 200 and read.json()["markdown"] == markdown
    rows = read.json()["actions"]
    rows.append({"owner": "Bo", "action": "Add a runbook", "type": "process"})
    written = client.post(
        url,
        json={"markdown": markdown, "header": {"Severity": "SEV-1"}, "actions": rows},
        headers=headers,
    ).json()
    assert "**Severity:** SEV-1" in written["markdown"]
    assert written["actions"][-1]["owner"] == "Bo"
    assert client.post(url, json={"markdown": markdown}).status_code == 403  # no CSRF header
    assert client.post(url, json={"markdown": 5}, headers=headers).status_code == 422
    sign_in(client, store.tokens["viewer"])
    viewer_page = client.get(f"/incidents/{store.slug}/postmortem").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', viewer_page)
    assert token is not None
    refused = client.post(
        url, json={"markdown": markdown}, headers={"X-CSRF-Token": token.group(1)}
    )
    assert refused.status_code == 403
