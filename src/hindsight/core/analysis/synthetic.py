"""Synthetic postmortems, seeded and reproducible, for tests, benchmarks and demos.

`generate(n, seed=…, planted=True)` writes `n` postmortems in the template's Markdown with
three planted patterns the analysis must find: a service named as contributing in 30% of
incidents, slow detection for incidents that start around the 16:00 UTC on-call handoff, and
one contributing factor written five different ways in 20% of incidents. With
`planted=False` the same generator spreads services, start times and factors evenly, and no
pattern is there to find.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

SERVICES = (
    "checkout", "payments", "search", "auth", "ledger-service",
    "notifications", "inventory", "gateway", "billing", "profiles",
)  # fmt: skip
PLANTED_SERVICE = "ledger-service"
PLANTED_SHARE = 0.3
HANDOFF = "16:00"
HANDOFF_SHARE = 0.2
PLANTED_FACTOR = (
    "Config change skipped the canary stage",
    "Configuration changes bypass canary deployment",
    "No canary for config pushes",
    "The config rollout went straight to production without a canary",
    "Canary stage is not applied to configuration updates",
)
FACTOR_SHARE = 0.2
CAUSES = (
    "a cache stampede", "an expired TLS certificate", "a full disk on the log volume",
    "a memory leak in the image resizer", "a DNS resolver outage", "clock skew between hosts",
    "a deadlock in the order queue", "exhausted file descriptors", "a kernel upgrade regression",
    "a malformed feature flag payload", "a schema migration lock", "a thundering herd of retries",
    "a stale read replica", "an IAM policy typo", "an unbounded cron fan-out",
    "a garbage collection pause storm", "an upstream vendor API change", "a corrupted index shard",
    "NAT gateway port exhaustion", "a leader election flap", "a poisoned message in Kafka",
    "an integer overflow in pagination", "a runaway analytics query", "an autoscaler oscillation",
    "a broken container base image", "a websocket reconnect loop", "a load balancer health probe "
    "mismatch", "an S3 bucket lifecycle rule", "a timezone parsing bug", "a BGP route withdrawal",
    "a Redis eviction policy change", "an OOM kill of the sidecar", "a circular service mesh "
    "retry", "a JVM heap sizing mistake", "a quota limit at the cloud provider",
    "a certificate revocation list fetch", "a YAML indentation slip", "an orphaned lock file",
    "a cold CDN cache after purge", "a partition rebalance storm",
)  # fmt: skip
FACTORS = (
    "Dashboards lacked per-tenant breakdowns", "The runbook pointed at a decommissioned host",
    "Load tests use synthetic payloads far smaller than production",
    "Error budget policy was not enforced", "Staging has a single availability zone",
    "New toggles default to enabled", "Retries have no jitter", "Backups were never restored",
    "Rate limits are global rather than per client", "Pager routing sent alerts to email only",
    "Schema changes are reviewed by one person", "Capacity planning spreadsheet was outdated",
    "Vendor incident feed was never subscribed", "Secrets rotation is manual",
    "Liveness checks ignore downstream dependencies", "Logs were sampled at one percent",
    "Library upgrades float without pins", "Circuit breakers were disabled years ago",
    "Kubernetes pod disruption budgets were missing", "DNS TTLs are set to one day",
    "Queue depth has no alert threshold", "Batch jobs share the primary database",
    "The mobile app caches responses forever", "Terraform state drifted from reality",
    "Idempotency keys are not enforced on writes", "Synthetic probes run only hourly",
    "Customer support had no escalation path", "Ownership of the cron host is unclear",
    "Timeout values exceed client timeouts", "Connection pools are sized per pod statically",
    "Graceful shutdown drops inflight requests", "Incident channel was created late",
    "Status page updates need manual approval", "Chaos experiments were paused",
    "Runtime metrics lack cardinality limits", "Certificate expiry is tracked in a calendar",
    "Migrations run during peak traffic", "Browser bundles are not versioned",
    "Partner webhooks lack signatures", "Replication delay has no visibility",
    "Old API clients hammer deprecated endpoints", "Bulk imports bypass validation",
    "Disaster recovery drills skipped this year", "Developer laptops hold production tokens",
    "Image registry has no mirror", "Autoscaling reacts after five minutes",
    "Data retention deletes happen synchronously", "Hot partitions go unnoticed",
)  # fmt: skip
OWNERS = ("amara", "bo", "chen", "dara", "eli", "farah", "gus", "hana")
ACTIONS = {
    "prevent": ("Add validation for {s} requests", "Pin dependency versions for {s}"),
    "detect": ("Alert on error rate for {s}", "Add a synthetic probe for {s}"),
    "mitigate": ("Write a rollback runbook for {s}", "Add load shedding to {s}"),
    "process": ("Review the on-call handoff checklist", "Document {s} ownership"),
}


@dataclass(frozen=True)
class Synthetic:
    name: str
    text: str


def _clock(minute: int) -> str:
    return f"{(minute // 60) % 24:02d}:{minute % 60:02d}"


def generate(
    n: int, *, seed: int = 7, planted: bool = True, start: dt.date = dt.date(2024, 1, 1)
) -> list[Synthetic]:
    rng = random.Random(seed)
    out: list[Synthetic] = []
    others = [s for s in SERVICES if s != PLANTED_SERVICE]
    for index in range(n):
        date = start + dt.timedelta(days=index * 730 // max(1, n))
        affected = rng.sample(SERVICES, rng.choice((1, 1, 2)))
        if planted:
            culprit = PLANTED_SERVICE if rng.random() < PLANTED_SHARE else rng.choice(others)
        else:
            culprit = rng.choice(SERVICES)
        near_handoff = planted and rng.random() < HANDOFF_SHARE
        begin = 16 * 60 + rng.randint(-30, 30) if near_handoff else rng.randrange(1440)
        slow = near_handoff or (not planted and rng.random() < 0.2)
        gap = rng.randint(60, 240) if slow else rng.randint(2, 25)
        factors = [rng.choice(FACTORS)]
        if planted and rng.random() < FACTOR_SHARE:
            factors.append(rng.choice(PLANTED_FACTOR))
        cause = rng.choice(CAUSES)
        out.append(_document(rng, index, date, affected, culprit, begin, gap, cause, factors, n))
    return out


def _document(
    rng: random.Random, index: int, date: dt.date, affected: list[str], culprit: str,
    begin: int, gap: int, cause: str, factors: list[str], total: int,
) -> Synthetic:  # fmt: skip
    severity = rng.choices(("SEV-1", "SEV-2", "SEV-3"), (15, 35, 50))[0]
    detect = begin + gap
    ack = detect + rng.randint(1, 12)
    mitigate = ack + rng.randint(5, 40)
    resolve = mitigate + rng.randint(5, 30)
    service = affected[0]
    recent = index >= total - total * 30 // 730  # only the last month's items may be open
    actions = []
    kinds = rng.sample(tuple(ACTIONS), rng.randint(2, 4))
    for kind in kinds:
        text = rng.choice(ACTIONS[kind]).format(s=service)
        due = date + dt.timedelta(days=30)
        status = "DONE" if not recent or rng.random() < 0.5 else "TODO"
        actions.append(
            f"| {rng.choice(OWNERS)} | {text} | {kind} | {due} | #{1000 + index} {status} |"
        )
    title = f"{service} degraded by {cause}"
    text = f"""# Postmortem: {title}

**Status:** Published
**Severity:** {severity}
**Date of incident:** {date.isoformat()}
**Duration:** {_clock(resolve - begin)}
**Services affected:** {", ".join(affected)}

## Summary

{service} returned errors for {resolve - begin} minutes because of {cause} in {culprit}.

## Timeline

All times in UTC.

- {_clock(begin)} — Deploy of build {index} to {service} starts
- {_clock(detect)} — Alert fires for the {service} error rate
- {_clock(ack)} — On-call engineer acknowledges the page and starts investigating
- {_clock(mitigate)} — Rolled back build {index}
- {_clock(resolve)} — Resolved: error rates back to normal

## Root cause and contributing factors

The root cause was {cause} in {culprit}.

Contributing factors:

{chr(10).join(f"- {factor}" for factor in factors)}

## Action items

| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
{chr(10).join(actions)}
"""
    return Synthetic(f"{date.isoformat()}-{index:05d}.md", text)
