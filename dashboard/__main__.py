"""`python -m dashboard`: start the Streamlit dashboard; `python -m dashboard report …`: weekly reports.

Extra arguments after `python -m dashboard` go to `streamlit run` (e.g. `--server.port 8600`).
MARSAD_DB chooses the database, as for every Marsad command.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "report":
        if importlib.util.find_spec("dashboard.report_cli") is None:
            print("error: reports are not available in this version of Marsad", file=sys.stderr)
            return 2
        report_cli = importlib.import_module("dashboard.report_cli")
        return int(report_cli.main(args[1:]) or 0)
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    return int(streamlit_cli.main() or 0)  # type: ignore[func-returns-value]


if __name__ == "__main__":
    sys.exit(main())
