"""The one Jinja2 environment: the view of an edition as HTML, for print or for the screen."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dossier.theme import TEMPLATES, load_theme
from dossier.view import Edition

MEDIA = ("print",)


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


def render_html(edition: Edition, medium: str = "print") -> str:
    """Render the view of an edition as one HTML document for the given medium."""
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}; known: {', '.join(MEDIA)}")
    theme = load_theme()
    template = environment().get_template("document.html.j2")
    return template.render(
        edition=edition,
        theme_css=theme.css(),
        print_css=(TEMPLATES / f"{medium}.css").read_text(encoding="utf-8"),
        page_number_css=page_number_css(edition.words.page_number),
    )


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
