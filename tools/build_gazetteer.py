"""Regenerate data/gazetteer.tsv, the gazetteer Marsad's country matcher reads.

Sources (build-time only, see tools/requirements-gazetteer.txt; install them in a separate venv):
  - babel: CLDR short country names in en, ar, fr, ru, he;
  - world-countries: capitals in en, ar, fr, ru and Arabic/French/Russian country names;
  - countryinfo: English country names, demonyms and multi-word alternative names;
  - data/gazetteer_curated.toml: everything hand-curated (Arabic demonyms, cities, leaders,
    institutions, movements, ambiguous terms, exclusions) and the policies.

A curated term overrides any generated term with the same normalised form; a generated term that two
countries claim (CLDR "Saint Martin" for MF and SX) is dropped. The output is sorted, so running the
script twice gives the same file.

    /tmp/gaz-venv/bin/python tools/build_gazetteer.py            # writes data/gazetteer.tsv
    /tmp/gaz-venv/bin/python tools/build_gazetteer.py --check    # fails if the file is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.text import normalize  # noqa: E402  (needs the repository on sys.path)

CURATED = ROOT / "data" / "gazetteer_curated.toml"
OUTPUT = ROOT / "data" / "gazetteer.tsv"
LANGS = ("en", "ar", "fr", "ru", "he")
# CLDR region codes that are not ISO 3166-1 countries (reserved, grouping or test codes).
NOT_ISO = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
EXTRA_CODES = {"XK"}  # Kosovo: user-assigned, but how CLDR and the EU refer to it
KINDS = ("name", "capital", "city", "region", "demonym", "nisba", "leader", "institution", "movement")


@dataclass(frozen=True)
class Row:
    """One line of the output file."""

    term: str
    codes: str  # "EG", "KR,KP", "US,#usstate", "-" for an exclusion
    context: str  # "", "LB", "US@#usstate", "IL,PS"
    kind: str
    lang: str
    flags: str  # "", "cs", "stem"

    def line(self) -> str:
        return "\t".join((self.term, self.codes, self.context, self.kind, self.lang, self.flags))


def key_of(term: str) -> str:
    """The matcher's lookup form of a term: normalised, case preserved, then lower-cased."""
    return normalize(term, casefold=False).lower()


def lang_of(term: str, default: str = "en") -> str:
    if re.search(r"[\u0600-\u06FF]", term):
        return "ar"
    if re.search(r"[\u0590-\u05FF]", term):
        return "he"
    if re.search(r"[\u0400-\u04FF]", term):
        return "ru"
    return default


# --- generated terms -----------------------------------------------------------------------------


def clean_cldr(name: str, lang: str) -> list[str]:
    """A CLDR display name as the forms found in text: no parenthetical, no trailing qualifiers."""
    name = re.sub(r"\s*\([^)]*\)", "", name).split(",")[0].strip()
    forms = [name]
    if lang == "en":
        if "&" in name:
            forms.append(name.replace("&", "and"))
        if name.startswith("St. "):
            forms += [f.replace("St. ", "Saint ", 1) for f in list(forms)]
    if lang == "ru":
        forms = [re.sub(r"\bо-ва\b", "острова", re.sub(r"\bо-в\b", "остров", f)) for f in forms]
    return forms


def iso_codes() -> set[str]:
    from babel import Locale

    return {
        c for c in Locale("en").territories if len(c) == 2 and c.isalpha() and c not in NOT_ISO
    } | EXTRA_CODES


def babel_rows(codes: set[str]) -> list[Row]:
    from babel import Locale

    rows = []
    for lang in LANGS:
        for code, name in Locale(lang).territories.items():
            if code in codes:
                rows += [Row(form, code, "", "name", lang, "") for form in clean_cldr(name, lang)]
    return rows


def world_countries_rows(codes: set[str], skip_capitals: set[str]) -> list[Row]:
    data = resources.files("world_countries") / "data"
    rows = []
    for lang in ("en", "ar", "fr", "ru"):
        for item in json.loads((data / f"countries_{lang}.json").read_text(encoding="utf-8")):
            code = item.get("iso2")
            if code not in codes:
                continue
            if lang != "en":  # its English names are inverted ("Korea North"); CLDR's are used instead
                rows += [Row(f, code, "", "name", lang, "") for f in clean_cldr(item["name"], lang)]
            capital = (item.get("capital") or "").split(",")[0].strip()
            if capital and code not in skip_capitals:
                rows.append(Row(capital, code, "", "capital", lang, ""))
    return rows


def plural(demonym: str) -> str | None:
    if demonym.endswith(("an", "i", "er", "ot", "ek")):
        return demonym + "s"
    return None


def countryinfo_rows(codes: set[str]) -> list[Row]:
    data = resources.files("countryinfo") / "data"
    rows = []
    for path in sorted(data.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".json"):
            continue
        item = json.loads(path.read_text(encoding="utf-8"))
        code = (item.get("ISO") or {}).get("alpha2")
        if code not in codes:
            continue
        rows.append(Row(item["name"], code, "", "name", "en", ""))
        for alt in item.get("altSpellings") or []:
            alt = alt.strip()
            # Only multi-word English-looking names: single words include codes ("EG") and words ("Island").
            if (" " in alt or "-" in alt) and alt.isascii() and not alt.isupper() and alt[:1].isupper():
                rows.append(Row(alt, code, "", "name", "en", ""))
        for demonym in re.split(r"[,/]", item.get("demonym") or ""):
            demonym = demonym.strip()
            if demonym:
                rows.append(Row(demonym, code, "", "demonym", "en", ""))
                if plural(demonym):
                    rows.append(Row(plural(demonym) or "", code, "", "demonym", "en", ""))
    return rows


# --- curated terms -------------------------------------------------------------------------------


def curated_rows(curated: dict) -> list[Row]:
    rows = []

    def add(term: str, codes: str, context: str, kind: str, stem: bool = False) -> None:
        cs = term.startswith("=")
        term = term[1:] if cs else term
        flags = ",".join(f for f, on in (("cs", cs), ("stem", stem)) if on)
        rows.append(Row(term, codes, context, kind, lang_of(term), flags))

    for code, table in curated["country"].items():
        for kind, terms in table.items():
            if kind not in KINDS:
                raise SystemExit(f"{CURATED}: [country.{code}] unknown key {kind!r}")
            for term in terms:
                add(term, code, "", "demonym" if kind == "nisba" else kind, stem=kind == "nisba")
    for group in curated.get("ambiguous", []):
        for term in group["terms"]:
            add(term, group["default"], ",".join(group["context"]), group.get("kind", "name"))
    for group in curated.get("multi", []):
        for term in group["terms"]:
            add(term, ",".join(group["codes"]) or "-", "", group.get("kind", "name"))
    for terms in curated.get("exclude", {}).values():
        for term in terms:
            add(term, "-", "", "exclusion")
    return rows


# --- merge ---------------------------------------------------------------------------------------


def merge(generated: list[Row], curated: list[Row], dropped: set[str]) -> tuple[list[Row], list[str]]:
    """Curated rows win; generated rows that collide across countries are dropped. Returns rows, notes."""
    notes: list[str] = []
    by_key: dict[str, Row] = {}
    for row in curated:
        key = key_of(row.term)
        if not key:
            raise SystemExit(f"{CURATED}: term {row.term!r} normalises to nothing")
        old = by_key.get(key)
        if old and (old.codes, old.context, old.flags) != (row.codes, row.context, row.flags):
            raise SystemExit(
                f"{CURATED}: {row.term!r} is listed twice with different meanings: {old} / {row}"
            )
        by_key.setdefault(key, row)
    claims: dict[str, set[str]] = defaultdict(set)
    first: dict[str, Row] = {}
    for row in generated:
        key = key_of(row.term)
        if len(key.replace(" ", "")) < 3 or key in by_key or key in dropped:
            continue
        claims[key].add(row.codes)
        first.setdefault(key, row)
    for key, codes in sorted(claims.items()):
        if len(codes) > 1:
            notes.append(f"dropped {key!r}: claimed by {', '.join(sorted(codes))}")
        else:
            by_key[key] = first[key]
    rows = sorted(by_key.values(), key=lambda r: (r.codes, r.kind, r.lang, key_of(r.term), r.term))
    return rows, notes


HEADER = """\
# Marsad gazetteer: terms that mean a country, for ingest/countries.py.
# GENERATED by tools/build_gazetteer.py from CLDR (babel {babel}), world-countries {wc},
# countryinfo {ci} and data/gazetteer_curated.toml. Do not edit: edit the curated file and rebuild.
# Generated names come from Unicode CLDR (Unicode License v3, © Unicode, Inc.), world-countries and
# countryinfo (both MIT); the curated terms are Marsad's.
#
# Columns (tab-separated):
#   term     as written; normalised at load (marks, hamza, ة/ه, ى/ي, punctuation, case folded)
#   codes    ISO 3166-1 alpha-2 codes counted for the term, "-" for an exclusion (a trap phrase that
#            counts nothing); "#name" entries are cues: evidence for ambiguous terms, never counted
#   context  for an ambiguous term, its alternatives: CODE (chosen when the text has other evidence of
#            CODE and none of the default) or CODE@#cue (chosen when the cue is present); "-" is none
#   kind     name, capital, city, region, demonym, leader, institution, movement, exclusion
#   lang     language or script of the term (en, ar, fr, ru, he)
#   flags    cs: case-sensitive; stem: Arabic nisba, endings ي/ية/يين/يون/يا/يان/يتين/يتان/يات generated
# Arabic terms are also matched with the clitics و/ف + ب/ك/ل (ل+ال → لل), Hebrew ones with ו/ב/ל/מ/ה/ש/כ.
#
# Policies:
{policies}
#
# {count} terms for {codes} codes.
"""


def build() -> str:
    from importlib.metadata import version

    curated = tomllib.loads(CURATED.read_text(encoding="utf-8"))
    drop = curated.get("drop", {})
    codes = iso_codes()
    generated = (
        babel_rows(codes)
        + world_countries_rows(codes, set(drop.get("capital_codes", [])))
        + countryinfo_rows(codes)
    )
    dropped = {key_of(t) for t in drop.get("terms", [])}
    rows, notes = merge(generated, curated_rows(curated), dropped)
    for note in notes:
        print(note, file=sys.stderr)
    unknown = {
        c for r in rows for c in r.codes.split(",") if c not in codes and c != "-" and not c.startswith("#")
    }
    if unknown:
        raise SystemExit(f"codes not in ISO 3166-1: {sorted(unknown)}")
    missing = codes - {c for r in rows for c in r.codes.split(",")}
    if missing:
        raise SystemExit(f"no term for: {sorted(missing)}")
    policies = "\n".join("# - " + p for p in curated["policy"]["notes"])
    head = HEADER.format(
        babel=version("babel"),
        wc=version("world-countries"),
        ci=version("countryinfo"),
        policies=policies,
        count=len(rows),
        codes=len(codes),
    )
    body = "term\tcodes\tcontext\tkind\tlang\tflags\n" + "".join(r.line() + "\n" for r in rows)
    return head + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if data/gazetteer.tsv is not up to date")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run tools/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10))} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
