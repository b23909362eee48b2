"""The print HTML: escaping, strictness, and one golden case reviewed when it changes."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

from dossier.load import load_edition
from dossier.render.html import render_html
from dossier.theme import PROJECT
from dossier.view import prepare
from tests.conftest import SMALL_EDITION

GOLDEN = Path(__file__).parent / "golden" / "petite.html"


def small_html(folder: Path = SMALL_EDITION) -> str:
    view = prepare(load_edition(folder), folder)
    view = replace(view, created=dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC))
    html = render_html(view)
    return html.replace(PROJECT.as_uri(), "file://PROJECT")


def test_markup_in_the_data_is_printed_as_typed(edition_copy) -> None:
    folder = edition_copy(
        SMALL_EDITION,
        replace={
            "title: Semaine de la donnée ouverte": 'title: "<script>alert(1)</script> {{ 7*7 }}"',
            "      - title: Hackathon": "      - title: \"{% include 'x' %} <b>gras</b>\"",
        },
    )
    html = small_html(folder)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert "<script>" not in html
    assert "{% include ’x’ %} &lt;b&gt;gras&lt;/b&gt;" in html  # apostrophes set, not run
    title = html[html.index("<title>") : html.index("</title>")]
    assert "49" not in title  # the template was not run (the page's paths may hold 49)


def test_golden_small_edition() -> None:
    html = small_html()
    html = html[html.index("<body") :]  # the stylesheet has its own tests
    if os.environ.get("DOSSIER_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert html == expected, (
        "the print HTML changed: review the difference, then run with DOSSIER_UPDATE_GOLDEN=1"
    )
