"""Hindsight: blameless postmortems from evidence, checked against the method."""

__version__ = "0.1.0"
