"""Data of the reports: GB/T 9704 page setup, section texts, thresholds (YAML files beside this)."""
