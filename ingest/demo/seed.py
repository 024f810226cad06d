"""The two real articles the project started from (صدى البلد, 1 April 2025), as demo items.

The text ships beside this module exactly as published; this module only splits it into the two
articles and drops the page furniture (publication line, source line, tag list).
"""

from __future__ import annotations

from pathlib import Path

SEED_FILE = Path(__file__).with_name("seed_sada_elbalad.txt")
_SECOND_ARTICLE = "إقرأ أيضاً:"
_FURNITURE = ("تاريخ النشر:", "المصدر:", "كلمات دلالية:")


def _articles(text: str) -> tuple[tuple[str, str, str], ...]:
    first, _, second = text.partition(_SECOND_ARTICLE)
    out = []
    for part, kind in ((first, "us-russia-relations"), (second, "gaza-mediation")):
        lines = [line.strip() for line in part.strip().splitlines() if line.strip()]
        body = [line for line in lines[1:] if not line.startswith(_FURNITURE)]
        out.append((lines[0], "\n".join(body), kind))
    return tuple(out)


# (title, body, story kind) of each seed article.
SEED_ARTICLES: tuple[tuple[str, str, str], ...] = _articles(SEED_FILE.read_text(encoding="utf-8"))
