"""cooplan.api."""
