"""cooplan.web."""
