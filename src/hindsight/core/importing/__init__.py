"""Import existing postmortems, in the shapes real teams write them, into the template."""

from hindsight.core.figures import Milestones
from hindsight.core.importing.events import Mark
from hindsight.core.importing.facts import Fact, Facts
from hindsight.core.importing.findings import ImportFinding, Level
from hindsight.core.importing.importer import ImportResult, import_text
from hindsight.core.importing.timestamps import TimedEvent

__all__ = [
    "Fact",
    "Facts",
    "ImportFinding",
    "ImportResult",
    "Level",
    "Mark",
    "Milestones",
    "TimedEvent",
    "import_text",
]
