"""The service catalog: one service per system, whatever each tool calls it.

`entries.py` is what a service is (its name, aliases and every tool's identifiers), validated
from `hindsight.toml`'s `[services.<name>]` tables; `backstage.py` reads Backstage `Component`
entities into the same entries; `names.py` turns entries into the lookup keys a tool's name
is matched on, and decides which service a name means.
"""

from hindsight.core.catalog.backstage import entries_from_backstage
from hindsight.core.catalog.entries import ServiceEntry, entries_from_table, entry_from_table
from hindsight.core.catalog.names import NameKey, build_index, lookup_keys, name_keys

__all__ = [
    "NameKey",
    "ServiceEntry",
    "build_index",
    "entries_from_backstage",
    "entries_from_table",
    "entry_from_table",
    "lookup_keys",
    "name_keys",
]
