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


def again(before: str, after: str, css: str = "") -> tuple[bytes, bytes, resume.Layout]:
    """Lay a document out, then its edited copy from that layout and whole: both PDFs.

    css: the document's rules besides STYLE, read for what a change restyles around it, as
    dossier reads its stylesheet (resume.reaches).
    """
    fonts = FontConfiguration()
    _, layout, laid = lay_out(before, fonts)
    old, new = HTML(string=before).etree_element, HTML(string=after).etree_element
    html = HTML(string=after)
    earlier = (layout, laid.pages, resume.changes(old, new))
    resumed_document, resumed_layout = resume.render(
        html, [], fonts, {}, earlier, resume.reaches(STYLE + css)
    )
    whole, _, _ = lay_out(after, FontConfiguration())
    return resumed_document.write_pdf(), whole, resumed_layout


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


# --- from a second review: what a skip stack's indices do not say, what reaches past a change


def test_a_text_between_two_blocks_does_not_join_pages_that_start_elsewhere() -> None:
    """A text between two blocks is a box of its own: the elements are as many, the box
    indices after it move by one, and a page that starts at the same index starts at another
    paragraph (« Ligne 28 » was lost)."""
    lines = "".join(f"<p>Ligne {n}</p>" for n in range(120))
    css = "p { margin: 0 }"
    before = document(f"<style>{css}</style><p>Début</p>" + lines)
    after = before.replace("<p>Début</p>", "<p>Début</p>Texte ajouté.")
    resumed, whole, _ = again(before, after, css)
    assert resumed == whole


@pytest.mark.parametrize("tail", ["<p>Fin.</p>", ""], ids=["then a paragraph", "at the end"])
def test_a_row_added_at_the_end_of_a_table_lays_the_whole_table_out_again(tail: str) -> None:
    rows = "".join(f"<tr><td>Ligne {n}</td><td>{WORDS}</td><td>court</td></tr>" for n in range(60))
    before = document("<p>" + WORDS * 6 + "</p><table>" + rows + "</table>" + tail)
    new = "<tr><td>Ligne 60</td><td>x</td><td>intergouvernementalisation</td></tr>"
    resumed, whole, _ = again(before, before.replace("</table>", new + "</table>"))
    assert resumed == whole


def test_a_fixed_box_taken_out_is_gone_from_the_pages_kept() -> None:
    mark = '<div style="position: fixed; top: 0; left: 0">Marque</div>'
    paragraphs = "".join(f"<p>{WORDS * 4}</p>" for _ in range(30))
    before = document(paragraphs + mark + paragraphs)
    resumed, whole, _ = again(before, before.replace(mark, ""))
    assert resumed == whole


@pytest.mark.parametrize(
    ("css", "old", "new"),
    [
        (
            ".n::before { counter-increment: n; content: counter(n) '. '; }"
            " .twice { counter-increment: n 2; }",
            "<p id=a>",
            '<p id=a class="twice">',
        ),
        (".x + p { color: red; }", "<p id=a>", '<p id=a class="x">'),
    ],
    ids=["a counter", "a sibling combinator"],
)
def test_a_change_that_restyles_what_follows_it_joins_no_page(css: str, old: str, new: str) -> None:
    items = "".join(f'<p class="n">{WORDS}</p>' for _ in range(40))
    before = document(f"<style>{css}</style><p id=a>Premier</p>" + items)
    resumed, whole, _ = again(before, before.replace(old, new), css)
    assert resumed == whole


def test_what_reaches_past_a_change_is_read_in_the_stylesheet() -> None:
    assert resume.reaches("a + b { color: red }") == (True, False)
    assert resume.reaches("@media print { a ~ b { color: red } }") == (True, False)
    assert resume.reaches("ol { counter-reset: item }") == (True, False)
    assert resume.reaches("q::before { content: open-quote }") == (True, False)
    assert resume.reaches("li:last-child { margin: 0 }") == (False, True)
    assert resume.reaches(".a > .b:nth-last-child(2) { margin: 0 }") == (False, True)
    assert resume.reaches("@page { @bottom-right { content: counter(page) } } p { margin: 0 }") == (
        False,
        False,
    )
