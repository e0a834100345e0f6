"""cooplan.simulation."""
