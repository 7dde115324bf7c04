"""The one error of the reports package: its message (Chinese) is shown to the user as it stands."""

from __future__ import annotations


class ReportError(ValueError):
    """Bad input (a period, a unit, an output path) or a bad data file; the message names it."""
