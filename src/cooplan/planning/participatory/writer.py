"""Write a CouncilEconomy as a pequod-cljs council file (the format :func:`load_pequod` reads).

Floats are written with ``repr`` (shortest round-trip form), so reading the file back gives
the same doubles bit for bit. A ``.gz`` suffix compresses the output. The file is written to
a temporary name and renamed, so a failed write leaves nothing half-written.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from cooplan.planning.participatory.commodities import Category
from cooplan.planning.participatory.councils import CouncilEconomy

__all__ = ["format_pequod", "write_pequod"]


def _vector(values: np.ndarray) -> str:
    return "[" + " ".join(repr(float(v)) for v in values) + "]"


def _ids(values: np.ndarray) -> str:
    return "[" + " ".join(str(int(v)) for v in values) + "]"


def format_pequod(economy: CouncilEconomy) -> str:
    """The text of a pequod council file for ``economy`` (``ns``, ``def ccs``, ``def wcs``)."""
    g = economy.goods_per_category
    cons = economy.consumers
    lines = [f"(ns pequod-cljs.{economy.name})", "", "(def ccs", "["]
    for h in range(cons.count):
        lines.append(
            f" {{:effort 1, :num-workers 10, :income {float(cons.income[h])!r},"
            f" :cy 1, :utility-exponents {_vector(cons.utility_exponents[h])},"
            f" :public-good-exponents {_vector(cons.public_good_exponents[h])},"
            " :final-demands [0 0 0 0 0], :public-good-demands [0]}"
        )
    lines += ["])", "", "(def wcs", "["]
    w = economy.workers
    offsets = w.input_offsets
    for j in range(w.count):
        commodity = w.input_commodity[offsets[j] : offsets[j + 1]]
        exponent = w.input_exponent[offsets[j] : offsets[j + 1]]
        parts = []
        for category in (Category.INTERMEDIATE, Category.NATURE, Category.LABOUR):
            mask = commodity // g == int(category)
            parts.append((commodity[mask] - g * int(category) + 1, exponent[mask]))
        lines.append(
            f" {{:industry {int(w.industry[j])}, :product {int(w.product[j])},"
            f" :production-inputs [{' '.join(_ids(ids) for ids, _ in parts)}],"
            f" :input-exponents {_vector(parts[0][1])},"
            f" :nature-exponents {_vector(parts[1][1])},"
            f" :labor-exponents {_vector(parts[2][1])},"
            f" :a {float(w.tfp[j])!r}, :c {float(w.effort_exponent[j])!r},"
            f" :du {float(w.disutility_exponent[j])!r}, :s {float(w.disutility_coefficient[j])!r},"
            " :effort 0.5, :output 0, :labor-quantities [0], :toothache false}"
        )
    lines += ["])", ""]
    return "\n".join(lines)


def write_pequod(economy: CouncilEconomy, path: str | Path) -> Path:
    """Write ``economy`` to ``path`` (gzip-compressed when it ends in ``.gz``); returns it.

    Input ids of each category must be ascending within each WC, as the loader requires.
    """
    path = Path(path)
    data = format_pequod(economy).encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=6, mtime=0)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
