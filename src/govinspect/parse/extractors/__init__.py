"""Fact extractors: each module registers functions with ``@fact(name)`` (see parse/facts.py)."""
