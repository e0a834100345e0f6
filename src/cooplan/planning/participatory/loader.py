"""Load a pequod-cljs council file (``dep1exNN.clj`` or ``.clj.gz``) into a CouncilEconomy.

The file holds ``(ns …)``, ``(def ccs [ {…} … ])`` and ``(def wcs [ {…} … ])`` (spec
``participatory.md`` §11). Forms are picked by their symbol, map entries by their keyword;
neither position nor key order is relied on. Every problem found is reported at once, naming
the file, the council (``row`` = 1-based position in its vector) and the key.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np

from cooplan.errors import InputError, Problem
from cooplan.planning.participatory.commodities import Category, commodity_index
from cooplan.planning.participatory.councils import (
    PEQUOD_ENDOWMENT,
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
    worker_problems,
)
from cooplan.planning.participatory.edn import EdnList, Keyword, Symbol, read_all

__all__ = ["economy_from_forms", "load_pequod"]

_INPUT_KEYS = (
    ("input-exponents", Category.INTERMEDIATE),
    ("nature-exponents", Category.NATURE),
    ("labor-exponents", Category.LABOUR),
)
_FIX = "see docs/participatory.md for the council file format"


class _Collector:
    """Gathers problems while reading council maps."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, message: str, row: int | None, column: str, value: Any = None) -> None:
        self.problems.append(
            Problem(self.source, message, row=row, column=column, value=value, fix=_FIX)
        )

    def field(self, council: dict[Any, Any], key: str, row: int, vector: str) -> Any:
        value = council.get(Keyword(key))
        if value is None:
            self.add(f"missing key :{key}", row, f"{vector} :{key}")
        return value

    def number(self, council: dict[Any, Any], key: str, row: int, vector: str) -> float:
        value = self.field(council, key, row, vector)
        if value is None:
            return float("nan")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(f":{key} must be a number", row, f"{vector} :{key}", repr(value))
            return float("nan")
        return float(value)

    def numbers(self, council: dict[Any, Any], key: str, row: int, vector: str) -> list[float]:
        value = self.field(council, key, row, vector)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            self.add(f":{key} must be a vector of numbers", row, f"{vector} :{key}", repr(value))
            return []
        return [float(v) for v in value]


def _definitions(forms: list[Any], source: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for form in forms:
        if (
            isinstance(form, EdnList)
            and len(form) == 3
            and form[0] == Symbol("def")
            and isinstance(form[1], Symbol)
        ):
            found[form[1].name] = form[2]
    for name in ("ccs", "wcs"):
        if name not in found:
            raise InputError.single(
                source, f"no (def {name} [...]) form", fix="the file must define both ccs and wcs"
            )
        if not isinstance(found[name], list) or not found[name]:
            raise InputError.single(source, f"{name} must be a non-empty vector of maps")
    return found


def _consumers(ccs: list[Any], col: _Collector) -> tuple[ConsumerCouncils, int]:
    incomes: list[float] = []
    private: list[list[float]] = []
    public: list[list[float]] = []
    width = -1
    for row, cc in enumerate(ccs, start=1):
        if not isinstance(cc, dict):
            col.add("a consumer council must be a map", row, "ccs", repr(cc)[:40])
            continue
        income = col.number(cc, "income", row, "ccs")
        u = col.numbers(cc, "utility-exponents", row, "ccs")
        g = col.numbers(cc, "public-good-exponents", row, "ccs")
        if width < 0 and u:
            width = len(u)
        for key, values in (("utility-exponents", u), ("public-good-exponents", g)):
            if len(values) != width:
                col.add(f"expected {width} exponents", row, f"ccs :{key}", len(values))
            elif not all(v > 0 for v in values):
                col.add("exponents must be above zero", row, f"ccs :{key}", min(values))
        if not income > 0:
            col.add("income must be above zero", row, "ccs :income", income)
        incomes.append(income)
        private.append(u if len(u) == width else [np.nan] * max(width, 0))
        public.append(g if len(g) == width else [np.nan] * max(width, 0))
    if width <= 0:
        raise InputError(col.problems, summary="consumer councils could not be read")
    return (
        ConsumerCouncils(
            income=np.asarray(incomes),
            utility_exponents=np.asarray(private, dtype=np.float64).reshape(-1, width),
            public_good_exponents=np.asarray(public, dtype=np.float64).reshape(-1, width),
        ),
        width,
    )


def _workers(wcs: list[Any], goods: int, col: _Collector) -> WorkerCouncils:
    columns: dict[str, list[float]] = {k: [] for k in ("industry", "product", "a", "c", "du", "s")}
    offsets = [0]
    commodity: list[int] = []
    exponent: list[float] = []
    for row, wc in enumerate(wcs, start=1):
        if not isinstance(wc, dict):
            col.add("a worker council must be a map", row, "wcs", repr(wc)[:40])
            continue
        for key in columns:
            columns[key].append(col.number(wc, key, row, "wcs"))
        industry, product = columns["industry"][-1], columns["product"][-1]
        if industry not in (0.0, 1.0, 2.0):
            col.add(":industry must be 0, 1 or 2", row, "wcs :industry", industry)
        if not (float(product).is_integer() and 1 <= product <= goods):
            col.add(f":product must be an integer in 1..{goods}", row, "wcs :product", product)
        ids = col.field(wc, "production-inputs", row, "wcs")
        if not (
            isinstance(ids, list)
            and len(ids) == 3
            and all(isinstance(part, list) for part in ids)
            and all(isinstance(i, int) and not isinstance(i, bool) for p in ids for i in p)
        ):
            if ids is not None:
                col.add(
                    "must be three vectors of integer ids",
                    row,
                    "wcs :production-inputs",
                    repr(ids)[:60],
                )
            ids = [[], [], []]
        count = 0
        for part, (key, category) in zip(ids, _INPUT_KEYS, strict=True):
            values = col.numbers(wc, key, row, "wcs")
            if len(values) != len(part):
                col.add(
                    f"{len(values)} exponents for {len(part)} input ids",
                    row,
                    f"wcs :{key}",
                    len(values),
                )
                continue
            if any(i < 1 or i > goods for i in part) or sorted(set(part)) != part:
                col.add(
                    f"ids must be ascending, distinct and in 1..{goods}",
                    row,
                    "wcs :production-inputs",
                    repr(part),
                )
                continue
            commodity.extend(commodity_index(category, i, goods) for i in part)
            exponent.extend(values)
            count += len(part)
        if count == 0:
            col.add("a worker council needs at least one input", row, "wcs :production-inputs")
            commodity.append(0)
            exponent.append(float("nan"))
            count = 1
        offsets.append(offsets[-1] + count)
    as_int = {
        k: np.nan_to_num(np.asarray(columns[k]), nan=0).astype(np.int64)
        for k in ("industry", "product")
    }
    return WorkerCouncils(
        industry=np.clip(as_int["industry"], 0, 2),
        product=np.clip(as_int["product"], 1, goods),
        tfp=np.asarray(columns["a"]),
        effort_exponent=np.asarray(columns["c"]),
        disutility_exponent=np.asarray(columns["du"]),
        disutility_coefficient=np.asarray(columns["s"]),
        input_offsets=np.asarray(offsets),
        input_commodity=np.asarray(commodity),
        input_exponent=np.asarray(exponent),
        goods_per_category=goods,
    )


def economy_from_forms(forms: list[Any], source: str, name: str = "economy") -> CouncilEconomy:
    """Build a CouncilEconomy from the top-level EDN forms of a pequod council file.

    Nature and labour supply are the program's hard-coded 1000 per type (spec §1).
    Raises :class:`~cooplan.errors.InputError` listing every problem found.
    """
    definitions = _definitions(forms, source)
    col = _Collector(source)
    consumers, goods = _consumers(definitions["ccs"], col)
    workers = _workers(definitions["wcs"], goods, col)
    if not col.problems:
        col.problems.extend(worker_problems(workers, source))
    error = InputError.collect(col.problems, summary=f"{source}: invalid council file")
    if error is not None:
        raise error
    endowment = np.full(goods, PEQUOD_ENDOWMENT)
    return CouncilEconomy(workers, consumers, endowment, endowment.copy(), name=name)


def _economy_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".clj", ".edn"):
        name = name.removesuffix(suffix)
    return name


def load_pequod(path: str | Path) -> CouncilEconomy:
    """Read a pequod-cljs council file (``.clj``/``.edn``, optionally gzip-compressed).

    The economy is named after the file (``dep1ex01.clj.gz`` → ``dep1ex01``).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError.single(str(path), "file not found", fix="check the path") from None
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise InputError.single(
            str(path), f"cannot read the file: {error}", fix="give a UTF-8 (optionally gzip) file"
        ) from None
    forms = read_all(text, str(path))
    return economy_from_forms(forms, str(path), name=_economy_name(path))
