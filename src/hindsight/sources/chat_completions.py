"""A `Rephraser` over an OpenAI-compatible chat-completions endpoint (a local Ollama, vLLM or
llama.cpp server, or a hosted API), on an injected `httpx.Client`.

It only asks for a rewording; `hindsight.core.drafting.guard` decides whether the answer may
be used. Every failure — unreachable, timeout, HTTP error, an answer without a message — is a
`RephraseError`, and the draft keeps its deterministic text.
"""

from __future__ import annotations

from typing import Any

import httpx

from hindsight.core.drafting.guard import RephraseError

INSTRUCTIONS = (
    "You copy-edit one section of an incident postmortem. Reword the text for clarity and "
    "flow. Keep every fact, number, time, name and service exactly as given; add none; do not "
    "state causes as facts; do not add action items. Answer with the reworded text only."
)


class ChatCompletionsRephraser:
    def __init__(
        self,
        client: httpx.Client,
        url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.client = client
        self.endpoint = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def rephrase(self, part: str, text: str) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS},
                {"role": "user", "content": f"Section: {part}\n\n{text}"},
            ],
        }
        try:
            response = self.client.post(
                self.endpoint, json=body, headers=headers, timeout=self.timeout
            )
            response.raise_for_status()
            answer = response.json()["choices"][0]["message"]["content"]
        except httpx.TimeoutException:
            raise RephraseError(f"no answer from {self.endpoint} in {self.timeout:g} s") from None
        except httpx.HTTPStatusError as error:
            raise RephraseError(
                f"{self.endpoint} answered HTTP {error.response.status_code}"
            ) from None
        except httpx.HTTPError as error:
            raise RephraseError(f"cannot reach {self.endpoint} ({error})") from None
        except (ValueError, KeyError, IndexError, TypeError):
            raise RephraseError(f"{self.endpoint} sent no chat-completion message") from None
        if not isinstance(answer, str) or not answer.strip():
            raise RephraseError(f"{self.endpoint} sent an empty message")
        return answer
