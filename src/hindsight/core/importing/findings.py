"""What the importer noticed but would not decide for the author.

Every ambiguity the importer meets (a timeline without a time zone, rows out of order, an
impossible time) becomes a finding with the line it is on, instead of a silent correction.
Informational findings record the interpretations it did make (a heading read as a template
section, a day rolled past midnight), so a reader can check each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    INFO = "info"  # an interpretation the importer made; worth a glance
    WARNING = "warning"  # an ambiguity or inconsistency the author should resolve


@dataclass(frozen=True)
class ImportFinding:
    code: str
    message: str
    line: int | None = None
    level: Level = Level.WARNING

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "level": self.level.value,
            "line": self.line,
            "message": self.message,
        }


# One code per kind of finding; a code is never reused for another meaning.
SECTION_MAPPED = "IP001"  # a heading read as a template section by meaning
SECTION_MERGED = "IP002"  # a second section of the same kind folded into the first
CONTAINER_DROPPED = "IP003"  # an empty heading that only grouped mapped subsections
PREAMBLE_SUMMARY = "IP004"  # prose before the first section kept as the summary
FIELD_ADDED = "IP005"  # a header fact found elsewhere written as a header field
KEY_EVENTS = "IP006"  # a bold-labelled bullet record split into fields and sections
ACTIONS_FROM_PROSE = "IP007"  # "We will…" sentences listed as action items
NO_ZONE = "IP010"  # timeline times with no time zone anywhere
OUT_OF_ORDER = "IP011"  # a row earlier than the one before it
INVALID_TIME = "IP012"  # a time that cannot exist, e.g. 13:55 PM
UNKNOWN_TIME = "IP013"  # a row whose time is not known, e.g. --:-- or [???]
MIDNIGHT = "IP014"  # an undated row read as the next day
NO_DATE = "IP015"  # times, but no date to place them on
AMBIGUOUS_DATE = "IP016"  # 03-04-2025: March 4 or 3 April
UNKNOWN_ZONE = "IP017"  # a zone name with no known UTC offset
APPROXIMATE = "IP018"  # the author says the times are approximate
NO_TIMELINE = "IP019"  # no timeline rows at all
BAD_FRONT_MATTER = "IP020"  # front matter that is not valid YAML/TOML
NO_HEADINGS = "IP021"  # a document without a single heading
EMPHASIS_HEADING = "IP022"  # an emphasised line naming a section, read as its heading
NO_SECTIONS = "IP023"  # headings, but none the template knows: text kept under them
