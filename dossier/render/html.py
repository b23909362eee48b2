"""The one Jinja2 environment: the view of an edition as HTML, for print or for the screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dossier.theme import TEMPLATES, load_theme
from dossier.view import Edition, Picture

# print: the PDF's document, every file named by its absolute file: URL, read by WeasyPrint's
# sandboxed fetcher. screen: the web edition's page, every file named relative to the page,
# so that its folder works wherever it is copied.
MEDIA = ("print", "screen")
PAGES = {"print": "document.html.j2", "screen": "web.html.j2"}


@cache
def environment() -> Environment:
    """Return the project's Jinja2 environment: autoescaped, strict about undefined names."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def render_html(
    edition: Edition, medium: str = "print", page: Mapping[str, object] | None = None
) -> str:
    """Render the view of an edition as one HTML document for the given medium.

    page: what the screen's page needs besides the view (its stylesheet, its downloads).
    """
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}; known: {', '.join(MEDIA)}")
    template = environment().get_template(PAGES[medium])
    context: dict[str, object] = {
        "edition": edition,
        "medium": medium,
        "source": picture_source(edition, medium),
    }
    if medium == "print":
        context |= {
            "theme_css": load_theme().css(),
            "print_css": (TEMPLATES / "print.css").read_text(encoding="utf-8"),
            "page_number_css": page_number_css(edition.words.page_number),
        }
    return template.render(context | dict(page or {}))


def picture_source(edition: Edition, medium: str) -> Callable[[Picture], str]:
    """Return how a medium names a picture's file: an absolute URL, or a path from the page."""
    if medium == "print":
        return lambda picture: picture.path.as_uri()
    return lambda picture: quote(picture.path.relative_to(edition.folder).as_posix())


def page_number_css(pattern: str) -> str:
    """Turn the view's page number, « {page} / {pages} », into CSS content with counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts) or '""'


def render_page(template: str, **context: object) -> str:
    """Render a page of the project other than the press kit itself (the review's report)."""
    return environment().get_template(template).render(**context)
