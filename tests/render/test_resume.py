"""A document laid out again from a page (dossier.render.pdf.resume) is the document laid out
whole, byte for byte, in the cases where a kept page could go stale: a change in the lines
after a page break, a table whose columns any cell can widen, a page start inside a paragraph.

These documents are plain HTML, not press kits: the cases are set up exactly, whatever the
templates make.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

import dossier.render.pdf  # noqa: F401 - the hooks dossier lays out with
from dossier.render.pdf import resume
from dossier.theme import FONTS

WORDS = (
    "Les laboratoires d’innovation territoriale accompagnent les administrations dans "
    "la conception de politiques publiques avec leurs usagers et leurs agents. "
)
STYLE = f"""
@font-face {{ font-family: Inter; src: url({(FONTS / "Inter-Regular.ttf").as_uri()}); }}
@page {{ size: A5; margin: 20mm; }}
body {{ font: 11pt/1.4 Inter; }}
p {{ margin: 0 0 4mm; orphans: 2; widows: 2; }}
td {{ border: 1px solid black; padding: 1mm; }}
"""


def document(body: str) -> str:
    return f'<html lang="fr"><head><style>{STYLE}</style></head><body>{body}</body></html>'


def lay_out(
    text: str, fonts: FontConfiguration, earlier: tuple | None = None
) -> tuple[bytes, resume.Layout, object]:
    html = HTML(string=text)
    laid, layout = resume.render(html, [], fonts, {}, earlier)
    return laid.write_pdf(), layout, laid


def again(before: str, after: str) -> tuple[bytes, bytes, resume.Layout]:
    """Lay a document out, then its edited copy from that layout and whole: both PDFs."""
    fonts = FontConfiguration()
    _, layout, laid = lay_out(before, fonts)
    old, new = HTML(string=before).etree_element, HTML(string=after).etree_element
    resumed, resumed_layout, _ = lay_out(
        after, fonts, (layout, laid.pages, resume.changes(old, new))
    )
    whole, _, _ = lay_out(after, FontConfiguration())
    return resumed, whole, resumed_layout


def test_resuming_fits_the_weasyprint_installed() -> None:
    assert resume.usable(), resume.problems()


def test_a_word_changed_after_a_page_break_lays_that_page_out_again() -> None:
    """A paragraph with no element inside runs over a page break; a word of its lines on the
    next page changes, for one as long: that page starts where it did, and still is new."""
    long = WORDS * 40
    before = document("<p>" + WORDS * 12 + "</p>" + f"<p>{long}</p>" + "<p>" + WORDS * 8 + "</p>")
    edited = long[: len(long) * 3 // 4] + long[len(long) * 3 // 4 :].replace("agents", "agent", 1)
    after = before.replace(long, edited)
    assert after != before
    resumed, whole, _ = again(before, after)
    assert resumed == whole


@pytest.mark.parametrize("page", [0, -1], ids=["first page", "last page"])
def test_a_cell_that_widens_its_column_lays_the_whole_table_out_again(page: int) -> None:
    """A table over several pages sizes its columns from all its cells: a longer word in a
    cell of any page moves the columns on every page, those before it too."""
    rows = "".join(f"<tr><td>Ligne {n}</td><td>{WORDS}</td><td>court</td></tr>" for n in range(60))
    before = document("<p>" + WORDS * 6 + "</p><table>" + rows + "</table><p>Fin.</p>")
    row = 50 if page == -1 else 1
    after = before.replace(
        f"<tr><td>Ligne {row}</td><td>{WORDS}</td><td>court</td>",
        f"<tr><td>Ligne {row}</td><td>{WORDS}</td><td>intergouvernementalisation</td>",
    )
    assert after != before
    resumed, whole, _ = again(before, after)
    assert resumed == whole
