"""Generated postmortems for benchmarks: varied, realistic sizes, deterministic per seed."""

from __future__ import annotations

import random

from hindsight.core.document.template import ACTION_TYPES, SEVERITIES

_SERVICES = ["checkout-api", "orders-db", "search", "auth", "payments", "cdn", "queue", "ledger"]
_PEOPLE = ["Priya Raman", "Tomás Ortega", "Mei Lin", "Jonas Weber", "Amara Okafor", "Lee Park"]
_EVENTS = [
    "Config change rolled out to all pods (deploy)",
    "HighErrorRate alert fires (alert)",
    "On-call engineer acknowledges the page (human)",
    "Rollback started (deploy)",
    "Error rate back to normal (alert)",
    "Incident channel opened (chat)",
]


def postmortem(seed: int) -> str:
    rng = random.Random(seed)
    service = rng.choice(_SERVICES)
    minute = rng.randrange(0, 600)
    lines = [
        f"# Postmortem: {service} errors after change {seed}",
        "",
        f"**Status:** {rng.choice(['Draft', 'In review', 'Published'])}",
        f"**Severity:** {rng.choice(SEVERITIES)}",
        f"**Date of incident:** 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"**Duration:** 00:{rng.randint(5, 59):02d}",
        "**Reported by:** Monitoring",
        f"**Services affected:** {service}, {rng.choice(_SERVICES)}",
        f"**Incident team:** {', '.join(rng.sample(_PEOPLE, 3))}",
        f"**Author:** {rng.choice(_PEOPLE)}",
        f"**Reviewers:** {rng.choice(_PEOPLE)}",
        "**Slack link:** https://example.slack.com/archives/C01",
        "**Status page:** https://status.example.com/i/1",
        "**Issue tracker:** https://tracker.example.com/REL-1",
        "",
        "## Summary",
        "",
        f"{service} returned errors for {rng.randint(5, 90)} minutes for "
        f"{rng.randint(1, 30)}% of requests. The on-call engineer rolled back the change.",
        "",
        "## Impact",
        "",
        f"- **Users affected:** {rng.randint(100, 90000):,}",
        f"- **Requests failed / degraded:** {rng.randint(1000, 50000):,} of 200,000 (4.1%)",
        "- **Revenue impact (if known):** not measurable",
        f"- **SLO budget consumed:** {rng.randint(1, 90)}% of the monthly budget",
        "- **Other systems affected:** none",
        "",
        "## Timeline",
        "",
        "All times in UTC.",
        "",
    ]
    for offset, event in enumerate(_EVENTS):
        at = minute + offset * rng.randint(2, 9)
        lines.append(f"- {at // 60 % 24:02d}:{at % 60:02d} — {event}")
    lines += [
        "",
        "## What went well",
        "",
        "- The rollback worked on the first try.",
        "",
        "## What went poorly",
        "",
        "- The detection gap was long.",
        "",
        "## Root cause and contributing factors",
        "",
        f"Root cause: a change to {service} reduced the pool size from 100 to 10.",
        "",
        "Contributing factors:",
        "",
        "1. No test exercises pool limits.",
        "2. The canary saw 1% of traffic.",
        "",
        "## Five whys",
        "",
        "1. Why did requests fail? The pool was exhausted.",
        "2. Why was the pool exhausted? A config change lowered it.",
        "3. Why did it ship? CI does not test pool limits.",
        "",
        "## Action items",
        "",
        "| Owner | Action | Type | Due | Tracking |",
        "| ----- | ------ | ---- | --- | -------- |",
    ]
    for kind in rng.sample(ACTION_TYPES, rng.randint(1, 4)):
        lines.append(
            f"| {rng.choice(_PEOPLE)} | Add a check for pool limits | {kind} | 2026-12-01 | "
            f"REL-{rng.randint(1, 999)} |"
        )
    lines += ["", "## Reference materials", "", "- https://grafana.example.com/d/x", ""]
    return "\n".join(lines)


def postmortems(count: int, seed: int = 0) -> list[str]:
    return [postmortem(seed + index) for index in range(count)]
