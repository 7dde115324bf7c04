"""Monitoring: the schedule of probes and scans, and the daemon (`govinspect run`) that keeps it."""
