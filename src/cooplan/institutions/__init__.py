"""cooplan.institutions."""
