"""Regenerate data/countries.tsv: ISO 3166-1 codes with English and Arabic short names.

The dashboard and reports use it to name countries and to draw the world map (plotly needs ISO-3).
Build-time packages only (not runtime dependencies): `pip install babel pycountry`, then
`python tools/build_countries.py > data/countries.tsv`.
"""

from __future__ import annotations

import sys

import pycountry
from babel import Locale

# Shorter, newsroom-style names where CLDR's are long or formal.
OVERRIDES_EN = {"PS": "Palestine", "US": "United States", "GB": "United Kingdom", "RU": "Russia",
                "KR": "South Korea", "KP": "North Korea", "SY": "Syria", "IR": "Iran"}
OVERRIDES_AR = {"PS": "فلسطين", "US": "الولايات المتحدة"}


def main() -> None:
    en, ar = Locale("en").territories, Locale("ar").territories
    out = sys.stdout
    out.write("code\tiso3\tname_en\tname_ar\n")
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = c.alpha_2
        name_en = OVERRIDES_EN.get(code) or en.get(code) or c.name
        name_ar = OVERRIDES_AR.get(code) or ar.get(code) or name_en
        out.write(f"{code}\t{c.alpha_3}\t{name_en}\t{name_ar}\n")


if __name__ == "__main__":
    main()
