"""Data for site structure and norms checks (columns, dates, footers, hidden links, messages)."""
