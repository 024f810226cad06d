"""The dashboard's CSV downloads: feed text can never become a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pandas as pd

from dashboard.ui import csv_bytes


def test_csv_download_neutralises_formulas_and_keeps_numbers() -> None:
    df = pd.DataFrame({
        "title": ['=HYPERLINK("http://x","y")', "+1 talks", "-sanctions", "@once", "\tcmd", "غزة", None],
        "articles": [1, -2, 3, 4, 5, 6, 7],
    })
    text = csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1 talks", "'-sanctions", "'@once",
                                          "'\tcmd", "غزة", ""]
    assert [r["articles"] for r in rows] == ["1", "-2", "3", "4", "5", "6", "7"]  # numbers stay numbers
