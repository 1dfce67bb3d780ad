"""The editor's form rows read from and written into the Markdown, nothing else touched."""

from __future__ import annotations

from hindsight.core.document import parse
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.blank import blank_postmortem
from hindsight.core.document.render import render
from hindsight.core.document.structure import (
    FormRow,
    action_rows,
    header_fields,
    with_action_rows,
    with_header,
)

BLANK = render(blank_postmortem("Checkout errors"))


def test_header_fields_show_values_and_template_hints() -> None:
    fields = {f.label: f for f in header_fields(BLANK)}
    assert fields["Status"].locked and fields["Status"].value == "Draft"
    assert fields["Severity"].value == "" and fields["Severity"].placeholder.startswith("SEV-1")
    assert fields["Author"].value == "" and fields["Author"].placeholder == "<name>"


def test_a_header_edit_changes_its_line_only() -> None:
    edited = with_header(
        BLANK, {"Severity": "SEV-2", "Author": "  Priya\nRaman ", "Status": "Published"}
    )
    before, after = BLANK.split("\n"), edited.split("\n")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("**Severity:** SEV-1 / SEV-2 / SEV-3", "**Severity:** SEV-2"),
        ("**Author:** <name>", "**Author:** Priya Raman"),
    ]
    assert parse(edited).field("Status").value == "Draft"  # type: ignore[union-attr]
    # An empty input over a placeholder leaves the placeholder; an unknown label is ignored.
    assert with_header(BLANK, {"Author": "", "Nope": "x"}) == BLANK


def test_template_rows_read_empty_and_rows_write_the_table() -> None:
    rows = action_rows(BLANK)
    assert len(rows) == 2 and all(r.empty for r in rows)
    written = with_action_rows(
        BLANK,
        [
            FormRow(
                owner="Priya", action="Alert on pool saturation", type="detect", due="2026-04-01"
            ),
            FormRow(),
            FormRow(owner="Tomás", action="Cap | floor the pool size in CI", type="prevent"),
        ],
    )
    items = read_action_items(parse(written))
    assert [(i.owner, i.action, i.type, i.due) for i in items] == [
        ("Priya", "Alert on pool saturation", "detect", "2026-04-01"),
        ("Tomás", "Cap \\| floor the pool size in CI", "prevent", None),
    ]
    again = action_rows(written)
    assert again[1].action == "Cap | floor the pool size in CI" and again[1].row == 1
    # Everything outside the table is kept to the letter.
    start = BLANK.index("| Owner")
    assert written[:start] == BLANK[:start]
    assert written.endswith(BLANK[BLANK.index("\n\nEach action must") :])


def test_other_columns_stay_with_their_row_and_a_missing_table_is_added() -> None:
    doc = (
        "# Postmortem: x\n\n## Action items\n\n| Action | Owner | Priority |\n|---|---|---|\n"
        "| Page on saturation | Ana | P1 |\n| Add a runbook | Bo | P2 |\n"
    )
    first, second = action_rows(doc)
    swapped = with_action_rows(doc, [second, FormRow(action="New", owner="Cy"), first])
    table = [line for line in swapped.split("\n") if line.startswith("| ") and "---" not in line]
    assert [" ".join(c.split()) for c in table] == [
        "| Action | Owner | Priority |",
        "| Add a runbook | Bo | P2 |",
        "| New | Cy | |",
        "| Page on saturation | Ana | P1 |",
    ]
    # A type for a table with no Type column adds the column.
    typed = with_action_rows(
        doc, [FormRow(action="Page on saturation", owner="Ana", type="detect", row=0)]
    )
    assert "| Type" in typed and read_action_items(parse(typed))[0].type == "detect"
    bare = "# Postmortem: x\n\n## Action items\n\nNone yet.\n\n## Lessons learned\n\nSome.\n"
    added = with_action_rows(bare, [FormRow(action="Write one", owner="Ana")])
    assert added.index("| Owner") < added.index("## Lessons learned")
    assert read_action_items(parse(added))[0].owner == "Ana"
    assert with_action_rows(bare, [FormRow()]) == bare
    nothing = with_action_rows("# Postmortem: x\n", [FormRow(action="Do it", owner="Bo")])
    assert "## Action items" in nothing and read_action_items(parse(nothing))[0].action == "Do it"
