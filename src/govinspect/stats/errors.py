"""The one error of the statistics package: its message is shown to the user as it stands."""

from __future__ import annotations


class StatsError(ValueError):
    """Bad input or a bad data file; the message (Chinese) names the file, line or column."""
