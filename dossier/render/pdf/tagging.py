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

Line ends. WeasyPrint draws each line of a paragraph as texts of its own and drops the space it
broke the line at: a screen reader, a reflow or a copy reads « innovationpublique » (ISO
32000-1, 14.8.2.5: the space between two words must be there). And a word hyphenated at a
line's end is drawn with its hyphen, a hard U+2010 in the text it maps: « ré- invention » is
read for « réinvention ». While the lines are made, the hooks note on the last text of a line
how the line ends: at a space it dropped (`split_text_box` breaking there,
`remove_last_whitespace` stripping it, or the next line starting after it), or at a hyphen it
added. When that text is drawn, a line that ended at a space has its space drawn after its
last word (a blank glyph past the line's end: nothing shows, and the line's width, its
underline and its alignment are those WeasyPrint measured); a hyphenated one's hyphen, its last
glyph, is put in a marked content of its own with /ActualText U+00AD, the soft hyphen that ISO
32000-1 (14.8.2.2.3) asks for: the word is read whole, and the line's other words are read,
selected and found as their glyphs say.

Lists. An `<ol>` with `data-list-numbering` (Decimal for « 1. », the number printed as the
item's text) gives its L that /ListNumbering (ISO 32000-1, table 347): a reader says the list
is numbered.

Links. WeasyPrint makes a link annotation, and a Link element, for every box a link holds: the
`<a>` itself, its `::after` and the leader inside it. A contents entry was three nested links
with three annotations (three tab stops), its dot leader read as text. Before the pages are
written, `one_annotation_per_link` keeps, of each page's `page.links`, the boxes of the link's own
element (a public attribute: one per line the link runs over); a `::after` of a link is then a
Span inside it, and a leader is drawn as a /Layout artifact (its dots say nothing). And a link
(or a span) that runs over two lines is two boxes, two elements: they are made one, which owns
an annotation per line (ISO 32000-1, 14.8.4.4.2), so that a reader reads one link.

Why hooks rather than mending the written file with pikepdf: which boxes are margin boxes, which
the watermark, what a Figure's box is, is known only while WeasyPrint draws and tags; the written
file has lost it (a folio is text at some place), and rewriting its content streams and parent
tree would be a second, slower pass over every page. The hooks, and the internals each leans on:

- `weasyprint.draw.draw_stacking_context(stream, stacking_context)`, called once per margin box
  and per positioned or translucent box, recursively through the module: the hook wraps an
  artifact's drawing in its BDC … EMC and sets the stream's `_tags` (the marked-content
  register) to None meanwhile, so that WeasyPrint's `Stream.marked` and `Stream.artifact` write
  nothing inside it; Form XObjects made inside copy `_tags` from their stream.
- `weasyprint.layout.inline.split_text_box(context, box, available_width, skip, is_line_start)`,
  `remove_last_whitespace(context, line)` and `get_next_linebox(context, linebox, …,
  skip_stack, …)`, called by their module's names while lines are made: the hooks note how a
  line ends on its last TextBox (`LINE_END`): broken at a space of a text, a space stripped
  at its end, or spaces `skip_first_whitespace` skips at the next line's start.
- `weasyprint.draw.draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)`, called
  by draw_inline_level inside the TextBox's `stream.marked(...)`: the hook draws the dropped
  space (the text of the box's `pango_layout`, which `reactivate()` lays out again, has it for
  the time of the drawing) or splits the TJ array WeasyPrint wrote last (`Stream.show_text`:
  `[<glyphs>kerning…] TJ`, appended to `stream.stream`) before its last glyph. A text of
  spaces alone between two inline elements (`<a>…</a><span> </span>`) is never drawn by
  `draw_first_line`, which skips a blank `textbox.text`: the same glue; the hook draws its
  space.
- `weasyprint.draw.draw_inline_level(stream, page, box, …)`, called for every inline box,
  recursively through the module: the hook draws a leader box (`box.is_leader`) inside
  `/Artifact <</Type /Layout>> BDC … EMC` with the stream's `_tags` set to None meanwhile.
- `weasyprint.pdf.tags._build_box_tree(box, parent, pdf, page_number, nums, annotations, tags)`,
  a generator called once per box, recursively through the module, the elements it makes for a
  box yielded by that box's call: the hook yields nothing for an artifact's box (its text was
  never registered), gives languages and list numberings, converts a Figure's /BBox, and makes
  the figure wrapper; it yields nothing for a leader, makes a link's `::after` (tagged Link
  by its element tag, `a::after`) a Span, and notes which HTML element each Link and Span is
  made for. `add_tags` (hooked for the page references) then makes one of two such elements
  that stand side by side in their parent, on one page, for one HTML element: the second's
  content, annotations and MCIDs (in the /ParentTree) go to the first.

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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.anchors
import weasyprint.pdf
from weasyprint import draw
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as pdf_stream
from weasyprint.pdf import tags
from weasyprint.text import line_break

HOOKED = "weasyprint.pdf.tags._build_box_tree"
PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
DRAW_HOOKED = "weasyprint.draw.draw_stacking_context"
DRAW_PARAMETERS = ("stream", "stacking_context")
_original = tags._build_box_tree
_original_draw = draw.draw_stacking_context

# CSS pixels to points: WeasyPrint draws at zoom 1 (write_pdf's default, which dossier keeps).
_POINTS_PER_PIXEL = 0.75
SUBTYPES = ("Header", "Footer", "Watermark")
LAYOUT = "Layout"  # data-artifact="Layout": a decoration (an arrow), drawn as /Type /Layout
# ISO 32000-1, table 347: how a list's items are numbered (« 1. » is Decimal)
LIST_NUMBERINGS = ("Decimal", "UpperRoman", "LowerRoman", "UpperAlpha", "LowerAlpha")

# generate_pdf calls add_tags by the name weasyprint.pdf imported it under: that name is hooked.
PAGES_HOOKED = "weasyprint.pdf.add_tags"
PAGES_PARAMETERS = ("pdf", "document", "pdf_version", "page_streams")
_original_add_tags = tags.add_tags
_page_references = getattr(inspect.getattr_static(pydyf.PDF, "page_references", None), "fget", None)
_CACHE = "_dossier_page_references"  # on the PDF, for the time of add_tags only


# --- Line ends ------------------------------------------------------------------------------

LINE_END = "dossier_line_end"  # on a TextBox: "space", "hyphen" or None, how its line ends
SPLIT_HOOKED = "weasyprint.layout.inline.split_text_box"
SPLIT_PARAMETERS = ("context", "box", "available_width", "skip", "is_line_start")
STRIP_HOOKED = "weasyprint.layout.inline.remove_last_whitespace"
STRIP_PARAMETERS = ("context", "line")
LINE_HOOKED = "weasyprint.layout.inline.get_next_linebox"
LINE_PARAMETERS = (
    "context",
    "linebox",
    "position_y",
    "bottom_space",
    "skip_stack",
    "containing_block",
    "absolute_boxes",
    "fixed_boxes",
    "first_letter_style",
    "first_line_style",
)
_PREVIOUS = "dossier_previous_word"  # on a block's LineBox: the last text of its last line
TEXT_HOOKED = "weasyprint.draw.draw_text"
TEXT_PARAMETERS = ("stream", "textbox", "offset_x", "text_overflow", "block_ellipsis")
INLINE_HOOKED = "weasyprint.draw.draw_inline_level"
INLINE_PARAMETERS = ("stream", "page", "box", "offset_x", "text_overflow", "block_ellipsis")
BLOCK_HOOKED = "weasyprint.draw.draw_block_level"
BLOCK_PARAMETERS = ("page", "stream", "blocks_and_cells")
_original_split = inline.split_text_box
_original_strip = inline.remove_last_whitespace
_original_line = inline.get_next_linebox
_original_skip = inline.skip_first_whitespace
_original_text = draw.draw_text
_original_inline = draw.draw_inline_level
_original_block = draw.draw_block_level
SOFT_HYPHEN = "\u00ad"


def _split_noting_line_ends(
    context: Any, box: Any, available_width: Any, skip: Any, is_line_start: bool = True
) -> Any:
    new_box, resume, preserved = _original_split(
        context, box, available_width, skip, is_line_start=is_line_start
    )
    if new_box is not None:
        end = None
        if resume is not None and not preserved:
            source = box.text.encode()
            kept = new_box.text.encode()
            hyphen = (new_box.style["hyphenate_character"] or "").encode()
            first = source[skip or 0 : resume]
            if hyphen and kept.endswith(hyphen) and kept == first.rstrip(b"\xc2\xad") + hyphen:
                end = "hyphen"  # a hyphen WeasyPrint added: the source has none there
            elif first.startswith(kept) and first[len(kept) :] and not first[len(kept) :].strip():
                end = "space"  # the line was broken at a space, which it dropped
            elif kept == first and source[resume : resume + 1] == b" ":
                end = "space"
        setattr(new_box, LINE_END, end)  # never a copy's: a box is copied with its attributes
    return new_box, resume, preserved


def _last_texts(line: Any) -> list[Any]:
    """Return the TextBoxes of a line, in order (inline boxes walked into)."""
    found = []
    for child in getattr(line, "children", ()):
        if isinstance(child, boxes.TextBox):
            found.append(child)
        elif isinstance(child, boxes.InlineBox):
            found.extend(_last_texts(child))
    return found


def _strip_noting_line_ends(context: Any, line: Any) -> Any:
    texts = _last_texts(line)
    before = texts[-1].text if texts else None
    result = _original_strip(context, line)
    if texts and texts[-1].text != before:
        # the line's last space is dropped: its last word, wherever it is, is followed by one
        for text in reversed(texts):
            if text.text.strip():
                setattr(text, LINE_END, "space")
                break
    return result


def _line_noting_line_ends(
    context: Any, linebox: Any, position_y: Any, bottom_space: Any, skip_stack: Any, *rest: Any
) -> Any:
    previous = linebox.__dict__.get(_PREVIOUS)
    if skip_stack is not None and previous is not None:
        skipped = _original_skip(linebox, skip_stack)
        if _after_space(linebox, skip_stack) or skipped not in (skip_stack, "continue"):
            # the line starts after a space it skips or the break took (« <b>name</b>
            # (detail) » broken before « (detail) »): the previous line's last word is
            # followed by one
            setattr(previous, LINE_END, "space")
    line, resume_at = _original_line(context, linebox, position_y, bottom_space, skip_stack, *rest)
    if line is not None:
        words = [text for text in _last_texts(line) if text.text.strip()]
        linebox.__dict__[_PREVIOUS] = words[-1] if words else None
    return line, resume_at


def _after_space(box: Any, skip_stack: Any) -> bool:
    """Tell whether a line resumes in a text just after a collapsible space."""
    while isinstance(skip_stack, dict) and len(skip_stack) == 1:
        ((index, skip_stack),) = skip_stack.items()
        if isinstance(box, boxes.TextBox):
            collapsible = box.style["white_space"] in ("normal", "nowrap", "pre-line")
            return collapsible and index > 0 and box.text.encode()[index - 1 : index] == b" "
        children = getattr(box, "children", ())
        if not isinstance(index, int) or index >= len(children):
            return False
        box = children[index]
    return False


def _draw_text_with_line_end(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    end = getattr(textbox, LINE_END, None)
    tagged = getattr(stream, "_tags", None) is not None and textbox in stream._tags
    text = textbox.text
    if not tagged or (end is None and (not text or text.strip(" "))):
        return _original_text(stream, textbox, *args, **kwargs)
    if end == "hyphen":
        start = len(stream.stream)
        result = _original_text(stream, textbox, *args, **kwargs)
        if len(textbox.style["hyphenate_character"]) == 1:
            _soft_hyphen(stream, start)
        return result
    layout = textbox.pango_layout
    laid = layout.text
    if end == "space" and not laid.endswith(" "):
        layout.text = laid + " "  # reactivate() lays out this text: the space is drawn, last
    elif end is None:
        # a text of spaces alone, between two inline elements: WeasyPrint draws none of it
        # (draw_first_line skips a blank text); its layout's one space is drawn
        textbox.text = "\u200b" + text  # not blank to str.strip(), for the time of the drawing
    try:
        return _original_text(stream, textbox, *args, **kwargs)
    finally:
        layout.text, textbox.text = laid, text


# the last glyph of a TJ array as WeasyPrint writes it (two-byte codes, kerning after each)
_LAST_GLYPH = re.compile(rb"<([0-9a-f]*?)([0-9a-f]{4})>(-?[0-9.]*)$")


def _soft_hyphen(stream: Any, start: int) -> bool:
    """Mark the last glyph drawn since start, a line's hyphen, as read U+00AD (/ActualText)."""
    items = stream.stream
    for index in range(len(items) - 1, start - 1, -1):
        item = items[index]
        if isinstance(item, bytes) and item.startswith(b"[") and item.endswith(b"] TJ"):
            break
    else:
        return False
    found = _LAST_GLYPH.search(item[1:-4])
    if found is None:
        return False
    head = item[1 : 1 + found.start()] + (b"<" + found.group(1) + b">" if found.group(1) else b"")
    hyphen = b"<" + found.group(2) + b">" + found.group(3)
    actual = pydyf.Dictionary({"ActualText": pydyf.String(SOFT_HYPHEN)})
    items[index : index + 1] = [
        *([b"[" + head + b"] TJ"] if head else []),
        b"/Span",
        actual,
        b"BDC",
        b"[" + hyphen + b"] TJ",
        b"EMC",
    ]
    return True


def text_hooks_problems() -> list[str]:
    """Say what of WeasyPrint's internals the line-end hooks lean on has changed."""
    problems = []
    for name, function, expected in (
        (SPLIT_HOOKED, _original_split, SPLIT_PARAMETERS),
        (STRIP_HOOKED, _original_strip, STRIP_PARAMETERS),
        (LINE_HOOKED, _original_line, LINE_PARAMETERS),
        (TEXT_HOOKED, _original_text, TEXT_PARAMETERS),
        (INLINE_HOOKED, _original_inline, INLINE_PARAMETERS),
        (BLOCK_HOOKED, _original_block, BLOCK_PARAMETERS),
    ):
        try:
            names = tuple(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            names = ()
        if names != expected:
            problems.append(f"{name} takes {names}, the hook expects {expected}")
    uses = (
        ("split_text_box", _names_used(inline.split_inline_level), "split_inline_level"),
        ("remove_last_whitespace", _names_used(_original_line), "get_next_linebox"),
        ("skip_first_whitespace", _names_used(_original_line), "get_next_linebox"),
        ("get_next_linebox", _names_used(inline.iter_line_boxes), "iter_line_boxes"),
        ("draw_text", _names_used(_original_inline), "draw_inline_level"),
        ("draw_inline_level", _names_used(_original_block), "draw_block_level"),
        ("draw_block_level", _names_used(_original_block), "draw_block_level"),
    )
    for used, names, caller in uses:
        if used not in names:
            problems.append(f"{caller} no longer calls {used} by that name")
    try:
        layout = inspect.getsource(line_break.Layout.reactivate)
        first_line = inspect.getsource(line_break.first_line_metrics)
    except (TypeError, ValueError, OSError):
        return [*problems, "the sources of WeasyPrint's text layout cannot be read"]
    if "self.set_text(self.text" not in layout:
        problems.append("Layout.reactivate() no longer lays out its text again")
    if "rstrip(' ')" not in first_line:
        problems.append("first_line_metrics no longer drops a line's last spaces")
    return problems


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
            return kind if kind in (*SUBTYPES, LAYOUT) else ""
    return None


def _as_artifact(stream: Any, stacking_context: Any) -> None:
    kind = artifact_kind(stacking_context.box)
    if kind is None or getattr(stream, "_tags", None) is None:
        _original_draw(stream, stacking_context)
        return
    if kind == LAYOUT:  # a mark of the layout, not of the text: the arrow of a link line
        properties = pydyf.Dictionary({"Type": "/Layout"})
    else:
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
    if draw.draw_inline_level is _leader_as_artifact and getattr(box, "is_leader", False):
        return  # a leader's dots, drawn as an artifact: no element, no MCID
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
        numbering = element.get("data-list-numbering") if element is not None else None
        if made["S"] == "/L" and numbering in LIST_NUMBERINGS and box.element_tag == "ol":
            made["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": f"/{numbering}"})
        if figure and made["S"] == "/NonStruct":
            kids = made["K"]
            if anonymous and len(kids) == 1 and not isinstance(kids[0], int):
                kid = _resolved(pdf, kids[0])
                if kid.get("S") == "/Figure":  # the image's line, its only content: the Figure
                    kid["P"] = parent.reference
                    made = kid
            elif not anonymous:
                made["S"] = "/Div"  # the figure: its Figure (or quote) and Caption, together
        tag = getattr(box, "element_tag", None) or ""
        if made["S"] == "/Link" and "::" in tag and getattr(box, "link_annotation", None) is None:
            made["S"] = "/Span"  # a link's ::after, its page number: a part of the link
        if made["S"] in ("/Link", "/Span") and element is not None:
            _FRAGMENTS[id(made)] = (made, element, tag)
        yield made


# What each Link and Span element was made for, (the element, its HTML element, its element
# tag), by id(), from a write's tree to its finisher: join_fragments makes one of two fragments.
_FRAGMENTS: dict[int, tuple[Any, Any, str]] = {}


def _made_for(made: Any) -> tuple[Any, str] | None:
    found = _FRAGMENTS.get(id(made))
    return found[1:] if found is not None and found[0] is made else None


def forget_fragments() -> None:
    """Forget what the last tree's elements were made for (before a write, and after)."""
    _FRAGMENTS.clear()


def join_fragments(pdf: Any) -> None:
    """Make one of the Link (or Span) elements that one HTML element broke into, side by side.

    A link over two lines is two boxes, each an element with its annotation: read as two links.
    The second's kids (its MCIDs, its annotations' /OBJR, its elements) go to the first, on one
    page only (a kid MCID belongs to its element's /Pg); the /ParentTree follows, and the
    second's object is left empty.
    """
    root = pdf.catalog.get("StructTreeRoot")
    if root is None or not _FRAGMENTS:
        return
    root = _resolved(pdf, root)
    joined: dict[bytes, Any] = {}  # the reference of an element made one with another: that one
    elements = [_resolved(pdf, reference) for reference in root["K"]]
    while elements:
        element = elements.pop()
        kept: list[Any] = []
        previous = None
        for kid in element["K"]:
            made = None if isinstance(kid, int) else _resolved(pdf, kid)
            if made is None or made.get("Type") != "/StructElem":
                kept.append(kid)
                previous = None
                continue
            key = _made_for(made)
            if (
                previous is not None
                and key is not None
                and _made_for(previous[1]) == key
                and made["S"] == previous[1]["S"]
                and made["Pg"] == previous[1]["Pg"]
            ):
                first_reference, first = previous
                for grandkid in made["K"]:
                    if not isinstance(grandkid, int):
                        inner = _resolved(pdf, grandkid)
                        if inner.get("Type") == "/StructElem":
                            inner["P"] = first_reference
                    first["K"].append(grandkid)
                joined[bytes(kid)] = first_reference
                made.clear()  # an empty dictionary nothing refers to: pydyf cannot free an
                continue  # object it compresses (its object stream's index would slip)
            kept.append(kid)
            previous = (kid, made)
        element["K"] = pydyf.Array(kept)
        elements.extend(made for _, made in _kids(pdf, element))
    if joined:
        numbers = _resolved(pdf, root["ParentTree"])["Nums"]
        for index in range(1, len(numbers), 2):
            value = numbers[index]
            if isinstance(value, pydyf.Array):
                numbers[index] = pydyf.Array(joined.get(bytes(v), v) for v in value)
            else:
                numbers[index] = joined.get(bytes(value), value)


def _kids(pdf: Any, element: Any) -> Iterator[tuple[Any, Any]]:
    """Yield the structure elements among an element's kids, with their references."""
    for kid in element["K"]:
        if not isinstance(kid, int):
            made = _resolved(pdf, kid)
            if made.get("Type") == "/StructElem":
                yield kid, made


def _leader_as_artifact(stream: Any, page: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
    if not getattr(box, "is_leader", False) or getattr(stream, "_tags", None) is None:
        return _original_inline(stream, page, box, *args, **kwargs)
    stream.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Layout"}))
    register, stream._tags = stream._tags, None  # the dots are not text a reader reads
    try:
        return _original_inline(stream, page, box, *args, **kwargs)
    finally:
        stream._tags = register
        stream.end_marked_content()


def one_annotation_per_link(pages: Any) -> None:
    """Keep, of each page's links, those of a link's own element: one annotation per line.

    WeasyPrint lists every box inside a link too (its ::after, a leader), each its own
    annotation over the same words. Nothing is done where install() left the link hooks out
    (the internals changed): it judged so once, reading WeasyPrint's sources.
    """
    if draw.draw_inline_level is not _leader_as_artifact:
        return
    for page in pages:
        page.links[:] = [link for link in page.links if getattr(link[3], "link", None)]


def link_hooks_problems() -> list[str]:
    """Say what of WeasyPrint's internals the link hooks lean on has changed."""
    problems = []
    if not isinstance(getattr(boxes.Box, "is_leader", None), bool):
        problems.append("weasyprint's boxes no longer say is_leader")
    if not isinstance(inspect.getattr_static(boxes.Box, "link", 0), type(None)):
        problems.append("weasyprint's boxes no longer have a link of their own (None by default)")
    try:
        gather = inspect.getsource(weasyprint.anchors.gather_anchors)
    except (TypeError, ValueError, OSError, AttributeError):
        gather = ""
    if "box.link or parent_link" not in gather:
        problems.append("weasyprint.anchors.gather_anchors no longer gives a box its parent's link")
    if tags._get_pdf_tag("a::after") != "Link":
        problems.append("weasyprint.pdf.tags._get_pdf_tag no longer tags a link's ::after Link")
    if "link_annotation" not in _names_used(_original):
        problems.append(f"{HOOKED} no longer reads box.link_annotation")
    return problems


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
    if inline.split_text_box is _original_split and not text_hooks_problems():
        inline.split_text_box = _split_noting_line_ends
        inline.remove_last_whitespace = _strip_noting_line_ends
        inline.get_next_linebox = _line_noting_line_ends
        draw.draw_text = _draw_text_with_line_end
    if tags._build_box_tree is _original and hook_matches():
        if draw.draw_stacking_context is _original_draw and draw_hook_matches():
            draw.draw_stacking_context = _as_artifact
        if (
            draw.draw_inline_level is _original_inline
            and draw_hook_matches()
            and not link_hooks_problems()
        ):
            draw.draw_inline_level = _leader_as_artifact
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
