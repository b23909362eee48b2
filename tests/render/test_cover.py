"""The cover, in both outputs: the ministry's block, the title, the period with its year, the
visual at the size of a cover, nothing under the bottom band, all on its one page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from PIL import Image, ImageDraw

from dossier.build import build
from dossier.errors import DataError
from dossier.theme import THEME_FILE, THEME_VARIABLE, load_theme
from tests.conftest import COMPLETE_EDITION, require_tool
from tests.layout import POINTS_PER_MM, Page, libreoffice_pdf, read_pages, squash

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


@pytest.fixture(scope="session")
def covers(outputs, lo_pdf) -> tuple[Page, Page]:
    """The first page of the PDF, and of the DOCX as LibreOffice lays it out."""
    return read_pages(outputs["pdf"])[0], read_pages(lo_pdf)[0]


def test_the_period_on_the_cover_says_its_year(outputs, covers) -> None:
    view = outputs["view"]
    period = view.cover.period.plain
    assert re.search(r"\b20\d\d$", period), period  # whatever the edition's year style
    for cover in covers:
        assert squash(period) in squash(" ".join(line.text for line in cover.lines))
    info = subprocess.run(
        [require_tool("pdfinfo"), str(outputs["pdf"])], check=True, capture_output=True, text=True
    ).stdout
    assert squash(period) in squash(re.search(r"^Subject:(.*)$", info, re.M).group(1))
    assert squash(period) in squash(docx.Document(str(outputs["docx"])).core_properties.subject)


def test_the_cover_holds_on_its_page(outputs, covers) -> None:
    view = outputs["view"]
    pdf, lo = covers
    pdf_text = squash(" ".join(line.text for line in pdf.lines))
    lo_text = squash(" ".join(line.text for line in lo.lines))
    for line in (view.cover.title, view.cover.period, view.cover.publisher):
        assert squash(line.plain) in pdf_text
        assert squash(line.plain) in lo_text  # the publisher stands in the cover's footer
    assert squash(view.contents.title.plain) not in lo_text


def test_nothing_of_the_cover_stands_under_its_band(outputs, covers) -> None:
    pdf, _ = covers
    tint = load_theme().colour("tint").lower()
    band = min(
        box.top for colour, box in pdf.fills if colour == tint and box.width > 0.9 * pdf.width
    )
    above = [line for line in pdf.lines if line.box.top < band]
    publisher = squash(outputs["view"].cover.publisher.plain)
    assert any(squash(line.text) == publisher for line in pdf.lines if line.box.top >= band)
    for line in above:  # descenders included: poppler's box is the font's
        assert line.box.bottom <= band - 0.5 * POINTS_PER_MM, line.text
    for picture in pdf.pictures:
        assert picture.bottom <= band, picture


def test_the_visual_has_the_room_of_a_cover(outputs, covers) -> None:
    if outputs["view"].cover.picture is None:
        pytest.skip("this edition has no cover image")
    box = load_theme().images.cover
    for cover in covers:
        (picture,) = cover.pictures
        width, height = picture.width / POINTS_PER_MM, picture.height / POINTS_PER_MM
        # as large as its box allows, on one side at least, and no stamp
        assert width >= 0.98 * box.width or height >= 90, (width, height)
        assert width <= box.width + 1
        assert height <= box.height + 1
        # set where the cover's text starts, in both outputs: not pushed past the margin
        left = min(line.box.left for line in cover.lines)
        assert abs(picture.left - left) < 1.5 * POINTS_PER_MM, (picture.left, left)


def test_the_docx_sizes_each_picture_by_its_role(outputs) -> None:
    view = outputs["view"]
    images = load_theme().images
    document = docx.Document(str(outputs["docx"]))
    shapes = [
        (int(e.get("cx")), int(e.get("cy")))
        for e in document.element.body.iter(f"{WP}extent")
        if e.getparent().tag == f"{WP}inline"
    ]
    pictures = list(view.pictures())
    assert len(shapes) == len(pictures)
    for picture, (cx, cy) in zip(pictures, shapes, strict=True):
        box = getattr(images, picture.role)
        width, height = cx / 36000, cy / 36000  # EMU → mm
        assert width <= box.width + 0.5, picture.role
        assert height <= box.height + 0.5, picture.role
        touches = abs(width - box.width) < 0.5 or abs(height - box.height) < 0.5
        if picture.role == "cover":  # or the room the cover's text leaves it
            touches = touches or height >= 90
        assert touches, (picture.role, width, height)


# --- the ministry's logo, through the theme ------------------------------------------------


@pytest.fixture(scope="module")
def with_logo(tmp_path_factory) -> dict:
    """The complete edition built with a theme that names a logo, kept outside the project."""
    folder = tmp_path_factory.mktemp("logo")
    logo = folder / "identite" / "logo-ministere.png"
    logo.parent.mkdir()
    image = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 120, 280), fill="#000091")
    draw.rectangle((140, 20, 240, 280), fill="#E1000F")
    image.save(logo)
    theme = folder / "theme.yaml"
    alt = "Ministère de l’Aménagement du territoire, logo"
    theme.write_text(
        THEME_FILE.read_text(encoding="utf-8")
        + f"\nlogo:\n  file: {logo}\n  alt: {alt}\n  height: 25\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(THEME_VARIABLE, str(theme))
        built = {o.format: o.path for o in build(COMPLETE_EDITION, ("pdf", "docx"), folder)}
    return {"alt": alt, "folder": folder, **built}


def test_the_logo_heads_the_pdf_cover(with_logo) -> None:
    (cover,) = read_pages(with_logo["pdf"])[:1]
    top = min(cover.pictures, key=lambda box: box.top)
    assert top.top < 30 * POINTS_PER_MM
    assert abs(top.height / POINTS_PER_MM - 25) < 0.5
    text = squash(" ".join(line.text for line in cover.lines))
    assert squash("Ministère de l'Aménagement du territoire") not in text  # the logo says it
    with pikepdf.open(with_logo["pdf"]) as pdf:
        alts = []

        def walk(node) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                if node.get("/K") is not None:
                    walk(node.K)
            elif isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert alts[0] == with_logo["alt"]


def test_the_logo_heads_the_docx_cover(with_logo) -> None:
    document = docx.Document(str(with_logo["docx"]))
    first = document.element.body.iter(qn("w:p"))
    paragraph = next(first)
    (properties,) = paragraph.iter(f"{WP}docPr")
    assert properties.get("descr") == with_logo["alt"]
    (extent,) = paragraph.iter(f"{WP}extent")
    assert abs(int(extent.get("cy")) / 36000 - 25) < 0.5
    texts = [p.text for p in document.paragraphs[:8]]
    assert not any("Ministère de l’Aménagement" in t for t in texts)
    cover = read_pages(libreoffice_pdf(with_logo["docx"], with_logo["folder"] / "lo"))[0]
    assert min(box.top for box in cover.pictures) < 30 * POINTS_PER_MM


def test_a_logo_that_is_not_there_is_named_with_its_theme(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text(
        THEME_FILE.read_text(encoding="utf-8")
        + f"\nlogo:\n  file: {tmp_path / 'absent.png'}\n  alt: Logo\n  height: 20\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"theme\.yaml: logo\.file: pas de fichier logo"):
        load_theme(theme)


def test_no_half_page_of_the_cover_is_left_empty(outputs, covers) -> None:
    # a designed cover: title block, visual (or the panel of its colours), band; no white
    # half page between them
    pdf, _ = covers
    tint = load_theme().colour("tint").lower()
    band = min(
        box.top for colour, box in pdf.fills if colour == tint and box.width > 0.9 * pdf.width
    )
    drawn = sorted(
        [(line.box.top, line.box.bottom) for line in pdf.lines if line.box.bottom < band]
        + [(p.top, p.bottom) for p in pdf.pictures if p.bottom <= band]
        + [(b.top, b.bottom) for _, b in pdf.fills if b.bottom < band and b.height > 1]
    )
    gaps, reached = [], 0.0
    for top, bottom in drawn:
        gaps.append(top - reached)
        reached = max(reached, bottom)
    gaps.append(band - reached)
    assert max(gaps) < pdf.height / 4, [round(g / POINTS_PER_MM) for g in gaps]
