"""Sector aggregations used as coop groups: ISIC Rev. 4 sections and BEA's 15 sectors.

ISIC sections and their division ranges: UN Statistics Division, *International Standard
Industrial Classification of All Economic Activities, Rev. 4* (2008). BEA sectors and the
summary industries in each: BEA input-output "sector" level (2017 industry schema), as in
the ``sector_code`` column of BEA's detail-to-summary crosswalk.
"""

from __future__ import annotations

import re

from cooplan.io.io_tables.common import Group
from cooplan.model.schema import ProductKind

# ISIC Rev. 4 section: (first division, last division, name).
ISIC_SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 3, "Agriculture, forestry and fishing"),
    "B": (5, 9, "Mining and quarrying"),
    "C": (10, 33, "Manufacturing"),
    "D": (35, 35, "Electricity, gas, steam and air conditioning supply"),
    "E": (36, 39, "Water supply; sewerage, waste management and remediation"),
    "F": (41, 43, "Construction"),
    "G": (45, 47, "Wholesale and retail trade; repair of motor vehicles"),
    "H": (49, 53, "Transportation and storage"),
    "I": (55, 56, "Accommodation and food service activities"),
    "J": (58, 63, "Information and communication"),
    "K": (64, 66, "Financial and insurance activities"),
    "L": (68, 68, "Real estate activities"),
    "M": (69, 75, "Professional, scientific and technical activities"),
    "N": (77, 82, "Administrative and support service activities"),
    "O": (84, 84, "Public administration and defence; compulsory social security"),
    "P": (85, 85, "Education"),
    "Q": (86, 88, "Human health and social work activities"),
    "R": (90, 93, "Arts, entertainment and recreation"),
    "S": (94, 96, "Other service activities"),
    "T": (97, 98, "Activities of households as employers and for own use"),
    "U": (99, 99, "Activities of extraterritorial organisations and bodies"),
}

_GOODS_SECTIONS = {"A", "B", "C", "D", "E", "F"}
_PUBLIC_SECTIONS = {"O"}


def isic_section_of_division(division: int) -> str:
    """The ISIC section letter of a two-digit division (e.g. 35 → ``"D"``)."""
    for letter, (first, last, _) in ISIC_SECTIONS.items():
        if first <= division <= last:
            return letter
    raise ValueError(f"no ISIC Rev. 4 section contains division {division}")


def isic_kind(section_id: str) -> ProductKind:
    """good for sections A–F, public for O, service otherwise (first section of a span)."""
    first = section_id.split("-")[0]
    if first in _GOODS_SECTIONS:
        return ProductKind.GOOD
    if first in _PUBLIC_SECTIONS:
        return ProductKind.PUBLIC
    return ProductKind.SERVICE


def isic_group(first: str, last: str) -> Group:
    """The group for an industry spanning sections ``first``..``last`` (e.g. D-E)."""
    if first == last:
        return Group(f"isic-{first}", ISIC_SECTIONS[first][2])
    letters = [s for s in ISIC_SECTIONS if first <= s <= last]
    return Group(f"isic-{first}-{last}", " + ".join(ISIC_SECTIONS[s][2] for s in letters))


_OECD_CODE = re.compile(r"^D(\d\d)(?:T(\d\d))?$")


def oecd_section(code: str) -> Group | None:
    """ISIC section group of an OECD IOT code such as ``D01T03`` or ``D35T39``."""
    match = _OECD_CODE.match(code)
    if match is None:
        return None
    first = int(match.group(1))
    last = int(match.group(2) or match.group(1))
    return isic_group(isic_section_of_division(first), isic_section_of_division(last))


_NACE_CODE = re.compile(r"^([A-U])(?:-([A-U]))?(?:\d.*)?$")


def nace_section(code: str) -> Group | None:
    """ISIC/NACE section group of a Swedish SUT code such as ``C10T12``, ``B`` or ``T-U``."""
    match = _NACE_CODE.match(code)
    if match is None:
        return None
    first = match.group(1)
    return isic_group(first, match.group(2) or first)


BEA_SECTORS: dict[str, str] = {
    "11": "Agriculture, forestry, fishing, and hunting",
    "21": "Mining",
    "22": "Utilities",
    "23": "Construction",
    "31G": "Manufacturing",
    "42": "Wholesale trade",
    "44RT": "Retail trade",
    "48TW": "Transportation and warehousing",
    "51": "Information",
    "FIRE": "Finance, insurance, real estate, rental, and leasing",
    "PROF": "Professional and business services",
    "6": "Educational services, health care, and social assistance",
    "7": "Arts, entertainment, recreation, accommodation, and food services",
    "81": "Other services, except government",
    "G": "Government",
}

_BEA_SECTOR_MEMBERS: dict[str, str] = {
    "11": "111CA 113FF",
    "21": "211 212 213",
    "22": "22",
    "23": "23",
    "31G": "311FT 313TT 315AL 321 322 323 324 325 326 327 331 332 333 334 335 3361MV "
    "3364OT 337 339",
    "42": "42",
    "44RT": "441 445 452 4A0",
    "48TW": "481 482 483 484 485 486 487OS 493",
    "51": "511 512 513 514",
    "FIRE": "521CI 523 524 525 HS ORE 532RL",
    "PROF": "5411 5412OP 5415 55 561 562",
    "6": "61 621 622 623 624",
    "7": "711AS 713 721 722",
    "81": "81",
    "G": "GFE GFGD GFGN GSLE GSLG",
}

BEA_SECTOR_OF_SUMMARY: dict[str, str] = {
    summary: sector
    for sector, members in _BEA_SECTOR_MEMBERS.items()
    for summary in members.split()
}
"""BEA summary industry code (2017 schema) → BEA sector code."""

_BEA_GOODS_SECTORS = {"11", "21", "22", "23", "31G"}
_BEA_PUBLIC = {"GFGD", "GFGN", "GSLG"}


def bea_sector_group(sector: str) -> Group:
    """The group of a BEA sector code."""
    return Group(f"sector-{sector}", BEA_SECTORS[sector])


def bea_kind(summary: str) -> ProductKind:
    """good for goods-producing sectors, public for general government, service otherwise."""
    if summary in _BEA_PUBLIC:
        return ProductKind.PUBLIC
    if BEA_SECTOR_OF_SUMMARY.get(summary) in _BEA_GOODS_SECTORS:
        return ProductKind.GOOD
    return ProductKind.SERVICE
