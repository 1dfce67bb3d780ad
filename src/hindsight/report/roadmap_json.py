"""The analysis and its reliability roadmap as JSON, for other tools."""

from __future__ import annotations

import json
from typing import Any

from hindsight.core.actions.completion import Group
from hindsight.core.analysis.analyze import Analysis
from hindsight.core.analysis.detection import Distribution

SCHEMA = "hindsight.roadmap/1"


def _dist(d: Distribution) -> dict[str, Any]:
    return {"group": d.group, "count": d.count, "median": d.median, "p90": d.p90}


def to_dict(analysis: Analysis) -> dict[str, Any]:
    period = analysis.period
    detection = analysis.detection
    actions = analysis.actions
    process = analysis.process
    return {
        "schema": SCHEMA,
        "today": analysis.today.isoformat(),
        "since": analysis.since.isoformat() if analysis.since else None,
        "incidents": len(analysis.records),
        "skipped_undated": analysis.skipped_undated,
        "period": [period[0].isoformat(), period[1].isoformat()] if period else None,
        "handoffs_utc": list(analysis.handoffs),
        "roadmap": [
            {
                "rank": rank,
                "title": item.title,
                "category": item.category,
                "action": item.action,
                "why": item.why,
                "leverage": round(item.leverage, 2),
                "incidents": list(item.incidents),
            }
            for rank, item in enumerate(analysis.roadmap, start=1)
        ],
        "factor_themes": [
            {
                "label": t.label,
                "keywords": list(t.keywords),
                "incidents": list(t.incidents),
                "phrasings": list(t.phrasings),
            }
            for t in analysis.themes
            if len(t.incidents) > 1
        ],
        "services": [
            {"name": s.name, "affected": list(s.affected), "contributing": list(s.contributing)}
            for s in analysis.services
        ],
        "detection": {
            "detection_minutes": _dist(detection.detection),
            "ack_minutes": _dist(detection.ack),
            "by_service": [
                {"detection": _dist(a), "ack": _dist(b)} for a, b in detection.by_service
            ],
            "by_severity": [
                {"detection": _dist(a), "ack": _dist(b)} for a, b in detection.by_severity
            ],
            "months": [m.__dict__ for m in detection.months],
            "trend": detection.trend,
            "slow_threshold_minutes": detection.slow_threshold,
            "slow": list(detection.slow),
            "clusters": [
                {**c.__dict__, "incidents": list(c.incidents), "lift": round(c.lift, 2)}
                for c in analysis.clusters
                if c.significant
            ],
        },
        "actions": {
            "total": actions.total,
            "by_type": [{"type": t, "given": g, "inferred": i} for t, g, i in actions.by_type],
            "postmortems_with_actions": actions.with_actions,
            "only_prevent": list(actions.only_prevent),
            "only_prevent_share": actions.only_prevent_share,
            "completion_rate": actions.completion_rate,
            "median_open_age_days": actions.median_open_age,
            "overdue_by_owner": [
                {"owner": o.owner, "overdue": o.overdue, "oldest_due": o.oldest_due.isoformat()}
                for o in actions.overdue_by_owner
            ],
            "without_actions": list(actions.no_actions),
        },
        "follow_ups": _follow_ups(analysis),
        "process": {
            "owed_missing": list(process.owed_missing)
            if process.owed_missing is not None
            else None,
            "median_days_to_publish": process.median_days_to_publish,
            "published_known": len(process.days_to_publish),
            "stale_drafts": list(process.stale_drafts),
            "unchanged_reviews": (
                list(process.unchanged_reviews) if process.unchanged_reviews is not None else None
            ),
        },
        "repeats": [
            {
                "incident": r.incident,
                "earlier": list(r.earlier),
                "service": r.service,
                "theme": r.theme,
            }
            for r in analysis.repeats
        ],
    }


def _group(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "total": group.total,
        "done": group.done,
        "not_doing": group.not_doing,
        "open": group.open,
        "done_within": {
            str(w.days): {"done": w.done, "eligible": w.eligible, "rate": w.rate}
            for w in group.windows
        },
    }


def _follow_ups(analysis: Analysis) -> dict[str, Any] | None:
    c = analysis.follow_ups
    if c is None:
        return None
    return {
        "overall": _group(c.overall),
        "by_type": [_group(g) for g in c.by_type],
        "by_team": [_group(g) for g in c.by_team],
        "only_prevent": list(c.only_prevent),
        "open_past_due": [
            {"id": x.item.id, "incident": x.item.incident, "days_late": x.days_late}
            for x in c.open_past_due
        ],
    }


def render_json(analysis: Analysis) -> str:
    return json.dumps(to_dict(analysis), indent=2, ensure_ascii=False, default=str) + "\n"
