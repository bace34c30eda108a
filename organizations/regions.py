"""GB/T 2260 administrative divisions, read from data/regions/regions.csv.

The table is small (about 3,200 rows) and never changes at run time, so it is
read once per process and kept in memory.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

CSV_PATH = Path(settings.BASE_DIR) / "data" / "regions" / "regions.csv"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # province, prefecture or county
    parent: str  # "" for provinces


@cache
def _table():
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        return {row["code"]: Region(row["code"], row["name"], row["level"], row["parent"])
                for row in csv.DictReader(fh)}


def get(code):
    return _table().get(code or "")


def is_valid(code):
    return isinstance(code, str) and len(code) == 6 and code.isdigit() and code in _table()


def all_regions():
    return list(_table().values())


def provinces():
    return [r for r in _table().values() if r.level == "province"]


def children(code):
    return [r for r in _table().values() if r.parent == code]


def province_of(code):
    """The province-level code of a valid region code (e.g. 440305 -> 440000)."""
    region = get(code)
    while region and region.parent:
        region = get(region.parent)
    return region.code if region else ""


def city_of(code):
    """The division directly below the province that contains `code` ("" for a province).

    That is the prefecture for most places, the district itself in a
    municipality, and GB/T 2260's group (e.g. 429000 省直辖县级行政区划) for
    counties a province administers directly: what a "province -> city"
    filter should offer.
    """
    region = get(code)
    if region is None or not region.parent:
        return ""
    while get(region.parent).parent:
        region = get(region.parent)
    return region.code


def full_name(code):
    """北京市 东城区 style name, outermost first."""
    parts = []
    region = get(code)
    while region:
        parts.append(region.name)
        region = get(region.parent)
    return " ".join(reversed(parts))
