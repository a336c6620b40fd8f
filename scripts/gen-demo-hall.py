#!/usr/bin/env python3
"""Writes data/demo/hall.json, the demo service hall (政务服务中心, 齐鲁大道66号).

The seed's shape: 4 floors — 1: real-estate registration and the 24-hour
self-service zone; 2: administrative approval; 3: tax; 4: human resources and
social security, exit-entry — 122 windows, 30 departments. Categories are the
ticket prefixes; each covers the items of some departments.
Run: python3 scripts/gen-demo-hall.py > data/demo/hall.json
"""
import json
import sys

district = json.load(open("data/demo/district.json"))
items_of = {}
for it in district["items"]:
    items_of.setdefault(it["department"], []).append(it["code"])

ZONES = [
    ("1A", 1, "不动产登记服务大厅"),
    ("1B", 1, "24小时自助服务区"),
    ("2A", 2, "综合受理区"),
    ("2B", 2, "企业开办专区"),
    ("3A", 3, "办税服务大厅"),
    ("4A", 4, "人力资源和社会保障服务大厅"),
    ("4B", 4, "出入境接待大厅"),
]
# prefix, name, zone, departments, slot capacity, default service seconds
CATEGORIES = [
    ("A", "不动产登记", "1A", ["bdc", "gz"], 6, 600),
    ("B", "企业开办", "2B", ["scjg"], 4, 480),
    ("C", "综合受理", "2A", ["xzsp", "ga", "gjj", "czjr", "zrzy", "zj", "sthj", "yj", "jt", "wj",
                        "jy", "mz", "tyjr", "fy", "xf", "rf", "wl", "ny", "sf"], 6, 420),
    ("D", "办税缴费", "3A", ["sw"], 6, 360),
    ("E", "社保医保", "4A", ["rs", "yb"], 6, 300),
    ("F", "出入境", "4B", ["crj"], 4, 360),
    ("G", "水电气热", "1B", ["gd", "gs", "rq", "rl"], 4, 240),
]
# window numbers by zone, and which categories they serve ("*" = 全能窗口, every category)
WINDOWS = []
def add(first, last, floor, zone, cats):
    for n in range(first, last + 1):
        # each window's own clerk (clerk-<no>); the 全能 windows also take clerk1
        allowed = [f"clerk-{n}"] + (["clerk1"] if cats == "*" else [])
        WINDOWS.append({"no": n, "floor": floor, "zone": zone, "categories": cats,
                        "allowed": allowed})

add(1, 26, 1, "1A", ["A"])
add(27, 30, 1, "1B", ["G"])
add(31, 36, 2, "2A", "*")
add(37, 70, 2, "2A", ["C"])
add(71, 80, 2, "2B", ["B"])
add(81, 100, 3, "3A", ["D"])
add(101, 116, 4, "4A", ["E"])
add(117, 122, 4, "4B", ["F"])
assert len(WINDOWS) == 122

hall = {
    "zones": [{"code": c, "floor": f, "name": n} for c, f, n in ZONES],
    "categories": [{"code": c, "name": n, "zone": z,
                    "items": sorted(sum((items_of.get(d, []) for d in depts), [])),
                    "slot_capacity": cap, "default_service_s": svc}
                   for c, n, z, depts, cap, svc in CATEGORIES],
    "windows": WINDOWS,
}
json.dump(hall, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
