"""The built-in rules, one module per family; importing this package registers them."""

from hindsight.core.checks.rules import (  # noqa: F401
    actions,
    actions_text,
    blameless,
    directives,
    header,
    impact,
    rootcause,
    structure,
    summary,
    timeline,
    wentwell,
    whys,
)
