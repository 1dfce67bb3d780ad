"""`hindsight lsp`: the linter inside the editor, over the Language Server Protocol (pygls).

`workspace.py` turns a document's text and its `hindsight.toml` into findings, fixes and
completions; `protocol.py` converts them to LSP values; `server.py` wires the requests.
"""
