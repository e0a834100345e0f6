"""cooplan.store."""
