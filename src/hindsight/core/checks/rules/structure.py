"""ST: the template's header fields and sections, present, in order and well formed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import has_content, heading_line
from hindsight.core.document.model import HeaderField
from hindsight.core.document.template import (
    HEADER_FIELDS,
    SECTIONS,
    SectionKind,
    contains_placeholder,
    field_order,
    field_spec,
    is_placeholder,
    section_order,
    section_spec,
)


def _filled(item: HeaderField | None) -> bool:
    return item is not None and bool(item.value.strip()) and not is_placeholder(item.value)


def _header_line(ctx: Context) -> int:
    title = ctx.document.title
    return title.span.start if title and title.span else 1


@register
class MissingTitle(Rule):
    """A postmortem starts with a level-1 title naming what happened.

    What it checks:
    The document has a `# Postmortem: <one-line description>` heading.

    Why it matters:
    The title is what search results, indexes and links show; without it nobody can find the
    postmortem again.

    Example:
    A file that starts directly with `**Status:** Draft`.

    Use instead:
    `# Postmortem: checkout-api returned 500s for 47 minutes after a connection-pool change`
    """

    code = "ST001"
    name = "missing-title"
    summary = "The document has no level-1 title"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        if ctx.document.title is None:
            yield Finding(1, "no title: start with '# Postmortem: <what happened>'")


@register
class MissingHeaderField(Rule):
    """Every header field of the template is present and has a value.

    What it checks:
    The header fields (Status, Severity, Date of incident, Duration, Reported by, Services
    affected, Incident team, Author, Reviewers, Slack link, Status page, Issue tracker) are all
    present and not empty. Write "n/a" for a field that does not apply.

    Why it matters:
    The header is what dashboards, search and the review queue read; a missing field hides the
    incident from them.

    Example:
    A header with no `**Severity:**` line, or `**Author:**` with nothing after it.

    Use instead:
    `**Severity:** SEV-2`
    """

    code = "ST002"
    name = "missing-header-field"
    summary = "A required header field is missing or empty"
    completeness = True
    options = (
        Option("fields", tuple(f.key for f in HEADER_FIELDS), "Header fields that are required."),
    )

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        wanted = [(spec.key if (spec := field_spec(k)) else k) for k in opts.strings("fields")]
        missing = [key for key in wanted if ctx.field(key) is None]
        if wanted and len(missing) == len(wanted):
            # A document without the template header: one finding, not a dozen.
            names = ", ".join(missing)
            yield Finding(_header_line(ctx), f"no template header fields ({names})")
            return
        for key in wanted:
            item = ctx.field(key)
            if item is None:
                yield Finding(_header_line(ctx), f"header field '{key}' is missing")
            elif not item.value.strip():
                yield at(item.span, f"header field '{key}' is empty")


@register
class MissingSection(Rule):
    """Every section of the template is present.

    What it checks:
    The document has the template's sections: Summary, Impact, Timeline, What went well, What
    went poorly, Root cause and contributing factors, Five whys, Action items, Reference
    materials (common aliases such as "Root cause" or "Follow-ups" count).

    Why it matters:
    Each section answers a question a reader will ask; a missing one is usually a question
    nobody asked during the review.

    Example:
    A postmortem with a Timeline and Action items but no Five whys.

    Use instead:
    Add `## Five whys` with at least three steps.
    """

    code = "ST003"
    name = "missing-section"
    summary = "A required section is missing"
    completeness = True
    fixable = True
    options = (Option("sections", tuple(s.title for s in SECTIONS), "Sections that are required."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        present = {kind for kind, _ in ctx.known_sections()}
        for title in opts.strings("sections"):
            spec = section_spec(title)
            if spec is not None and spec.kind not in present:
                yield Finding(_header_line(ctx), f"section '{spec.title}' is missing")


@register
class SectionOrder(Rule):
    """Sections follow the template's order.

    What it checks:
    Known sections appear in the template order (Summary, Impact, Timeline, What went well, What
    went poorly, Root cause, Five whys, Action items, Reference materials).

    Why it matters:
    Readers jump to the same place in every postmortem; a familiar order makes a library of them
    skimmable.

    Example:
    `## Action items` before `## Timeline`.

    Use instead:
    Move the section after the ones the template puts before it (`hindsight fmt` keeps prose).
    """

    code = "ST004"
    name = "section-order"
    summary = "Sections are out of template order"
    severity = Severity.WARNING

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        # Compare neighbours only: one section out of place is one finding, not one per section.
        previous: tuple[int, str] | None = None
        for kind, section in ctx.known_sections():
            order = section_order(kind)
            if previous is not None and order < previous[0]:
                yield at(section.span, f"'{section.heading}' should come before '{previous[1]}'")
            previous = (order, section.heading)


@register
class FieldOrder(Rule):
    """Header fields follow the template's order.

    What it checks:
    Header fields appear in the order of the template (Status, Severity, Date of incident, …).

    Why it matters:
    A fixed order lets readers find the status and severity at a glance in every document.

    Example:
    `**Author:**` above `**Status:**`.

    Use instead:
    The template order, starting with `**Status:**`.
    """

    code = "ST005"
    name = "field-order"
    summary = "Header fields are out of template order"
    severity = Severity.WARNING
    fixable = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        previous: tuple[int, str] | None = None
        for item in ctx.document.header:
            if item.key is None:
                continue
            order = field_order(item.key)
            if previous is not None and order < previous[0]:
                yield at(item.span, f"'{item.label}' should come before '{previous[1]}'")
            previous = (order, item.label)


@register
class TemplatePlaceholder(Rule):
    """No template placeholder is left in.

    What it checks:
    Header values and section text contain no `<…>` placeholder from the template, and no
    untouched choice list such as "Draft / In review / Published" or "YYYY-MM-DD".

    Why it matters:
    A placeholder is a question the author has not answered yet; a published postmortem with
    one looks unfinished and hides a gap.

    Example:
    `**Services affected:** <service-a, service-b>`

    Use instead:
    `**Services affected:** checkout-api, orders-db`
    """

    code = "ST012"
    name = "template-placeholder"
    summary = "A template placeholder is left in"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        title = ctx.document.title
        if title is not None and contains_placeholder(title.text):
            yield at(title.span, "the title is still the template's placeholder")
        for item in ctx.document.header:
            if is_placeholder(item.value) or contains_placeholder(item.value):
                yield at(item.span, f"'{item.label}' still holds the placeholder '{item.value}'")
        for piece in ctx.prose():
            if contains_placeholder(piece.text) or re.search(r"\bHH:MM\b", piece.text):
                first = piece.text.strip().split("\n")[0][:60]
                yield Finding(piece.line, f"template placeholder left in: '{first}'")


@register
class EmptySection(Rule):
    """Sections that are present are filled in.

    What it checks:
    Each known section (except What went well, which GW001 checks) holds something beyond the
    template's guidance text, placeholders and comments.

    Why it matters:
    An empty heading looks finished at a glance and hides the fact that the question was
    never answered.

    Example:
    `## Five whys` followed directly by `## Action items`.

    Use instead:
    Fill the section in, or mark the document `Draft` until it is.
    """

    code = "ST014"
    name = "empty-section"
    summary = "A section is empty or still the template"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        sections, kinds = ctx.document.sections, ctx.kinds
        for index, section in enumerate(sections):
            if kinds[index] is None or kinds[index] is SectionKind.WENT_WELL:
                continue
            blocks = list(section.blocks)
            for nested in sections[index + 1 :]:
                if nested.level <= section.level:
                    break  # deeper headings are this section's own subsections
                blocks.extend(nested.blocks)
            if not has_content(tuple(blocks)):
                yield Finding(heading_line(section), f"section '{section.heading}' is empty")
