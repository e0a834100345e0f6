"""cooplan.planning."""
