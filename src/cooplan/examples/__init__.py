"""The bundled example folders, found by name wherever cooplan is installed.

* ``federation``: the sample federation of ``make demo`` (economy, members, rules);
* ``fagor``: the Fagor Electrodomésticos closure scenario (docs/institutions.md);
* ``us_bea_2023``: the US BEA 2023 summary economy imported by ``cooplan import-io``.

They ship inside the package (``cooplan/examples/``), so ``cooplan demo`` and
``load_example("federation")`` work from any directory and from an installed wheel.
"""

from __future__ import annotations

from pathlib import Path

from cooplan.errors import InputError
from cooplan.model.economy import Economy

_HERE = Path(__file__).resolve().parent


def example_names() -> list[str]:
    """Names of the bundled example folders, sorted."""
    return sorted(p.name for p in _HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))


def example_folder(name: str) -> Path:
    """The folder of the bundled example ``name``; InputError naming the choices if unknown."""
    folder = _HERE / name
    if name not in example_names():
        raise InputError.single(
            "cooplan.examples",
            "no bundled example of this name",
            value=name,
            fix=f"one of {', '.join(example_names())}",
        )
    return folder


def load_example(name: str) -> Economy:
    """The validated economy of the bundled example ``name`` (not ``fagor``: no economy)."""
    from cooplan.io import load_economy

    return load_economy(example_folder(name))
