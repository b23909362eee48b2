"""A part laid out again from one of its pages on, the pages before it kept as they were.

A mend (rules.py) changes the style of a few elements; an edit in the watch mode changes a few
elements of a part. WeasyPrint lays a part out page by page, each page from where the one
before stopped (`context.page_maker`: where each page starts in the box tree, and the state of
the counters there). So a part whose HTML differs from an earlier layout's only from some
element on is laid out again from the page before the first one that holds it: the pages
before are the earlier layout's, the others are made from WeasyPrint's own record of where
that page starts, in the box tree of the new HTML.

That is sound because what comes before the first changed element, in document order, is the
same in both: the same elements with the same styles, so the same box tree up to there, and
the same pages before it. Where a page starts is kept as a path of child indices in the box
tree, which only boxes before the first change decide. The page before the first that holds a
change is laid out again too: where it breaks depends on the block that did not fit on it.
A change inside a table, a grid, a flex or multi-column box takes the whole box, which sizes
its columns from all it holds; one that rules like :last-child make restyle the siblings
before it takes its parent.

The layout stops, and keeps the earlier layout's last pages, at the first new page that ends
as the earlier one did: the same record of where the next page starts, through the same boxes,
after all the changed elements' subtrees, with no element added or removed, no fixed box
involved, the same running strings; and only if no rule of the stylesheets restyles what
follows a change (counters, + and ~, quotes: reaches()).

It leans on WeasyPrint's internals: `layout_document`, whose last steps are done here for the
new pages only, `make_all_pages` and `remake_page`, and the layout context. `problems()` names
what changed if they no longer read as they were written for (WeasyPrint 70); then a part is
laid out whole, as WeasyPrint does, and only slower. The tests hold a part laid out again from
a page to the same part laid out whole, byte for byte.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tinycss2  # type: ignore[import-untyped]
from weasyprint import DEFAULT_OPTIONS, HTML, Document
from weasyprint.css.counters import CounterStyle
from weasyprint.document import DocumentMetadata, Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.html import get_html_metadata
from weasyprint.layout import (
    initialize_page_maker,
    layout_backgrounds,
    layout_document,
    layout_fixed_boxes,
)
from weasyprint.layout.page import make_all_pages, make_margin_boxes, remake_page

HOOKED = "dossier.render.pdf.resume"
# The digest of each internal's source, as written for: any change sets resuming aside.
WRITTEN_FOR = {
    "layout_document": "a5cbf437e99caf72",
    "make_all_pages": "b5e4034894841caa",
    "remake_page": "1ff09b2dffa17839",
    "initialize_page_maker": "5bb3c878d722af53",
    "Document._render": "ebaceeb0fa8e79aa",
    "Document._build_layout_context": "2b072254ab89701b",
}
_INTERNALS: dict[str, Any] = {
    "layout_document": layout_document,
    "make_all_pages": make_all_pages,
    "remake_page": remake_page,
    "initialize_page_maker": initialize_page_maker,
    "Document._render": Document._render,
    "Document._build_layout_context": Document._build_layout_context,
}


def _digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


@dataclass
class Layout:
    """What one layout of a part keeps to be laid out again from a page."""

    root: Any  # the HTML's root element
    style_for: Any  # the elements' styles (not the layout context, nor the box tree: they go)
    page_sizes: dict[str, Any]  # the first page's sizes, which vw and vh units are of
    page_boxes: list[Any]
    page_maker: list[Any]
    order: dict[Any, int]  # each element of the body (of this layout and those it kept pages of),
    # by its place in document order
    starts: list[tuple[float, float]]  # where each page starts, at the earliest, the latest
    paths: list[tuple[Any, ...]]  # the boxes a page's start goes through (_path)
    clean: list[bool]  # whether a page starts with nothing carried over (a float, a footnote)
    strings: dict[str, dict[int, list[Any]]] = field(default_factory=dict)
    running: dict[str, dict[int, list[Any]]] = field(default_factory=dict)
    ends: list[int] = field(default_factory=list)  # by place: where its subtree ends
    elements: list[Any] = field(default_factory=list)  # its own, by place
    start: int = 0  # the first page this layout made: those before are an earlier one's
    tail: int = 0  # how many of its last pages are an earlier layout's


def problems() -> list[str]:
    """Say which of WeasyPrint's internals resuming leans on no longer read as written for."""
    found = []
    for name, function in _INTERNALS.items():
        try:
            digest = _digest(function)
        except (TypeError, OSError) as error:
            found.append(f"{name}: its source cannot be read ({error})")
            continue
        if digest != WRITTEN_FOR[name]:
            found.append(f"{name} changed (its source's digest is {digest})")
    return found


@functools.cache
def usable() -> bool:
    """Tell whether resuming fits the WeasyPrint installed."""
    return not problems()


def body_order(root: Any) -> dict[Any, int]:
    """Return each element of the body by its place in document order (pre-order)."""
    body = root.find("body")
    order: dict[Any, int] = {}
    if body is None:
        return order
    stack = [body]
    while stack:
        element = stack.pop()
        order[element] = len(order)
        stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    return order


def subtree_ends(order: dict[Any, int]) -> list[int]:
    """Return, by place, the place of the last element of each element's subtree."""
    ends = list(range(len(order)))
    for element, place in sorted(order.items(), key=lambda item: -item[1]):
        for child in element:
            if isinstance(child.tag, str) and child in order:
                ends[place] = max(ends[place], ends[order[child]])
    return ends


def _signature(root: Any) -> list[tuple[Any, ...]]:
    """Return the body as a sequence, in document order, of what makes each element."""
    body = root.find("body")
    found: list[tuple[Any, ...]] = []
    if body is None:
        return found
    stack = [(body, 0)]
    while stack:
        element, depth = stack.pop()
        attributes = tuple(sorted(element.attrib.items()))
        others = tuple(child.tail for child in element if not isinstance(child.tag, str))
        found.append((depth, element.tag, attributes, element.text, element.tail, others))
        children = [child for child in element if isinstance(child.tag, str)]
        stack.extend((child, depth + 1) for child in reversed(children))
    return found


def changes(old: Any, new: Any) -> tuple[int, int, int, int]:
    """Return where two bodies differ, in document order: the place of the first element that
    differs; the place, in the old body, of the last element of the last changed element's
    subtree (what follows is the same in both, and laid out with the same styles); and how many
    elements the new body has more (what follows stands that much further in it); and the
    place of the parent of the first element that differs (or that one was added to)."""
    before, after = _signature(old), _signature(new)
    shorter = min(len(before), len(after))
    first = next((i for i in range(shorter) if before[i] != after[i]), shorter)
    same = 0
    while same < shorter - first and before[-1 - same] == after[-1 - same]:
        same += 1
    last = max(first, len(before) - same - 1)
    ends = subtree_ends(body_order(old))
    differing = (
        after[first] if first < len(after) else before[first] if first < len(before) else None
    )
    parent = first
    if differing is not None:  # the nearest element before it, one level up
        depth = differing[0]
        parent = next((i for i in range(first - 1, -1, -1) if before[i][0] < depth), 0)
    return first, max(ends[first : last + 1], default=last), len(after) - len(before), parent


def render(
    html: HTML,
    stylesheets: list[Any],
    fonts: Any,
    images: dict[str, Any],
    earlier: tuple[Layout, list[Page], tuple[int, int, int, int]] | None = None,
    reach: tuple[bool, bool] = (True, True),
) -> tuple[Document, Layout]:
    """Lay out a document as `HTML.render` does, keeping what resuming needs.

    earlier: an earlier layout of a document that differs from this one only between two
    places in document order (changes()), with its pages. The pages before the one before the
    first that holds the first change are kept; so are the pages after the last change once a
    new page ends where the earlier one did. Without, or when that cannot hold, the document
    is laid out whole. reach: whether the stylesheets have rules through which an element's
    change restyles elements after it, or before it (reaches()).
    """
    options = DEFAULT_OPTIONS | {"stylesheets": stylesheets, "cache": images}
    context, root_box = _prepared(html, fonts, options)
    own = body_order(html.etree_element)  # each element's place, for all that follows
    start, base, last, shift = 0, None, 0, 0
    pages: list[Page] = []
    if earlier is not None and usable() and not context.footnotes:
        layout, pages, (first, last, shift, parent) = earlier
        forward, backward = reach
        if backward and shift:  # :last-child and the like: the siblings before restyled
            first = min(first, parent)
        first, last = _widened(layout, first, last)
        if forward:  # counters, + and ~: what follows restyled, never joined again
            last = len(layout.ends)
        found = _start(layout, first)
        if found is not None:
            start, base = found, layout
    made = _pages(html, context, root_box, own, start, base, last, shift)
    if made is None:  # WeasyPrint's own layout: the page count printed, a page laid out twice
        context, root_box = _prepared(html, fonts, options)
        boxes = list(layout_document(html, root_box, context))
        layout = _kept(html, root_box, context, own, boxes, None, 0, [False] * len(boxes), 0)
        return _document(html, fonts, [Page(box) for box in boxes]), layout
    boxes, clean, tail = made
    kept = base.page_boxes[:start] if base is not None else []
    after = base.page_boxes[len(base.page_boxes) - tail :] if base is not None and tail else []
    layout = _kept(html, root_box, context, own, [*kept, *boxes, *after], base, start, clean, tail)
    laid = [*pages[:start], *(Page(box) for box in boxes), *pages[len(pages) - tail :][:tail]]
    return _document(html, fonts, laid), layout


def _pages(
    html: HTML,
    context: Any,
    root_box: Any,
    own: dict[Any, int],
    start: int,
    earlier: Layout | None,
    last: int,
    shift: int,
) -> tuple[list[Any], list[bool], int] | None:
    """Make the pages from `start` on, as layout_document does in its first loop, until the
    last, or until a page ends after the last change where the earlier layout's did; then do
    what layout_document does after. Return the pages made, whether each started with nothing
    carried over, and how many of the earlier layout's last pages follow them. None if the
    layout would loop again (a page count or a target counter printed)."""
    initialize_page_maker(context, root_box)
    kept: list[Any] = []
    if earlier is not None:
        kept = earlier.page_boxes[:start]
        context.page_maker = [_entry(entry) for entry in earlier.page_maker[: start + 1]]
        # updated, not replaced: the elements' styles hold this very dictionary (vw, vh)
        context.style_for.initial_page_sizes.update(earlier.page_sizes)
        _copy_pages(earlier.running, context.running_elements, lambda n: n <= start)
    context.rendered_notes = []
    made: list[Any] = []
    clean: list[bool] = []
    index, tail, same_strings = start, 0, True
    while True:
        clean.append(not context.broken_out_of_flow and not context.reported_footnotes)
        remake_state = context.page_maker[index][-1]  # as make_all_pages does, before a page
        remake_state["content_changed"] = remake_state["pages_wanted"] = False
        remake_state["anchors"], remake_state["content_lookups"] = [], []
        page, resume_at = remake_page(index, context, root_box, html)
        made.append(page)
        index += 1
        if resume_at is None and not context.reported_footnotes:
            break
        if earlier is None:
            continue
        same_strings = same_strings and _strings_of(page) == [
            (name, text)
            for name, by_page in earlier.strings.items()
            for text in by_page.get(index, [])
        ]
        if (
            same_strings
            and not any(made_page.fixed_boxes for made_page in made)  # go on every page
            and shift == 0  # the same child indices are the same elements only then
            and index < len(earlier.page_boxes)
            and earlier.starts[index][0] >= last + 1  # the page starts after all that changed
            and earlier.clean[index]
            and not any(old.fixed_boxes for old in earlier.page_boxes[start:index])
            and not context.broken_out_of_flow
            and not context.reported_footnotes
            and context.page_maker[index][:4] == earlier.page_maker[index][:4]
            and _path(root_box, context.page_maker[index][0], own) == earlier.paths[index]
        ):  # the earlier layout's next pages are this one's: kept
            tail = len(earlier.page_boxes) - index
            context.page_maker[index:] = [_entry(e) for e in earlier.page_maker[index:]]
            _copy_pages(
                earlier.running, context.running_elements, functools.partial(operator.lt, index)
            )
            break
    if not tail:
        context.page_maker = context.page_maker[: index + 1]
    context.broken_out_of_flow.clear()
    context.reported_footnotes.clear()
    total = start + len(made) + tail
    for entry in context.page_maker:
        entry[3][1]["pages"] = [total]
        if entry[-1]["content_changed"] or entry[-1]["pages_wanted"]:
            return None
    if kept and any(page.fixed_boxes for page in made):
        return None  # a fixed box of a new page goes on the pages kept too
    replaced = earlier.page_boxes[start : len(earlier.page_boxes) - tail] if earlier else []
    if kept and any(page.fixed_boxes for page in replaced):
        return None  # and one of a page laid out anew may be gone from them
    after = earlier.page_boxes[len(earlier.page_boxes) - tail :] if earlier and tail else []
    _finish(context, kept, made, after, earlier, own)
    return made, clean, tail


def _strings_of(page: Any) -> list[tuple[str, Any]]:
    """Return the strings a page sets (string-set), in order."""
    found: list[tuple[str, Any]] = []
    for child in page.descendants():
        if child.string_set and child.string_set != "none":
            found.extend((name, text) for name, text in child.string_set)
    return found


def _copy_pages(
    source: dict[str, dict[int, list[Any]]], target: Any, pages: Callable[[int], bool]
) -> None:
    for name, by_page in source.items():
        for number, values in by_page.items():
            if pages(number):
                target[name][number] = list(values)


def _prepared(html: HTML, fonts: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    """Return the layout context and the box tree of a document, as Document._render makes."""
    counter_style = CounterStyle()
    context = Document._build_layout_context(html, fonts, counter_style, {}, options)
    root_box = build_formatting_structure(
        html.etree_element,
        context.style_for,
        context.get_image_from_uri,
        html.base_url,
        context.target_collector,
        counter_style,
        context.footnotes,
    )
    return context, root_box


def _document(html: HTML, fonts: Any, pages: list[Page]) -> Document:
    """Return the pages as a Document, as Document._render makes it."""
    metadata = DocumentMetadata(**get_html_metadata(html))
    document = Document(pages, metadata, html.url_fetcher, fonts, {}, None)
    document._html = html
    return document


def _entry(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return a copy of an earlier layout's page_maker entry, for a new layout to change."""
    resume_at, next_page, right_page, page_state, remake_state = entry
    remake_state = {
        "content_changed": False,
        "pages_wanted": False,
        "anchors": list(remake_state["anchors"]),
        "content_lookups": list(remake_state["content_lookups"]),
    }
    return (
        copy.deepcopy(resume_at),
        dict(next_page),
        right_page,
        copy.deepcopy(page_state),
        remake_state,
    )


def _start(earlier: Layout, change: int) -> int | None:
    """Return the page to lay out again from: the one before the first page that holds the
    change (the first page at the least); None if it starts with something carried over."""
    starts = earlier.starts
    first = next(  # the first page that may hold some of the change, or what follows it
        (page for page in range(len(starts) - 1) if starts[page + 1][1] > change),
        len(starts) - 1,
    )
    start = max(first - 1, 0)
    return start if earlier.clean[start] else None


def _kept(
    html: HTML,
    root_box: Any,
    context: Any,
    own: dict[Any, int],
    page_boxes: list[Any],
    earlier: Layout | None,
    start: int,
    clean: list[bool],
    tail: int,
) -> Layout:
    """Return what a layout keeps: where each of its pages starts, in document order."""
    root = html.etree_element
    ends = subtree_ends(own)
    order = own
    if earlier is not None and (start or tail):
        # the elements of the pages kept, at their places (the same as the new tree's: before
        # the change, or after it where nothing moved): to name them, for a mend
        kept = [*page_boxes[:start], *page_boxes[len(page_boxes) - tail :]]
        order = {**_on(kept, earlier.order), **own}
    starts = list(earlier.starts[:start]) if earlier is not None else []
    paths = list(earlier.paths[:start]) if earlier is not None else []
    for index in range(start, len(page_boxes) - tail):
        starts.append(_place(root_box, context.page_maker[index][0], own, ends))
        paths.append(_path(root_box, context.page_maker[index][0], own))
    cleans = (list(earlier.clean[:start]) if earlier is not None else []) + clean
    if earlier is not None and tail:
        starts += earlier.starts[len(earlier.starts) - tail :]
        paths += earlier.paths[len(earlier.paths) - tail :]
        cleans += earlier.clean[len(earlier.clean) - tail :]
    return Layout(
        root,
        context.style_for,
        dict(context.style_for.initial_page_sizes),
        page_boxes,
        list(context.page_maker),
        order,
        starts,
        paths,
        cleans,
        {name: dict(by_page) for name, by_page in context.string_set.items()},
        {name: dict(by_page) for name, by_page in context.running_elements.items()},
        ends,
        list(own),
        start,
        tail,
    )


def _on(page_boxes: list[Any], order: dict[Any, int]) -> dict[Any, int]:
    """Return the places of the elements that stand on some pages."""
    found: dict[Any, int] = {}
    for page in page_boxes:
        for box in page.descendants():
            element = box.element
            if element is not None and element not in found and element in order:
                found[element] = order[element]
    return found


def _place(
    root_box: Any, resume_at: Any, order: dict[Any, int], ends: list[int]
) -> tuple[float, float]:
    """Return where a page starts in document order, at the earliest and at the latest: the
    place of the element it starts with; or, if it starts inside an element (its beginning on
    a page before), that place and a half, and, at the latest, after all of that element's
    own elements (a page that starts in a paragraph's text after its link)."""
    box, stack = root_box, resume_at
    place, last = 0, None
    inside = resume_at is not None
    while stack:
        if len(stack) > 1:  # several children go on (the cells of a row): inside this element
            inside = True
            break
        ((index, deeper),) = stack.items()
        children = getattr(box, "children", None)
        if not children or not isinstance(index, int) or index >= len(children):
            inside = True  # within a text
            break
        box, stack = children[index], deeper
        element = getattr(box, "element", None)
        if element is not last and element in order:
            place, last, inside = order[element], element, deeper is not None
        else:  # an anonymous box, a line, a text of the element: inside it
            inside = True
    if not inside:
        return float(place), float(place)
    return place + 0.5, (ends[place] if place < len(ends) else place) + 0.5


def _path(root_box: Any, resume_at: Any, order: dict[Any, int]) -> tuple[Any, ...]:
    """Return the boxes a page's start goes through, from the root: each one's place, kind and
    tag, and the skip stack's keys at its level (a text's offset). Two starts that go through
    the same boxes of two trees start at the same content: the same child indices alone may
    name other boxes (a text between two blocks is a box of its own)."""
    steps: list[Any] = []
    box, stack = root_box, resume_at
    while stack:
        keys = tuple(sorted(stack))
        element = getattr(box, "element", None)
        steps.append((order.get(element), type(box).__name__, box.element_tag, keys))
        if len(stack) > 1:
            break
        ((index, stack),) = stack.items()
        children = getattr(box, "children", None)
        if not children or not isinstance(index, int) or index >= len(children):
            break
        box = children[index]
    element = getattr(box, "element", None)
    steps.append((order.get(element), type(box).__name__, box.element_tag))
    return tuple(steps)


@functools.cache
def reaches(css: str) -> tuple[bool, bool]:
    """Say whether a stylesheet has rules through which a change of one element restyles
    elements after it (sibling combinators, counters, quotes), or before it (:last-child and
    the other pseudo-classes that count from the end)."""
    forward = backward = False
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if (
            rule.type == "at-rule"
            and rule.content is not None
            and rule.lower_at_keyword
            in (
                "media",
                "supports",
            )
        ):
            inner = reaches(tinycss2.serialize(rule.content))
            forward, backward = forward or inner[0], backward or inner[1]
            continue
        if rule.type != "qualified-rule":
            continue
        for token in rule.prelude:
            if token.type == "literal" and token.value in ("+", "~"):
                forward = True
            name = str(getattr(token, "lower_value", None) or getattr(token, "lower_name", ""))
            if token.type in ("ident", "function") and name.startswith(
                ("last-child", "last-of-type", "nth-last-", "only-child", "only-of-type")
            ):
                backward = True
        declarations = tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        for declaration in declarations:
            if declaration.type != "declaration":
                continue
            name = declaration.lower_name
            value = tinycss2.serialize(declaration.value).lower()
            if name.startswith("counter-") or name == "quotes" or "quote" in value:
                forward = True
            if "counter(" in value or "counters(" in value:
                forward = True
    return forward, backward


def _widened(earlier: Layout, first: int, last: int) -> tuple[int, int]:
    """Return a change widened to the whole of any table, grid, flex or multi-column box it
    lies in: such a box sizes its columns or tracks from all it holds, on every page."""
    # first - 1 and its ancestors: an element added as the last child of a table goes in it
    for place, itself in ((first - 1, True), (first, False), (last, False)):
        if place < 0:
            continue
        top = min(place + 1 if itself else place, len(earlier.elements))
        for above in range(top - 1, -1, -1):
            if earlier.ends[above] < place:
                continue  # not an ancestor
            if _laid_as_a_whole(earlier.style_for(earlier.elements[above])):
                first, last = min(first, above), max(last, earlier.ends[above])
    return first, last


def _laid_as_a_whole(style: Any) -> bool:
    display = " ".join(str(part) for part in style["display"])
    wholes = ("table", "grid", "flex")
    return (
        any(w in display for w in wholes)
        or style["column_count"] != "auto"
        or (style["column_width"] != "auto")
    )


def _finish(
    context: Any,
    kept: list[Any],
    made: list[Any],
    after: list[Any],
    earlier: Layout | None,
    order: dict[Any, int],
) -> None:
    """Do for the new pages what layout_document does after making them: bookmarks once per
    element, string-sets, margin boxes, backgrounds. The pages kept are done already."""
    done = len(kept) + len(made)
    if earlier is not None:
        _copy_pages(earlier.strings, context.string_set, lambda n: n <= len(kept) or n > done)
    seen: dict[str, set[object]] = {"": set(), "::before": set(), "::after": set()}
    if earlier is not None:
        for page in kept:
            for child in page.descendants():
                if child.bookmark_label:
                    seen[_pseudo(child)].add(earlier.order.get(child.element, id(child.element)))
    pages = [*kept, *made, *after]
    for index, page in enumerate(made, start=len(kept)):
        counter_values = context.page_maker[index + 1][3][1]
        for child in page.descendants():
            if child.bookmark_label:
                checklist = seen[_pseudo(child)]
                place = order.get(child.element, id(child.element))
                if place in checklist:
                    child.bookmark_label = ""
                else:
                    checklist.add(place)
            if child.missing_link:
                lookups = context.target_collector.counter_lookup_items.items()
                for (box, css_token), item in lookups:
                    if child.missing_link == box and css_token != "content":
                        if css_token == "bookmark-label" and not child.bookmark_label:
                            continue
                        item.parse_again(counter_values)
                        if css_token == "bookmark-label":
                            child.bookmark_label = box.bookmark_label
            string_sets = child.string_set
            if string_sets and string_sets != "none":
                for string_name, text in string_sets:
                    context.string_set[string_name][index + 1].append(text)
    for index, page in enumerate(made, start=len(kept)):
        root, footnote_area, note_area = page.children
        root.children = [
            *layout_fixed_boxes(context, pages[:index], page),
            *root.children,
            *layout_fixed_boxes(context, pages[index + 1 :], page),
        ]
        context.current_page = index + 1
        state = context.page_maker[context.current_page][3]
        children = [root]
        if footnote_area.children:
            children.append(footnote_area)
        if note_area.children:
            children.append(note_area)
        children.extend(make_margin_boxes(context, page, state))
        page.children = tuple(children)
        layout_backgrounds(page, context.get_image_from_uri)


def _pseudo(box: Any) -> str:
    tag = box.element_tag or ""
    if tag.endswith("::before"):
        return "::before"
    return "::after" if tag.endswith("::after") else ""
