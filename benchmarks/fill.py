"""Measure how full the calendars' pages are: the empty height at their foot, in millimetres.

    python benchmarks/fill.py build/mois-innovation-publique-2021.pdf data/2021

Only the pages a calendar goes on after count: the last page of a calendar ends where it ends.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dossier.load import load_edition
from dossier.view import prepare
from tests.layout import calendar_fill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("edition", type=Path)
    arguments = parser.parse_args()
    view = prepare(load_edition(arguments.edition), arguments.edition)
    empty = calendar_fill(arguments.pdf, view)
    print(
        f"{arguments.pdf.name}: {len(empty)} pages de calendrier suivies d'une autre ; "
        f"vide en pied de page : moyenne {statistics.mean(empty):.1f} mm, "
        f"médiane {statistics.median(empty):.1f} mm, maximum {max(empty):.1f} mm "
        f"(hauteur de texte {load_height():.0f} mm)"
    )


def load_height() -> float:
    from dossier.theme import load_theme

    page = load_theme().page
    return page.height - page.top - page.bottom


if __name__ == "__main__":
    main()
