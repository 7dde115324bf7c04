"""Data for traffic and message statistics (log definitions, crawler list, message-export columns)."""
