"""How each tool signs a delivery, written from the vendors' documentation (not from our
verifier), and the sample payload each test delivers."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from hindsight.samples import sample_evidence

SECRETS = {
    "github_secret": "It's a Secret to Everybody",
    "pagerduty_secrets": "old-secret, new-secret",
    "slack_signing_secret": "8f742231b10e8888abcd99yyyzzz85a5",
    "grafana_secret": "grafana-hmac",
    "opsgenie_token": "og-token",
    "alertmanager_token": "am-token",
    "generic_token": "gen-token",
}
NOW = 1_773_500_000.0
SAMPLES = {
    "alertmanager": "alertmanager/01-firing.json",
    "grafana": "grafana/01-alerting.json",
    "pagerduty": "pagerduty/webhooks/01-triggered.json",
    "opsgenie": "opsgenie/01-create.json",
    "slack": "slack/events/01-message.json",
    "github": "github/02-deployment-canary.json",
    "generic": "generic/observations.csv",
}
SOURCES = tuple(SAMPLES)
CONTENT_TYPE = {"generic": "text/csv"}


def sample(source: str) -> bytes:
    for _, name, data in sample_evidence():
        if name == SAMPLES[source]:
            return data
    raise KeyError(source)


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Signer:
    source: str

    def headers(self, body: bytes, *, secret: str | None = None, at: float = NOW) -> dict[str, str]:
        """Headers the tool would send with `body` (with `secret`, or the configured one)."""
        out = {"content-type": CONTENT_TYPE.get(self.source, "application/json")}
        stamp = str(int(at))
        if self.source == "github":
            key = secret or SECRETS["github_secret"]
            out["X-Hub-Signature-256"] = "sha256=" + _hex(key, body)
            out["X-GitHub-Event"] = "deployment"
        elif self.source == "pagerduty":
            keys = [secret] if secret else ["new-secret"]
            # PagerDuty sends one entry per active secret; ours may match any of them.
            out["X-PagerDuty-Signature"] = ",".join(
                ["v1=" + _hex("unrelated", body), *("v1=" + _hex(k, body) for k in keys)]
            )
        elif self.source == "slack":
            key = secret or SECRETS["slack_signing_secret"]
            out["X-Slack-Request-Timestamp"] = stamp
            out["X-Slack-Signature"] = "v0=" + _hex(key, b"v0:" + stamp.encode() + b":" + body)
        elif self.source == "grafana":
            key = secret or SECRETS["grafana_secret"]
            out["X-Grafana-Alerting-Timestamp"] = stamp
            out["X-Grafana-Alerting-Signature"] = _hex(key, stamp.encode() + b":" + body)
        elif self.source == "opsgenie":
            out["X-Incident-Token"] = secret or SECRETS["opsgenie_token"]
        else:
            out["Authorization"] = f"Bearer {secret or SECRETS[self.source + '_token']}"
        return out

    def unsigned(self) -> dict[str, str]:
        return {"content-type": CONTENT_TYPE.get(self.source, "application/json")}

    @property
    def stale_applies(self) -> bool:
        return self.source in ("slack", "grafana")
