"""Albert–Hahnel participatory planning, as pequod-cljs runs it (docs/participatory.md).

Worker and consumer councils respond to indicative prices; an iteration board raises the
prices of goods in excess demand and lowers those in excess supply until the worst relative
imbalance is at most 3%. The entry point is :func:`run_participatory`.
"""

from cooplan.planning.participatory.blocks import DEFAULT_BLOCK_SIZE, Proposals, propose
from cooplan.planning.participatory.commodities import Category, commodity_names
from cooplan.planning.participatory.councils import (
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
)
from cooplan.planning.participatory.federation import (
    Calibration,
    FederationCouncils,
    FederationResult,
    LabourPooling,
    federation_councils,
    run_federation,
)
from cooplan.planning.participatory.generator import (
    BOOK_SCALE,
    PILOT_SCALE,
    EconomyScale,
    generate_economy,
)
from cooplan.planning.participatory.loader import load_pequod
from cooplan.planning.participatory.procedure import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    relative_imbalance,
    update_prices,
)
from cooplan.planning.participatory.result import ParticipatoryResult, PlanStatus, YearResult
from cooplan.planning.participatory.run import run_participatory
from cooplan.planning.participatory.writer import write_pequod
from cooplan.planning.participatory.year2 import (
    Augmentation,
    ConsumerConstants,
    draw_augmentation,
    load_recovered_year2,
)

__all__ = [
    "BOOK_SCALE",
    "DEFAULT_BLOCK_SIZE",
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_THRESHOLD",
    "PILOT_SCALE",
    "Augmentation",
    "Calibration",
    "Category",
    "ConsumerConstants",
    "ConsumerCouncils",
    "CouncilEconomy",
    "EconomyScale",
    "FederationCouncils",
    "FederationResult",
    "LabourPooling",
    "ParticipatoryResult",
    "PlanStatus",
    "Proposals",
    "WorkerCouncils",
    "YearResult",
    "commodity_names",
    "draw_augmentation",
    "federation_councils",
    "generate_economy",
    "load_pequod",
    "load_recovered_year2",
    "propose",
    "relative_imbalance",
    "run_federation",
    "run_participatory",
    "update_prices",
    "write_pequod",
]
