"""Reading and writing economies: folders, input-output tables, experiment files."""

from cooplan.io.folder import load_economy, write_economy

__all__ = ["load_economy", "write_economy"]
