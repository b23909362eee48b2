"""The contact sheet: every page of a PDF as a thumbnail, in a grid, under its number.

The press officer sees the whole kit at a glance (`dossier build --pages`), and so does the
review of a layout change. The pages are drawn by PDFium (pypdfium2, which ships its own), or
by poppler's pdftoppm where PDFium is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from dossier.errors import RenderError
from dossier.theme import load_theme

COLUMNS = 6
THUMBNAIL = 260  # pixels: a page's width on the sheet
GAP = 24  # pixels between thumbnails, and around the sheet
LABEL = 30  # pixels under each thumbnail for its number


def contact_sheet_path(pdf: Path) -> Path:
    """Return where a PDF's contact sheet goes: beside it, <slug>-pages.png."""
    return pdf.with_name(f"{pdf.stem}-pages.png")


def write_contact_sheet(pdf: Path, target: Path | None = None, columns: int = COLUMNS) -> Path:
    """Write the contact sheet of a PDF as a PNG (beside the PDF by default); return its path.

    The file appears only once complete.
    """
    target = target or contact_sheet_path(pdf)
    pages = _thumbnails(pdf, THUMBNAIL)
    if not pages:
        raise RenderError(f"{pdf}: le PDF n'a aucune page")
    theme = load_theme()
    height = max(page.height for page in pages)
    rows = -(-len(pages) // columns)
    sheet = Image.new(
        "RGB",
        (GAP + columns * (THUMBNAIL + GAP), GAP + rows * (height + LABEL + GAP)),
        theme.colour("tint"),
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(theme.pdf_font().files()["semibold"]), 18)
    for index, page in enumerate(pages):
        row, column = divmod(index, columns)
        x, y = GAP + column * (THUMBNAIL + GAP), GAP + row * (height + LABEL + GAP)
        sheet.paste(page, (x, y))
        draw.rectangle(
            (x - 1, y - 1, x + page.width, y + page.height), outline=theme.colour("rule")
        )
        number = str(index + 1)
        width = draw.textlength(number, font=font)
        draw.text(
            (x + (page.width - width) / 2, y + page.height + 6),
            number,
            fill=theme.colour("primary"),
            font=font,
        )
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        sheet.save(temporary, format="PNG", optimize=True)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _thumbnails(pdf: Path, width: int) -> list[Image.Image]:
    """Return each page of a PDF drawn width pixels wide."""
    try:
        import pypdfium2
    except ImportError:
        return _thumbnails_with_poppler(pdf, width)
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            page.render(scale=width / page.get_width()).to_pil().convert("RGB") for page in document
        ]
    finally:
        document.close()


def _thumbnails_with_poppler(pdf: Path, width: int) -> list[Image.Image]:
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RenderError(
            "planche contact : il faut PDFium (python3 -m pip install pypdfium2) ou poppler "
            "(sudo apt-get install -y poppler-utils)"
        )
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [tool, "-png", "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf), f"{folder}/p"],
            check=True,
            capture_output=True,
        )
        pages = []
        for file in sorted(Path(folder).glob("p-*.png"), key=lambda f: int(f.stem[2:])):
            with Image.open(file) as image:
                pages.append(image.convert("RGB"))
        return pages
