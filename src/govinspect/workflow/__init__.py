"""Rectification workflow (整改): problems and their lifecycle, deadlines, ignore rules, audit trail,
completion rates, availability probes and alerts."""
