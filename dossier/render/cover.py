"""The cover's room: how tall its picture may stand, so that the cover holds on its one page.

A press kit's cover gives its visual the space of a cover, up to the theme's box; with a long
title, a subtitle on three lines or a logo, the picture gives way rather than the cover running
onto a second page or under its bottom band. Both outputs ask, each with its own font.
"""

from __future__ import annotations

from typing import Literal

from dossier.theme import Theme
from dossier.view import Cover, Line

Output = Literal["pdf", "docx"]
_POINTS_PER_MM = 72 / 25.4
SMALLEST = 40.0  # millimetres: below, the picture would be a stamp again; the cover grows
# What print.css gives the PDF's cover besides its text, in millimetres: the space above the
# ministry, beside its rule, above the picture, and the band's padding and rule; the venue's
# address has 4 mm above it.
PDF_TOP = 22.0
PDF_PICTURE_GAP = 8.0
PDF_BAND = 12.0 + 14.0 + 2.0
SLACK = 6.0  # what line breaking measured here and in the layout may differ by


def picture_height(cover: Cover, theme: Theme, output: Output, draft: bool = False) -> float:
    """Return the height, in millimetres, that the cover's picture may take."""
    box = theme.images.cover
    page = theme.page
    width = page.text_width
    used = SLACK
    if output == "pdf":
        used += PDF_TOP + PDF_PICTURE_GAP + PDF_BAND
        used += _height(theme, output, "publisher", cover.publisher, width)
        used += _height(theme, output, "published", cover.published, width)
        room = page.height
    else:  # the cover's section: the publisher stands in its footer, inside the margin
        room = page.height - page.top - page.bottom
        used += 2 * 4.0 if draft else 0.0  # the draft line
    if theme.logo is not None:
        used += theme.logo.height
    else:
        used += _height(
            theme, output, "ministry", cover.ministry, 80.0 if output == "pdf" else width
        )
    used += _height(theme, output, "cover_kind", cover.kind, width)
    used += _height(theme, output, "title", cover.title, 150.0 if output == "pdf" else width)
    for style, line in (
        ("subtitle", cover.subtitle),
        ("cover_edition", cover.edition),
        ("cover_line", cover.period),
    ):
        used += _height(theme, output, style, line, width)
    if cover.venue:  # the venue's address, under the period (print.css: 4 mm above it)
        used += 4.0 if output == "pdf" else 0.0
        for line in cover.venue:
            used += _height(theme, output, "cover_line", line, width)
    if cover.picture is not None and cover.picture.caption:
        used += _height(theme, output, "caption", cover.picture.caption, box.width)
    return max(SMALLEST, min(box.height, room - used))


def _height(theme: Theme, output: Output, style: str, line: Line | None, width: float) -> float:
    """Return the height a paragraph takes in an output, its spaces included, in millimetres."""
    if not line:
        return 0.0
    look = theme.style(style)
    text = line.plain.upper() if look.caps else line.plain
    lines = theme.lines([text], style, output=output, width=width)
    points = look.before + lines * look.size * look.leading + look.after
    return points / _POINTS_PER_MM
