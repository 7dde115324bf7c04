"""Fetch stage: URLs, politeness, the frontier and the downloader."""
