"""The PDF, the DOCX and the web page say the same words in the same order: the view's.

Each output is read back as its readers' tools read it: the PDF with pdftotext, the DOCX with
python-docx and with LibreOffice's text export, the web page as its HTML's text (lxml; the
browser's own rendered text is read in tests/render/test_web_browser.py). Each becomes a stream
of letters and digits (spacing, punctuation, hyphenation and capitals do not count: they are
looks), and the view's lines, section by section, must follow one another in it with nothing
added or left out. Page numbers, which each output computes, match any number; on the screen a
page reference names its section, as the view says (Edition.on_screen).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docx
import lxml.html
from docx.oxml.ns import qn

from dossier.load import load_edition
from dossier.render import RENDERERS
from dossier.render.web import PAGE, calendar_name
from dossier.theme import load_theme
from dossier.view import (
    Edition,
    EditoSection,
    InterviewSection,
    Line,
    Numbered,
    Picture,
    ProfilesSection,
)
from tests.conftest import EDITIONS, require_tool
from tests.layout import libreoffice_export


def squash(text: str) -> str:
    """Keep letters and digits only, in lower case."""
    return re.sub(r"[\W_]+", "", text).lower()


def pattern(line: Line) -> str:
    """Return the regular expression of a line's letters; a page number is any number."""
    return "".join(
        r"\d*" if span.page_of is not None else re.escape(squash(span.text)) for span in line
    )


def _found(view: Edition, kind: type, lines: Callable[[Any], Iterable[Line]]) -> list[Line]:
    """Return the lines of every node of a kind in the view, in reading order."""
    found: list[Line] = []

    def walk(value: object) -> None:
        if isinstance(value, kind):
            found.extend(lines(value))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))

    walk(view)
    return found


def captions(view: Edition) -> list[Line]:
    """Return the captions of the view's pictures."""
    return _found(view, Picture, lambda picture: [picture.caption] if picture.caption else [])


def framed_captions(view: Edition) -> list[Line]:
    """Return the captions the DOCX sets in a frame beside the text, with their pictures: a
    portrait's, a profile's picture beside its text. LibreOffice's text export leaves frames
    out; its tagged PDF reads them (test_docx_tagged)."""
    pictures = [
        section.portrait
        for section in view.sections
        if isinstance(section, EditoSection | InterviewSection)
    ]
    pictures += [
        profile.picture
        for section in view.sections
        if isinstance(section, ProfilesSection)
        for profile in section.profiles
        if profile.body
    ]
    return [picture.caption for picture in pictures if picture is not None and picture.caption]


def numbered_items(view: Edition) -> list[Line]:
    """Return the items of the view's numbered lists: each output numbers them its own way."""
    return _found(view, Numbered, lambda block: block.items)


def groups(
    view: Edition, *, footers: bool = True, floats: bool = False, frames: bool = True
) -> list[tuple[str, str]]:
    """Return (name, pattern) for the cover, the contents and each section, in order.

    footers=False leaves out what the DOCX puts in the cover's footer; floats=True leaves out
    the captions of pictures, which the PDF floats beside the text: where a caption stands
    among the lines of its page depends on the tool that reads it; frames=False the captions
    the DOCX sets in frames beside the text.
    """
    cover = view.cover
    left_out = [] if footers else [cover.publisher, cover.published]
    left_out += captions(view) if floats else []
    left_out += [] if frames else framed_captions(view)
    lines = [line for line in cover.lines() if line not in left_out]
    found = [("cover", "".join(pattern(line) for line in lines))]
    contents = [pattern(view.contents.title)]
    contents += [pattern(entry.text) + r"\d+" for entry in view.contents.entries]
    found.append(("contents", "".join(contents)))
    numbered = {id(line) for line in numbered_items(view)}
    for index, section in enumerate(view.sections):
        name = f"sections[{index}] ({section.kind})"
        lines = [line for line in section.lines() if line not in left_out]
        found.append(
            (
                name,
                "".join(
                    (r"(?:\d+)?" if id(line) in numbered else "") + pattern(line) for line in lines
                ),
            )
        )
    if view.accessibility is not None:  # the statement closes the document
        found.append(("accessibility", pattern(view.accessibility)))
    return found


def pdf_stream(pdf: Path) -> str:
    """Return the PDF's text: the cover whole, then each page inside its margins."""
    tool = require_tool("pdftotext")
    page = load_theme().page
    top = round(page.top / 25.4 * 72) - 2
    height = round((page.height - page.top - page.bottom) / 25.4 * 72) + 4
    width = round(page.width / 25.4 * 72)

    def text(*args: str) -> str:
        return subprocess.run(
            [tool, "-raw", *args, str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout

    cover = text("-f", "1", "-l", "1")
    rest = text("-f", "2", "-x", "0", "-y", str(top), "-W", str(width), "-H", str(height))
    return squash(cover + rest)


def docx_stream(path: Path) -> str:
    """Return the DOCX's text as python-docx reads it: the cover's footer after the cover."""
    document = docx.Document(str(path))
    paragraphs = list(document.element.body.iter(qn("w:p")))
    cover_end = next(
        i for i, p in enumerate(paragraphs) if p.find(f".//{qn('w:sectPr')}") is not None
    )
    footer = list(document.sections[0].footer.part.element.iter(qn("w:p")))

    def text(items) -> str:
        return "".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in items)

    ordered = paragraphs[: cover_end + 1] + footer + paragraphs[cover_end + 1 :]
    return squash(text(ordered))


def libreoffice_stream(path: Path, folder: Path) -> str:
    """Return the DOCX's text as LibreOffice exports it (headers and footers left out)."""
    exported = libreoffice_export(path, folder, "txt:Text (encoded):UTF8")
    return squash(exported.read_text(encoding="utf-8-sig"))


def screen_pattern(view: Edition, line: Line) -> str:
    """Return the regular expression of a line as the web page prints it."""
    return pattern(Line(tuple(view.on_screen(text) for text in line.texts)))


def downloads(view: Edition, folder: Path) -> list[Line]:
    """Return the download lines the web page has: the run's files beside it, then the .ics."""
    found = []
    for kind in ("pdf", "docx"):
        name = RENDERERS[kind].target(Path(), view.slug).name
        if (folder / name).is_file():
            found.append(view.screen.download(kind, name, (folder / name).stat().st_size))
    ics = folder / calendar_name(view)
    if ics.is_file():
        found.append(view.screen.download("ics", ics.name, ics.stat().st_size))
    return found


def web_groups(view: Edition, folder: Path) -> list[tuple[str, str]]:
    """Return (name, pattern) of each part of the web page, in its order.

    The skip link first; the cover's words in the header, the downloads after the period and
    before the picture; the contents without page numbers; the sections; the publisher and the
    accessibility statement last, in the footer.
    """
    cover = view.cover
    head = [cover.ministry, cover.kind, cover.title, cover.subtitle, cover.edition, cover.period]
    head += cover.venue  # the venue, under the period
    found = [("skip link", screen_pattern(view, view.screen.skip))]
    found.append(("header", "".join(screen_pattern(view, line) for line in head if line)))
    found.append(("downloads", "".join(pattern(line) for line in downloads(view, folder))))
    if cover.picture is not None:
        found.append(("cover picture", "".join(pattern(line) for line in cover.picture.lines())))
    contents = [view.contents.title, *(entry.text for entry in view.contents.entries)]
    found.append(("contents", "".join(screen_pattern(view, line) for line in contents)))
    for index, section in enumerate(view.sections):
        name = f"sections[{index}] ({section.kind})"
        found.append((name, "".join(screen_pattern(view, line) for line in section.lines())))
    footer = [line for line in (cover.publisher, cover.published, view.accessibility) if line]
    found.append(("footer", "".join(screen_pattern(view, line) for line in footer)))
    return found


def web_stream(page: Path) -> str:
    """Return the web page's text as its HTML holds it (no script runs there)."""
    body = lxml.html.parse(str(page)).getroot().body
    return squash(body.text_content())


def differences(stream: str, expected: list[tuple[str, str]]) -> list[str]:
    """Match each group in turn; at the first that does not match, say where they part."""
    position = 0
    for name, regex in expected:
        match = re.compile(regex).match(stream, position)
        if match is None:
            agreed = _agreed(regex, stream, position)
            return [
                f"{name}: after « {stream[max(position, agreed - 60) : agreed]} » the output has "
                f"« {stream[agreed : agreed + 80]} »"
            ]
        position = match.end()
    if position != len(stream):
        return [f"after the last section, the output has « {stream[position : position + 120]} »"]
    return []


def _agreed(regex: str, stream: str, position: int) -> int:
    """Return how far into the stream a group's pattern matched before they part."""
    best = position
    for cut in range(len(regex), 0, -1):
        try:
            match = re.compile(regex[:cut]).match(stream, position)
        except re.error:  # a cut inside an escape
            continue
        if match is not None:
            return match.end()
    return best


def test_the_pdf_prints_the_views_words_in_its_order(outputs) -> None:
    stream = pdf_stream(outputs["pdf"])
    view = outputs["view"]
    # each caption is there, wherever it floats: past the cover, but the cover's own (a
    # caption may repeat the cover's words: a credit « © Ministère… » under a portrait)
    own = view.cover.picture.caption if view.cover.picture else None
    cover = len("".join(squash(line.plain) for line in view.cover.lines() if line is not own))
    for caption in captions(view):
        text = squash(caption.plain)
        at = stream.find(text, 0 if caption is own else cover)
        assert at >= 0, caption.plain
        stream = stream[:at] + stream[at + len(text) :]
    assert differences(stream, groups(outputs["view"], floats=True)) == []


def test_the_docx_prints_the_views_words_in_its_order(outputs) -> None:
    assert differences(docx_stream(outputs["docx"]), groups(outputs["view"])) == []


def test_libreoffice_reads_the_views_words_in_its_order(outputs) -> None:
    stream = libreoffice_stream(outputs["docx"], outputs["folder"])
    assert differences(stream, groups(outputs["view"], footers=False, frames=False)) == []


def test_the_web_page_prints_the_views_words_in_its_order(outputs) -> None:
    page = outputs["html"] / PAGE
    assert differences(web_stream(page), web_groups(outputs["view"], outputs["html"])) == []


def test_the_editions_hold_every_section_kind() -> None:
    from dossier.view import SECTION_KINDS

    kinds = {s.kind for folder in EDITIONS for s in load_edition(folder).sections}
    assert kinds == set(SECTION_KINDS)
