"""Real input-output tables → cooplan economies (``cooplan import-io``).

One reader per source family (:mod:`.bea`, :mod:`.oecd`, :mod:`.sweden`, :mod:`.generic`)
returns a domestic industry-by-industry :class:`IndustryTable`; :mod:`.convert` builds the
economy; :func:`import_io` does both and writes the folder. See docs/import-io.md.
"""

from cooplan.io.io_tables.api import detect_format, import_io, read_table
from cooplan.io.io_tables.check import OutputCheck, compare_output
from cooplan.io.io_tables.common import IndustryTable, LabourMeasure, SourceFormat
from cooplan.io.io_tables.convert import ImportOptions, ImportReport, ImportResult

__all__ = [
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "IndustryTable",
    "LabourMeasure",
    "OutputCheck",
    "SourceFormat",
    "compare_output",
    "detect_format",
    "import_io",
    "read_table",
]
