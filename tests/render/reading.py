"""The tagged PDF read against the view, as an auditor reads it with a screen reader.

tests/render/structure.py reads the file; this compares what it reads with the words the view
printed (`dossier.view`): words glued at a line's end, a hyphenated word read as two, links and
what describes them, lists, the interview, the pull quote, the arrows, the document's title.

`python3 -m tests.render.reading EDITION FILE.pdf [--draft]` prints the counts for one PDF.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from tests.render.structure import Element, Structure, read_structure

HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
SOFT_HYPHEN = "\u00ad"
ARROWS = "→"
# What a description made of an anchor looks like: « quatre-laboratoires », « #edito »
RAW_ID = re.compile(r"^#?[a-z0-9]+(?:[-_][a-z0-9]+)*$")
LEADER = re.compile(r"^[\s.]*\.[\s.]*$")


def _tokens(text: str) -> list[str]:
    return text.replace(SOFT_HYPHEN, "").split()


@dataclass
class Source:
    """The words the view prints, one line after another."""

    words: set[str]
    glued: set[str]  # two to four words of a line run together

    @classmethod
    def of(cls, view: Any) -> Source:
        words: set[str] = set()
        glued: set[str] = set()
        lines = [line.plain for line in view.lines()]
        lines += [line.plain for _, line in view.headings()]
        for line in lines:
            tokens = _tokens(line)
            words.update(tokens)
            for size in (2, 3, 4):
                for i in range(len(tokens) - size + 1):
                    glued.add("".join(tokens[i : i + size]))
        return cls(words, glued - words)


def glued_words(structure: Structure, source: Source) -> list[tuple[int | None, str]]:
    """Return the words read glued, each with its page: two words of the view with no space
    between them, which no word of the view is."""
    return [
        (block.element.page, token)
        for block in structure.blocks()
        for token in _tokens(block.text)
        if token not in source.words and token in source.glued
    ]


def split_words(structure: Structure, source: Source) -> list[tuple[int | None, str]]:
    """Return the words read with a hyphen WeasyPrint added at a line's end (U+2010): the
    hyphen taken out, a word of the view (or words of it)."""
    found = []
    for block in structure.blocks():
        for token in _tokens(block.text):
            if HYPHEN in token and token not in source.words:
                whole = token.replace(HYPHEN, "")
                if whole in source.words or whole in source.glued:
                    found.append((block.element.page, token))
    return found


def _ancestors(element: Element) -> list[Element]:
    found = []
    parent = element.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def nested_links(structure: Structure) -> list[Element]:
    """Return the Link elements inside another Link."""
    return [
        e
        for e in structure.elements
        if e.tag == "Link" and any(a.tag == "Link" for a in _ancestors(e))
    ]


def contents_entries(structure: Structure, view: Any) -> list[Element]:
    """Return the contents' list items, found by the contents' title."""
    title = " ".join(view.contents.title.plain.split())
    texts = structure.texts()
    for element in structure.elements:
        if element.tag == "L":
            heading = [
                k for k in (element.parent.kids if element.parent else []) if k.tag.startswith("H")
            ]
            if heading and " ".join(structure.text_of(heading[0], texts).split()) == title:
                return [k for k in element.kids if k.tag == "LI"]
    return []


def links_in(element: Element) -> list[Element]:
    """Return the Link elements an element holds, itself included."""
    found = [element] if element.tag == "Link" else []
    for kid in element.kids:
        found += links_in(kid)
    return found


def raw_descriptions(structure: Structure) -> list[str]:
    """Return the links' descriptions that are no words: empty, or the anchor it leads to
    (« quatre-laboratoires », WeasyPrint's own description of an internal link)."""
    return [
        a.contents or ""
        for a in structure.annotations()
        if a.subtype == "Link"
        and (
            not (a.contents or "").strip()
            or (RAW_ID.match(a.contents or "") and (a.contents or "").lstrip("#") == a.target)
        )
    ]


def _pieces(element: Element) -> list[tuple[int | None, int]]:
    """Return the marked-content pieces (page, MCID) an element and its kids hold."""
    found = list(element.mcids)
    for kid in element.kids:
        found += _pieces(kid)
    return found


def leaders_read(structure: Structure, entries: list[Element]) -> int:
    """Return how many tagged pieces of the contents read as dots alone (a leader)."""
    texts = structure.texts()
    return sum(
        1 for entry in entries for piece in _pieces(entry) if LEADER.match(texts.get(piece, ""))
    )


def page_links(structure: Structure, anchors: set[str]) -> list[tuple[Element, list[str]]]:
    """Return each Link element that leads to one of anchors (a contents entry, « voir p. »),
    with the descriptions of its annotations."""
    return [
        (e, [a.contents or "" for a in e.annotations])
        for e in structure.elements
        if e.tag == "Link" and e.annotations and all(a.target in anchors for a in e.annotations)
    ]


def numbered_lists_unnumbered(structure: Structure) -> int:
    """Return the lists whose items read « 1. … » without /ListNumbering on their L."""
    texts = structure.texts()
    count = 0
    for element in structure.elements:
        if element.tag != "L" or element.attributes.get("ListNumbering", "None") != "None":
            continue
        items = [k for k in element.kids if k.tag == "LI"]
        if items and re.match(r"^\s*1\.\s", structure.text_of(items[0], texts)):
            count += 1
    return count


def questions_as_items(structure: Structure, view: Any) -> int:
    """Return the interview's questions read as items of a list."""
    questions = {
        " ".join(item.question.plain.split())
        for section in view.sections
        for item in getattr(section, "questions", ())
    }
    texts = structure.texts()
    return sum(
        1
        for e in structure.elements
        if e.tag == "LI" and " ".join(structure.text_of(e, texts).split()) in questions
    )


def pull_quotes_read(structure: Structure, view: Any) -> dict[str, int]:
    """Return how many times each édito's pull quote is read, by its text."""
    found = {}
    blocks = [" ".join(b.text.split()) for b in structure.blocks()]
    for section in view.sections:
        quote = getattr(section, "quote", None)
        if section.kind == "edito" and quote:
            text = " ".join(quote.plain.split())
            found[text] = sum(block.count(text) for block in blocks)
    return found


def arrows_read(structure: Structure) -> int:
    """Return the arrows read as text."""
    return sum(text.count(ARROWS) for text in structure.texts().values())


def title_of(path: Path) -> str:
    """Return the PDF's /Title."""
    with pikepdf.open(path) as pdf:
        return str(pdf.docinfo.get("/Title", ""))


def report(folder: Path, path: Path, draft: bool = False) -> dict[str, Any]:
    """Return every count for one PDF of an edition."""
    from dossier.load import load_edition
    from dossier.view import prepare

    view = prepare(load_edition(folder), folder, draft)
    structure = read_structure(path)
    source = Source.of(view)
    entries = contents_entries(structure, view)
    return {
        "glued": len(glued_words(structure, source)),
        "hyphen_split": len(split_words(structure, source)),
        "nested_links": len(nested_links(structure)),
        "contents_entries": len(entries),
        "contents_links": sum(len(links_in(e)) for e in entries),
        "contents_annotations": sum(len(k.annotations) for e in entries for k in links_in(e)),
        "raw_descriptions": len(raw_descriptions(structure)),
        "leaders_read": leaders_read(structure, entries),
        "numbered_without_listnumbering": numbered_lists_unnumbered(structure),
        "questions_as_items": questions_as_items(structure, view),
        "pull_quote_reads": sum(pull_quotes_read(structure, view).values()),
        "arrows_read": arrows_read(structure),
        "title": title_of(path),
    }


def main(arguments: list[str]) -> None:
    """Print the counts of one PDF: EDITION FILE.pdf [--draft]."""
    draft = "--draft" in arguments
    folder, path = (Path(a) for a in arguments if a != "--draft")
    counts = report(folder, path, draft)
    sys.stdout.write(f"{path} " + " ".join(f"{k}={v}" for k, v in counts.items()) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
