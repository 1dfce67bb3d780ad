"""`hindsight lsp` end to end: a real LSP client (pytest-lsp) talks to the server subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.core.checks.base import base_text

SERVER = [sys.executable, "-m", "hindsight", "lsp"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """A client applying TextEdits: bottom-up, by (line, character) positions."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def at(position: types.Position) -> int:
        return offsets[position.line] + position.character

    for edit in sorted(edits, key=lambda e: at(e.range.start), reverse=True):
        text = text[: at(edit.range.start)] + edit.new_text + text[at(edit.range.end) :]
    return text


def _cli_findings(path: Path) -> list[tuple[str, int]]:
    done = subprocess.run(
        [sys.executable, "-m", "hindsight", "lint", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    return [(d["code"], d["line"]) for d in data["files"][0]["diagnostics"]]


async def _open(client: LanguageClient, path: Path, text: str) -> list[types.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def _change(
    client: LanguageClient, path: Path, text: str, version: int
) -> list[types.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def _disordered() -> str:
    """The good document with Author moved above Status (ST005) and a blame word (BL001)."""
    lines = base_text().split("\n")
    author = next(i for i, line in enumerate(lines) if line.startswith("**Author:**"))
    status = next(i for i, line in enumerate(lines) if line.startswith("**Status:**"))
    moved = lines.pop(author)
    lines.insert(status, moved)
    return "\n".join(lines)


@pytest.mark.asyncio
async def test_diagnostics_are_the_cli_findings(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    text = _disordered()
    path.write_text(text, encoding="utf-8")
    found = await _open(client, path, text)
    assert sorted((str(d.code), d.range.start.line + 1) for d in found) == sorted(
        _cli_findings(path)
    )
    st005 = next(d for d in found if d.code == "ST005")
    assert st005.source == "hindsight" and st005.code_description is not None
    assert st005.code_description.href.endswith("/ST005.md")
    assert "template order" in st005.message  # the rule's explanation rides along


@pytest.mark.asyncio
async def test_fix_action_clears_the_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    text = _disordered()
    found = await _open(client, path, text)
    st005 = next(d for d in found if d.code == "ST005")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=st005.range,
            context=types.CodeActionContext(diagnostics=[st005]),
        )
    )
    assert actions is not None
    fix = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Fix ST005")
    )
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = _apply(text, list(fix.edit.changes[path.as_uri()]))
    after = await _change(client, path, fixed, 2)
    assert not [d for d in after if d.code == "ST005"]
    assert fixed.count("**Author:**") == 1 and fixed.index("**Status:**") < fixed.index("**Author")


@pytest.mark.asyncio
async def test_ignore_action_suppresses(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    text = base_text().replace("| Add a CI check", "| Better CI checks")
    found = await _open(client, path, text)
    target = next(d for d in found if d.code not in ("ST005",))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=target.range,
            context=types.CodeActionContext(diagnostics=[target]),
        )
    )
    assert actions is not None
    ignore = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Ignore")
    )
    assert ignore.edit is not None and ignore.edit.changes is not None
    changed = _apply(text, list(ignore.edit.changes[path.as_uri()]))
    assert f"<!-- hindsight: ignore={target.code} -->" in changed
    after = await _change(client, path, changed, 2)
    assert not [d for d in after if d.code == target.code and d.message == target.message]
    assert not [d for d in after if d.code == "LN001"]  # the comment is used, not stray


@pytest.mark.asyncio
async def test_hover_explains_a_code(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    text = base_text() + "\n<!-- hindsight: ignore=BL001 -->\n"
    await _open(client, path, text)
    line = text.split("\n").index("<!-- hindsight: ignore=BL001 -->")
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), types.Position(line, 25))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("# BL001 blame-language")
    assert "## Why it matters" in hover.contents.value


async def _complete(
    client: LanguageClient, path: Path, line: int, character: int
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(path.as_uri()), types.Position(line, character)
        )
    )
    assert isinstance(result, types.CompletionList)
    return list(result.items)


@pytest.mark.asyncio
async def test_completion_of_header_values_types_and_services(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "hindsight.toml").write_text(
        '[services.checkout-api]\nowner = "payments"\n\n[services.orders-db]\n', encoding="utf-8"
    )
    path = tmp_path / "pm.md"
    lines = base_text().split("\n")
    await _open(client, path, "\n".join(lines))
    severity = next(i for i, line in enumerate(lines) if line.startswith("**Severity:**"))
    labels = [i.label for i in await _complete(client, path, severity, len(lines[severity]))]
    assert labels == ["SEV-1", "SEV-2", "SEV-3"]
    status = next(i for i, line in enumerate(lines) if line.startswith("**Status:**"))
    labels = [i.label for i in await _complete(client, path, status, len(lines[status]))]
    assert labels == ["Draft", "In review", "Published"]
    services = next(i for i, line in enumerate(lines) if line.startswith("**Services affected:**"))
    items = await _complete(client, path, services, len(lines[services]))
    assert [i.label for i in items] == ["checkout-api", "orders-db"]
    header = next(i for i, line in enumerate(lines) if line.startswith("| Owner"))
    row = lines[header + 2]
    type_at = row.index("|", row.index("|", row.index("|") + 1) + 1) + 2  # third cell
    items = await _complete(client, path, header + 2, type_at)
    assert [i.label for i in items] == ["prevent", "detect", "mitigate", "process"]
    assert await _complete(client, path, header + 2, 3) == []  # the Owner cell: nothing


@pytest.mark.asyncio
async def test_the_team_config_applies(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "hindsight.toml").write_text('[lint]\nignore = ["ST005"]\n', encoding="utf-8")
    found = await _open(client, tmp_path / "pm.md", _disordered())
    assert not [d for d in found if d.code == "ST005"]  # reported without the config
    (tmp_path / "hindsight.toml").write_text('[lint]\nignore = ["ZZ999"]\n', encoding="utf-8")
    after = await _change(client, tmp_path / "pm.md", _disordered(), 2)
    assert "hindsight.toml is not valid" in after[0].message  # said, not silently ignored
    assert [d for d in after if d.code == "ST005"]  # the defaults apply meanwhile
