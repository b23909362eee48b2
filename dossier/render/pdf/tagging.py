"""What WeasyPrint's tagged PDF lacks, and what makes it slow, mended where it draws the pages
and builds the structure tree.

Languages. A phrase in another language (`<span lang="rcf">`) must carry /Lang on its structure
element (ISO 14289-1, 7.2): a screen reader then reads it with that language's rules.

Pagination artifacts. Running headers, footers, folios and the `--draft` watermark are not
content (ISO 14289-1, 7.8; ISO 32000-1, 14.8.2.2): each is drawn inside
`/Artifact <</Type /Pagination /Subtype /Header|/Footer|/Watermark>> BDC … EMC`, with no
structure element and no /ParentTree entry. WeasyPrint 70 instead tags a margin box's text as
content, under structure elements it never links to the tree, and draws the watermark (its
opacity makes it a Form XObject) with MCIDs that no /StructParents can reach. What is an
artifact: a page margin box (`@top-*` a header, `@bottom-*` a footer), and an element with
`data-artifact` (`Watermark`, `Header` or `Footer`; the draft mark of document.html.j2).

Figures. A Figure's /BBox is in default user space (ISO 32000-1, table 344: points from the
bottom left); WeasyPrint writes CSS pixels from the top left. An HTML `<figure>` holding an
image is a Div holding the Figure and its Caption, instead of a NonStruct that left the Caption
a sibling of everything around it (a `<figure>` of a quote: a Div holding the BlockQuote and its
attribution's Caption). The Caption is not put inside the Figure: a reader replaces a Figure and
all its children by its /Alt, and would never read the caption.

Why hooks rather than mending the written file with pikepdf: which boxes are margin boxes, which
the watermark, what a Figure's box is, is known only while WeasyPrint draws and tags; the written
file has lost it (a folio is text at some place), and rewriting its content streams and parent
tree would be a second, slower pass over every page. The hooks, and the internals each leans on:

- `weasyprint.draw.draw_stacking_context(stream, stacking_context)`, called once per margin box
  and per positioned or translucent box, recursively through the module: the hook wraps an
  artifact's drawing in its BDC … EMC and sets the stream's `_tags` (the marked-content
  register) to None meanwhile, so that WeasyPrint's `Stream.marked` and `Stream.artifact` write
  nothing inside it; Form XObjects made inside copy `_tags` from their stream.
- `weasyprint.pdf.tags._build_box_tree(box, parent, pdf, page_number, nums, annotations, tags)`,
  a generator called once per box, recursively through the module, the elements it makes for a
  box yielded by that box's call: the hook yields nothing for an artifact's box (its text was
  never registered), gives languages, converts a Figure's /BBox, and makes the figure wrapper.

tests/test_languages.py and tests/render/test_pdf_structure.py hold the hooks to WeasyPrint's
internals: they fail, naming the hook, when those change.

Page references. Every structure element WeasyPrint makes names its page with
`pdf.page_references[page_number]`, and pydyf's `PDF.page_references` is a property that builds
the tuple of every page's reference anew at each call. One call per text box times every page:
quadratic, seconds of a 539-page PDF's write. For the time of `weasyprint.pdf.add_tags`, the hook
lets the PDF compute the tuple once, and again only if a page is added; the PDF is the same,
byte for byte (benchmarks/NOTES-upstream.md tells the story for upstream). tests/render/
test_pdf.py holds that hook to the internals it leans on.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.pdf
from weasyprint import draw
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as pdf_stream
from weasyprint.pdf import tags

HOOKED = "weasyprint.pdf.tags._build_box_tree"
PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
DRAW_HOOKED = "weasyprint.draw.draw_stacking_context"
DRAW_PARAMETERS = ("stream", "stacking_context")
_original = tags._build_box_tree
_original_draw = draw.draw_stacking_context

# CSS pixels to points: WeasyPrint draws at zoom 1 (write_pdf's default, which dossier keeps).
_POINTS_PER_PIXEL = 0.75
SUBTYPES = ("Header", "Footer", "Watermark")

# generate_pdf calls add_tags by the name weasyprint.pdf imported it under: that name is hooked.
PAGES_HOOKED = "weasyprint.pdf.add_tags"
PAGES_PARAMETERS = ("pdf", "document", "pdf_version", "page_streams")
_original_add_tags = tags.add_tags
_page_references = getattr(inspect.getattr_static(pydyf.PDF, "page_references", None), "fget", None)
_CACHE = "_dossier_page_references"  # on the PDF, for the time of add_tags only


def artifact_kind(box: Any) -> str | None:
    """Return what pagination artifact a box is ("" for one without subtype), or None."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.MarginBox):
        keyword = box.at_keyword
        if keyword.startswith("@top-"):
            return "Header"
        if keyword.startswith("@bottom-"):
            return "Footer"
        return ""  # a box of the left or right margin: an artifact, of no subtype PDF 1.7 has
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
        kind = element.get("data-artifact")
        if kind is not None:
            return kind if kind in SUBTYPES else ""
    return None


def _as_artifact(stream: Any, stacking_context: Any) -> None:
    kind = artifact_kind(stacking_context.box)
    if kind is None or getattr(stream, "_tags", None) is None:
        _original_draw(stream, stacking_context)
        return
    properties = pydyf.Dictionary({"Type": "/Pagination"})
    if kind:
        properties["Subtype"] = f"/{kind}"
    stream.begin_marked_content("Artifact", properties)
    register, stream._tags = stream._tags, None  # nothing inside is tagged content
    try:
        _original_draw(stream, stacking_context)
    finally:
        stream._tags = register
        stream.end_marked_content()


class _Page:
    """The height, in CSS pixels, of the page whose tree is being built."""

    height = 0.0


def _user_space(bbox: Any) -> pydyf.Array:
    """Return a box from CSS pixels from the top left as points from the bottom left."""
    x1, y1, x2, y2 = (float(n) for n in bbox)
    scale, height = _POINTS_PER_PIXEL, _Page.height
    return pydyf.Array(
        (
            round(x1 * scale, 3),
            round((height - y2) * scale, 3),
            round(x2 * scale, 3),
            round((height - y1) * scale, 3),
        )
    )


def _is_figure(box: Any) -> bool:
    return getattr(box, "element", None) is not None and box.element_tag == "figure"


def _resolved(pdf: Any, reference: Any) -> Any:
    number = int(bytes(reference).split()[0])
    return pdf.objects[number]


def _with_tagging(
    box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, marks: Any
) -> Iterator[Any]:
    if draw.draw_stacking_context is _as_artifact and artifact_kind(box) is not None:
        return  # drawn as an artifact (_as_artifact): no element, no MCID
    if isinstance(box, boxes.PageBox):
        _Page.height = box.margin_height()
    element = getattr(box, "element", None)
    lang = None
    if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
        lang = element.get("lang")
    figure = _is_figure(box)
    anonymous = figure and isinstance(box.style, AnonymousStyle)  # e.g. the line of an image
    for made in _original(box, parent, pdf, page_number, nums, annotations, marks):
        if lang and "Lang" not in made:
            made["Lang"] = pydyf.String(lang)
        if made["S"] == "/Figure" and "A" in made and "BBox" in made["A"]:
            made["A"]["BBox"] = _user_space(made["A"]["BBox"])
        if figure and made["S"] == "/NonStruct":
            kids = made["K"]
            if anonymous and len(kids) == 1 and not isinstance(kids[0], int):
                kid = _resolved(pdf, kids[0])
                if kid.get("S") == "/Figure":  # the image's line, its only content: the Figure
                    kid["P"] = parent.reference
                    made = kid
            elif not anonymous:
                made["S"] = "/Div"  # the figure: its Figure (or quote) and Caption, together
        yield made


def hook_matches() -> bool:
    """Tell whether WeasyPrint's tree builder is still the one the hook was written for."""
    try:
        names = tuple(inspect.signature(_original).parameters)
    except (TypeError, ValueError):
        return False
    return names == PARAMETERS and inspect.isgeneratorfunction(_original)


class _PagesOnce(pydyf.PDF):
    """A pydyf PDF that builds the tuple of its pages' references once per count of pages."""

    @property
    def page_references(self) -> Any:
        kids = self.pages["Kids"]
        cached = self.__dict__.get(_CACHE)
        if cached is None or cached[0] is not kids or cached[1] != len(kids):
            cached = (kids, len(kids), pydyf.PDF.page_references.fget(self))
            self.__dict__[_CACHE] = cached
        return cached[2]


def _tags_with_pages_once(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> Any:
    if type(pdf) is not pydyf.PDF:  # someone else's PDF class: left as it is
        return _original_add_tags(pdf, document, pdf_version, page_streams)
    pdf.__class__ = _PagesOnce
    try:
        return _original_add_tags(pdf, document, pdf_version, page_streams)
    finally:
        pdf.__class__ = pydyf.PDF
        pdf.__dict__.pop(_CACHE, None)


def page_cache_problems() -> list[str]:
    """Say what of WeasyPrint's and pydyf's internals the page-references hook leans on has
    changed; nothing if all is as it was written for."""
    problems = []
    try:
        names = tuple(inspect.signature(_original_add_tags).parameters)
    except (TypeError, ValueError):
        names = ()
    if names != PAGES_PARAMETERS:
        problems.append(f"{PAGES_HOOKED} takes {names}, the hook expects {PAGES_PARAMETERS}")
    if "add_tags" not in _names_used(weasyprint.pdf.generate_pdf):
        problems.append("weasyprint.pdf.generate_pdf no longer calls add_tags by that name")
    if "page_references" not in _names_used(_original):
        problems.append(f"{HOOKED} no longer reads pdf.page_references")
    if _page_references is None:
        problems.append("pydyf.PDF.page_references is no longer a property")
    elif "__slots__" in vars(pydyf.PDF):
        problems.append("pydyf.PDF has __slots__: its class cannot be swapped for the hook's")
    else:
        pdf = pydyf.PDF()
        for _ in range(2):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        if _page_references(pdf) != (b"3 0 R", b"4 0 R"):
            problems.append("pydyf.PDF.page_references no longer gives b'N 0 R' per page")
    return problems


def _names_used(function: Any) -> tuple[str, ...]:
    """Return the global and attribute names a function's code reads."""
    code = getattr(function, "__code__", None)
    return code.co_names if code is not None else ()


def draw_hook_matches() -> bool:
    """Tell whether WeasyPrint's drawing is still the one the artifact hook was written for."""
    try:
        names = tuple(inspect.signature(_original_draw).parameters)
        stream = pdf_stream.Stream.__init__
        takes_tags = "tags" in inspect.signature(stream).parameters
        marked = inspect.getsource(pdf_stream.Stream.marked)
        artifact = inspect.getsource(pdf_stream.Stream.artifact)
        clone = inspect.getsource(pdf_stream.Stream.clone)
    except (TypeError, ValueError, OSError):
        return False
    return (
        names == DRAW_PARAMETERS
        and takes_tags
        and "self._tags is not None" in marked
        and "self._tags is not None" in artifact
        and "kwargs['tags'] = self._tags" in clone
    )


def install() -> None:
    """Put the hooks in place once; leave WeasyPrint alone where its internals changed."""
    if tags._build_box_tree is _original and hook_matches():
        if draw.draw_stacking_context is _original_draw and draw_hook_matches():
            draw.draw_stacking_context = _as_artifact
        tags._build_box_tree = _with_tagging
    if weasyprint.pdf.add_tags is _original_add_tags and not page_cache_problems():
        weasyprint.pdf.add_tags = _tags_with_pages_once


def uninstall_page_cache() -> None:
    """Put back WeasyPrint's own add_tags: for the benchmark and the test that compare."""
    if weasyprint.pdf.add_tags is _tags_with_pages_once:
        weasyprint.pdf.add_tags = _original_add_tags


@contextmanager
def without_page_cache() -> Iterator[None]:
    """Write PDFs with WeasyPrint's own add_tags for the time of the block."""
    hooked = weasyprint.pdf.add_tags is _tags_with_pages_once
    uninstall_page_cache()
    try:
        yield
    finally:
        if hooked:
            weasyprint.pdf.add_tags = _tags_with_pages_once
