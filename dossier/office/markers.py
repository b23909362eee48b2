"""The markers part: what each paragraph of a DOCX printed, kept in the DOCX itself.

The DOCX writer records, for every paragraph it writes that prints text, the pieces it printed
in order: a field's text (its path, its line in edition.yaml, the kind of value the model says
it is) or a word of the program (a label, a separator), with page numbers as slots. The part
goes into the package as a custom XML part, which Word and LibreOffice keep when they save a
DOCX; a paragraph that prints a field also starts with an empty bookmark (a marker) naming its
entry. The review reads the part back: it is the text of the document as it was built, the
second witness of a three-way merge. Nothing here knows a press kit: paths are strings.

Version 2 lists every paragraph with text, in the order a reader meets them (the body, then the
cover's footer); version 1 listed only the paragraphs that print a field, and is still read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

MARKERS_NAMESPACE = "urn:dossier:docx-markers:1"
MARKER_PREFIX = "_d"  # a leading _ hides the bookmark from Word's list; 40 characters at most
_COPY = re.compile(r"(.+?)(?: Copy |_Copy_)\d+")


def marker_name(name: str) -> str:
    """Return the marker a bookmark stands for: LibreOffice names its copies of a bookmark
    « _d3 Copy 1 » (kept in deleted text) and, saved as DOCX, « _d3_Copy_1 » (moved into a
    frame: the cover's publisher)."""
    found = _COPY.fullmatch(name)
    return found.group(1) if found else name


MARKERS_VERSION = "2"
READ_VERSIONS = ("1", "2")
PAGE = "\x00"  # where a page number stands in a piece's text: computed by the word processor


@dataclass(frozen=True)
class Printed:
    """One piece of what a paragraph printed: a field's text, or a word of the program.

    text holds PAGE where a page number stands; `plain` leaves it out.
    """

    path: str | None  # None: a word of the program (a label, a separator)
    line: int | None
    text: str
    kind: str = ""  # what the model says the field is (model.FieldKind's name), "" if unknown

    @property
    def plain(self) -> str:
        """Return the text without its page numbers."""
        return self.text.replace(PAGE, "")


@dataclass(frozen=True)
class Built:
    """One paragraph as it was built: its Word style, its marker if any, its pieces."""

    style: str
    pieces: tuple[Printed, ...]
    name: str = ""  # the marker's bookmark name, "" for a paragraph without one
    story: str = "body"  # or "footer": the cover's footer

    @property
    def plain(self) -> str:
        """Return the paragraph's text without its page numbers."""
        return "".join(piece.plain for piece in self.pieces)

    @property
    def fields(self) -> tuple[Printed, ...]:
        """Return the pieces that print a field."""
        return tuple(piece for piece in self.pieces if piece.path is not None)


@dataclass(frozen=True)
class Markers:
    """The markers part of a DOCX: the edition, the source's digest, each paragraph built."""

    slug: str
    digest: str
    version: str
    paragraphs: tuple[Built, ...]

    @property
    def named(self) -> dict[str, Built]:
        """Return the paragraphs that have a marker, by its name."""
        return {p.name: p for p in self.paragraphs if p.name}


class DamagedMarkers(ValueError):
    """The markers part is dossier's, but its content was changed: each problem, in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def write_markers(slug: str, digest: str, paragraphs: list[Built]) -> bytes:
    """Return the markers part for the paragraphs of a document, in reading order."""
    entries = []
    for paragraph in paragraphs:
        name = f" name={quoteattr(paragraph.name)}" if paragraph.name else ""
        pieces = "".join(_piece_xml(piece) for piece in paragraph.pieces)
        story = f" story={quoteattr(paragraph.story)}" if paragraph.story != "body" else ""
        entries.append(f"<p{name} style={quoteattr(paragraph.style)}{story}>{pieces}</p>")
    head = (
        f'<markers xmlns="{MARKERS_NAMESPACE}" version="{MARKERS_VERSION}" '
        f"slug={quoteattr(slug)} source-sha256={quoteattr(digest)}>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + head
        + "".join(entries)
        + "</markers>"
    ).encode()


def _piece_xml(piece: Printed) -> str:
    content = "<page/>".join(escape(part) for part in piece.text.split(PAGE))
    if piece.path is None:
        return f"<w>{content}</w>"
    line = f' line="{piece.line}"' if piece.line is not None else ""
    kind = f" kind={quoteattr(piece.kind)}" if piece.kind else ""
    return f"<f path={quoteattr(piece.path)}{line}{kind}>{content}</f>"


def read_markers(blob: bytes, is_path: object = None) -> Markers | None:
    """Read a custom XML part; None when it is not dossier's markers part.

    is_path, when given, tells whether a field path is one an edition can have. Raises
    DamagedMarkers when the part is dossier's but what it holds is not what dossier writes.
    """
    try:
        root = ET.fromstring(blob)
    except ET.ParseError as error:
        if MARKERS_NAMESPACE.encode() in blob:  # dossier's, broken by hand
            raise DamagedMarkers([f"XML illisible, ligne {error.position[0]}"]) from None
        return None
    namespace = f"{{{MARKERS_NAMESPACE}}}"
    if root.tag != f"{namespace}markers":
        return None
    problems: list[str] = []
    version = root.get("version") or ""
    if version not in READ_VERSIONS:
        problems.append(
            f"version « {version} » des repères, que cette version de dossier ne lit pas"
        )
    if not root.get("slug"):
        problems.append("le slug de l'édition manque")
    paragraphs: list[Built] = []
    names: set[str] = set()
    for entry in root:
        name = entry.get("name") or ""
        if entry.tag != f"{namespace}p" or (
            (name or version == "1") and not name.startswith(MARKER_PREFIX)
        ):
            problems.append(f"élément inattendu « {_local(entry.tag)} » {name}".rstrip())
            continue
        if name and name in names:
            problems.append(f"{name} : repère en double")
        names.add(name)
        pieces = []
        for piece in entry:
            found = _piece(piece, namespace, f"{name or 'paragraphe'} : ", is_path)
            if isinstance(found, str):
                problems.append(found)
            else:
                pieces.append(found)
        story = entry.get("story") or "body"
        if story not in ("body", "footer"):
            problems.append(f"{name or 'paragraphe'} : partie « {story} » inconnue")
        paragraphs.append(Built(entry.get("style") or "", tuple(pieces), name, story))
    if problems:
        raise DamagedMarkers(problems)
    return Markers(
        root.get("slug") or "", root.get("source-sha256") or "", version, tuple(paragraphs)
    )


def _piece(piece: ET.Element, namespace: str, where: str, is_path: object) -> Printed | str:
    """Read one printed piece of a paragraph, or say what is wrong with it."""
    kind = _local(piece.tag)
    if piece.tag not in (f"{namespace}f", f"{namespace}w"):
        return f"{where}élément inattendu « {kind} »"
    if any(child.tag != f"{namespace}page" for child in piece):
        return f"{where}élément inattendu dans « {kind} »"
    text = (piece.text or "") + "".join(PAGE + (page.tail or "") for page in piece)
    if kind == "w":
        return Printed(None, None, text)
    written = piece.get("path") or ""
    if not written or (callable(is_path) and not is_path(written)):
        return f"{where}" + (f"champ « {written} » illisible" if written else "champ vide")
    line = piece.get("line")
    if line is not None and not (line.isascii() and line.isdigit() and int(line) > 0):
        shown = f"ligne « {line} »" if line else "ligne vide"
        return f"{where}{written} : {shown}, qui n'est pas un numéro de ligne"
    return Printed(written, int(line) if line is not None else None, text, piece.get("kind") or "")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
