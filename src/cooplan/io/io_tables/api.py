"""``import_io``: read a published input-output table and write a cooplan economy folder.

The one entry point behind ``cooplan import-io``: detect (or take) the source format, read
it into an :class:`~.common.IndustryTable`, convert it (:mod:`.convert`) and, when an output
folder is given, write the economy folder atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cooplan.errors import InputError
from cooplan.io.folder import write_economy
from cooplan.io.io_tables.bea import is_bea, read_bea
from cooplan.io.io_tables.common import IndustryTable, SourceFormat
from cooplan.io.io_tables.convert import ImportOptions, ImportResult, table_to_economy
from cooplan.io.io_tables.generic import is_generic, read_generic
from cooplan.io.io_tables.oecd import is_oecd, read_oecd
from cooplan.io.io_tables.sweden import is_sweden, read_sweden

READERS: dict[SourceFormat, Callable[[Path, int | None], IndustryTable]] = {
    SourceFormat.BEA: read_bea,
    SourceFormat.OECD: read_oecd,
    SourceFormat.SWEDEN: read_sweden,
    SourceFormat.GENERIC: read_generic,
}
_DETECT: tuple[tuple[SourceFormat, Callable[[Path], bool]], ...] = (
    (SourceFormat.GENERIC, is_generic),
    (SourceFormat.BEA, is_bea),
    (SourceFormat.SWEDEN, is_sweden),
    (SourceFormat.OECD, is_oecd),
)


def detect_format(folder: Path) -> SourceFormat:
    """The format of the table in ``folder``, from the files it holds."""
    for fmt, looks_like in _DETECT:
        if looks_like(folder):
            return fmt
    raise InputError.single(
        str(folder),
        "cannot tell the table's format from its files",
        fix="give --format bea|oecd|sweden|generic (see docs/import-io.md for the files)",
    )


def read_table(
    source: str | os.PathLike[str], fmt: SourceFormat | None = None, year: int | None = None
) -> IndustryTable:
    """Read the table in ``source`` (format detected when ``fmt`` is None)."""
    folder = Path(source)
    if not folder.is_dir():
        raise InputError.single(
            str(folder),
            "source folder not found",
            fix="give the folder holding the table's CSV files",
        )
    return READERS[fmt or detect_format(folder)](folder, year)


def import_io(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    fmt: SourceFormat | None = None,
    options: ImportOptions | None = None,
    year: int | None = None,
) -> ImportResult:
    """Import the table in ``source`` as a validated economy; write it to ``out`` if given.

    Raises :class:`~cooplan.errors.InputError` naming file, row, column and value for any
    malformed source cell; nothing is written then.
    """
    table = read_table(source, fmt, year)
    result = table_to_economy(table, options or ImportOptions(), str(source))
    if out is not None:
        write_economy(result.economy, out)
    return result
