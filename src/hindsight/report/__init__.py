"""Findings and analysis results as text, JSON, SARIF and GitHub annotations."""

from hindsight.report.registry import FileResult, Formatter, format_names, get_format

__all__ = ["FileResult", "Formatter", "format_names", "get_format"]
