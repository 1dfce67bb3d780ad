"""The reliability roadmap as Markdown: ranked items with their evidence, then the figures."""

from __future__ import annotations

from hindsight.core.actions.completion import Group
from hindsight.core.analysis.analyze import Analysis
from hindsight.core.analysis.detection import Distribution
from hindsight.core.plural import plural

MAX_EVIDENCE = 8


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} min"


def _share(value: float | None) -> str:
    return "not known" if value is None else f"{value:.0%}"


def _evidence(analysis: Analysis, ids: tuple[str, ...]) -> list[str]:
    lines = []
    for incident in ids[:MAX_EVIDENCE]:
        record = analysis.record(incident)
        date = record.date.isoformat() if record and record.date else "undated"
        title = record.title if record and record.title else incident
        lines.append(f"  - {date} — {title} (`{incident}`)")
    if len(ids) > MAX_EVIDENCE:
        lines.append(f"  - … and {len(ids) - MAX_EVIDENCE} more")
    return lines


def _row(d: Distribution, a: Distribution) -> str:
    return (
        f"| {d.group} | {d.count} | {_minutes(d.median)} | {_minutes(d.p90)} | "
        f"{_minutes(a.median)} |"
    )


def render_markdown(analysis: Analysis) -> str:
    period = analysis.period
    span = f"{period[0]} to {period[1]}" if period else "no dates"
    out = [
        "# Reliability roadmap",
        "",
        f"{plural(len(analysis.records), 'incident')}, {span}. "
        "Ranked by leverage: the impact of the "
        "incidents each pattern explains (severity × duration).",
        "",
    ]
    if not analysis.roadmap:
        out += ["No pattern stands out in these incidents: nothing passed its threshold.", ""]
    for rank, item in enumerate(analysis.roadmap, start=1):
        out += [
            f"## {rank}. {item.title}",
            "",
            f"- **Suggested action:** {item.action}",
            f"- **Why:** {item.why}",
            f"- **Leverage:** {item.leverage:.1f} ({plural(len(item.incidents), 'incident')})",
        ]
        if item.incidents:
            out.append("- **Evidence:**")
            out += _evidence(analysis, item.incidents)
        out.append("")
    out += _themes(analysis) + _services(analysis) + _detection(analysis)
    out += _actions(analysis) + _follow_ups(analysis) + _process(analysis) + _repeats(analysis)
    return "\n".join(out).rstrip() + "\n"


def _windows(group: Group) -> str:
    return ", ".join(f"{w.days} d {_share(w.rate)} ({w.done}/{w.eligible})" for w in group.windows)


def _follow_ups(analysis: Analysis) -> list[str]:
    """Completion from the store's records: done within 30/60/90 days of being written."""
    c = analysis.follow_ups
    if c is None:
        return []
    o = c.overall
    out = [
        "## Follow-up completion",
        "",
        f"- {plural(o.total, 'item')}: {o.done} done, {o.not_doing} not doing, {o.open} open",
        f"- Done within {_windows(o)}",
    ]
    out += [f"- Type {g.name}: {g.done}/{g.total} done; within {_windows(g)}" for g in c.by_type]
    out += [f"- Team {g.name}: {g.done}/{g.total} done; within {_windows(g)}" for g in c.by_team]
    out.append(f"- Postmortems with only 'prevent' actions: {len(c.only_prevent)}")
    out.append(f"- Open past their due date: {len(c.open_past_due)}")
    out += [
        f"  - {late.days_late} days late: {late.item.action} ({late.item.owner or 'no owner'}, "
        f"`{late.item.incident}`)"
        for late in c.open_past_due[:10]
    ]
    return [*out, ""]


def _themes(analysis: Analysis) -> list[str]:
    recurring = [t for t in analysis.themes if len(t.incidents) > 1][:10]
    out = ["## Recurring factors", ""]
    if not recurring:
        return [*out, "No factor appears in more than one incident.", ""]
    out += ["| Theme | Incidents | Wordings |", "| --- | --- | --- |"]
    out += [f"| {t.label} | {len(t.incidents)} | {len(t.phrasings)} |" for t in recurring]
    return [*out, ""]


def _services(analysis: Analysis) -> list[str]:
    out = ["## Services", "", "| Service | Contributing | Affected |", "| --- | --- | --- |"]
    out += [
        f"| {s.name} | {len(s.contributing)} | {len(s.affected)} |" for s in analysis.services[:10]
    ]
    if not analysis.services:
        out = ["## Services", "", "No services are named.", ""]
    return [*out, ""]


def _detection(analysis: Analysis) -> list[str]:
    d = analysis.detection
    out = [
        "## Detection",
        "",
        f"Cause → detection: median {_minutes(d.detection.median)}, "
        f"p90 {_minutes(d.detection.p90)} "
        f"({plural(d.detection.count, 'incident')}); detection → acknowledgement: median "
        f"{_minutes(d.ack.median)}. Trend: {d.trend}. Slow means ≥ {_minutes(d.slow_threshold)}.",
        "",
        "| Group | Incidents | Median detection | p90 detection | Median ack |",
        "| --- | --- | --- | --- | --- |",
    ]
    out += [_row(a, b) for a, b in (*d.by_severity, *d.by_service[:8])]
    significant = [c for c in analysis.clusters if c.significant]
    out.append("")
    for cluster in significant:
        out.append(
            f"- Slow detection clusters at **{cluster.bucket}**: {cluster.slow_in_bucket} of "
            f"{cluster.slow_total} slow incidents "
            f"(lift {cluster.lift:.1f}, p={cluster.p_value:.1e})"
        )
    if not significant:
        out.append("- Slow detections are not concentrated at any hour, weekday or handoff.")
    return [*out, ""]


def _actions(analysis: Analysis) -> list[str]:
    a = analysis.actions
    types = ", ".join(f"{t} {g + i} ({i} inferred)" for t, g, i in a.by_type)
    out = [
        "## Action items",
        "",
        f"- {plural(a.total, 'item')} in {plural(a.with_actions, 'postmortem')}: {types}",
        f"- Postmortems with only 'prevent' actions: {len(a.only_prevent)} "
        f"({_share(a.only_prevent_share)})",
        f"- Completion: {_share(a.completion_rate)} of {plural(a.known_status, 'item')} "
        "with a known status",
        f"- Open items: {len(a.open_ages_days)}, median age "
        f"{'–' if a.median_open_age is None else f'{a.median_open_age:.0f} days'}",
    ]
    out += [
        f"- Overdue: {o.owner} — {o.overdue} (oldest due {o.oldest_due})"
        for o in a.overdue_by_owner[:10]
    ]
    return [*out, ""]


def _process(analysis: Analysis) -> list[str]:
    p = analysis.process
    owed = (
        "not known (a folder cannot tell; `hindsight analyze` on the store can)"
        if p.owed_missing is None
        else str(len(p.owed_missing))
    )
    reviews = (
        "not known (a folder cannot tell; `hindsight analyze` on the store can)"
        if p.unchanged_reviews is None
        else str(len(p.unchanged_reviews))
    )
    days = p.median_days_to_publish
    return [
        "## Process health",
        "",
        f"- Incidents that owed a postmortem and have none: {owed}",
        f"- Time from incident to published: "
        f"{'not known' if days is None else f'median {days:.0f} days'} "
        f"({len(p.days_to_publish)} with both dates)",
        f"- Drafts older than a month: {len(p.stale_drafts)}",
        f"- Reviews that changed nothing: {reviews}",
        "",
    ]


def _repeats(analysis: Analysis) -> list[str]:
    out = ["## Has this happened before?", ""]
    if not analysis.repeats:
        return [*out, "No incident repeats an earlier one (same service and factor theme).", ""]
    out.append(
        f"{plural(len(analysis.repeats), 'incident')} "
        f"{'repeats' if len(analysis.repeats) == 1 else 'repeat'} an earlier one:"
    )
    out.append("")
    for repeat in analysis.repeats[:15]:
        out.append(
            f"- `{repeat.incident}` ({repeat.service}: {repeat.theme}) — before: "
            + ", ".join(f"`{e}`" for e in repeat.earlier)
        )
    return [*out, ""]
