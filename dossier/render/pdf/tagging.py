"""What WeasyPrint's tagged PDF lacks, and what makes it slow, mended where it builds the tree.

Two hooks, each standing aside if WeasyPrint's internals are no longer those it was written for
(tests/render/test_pdf.py and tests/test_languages.py fail then, naming the hook):

- languages: a phrase in another language (`<span lang="rcf">`) must carry /Lang on its
  structure element (ISO 14289-1, 7.2): a screen reader then reads it with that language's
  rules. WeasyPrint 70 builds the tree in `weasyprint.pdf.tags._build_box_tree`, one call per
  box, the elements it makes for a box yielded by that box's call: the hook gives each element
  made for a box whose HTML element has a `lang` the language.
- page references: every structure element WeasyPrint makes names its page with
  `pdf.page_references[page_number]`, and pydyf's `PDF.page_references` is a property that
  builds the tuple of every page's reference anew at each call. One call per text box times
  every page: quadratic, 8 s of a 539-page PDF's write. For the time of `add_tags`, the hook
  lets the PDF compute the tuple once, and again only if a page is added; the PDF is the same,
  byte for byte (benchmarks/NOTES-upstream.md tells the story for upstream).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.pdf
from weasyprint.pdf import tags

HOOKED = "weasyprint.pdf.tags._build_box_tree"
PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
_original = tags._build_box_tree

# generate_pdf calls add_tags by the name weasyprint.pdf imported it under: that name is hooked.
PAGES_HOOKED = "weasyprint.pdf.add_tags"
PAGES_PARAMETERS = ("pdf", "document", "pdf_version", "page_streams")
_original_add_tags = tags.add_tags
_page_references = getattr(inspect.getattr_static(pydyf.PDF, "page_references", None), "fget", None)
_CACHE = "_dossier_page_references"  # on the PDF, for the time of add_tags only


def _with_languages(
    box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, marks: Any
) -> Iterator[Any]:
    element = getattr(box, "element", None)
    lang = None
    if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
        lang = element.get("lang")
    for made in _original(box, parent, pdf, page_number, nums, annotations, marks):
        if lang and "Lang" not in made:
            made["Lang"] = pydyf.String(lang)
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


def install() -> None:
    """Put the hooks in place once; leave WeasyPrint alone where its internals changed."""
    if tags._build_box_tree is _original and hook_matches():
        tags._build_box_tree = _with_languages
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
