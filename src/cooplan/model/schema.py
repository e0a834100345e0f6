"""The one description of every table of an economy folder.

Each column is described once (name, type, unit, whether required, default, meaning); loading,
validation and the file-format documentation (``docs/format.md``) are all derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    """The value type of a column."""

    ID = "id"
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"


class ProductKind(StrEnum):
    """What sort of product a row of products.csv is."""

    GOOD = "good"
    SERVICE = "service"
    RESOURCE = "resource"
    PUBLIC = "public"


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, type, unit and meaning.

    ``required`` columns must be present in the file; ``nullable`` ones may have empty cells,
    which take ``default``. Numbers are finite and non-negative unless ``signed``.
    """

    name: str
    type: ColumnType
    meaning: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    default: object = None
    signed: bool = False
    choices: tuple[str, ...] = ()
    positive: bool = False


@dataclass(frozen=True)
class Table:
    """One table of an economy folder (``<name>.csv`` or ``<name>.parquet``)."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


C = Column
T = ColumnType

PRODUCTS = Table(
    "products",
    "Goods, services, natural resources and public goods, each in its own physical unit.",
    (
        C("id", T.ID, "Stable public identifier of the product."),
        C("name", T.TEXT, "Human-readable name."),
        C("unit", T.TEXT, "Physical unit of one unit of the product (e.g. t, kWh, hour)."),
        C(
            "kind",
            T.TEXT,
            "good, service, resource (natural, not produced) or public (used in common).",
            choices=tuple(k.value for k in ProductKind),
        ),
        C(
            "market",
            T.BOOLEAN,
            "True when the product is sold to the public on a regulated market.",
            required=False,
            nullable=True,
            default=False,
        ),
    ),
    key=("id",),
)

COOPS = Table(
    "coops",
    "Worker cooperatives: members, hours, region and group.",
    (
        C("id", T.ID, "Stable public identifier of the coop."),
        C("name", T.TEXT, "Human-readable name."),
        C("region", T.ID, "Region the coop works in."),
        C("group", T.ID, "Innermost group (sector or regional group) the coop belongs to."),
        C("members", T.INTEGER, "Number of member-owners.", unit="persons"),
        C(
            "hours_per_member",
            T.NUMBER,
            "Hours each worker works per period.",
            unit="labour unit per person per period",
        ),
        C(
            "non_members",
            T.INTEGER,
            "Non-member workers (count as labour, have no vote).",
            unit="persons",
            required=False,
            nullable=True,
            default=0,
        ),
    ),
    key=("id",),
)

PROCESSES = Table(
    "processes",
    "Techniques: each run by one coop, making one main product.",
    (
        C("id", T.ID, "Stable public identifier of the process."),
        C("coop", T.ID, "Coop that runs the process."),
        C("product", T.ID, "Main product made."),
        C("labour", T.NUMBER, "Labour per unit of main product.", unit="labour unit / unit"),
        C(
            "capacity",
            T.NUMBER,
            "Most units of main product per period; empty = unbounded.",
            unit="units / period",
            nullable=True,
            default=None,
        ),
    ),
    key=("id",),
)

INPUTS = Table(
    "inputs",
    "Input coefficients: product used per unit of a process's main product.",
    (
        C("process", T.ID, "Process that uses the input."),
        C("product", T.ID, "Product used."),
        C("quantity", T.NUMBER, "Units of product per unit of main product.", unit="unit / unit"),
    ),
    key=("process", "product"),
)

OUTPUTS = Table(
    "outputs",
    "Joint products: extra outputs per unit of a process's main product.",
    (
        C("process", T.ID, "Process that makes the joint product."),
        C("product", T.ID, "Joint product (not the main product)."),
        C("quantity", T.NUMBER, "Units of joint product per unit of main product."),
    ),
    required=False,
    key=("process", "product"),
)

DEMAND = Table(
    "demand",
    "Final demand targets for the public.",
    (
        C("product", T.ID, "Product the public is to receive."),
        C("quantity", T.NUMBER, "Target quantity per period.", unit="units / period"),
        C(
            "region",
            T.ID,
            "Region whose public receives it; empty = the whole federation.",
            required=False,
            nullable=True,
            default=None,
        ),
        C(
            "priority",
            T.NUMBER,
            "Weight of the target in objectives that trade targets off (harmony).",
            required=False,
            nullable=True,
            default=1.0,
        ),
        C(
            "floor",
            T.NUMBER,
            "Part of the quantity delivered in full whatever else happens; the fulfilment "
            "objective scales only the rest: delivered ≥ floor + λ·(quantity − floor).",
            unit="units / period",
            required=False,
            nullable=True,
            default=0.0,
        ),
    ),
    key=("product", "region"),
)

RESOURCES = Table(
    "resources",
    "Natural-resource endowments available per period.",
    (
        C("product", T.ID, "Resource product (kind resource)."),
        C("available", T.NUMBER, "Units available per period.", unit="units / period"),
    ),
    required=False,
    key=("product",),
)

REGIONS = Table(
    "regions",
    "Regions (optional: regions named by coops are created when this table is absent).",
    (
        C("id", T.ID, "Stable public identifier of the region."),
        C("name", T.TEXT, "Human-readable name.", required=False, nullable=True, default=""),
    ),
    required=False,
    key=("id",),
)

GROUPS = Table(
    "groups",
    "Nested groups: federation → sector or regional groups → coops.",
    (
        C("id", T.ID, "Stable public identifier of the group."),
        C("name", T.TEXT, "Human-readable name.", required=False, nullable=True, default=""),
        C(
            "parent",
            T.ID,
            "Enclosing group; empty for a top-level group.",
            required=False,
            nullable=True,
            default=None,
        ),
        C(
            "axis",
            T.TEXT,
            "What the grouping follows (e.g. sector, region).",
            required=False,
            nullable=True,
            default="sector",
        ),
    ),
    required=False,
    key=("id",),
)

TRANSPORT = Table(
    "transport",
    "Transport links between regions with a cost per unit shipped.",
    (
        C("from", T.ID, "Region shipped from."),
        C("to", T.ID, "Region shipped to."),
        C("cost", T.NUMBER, "Cost per unit shipped.", unit="labour unit / unit"),
        C(
            "product",
            T.ID,
            "Product the link applies to; empty = every product.",
            required=False,
            nullable=True,
            default=None,
        ),
        C(
            "capacity",
            T.NUMBER,
            "Most units shipped per period; empty = unbounded.",
            unit="units / period",
            required=False,
            nullable=True,
            default=None,
        ),
    ),
    required=False,
    key=("from", "to", "product"),
)

TABLES: tuple[Table, ...] = (
    PRODUCTS,
    COOPS,
    PROCESSES,
    INPUTS,
    OUTPUTS,
    DEMAND,
    RESOURCES,
    REGIONS,
    GROUPS,
    TRANSPORT,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

META_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name of the economy.", "required"),
    ("period", "Length of one plan period (e.g. 'year', 'month').", "year"),
    ("labour_unit", "Unit of labour (e.g. 'hour').", "hour"),
    ("currency", "Currency or numéraire used for accounts.", "hour"),
)
