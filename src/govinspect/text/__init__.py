"""The Chinese text engine: typos, wrong and sensitive wording, privacy leaks, secret marks, numbering."""

from govinspect.text.data import TextDataError
from govinspect.text.engine import CODES, TextEngine

__all__ = ["CODES", "TextDataError", "TextEngine"]
