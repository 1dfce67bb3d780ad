"""Patterns across incidents: recurring factors, services, detection, actions, process,
repeats, and the reliability roadmap they add up to. Input: a sequence of `IncidentRecord`."""

from hindsight.core.analysis.analyze import Analysis, analyze
from hindsight.core.analysis.records import ActionRecord, IncidentRecord, record_from_import
from hindsight.core.analysis.roadmap import RoadmapItem

__all__ = [
    "ActionRecord",
    "Analysis",
    "IncidentRecord",
    "RoadmapItem",
    "analyze",
    "record_from_import",
]
