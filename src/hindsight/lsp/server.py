"""The language server: pygls wiring of the workspace functions to LSP requests.

Diagnostics are published on open, change and save, computed from the editor's text with
the options of the document's nearest `hindsight.toml`, so they are the CLI's findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from hindsight import __version__
from hindsight.core.checks import Diagnostic, Severity, get_rule
from hindsight.core.checks.docs import rule_page
from hindsight.lsp import workspace
from hindsight.lsp.links import rules_base
from hindsight.lsp.settings import DocumentSettings, SettingsCache

SOURCE = "hindsight"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class HindsightServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("hindsight", __version__)
        self.settings = SettingsCache()
        self.rules_url: str | None = None

    def document_settings(self, document: TextDocument) -> DocumentSettings:
        path = Path(document.path) if document.uri.startswith("file:") else None
        return self.settings.for_path(path)

    def rule_link(self, code: str) -> str | None:
        return f"{self.rules_url}{code}.md" if self.rules_url else None


server = HindsightServer()


def to_lsp(d: Diagnostic, lines: list[str], link: str | None) -> types.Diagnostic:
    line = d.line - 1
    end_line = (d.end_line or d.line) - 1
    end_char = len(lines[end_line]) if end_line < len(lines) else 0
    rule = get_rule(d.code)
    message = d.message
    if rule is not None:
        message += f"\n{rule.summary}."
    if d.suggestion:
        message += f"\nSuggestion: {d.suggestion}"
    return types.Diagnostic(
        range=types.Range(
            types.Position(line, d.column - 1), types.Position(end_line, max(0, end_char))
        ),
        message=message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        data={"name": d.name, "fixable": bool(rule and rule.fixable)},
    )


def publish(ls: HindsightServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    settings = ls.document_settings(document)
    analysis = workspace.analyse(document.source, settings.options)
    lines = document.source.split("\n")
    found = [to_lsp(d, lines, ls.rule_link(d.code)) for d in analysis.result.diagnostics]
    if settings.problem:
        found.insert(
            0,
            types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                message=f"hindsight.toml is not valid, the defaults apply: {settings.problem}",
                severity=types.DiagnosticSeverity.Error,
                source=SOURCE,
            ),
        )
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
    )


@server.feature(types.INITIALIZE)
def initialize(ls: HindsightServer, params: types.InitializeParams) -> None:
    options: Any = params.initialization_options
    configured = options.get("rulesUrl") if isinstance(options, dict) else None
    ls.rules_url = rules_base(configured if isinstance(configured, str) else None)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: HindsightServer, params: types.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: HindsightServer, params: types.DidChangeTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: HindsightServer, params: types.DidSaveTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: HindsightServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: HindsightServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    lines = document.source.split("\n")
    line = params.position.line
    text = lines[line] if line < len(lines) else ""
    code = workspace.code_at(text, params.position.character)
    codes = [code] if code else []
    if not codes:  # on a line with findings: explain their rules
        settings = ls.document_settings(document)
        result = workspace.analyse(document.source, settings.options).result
        codes = list(dict.fromkeys(d.code for d in result.diagnostics if d.line - 1 == line))
    rules = [rule for c in codes if (rule := get_rule(c)) is not None]
    if not rules:
        return None
    parts = []
    for rule in rules:
        link = ls.rule_link(rule.code)
        parts.append(rule_page(rule) + (f"\n[Rule page]({link})\n" if link else ""))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n".join(parts))
    )


def _whole(document: TextDocument, new_text: str) -> types.WorkspaceEdit:
    lines = document.source.split("\n")
    end = types.Position(len(lines) - 1, len(lines[-1]))
    edit = types.TextEdit(types.Range(types.Position(0, 0), end), new_text)
    return types.WorkspaceEdit(changes={document.uri: [edit]})


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
    ),
)
def code_actions(ls: HindsightServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    settings = ls.document_settings(document)
    parsed = workspace.analyse(document.source, settings.options).document
    actions: list[types.CodeAction] = []
    fixed_codes: set[str] = set()
    for diagnostic in params.context.diagnostics:
        code = diagnostic.code if isinstance(diagnostic.code, str) else None
        rule = get_rule(code) if code else None
        if diagnostic.source != SOURCE or code is None or rule is None:
            continue
        if rule.fixable and code not in fixed_codes:
            new_text = workspace.fixed_text(document.source, settings.options, code)
            if new_text is not None:
                fixed_codes.add(code)
                actions.append(
                    types.CodeAction(
                        title=f"Fix {code}: {rule.summary.lower()}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_whole(document, new_text),
                        is_preferred=True,
                    )
                )
        before = workspace.suppression_line(parsed, diagnostic.range.start.line + 1) - 1
        comment = workspace.ignore_comment(code) + "\n"
        insert = types.TextEdit(
            types.Range(types.Position(before, 0), types.Position(before, 0)), comment
        )
        actions.append(
            types.CodeAction(
                title=f"Ignore {code} here (<!-- hindsight: ignore={code} -->)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={document.uri: [insert]}),
            )
        )
    everything = workspace.fixed_text(document.source, settings.options)
    if everything is not None:
        actions.append(
            types.CodeAction(
                title="Apply every safe fix (hindsight lint --fix)",
                kind=types.CodeActionKind.SourceFixAll,
                edit=_whole(document, everything),
            )
        )
    return actions


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[":", "|", " ", ","]),
)
def completion(ls: HindsightServer, params: types.CompletionParams) -> types.CompletionList:
    document = ls.workspace.get_text_document(params.text_document.uri)
    settings = ls.document_settings(document)
    lines = document.source.split("\n")
    parsed = workspace.analyse(document.source, settings.options).document
    position = params.position
    found = workspace.complete(parsed, lines, position.line, position.character, settings.services)
    if found is None:
        return types.CompletionList(is_incomplete=False, items=[])
    replace = types.Range(
        types.Position(position.line, found.start), types.Position(position.line, found.end)
    )
    items = [
        types.CompletionItem(
            label=value,
            kind=types.CompletionItemKind.EnumMember,
            detail=found.detail,
            text_edit=types.TextEdit(replace, f" {value} " if found.padded else value),
            sort_text=f"{index:02d}",
            filter_text=value,
        )
        for index, value in enumerate(found.values)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def serve() -> None:
    server.start_io()
