"""The language-model pass against a local chat-completions endpoint: a faithful rewording is
accepted; invented numbers, names or causes are rejected with the reason; an error or a
timeout leaves the deterministic draft as it was."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest

from hindsight.core.document import parse, render
from hindsight.core.drafting import Draft, draft
from hindsight.core.drafting.guard import RephraseError, check_rewording, rephrase_draft
from hindsight.core.events import Event
from hindsight.core.timeline import build_timeline
from hindsight.sources.chat_completions import ChatCompletionsRephraser
from tests.core.drafting.helpers import sample_events, sample_metrics


class _Model(http.server.BaseHTTPRequestHandler):
    """Speaks `POST /v1/chat/completions`; what it answers depends on `mode`."""

    mode: ClassVar[list[str]] = ["faithful"]
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        text = body["messages"][-1]["content"].split("\n\n", 1)[1]
        mode = self.mode[0]
        if mode == "error":
            return self._send(500, {"error": {"message": "model not loaded"}})
        if mode == "slow":
            time.sleep(1.0)
        if mode == "faithful":
            text = text.replace(
                "preceded recovery, and the incident", "came before recovery; the incident"
            )
            text = text.replace("Why it is a candidate:", "The reasoning:")
        elif mode == "number":
            text += " About 12,300 customers could not pay."
        elif mode == "name":
            text = text.replace("the incident was resolved", "Bob Smith resolved the incident")
        elif mode == "cause":
            text = text.replace(
                " preceded recovery,", " preceded recovery because of the bad deploy,"
            )
        self._send(
            200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
        )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def sample() -> tuple[Draft, list[Event]]:
    events = sample_events()
    return draft(build_timeline(events), [sample_metrics()]), events


def _run(endpoint: str, mode: str, sample: tuple[Draft, list[Event]]) -> tuple[Draft, Any]:
    _Model.mode[0] = mode
    result, events = sample
    with httpx.Client() as client:
        rephraser = ChatCompletionsRephraser(client, endpoint, "tiny", api_key="k", timeout=0.3)
        return rephrase_draft(result, rephraser, events)


def test_a_faithful_rewording_is_accepted_and_keeps_provenance(
    endpoint: str, sample: tuple[Draft, list[Event]]
) -> None:
    result, verdicts = _run(endpoint, "faithful", sample)
    assert [(v.part, v.accepted) for v in verdicts] == [("summary", True), ("root_cause", True)]
    markdown = render(result.document)
    assert "came before recovery; the incident was resolved at 15:19" in markdown
    assert "The reasoning:" in markdown and "Why it is a candidate:" not in markdown
    assert render(parse(markdown)) == markdown
    summary_keys = {k for c in sample[0].citations if c.part == "summary" for k in c.keys}
    rephrased = [c for c in result.citations if c.part == "summary"]
    assert len(rephrased) == 3 and all(set(c.keys) == summary_keys for c in rephrased)
    assert _Model.seen[-1]["path"] == "/v1/chat/completions"
    assert _Model.seen[-1]["auth"] == "Bearer k" and _Model.seen[-1]["body"]["model"] == "tiny"


def test_an_invented_number_is_rejected_with_the_reason(
    endpoint: str, sample: tuple[Draft, list[Event]]
) -> None:
    result, verdicts = _run(endpoint, "number", sample)
    assert not any(v.accepted for v in verdicts)
    assert "introduces the number '12300', which is not in the evidence" in verdicts[0].reasons
    assert render(result.document) == render(sample[0].document)


def test_an_invented_name_is_rejected(endpoint: str, sample: tuple[Draft, list[Event]]) -> None:
    _, verdicts = _run(endpoint, "name", sample)
    assert verdicts[0].part == "summary" and not verdicts[0].accepted
    assert any("'Bob'" in r for r in verdicts[0].reasons)


def test_a_rewording_that_fails_the_checks_is_rejected(
    endpoint: str, sample: tuple[Draft, list[Event]]
) -> None:
    _, verdicts = _run(endpoint, "cause", sample)
    assert not verdicts[0].accepted
    assert any(r.startswith("fails the checks: SU003") for r in verdicts[0].reasons)


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_errors_and_timeouts_keep_the_draft(
    endpoint: str, sample: tuple[Draft, list[Event]], mode: str
) -> None:
    result, verdicts = _run(endpoint, mode, sample)
    assert render(result.document) == render(sample[0].document)
    assert all(not v.accepted and v.reasons[0].startswith("rephraser failed") for v in verdicts)
    expected = "HTTP 500" if mode == "error" else "no answer"
    assert expected in verdicts[0].reasons[0]


def test_an_unreachable_endpoint_is_a_rephrase_error() -> None:
    with httpx.Client() as client:
        rephraser = ChatCompletionsRephraser(client, "http://127.0.0.1:9/v1", "m", timeout=0.5)
        with pytest.raises(RephraseError, match="cannot reach"):
            rephraser.rephrase("summary", "text")


def test_guard_allows_what_the_evidence_says_and_nothing_else() -> None:
    numbers, words = {"1530", "14:32"}, {"checkout-api", "priya", "raman"}
    assert (
        check_rewording(
            "x", "At 14:32 Priya Raman saw 1,530 errors on checkout-api.", numbers, words
        )
        == []
    )
    found = check_rewording("x", "At 14:33 the payments-api failed.", numbers, words)
    assert found == [
        "introduces the number '14:33', which is not in the evidence",
        "introduces the name 'payments-api', which is not in the evidence",
    ]
