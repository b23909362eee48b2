"""The one Jinja2 environment: the view of an edition as HTML, for print or for the screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache, partial
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dossier.render.cover import picture_height
from dossier.theme import TEMPLATES, Theme, load_theme
from dossier.view import Edition, Line, Picture

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

    page: what the page needs besides the view. For the screen: its stylesheet, its downloads.
    For print, by default the whole press kit with its stylesheet; a part of it (see
    dossier.render.pdf) gives `blocks` (what to render: "cover", "contents", sections, or
    "pages", the footer's empty pages), `stylesheet` (empty when WeasyPrint is given it once
    for all parts), `page_css` and `numbers` (the page number of each anchor, as text).
    """
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}; known: {', '.join(MEDIA)}")
    template = environment().get_template(PAGES[medium])
    context: dict[str, object] = {
        "edition": edition,
        "medium": medium,
        "source": picture_source(edition, medium),
        "numbers": {},
    }
    if medium == "print":
        theme = load_theme(over=edition.theme)
        context |= {
            "ends": partial(last_words, theme),
            "fits": partial(fits_a_line, theme),
            "splits": lambda event: theme.may_split(event.running_text()),
            "logo": theme.logo,
            # measured for the cover only: a part of the PDF without it need not
            "cover_room": (
                round(picture_height(edition.cover, theme, "pdf"), 1)
                if page is None or "cover" in page.get("blocks", ("cover",))  # type: ignore[operator]
                else 0
            ),
            "blocks": [
                "cover",
                "contents",
                *edition.sections,
                *(["colophon"] if edition.accessibility else []),
            ],
            # a part's page gives its own (none): the theme's CSS is not made for nothing
            "stylesheet": "" if page and "stylesheet" in page else print_stylesheet(edition),
            "page_css": "",
            "page_count": 0,
            "dated": True,  # a part of the PDF is not: its date would make every build differ
        }
    return template.render(context | dict(page or {}))


def last_words(theme: Theme, line: Line) -> tuple[Line, Line]:
    """Cut a paragraph before its last words, those that a line of its column could hold.

    The PDF never hyphenates them: a hyphenated word can then only end a line that more than
    a line follows, and no paragraph's last line starts with the end of a word. The text's
    width is the widest a column of running text has.
    """
    look = theme.style("body")
    metrics = theme.pdf_metrics()
    width = theme.page.text_width * _POINTS_PER_MM
    return line.cut(lambda text: metrics.width(text, look.size), width)


def fits_a_line(theme: Theme, line: Line, style: str = "body") -> bool:
    """Say whether a line, set in a style, fits in the text's width: then it need never break."""
    look = theme.style(style)
    metrics = theme.pdf_metrics(look.bold)
    return metrics.width(line.plain, look.size) <= theme.page.text_width * _POINTS_PER_MM


_POINTS_PER_MM = 72 / 25.4


def print_stylesheet(edition: Edition) -> str:
    """Return the printed press kit's whole stylesheet: the theme's, the layout's, the margins'."""
    number = page_number_css(edition.words.page_number)
    margins = f"@page {{ @bottom-right {{ content: {number}; }} }}"
    if edition.draft:
        # The draft's line in the header of every page but the cover's, as a literal: a part of
        # the PDF laid out alone would not inherit a string set on the cover.
        margins += (
            f"\n@page {{ @top-center {{ content: {css_string(edition.draft.plain)}; "
            "white-space: nowrap; vertical-align: bottom; padding-bottom: 3mm; } }"
            "\n@page cover { @top-center { content: none; } }"
        )
    return "\n".join(
        [
            load_theme(over=edition.theme).css(),
            (TEMPLATES / "print.css").read_text(encoding="utf-8"),
            margins,
        ]
    )


def css_string(text: str) -> str:
    """Return a text as a CSS string: quoted, its quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\n\r\f]", lambda m: f"\\{ord(m.group()):x} ", escaped) + '"'


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
            parts.append(css_string(piece))
    return " ".join(parts) or '""'


def render_page(template: str, **context: object) -> str:
    """Render a page of the project other than the press kit itself (the review's report)."""
    return environment().get_template(template).render(**context)
