"""The DOCX: a real Word document from the view, with styles, fields, French set and markers.

Three layers, as python-docx itself has them: `oxml` (WordprocessingML plumbing, which knows
nothing of press kits), `styles` (the Word styles derived from the theme) and `writer` (which
walks the view); `pages` foresees where a word processor breaks the pages.
"""

from __future__ import annotations

from pathlib import Path

from dossier.office.markers import MARKER_PREFIX, MARKERS_NAMESPACE, Built
from dossier.render.docx.writer import Writer
from dossier.theme import Theme, load_theme
from dossier.view import Edition

__all__ = ["MARKERS_NAMESPACE", "MARKER_PREFIX", "built_paragraphs", "render_docx", "write_docx"]


def render_docx(edition: Edition, theme: Theme | None = None) -> bytes:
    """Write the edition as a DOCX and return its bytes."""
    return Writer(edition, theme or load_theme(over=edition.theme)).write()


def write_docx(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """Write the edition as a DOCX at target (the build's entry, dossier.render.RENDERERS)."""
    target.write_bytes(render_docx(edition))


def built_paragraphs(edition: Edition, theme: Theme | None = None) -> list[Built]:
    """Return the paragraphs the DOCX of a view prints, as its markers part lists them.

    The review's witness when a returned document lost the part (a trip through ODT, a
    comparison tool): the document as it would be built from the edition's data.
    """
    writer = Writer(edition, theme or load_theme(over=edition.theme))
    writer.write()
    return writer.built + writer.built_footer
