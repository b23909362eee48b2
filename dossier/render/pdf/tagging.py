"""What WeasyPrint's tagged PDF lacks, added where it builds the structure tree.

A phrase in another language (`<span lang="rcf">`) must carry /Lang on its structure element
(ISO 14289-1, 7.2): a screen reader then reads it with that language's rules. WeasyPrint 70
builds the tree in `weasyprint.pdf.tags._build_box_tree`, one call per box, the elements it
makes for a box yielded by that box's call: the hook gives each element made for a box whose
HTML element has a `lang` the language. tests/render/test_pdf.py holds the hook to WeasyPrint's
internals: it fails, naming the hook, when they change.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags

HOOKED = "weasyprint.pdf.tags._build_box_tree"
PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
_original = tags._build_box_tree


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


def install() -> None:
    """Put the hook in place once; leave WeasyPrint alone if its internals changed."""
    if tags._build_box_tree is _original and hook_matches():
        tags._build_box_tree = _with_languages
