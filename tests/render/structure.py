"""A tagged PDF read as an accessibility audit reads it: content streams against structure tree.

veraPDF checks that every piece of content is either tagged or an artifact; it does not check
that the tagged pieces are reachable from the tree's root, what text the artifacts hold, where
a Figure's /BBox lies, or what a Caption is attached to. This reader gives the facts for that:

- every marked-content sequence of every page, Form XObjects included, with its tag, its MCID,
  its artifact type and subtype, and the text it shows (decoded through the fonts' /ToUnicode);
- for each sequence with an MCID, the structure element the /ParentTree gives it, and whether
  that element is reachable from /StructTreeRoot and claims the MCID back;
- the reachable structure elements, each with its parent, its page, its attributes, its
  /ActualText, the link annotations it owns (/OBJR), and its content in order (kids and MCIDs);
- the text each block element reads as (`Structure.blocks`): what a screen reader, a reflow or
  a copy gets of a paragraph, a heading, a list item, its inline elements (Span, Link…) run
  together, /ActualText read in place of what it covers (ISO 32000-1, 14.9.4).

`python3 -m tests.render.structure FILE.pdf…` prints each file's counts (tagged pieces,
artifacts, pagination artifacts, orphans…). Only pikepdf is needed. The reader knows what
WeasyPrint writes (Type0 fonts with 2-byte codes and a /ToUnicode CMap, simple fonts read as
Latin-1), not every PDF there is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

_PAINTING = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "Do", "BI"}
_SHOWING = {"Tj", "TJ", "'", '"'}


@dataclass
class Sequence:
    """One marked-content sequence (BDC or BMC … EMC), with what it holds."""

    page: int  # the index of its page
    tag: str  # "Span", "Figure", "Artifact"...
    mcid: int | None
    properties: dict[str, str]  # /Type, /Subtype of an artifact, as names without the slash
    stream: str  # "page", or the Form XObject it is in: "page/Fm1"
    struct_parents: int | None  # the /StructParents key of the stream it is in
    in_artifact: bool  # inside an Artifact, itself one or not
    in_tagged: bool = False  # inside a sequence with an MCID (a hyphen's /ActualText)
    text: str = ""  # every text inside as read: /ActualText in place of the glyphs it covers
    shown: str = ""  # every text shown inside, as the glyphs say it
    actual_text: str | None = None  # its /ActualText, if it has one
    element: Any = None  # the key of the element the /ParentTree gives its MCID
    reachable: bool = False  # that element is in the tree and lists the MCID as its own

    @property
    def artifact(self) -> bool:
        """Say whether the sequence is an artifact, or inside one."""
        return self.tag == "Artifact" or self.in_artifact


@dataclass
class Element:
    """A structure element reachable from the tree's root (read while the file was open)."""

    key: tuple[int, int] | int
    tag: str
    parent: Element | None = field(repr=False)  # a tree's repr would hold it all, many times
    page: int | None
    bbox: tuple[float, float, float, float] | None  # from its attributes, as written
    alt: str | None
    kids: list[Element] = field(default_factory=list, repr=False)
    mcids: list[tuple[int | None, int]] = field(default_factory=list)  # (page, MCID)
    content: list[Element | tuple[int | None, int]] = field(default_factory=list, repr=False)
    attributes: dict[str, str] = field(default_factory=dict)  # /A's entries: {"ListNumbering":
    actual_text: str | None = None  # "Decimal"}
    annotations: list[Annotation] = field(default_factory=list)  # its /OBJR, in order


@dataclass
class Annotation:
    """A link (or other) annotation a structure element owns through an /OBJR."""

    subtype: str  # "Link"
    contents: str | None  # its /Contents, the description a reader says
    page: int | None
    rect: tuple[float, float, float, float]
    key: tuple[int, int] | int
    target: str = ""  # where it leads: a named destination (« edito ») or an address


@dataclass
class Block:
    """A block element's text as read: its inline content run together."""

    element: Element
    text: str

    @property
    def tag(self) -> str:
        """Return the block's tag."""
        return self.element.tag


# What a reader runs into the text around it; every other element is a block of its own
# (ISO 32000-1, 14.8.4.4: inline-level structure elements).
INLINE = {
    "Span",
    "Link",
    "Quote",
    "Note",
    "Reference",
    "BibEntry",
    "Code",
    "Annot",
    "Ruby",
    "Warichu",
}


def _attributes(obj: Any) -> dict[str, str]:
    found = obj.get("/A")
    attributes: dict[str, str] = {}
    for attribute in found if isinstance(found, pikepdf.Array) else [found]:
        if isinstance(attribute, pikepdf.Dictionary):
            for key, value in attribute.items():
                if isinstance(value, pikepdf.Name | pikepdf.String | int | float):
                    text = str(value)
                    attributes[key[1:]] = text[1:] if isinstance(value, pikepdf.Name) else text
    return attributes


def _bbox(obj: Any) -> tuple[float, float, float, float] | None:
    found = obj.get("/A")
    for attribute in found if isinstance(found, pikepdf.Array) else [found]:
        if isinstance(attribute, pikepdf.Dictionary) and "/BBox" in attribute:
            box = [float(n) for n in attribute.BBox]
            return (box[0], box[1], box[2], box[3])
    return None


@dataclass
class Structure:
    """Everything read from one PDF."""

    sequences: list[Sequence]
    elements: list[Element]  # in reading order, root's children first
    untagged: list[tuple[int, str, str]]  # (page, stream, operator) painted outside any sequence
    media_boxes: list[tuple[float, float, float, float]]
    dangling: int  # /ParentTree entries of pages or streams naming an element not in the tree
    tagged_in_artifact: int  # sequences with an MCID inside an artifact

    @property
    def orphans(self) -> list[Sequence]:
        """Return the tagged pieces the tree does not reach: no element, or one outside it."""
        return [s for s in self.sequences if s.mcid is not None and not s.reachable]

    @property
    def unmarked(self) -> list[Sequence]:
        """Return the sequences neither tagged with an MCID, nor inside one, nor an artifact
        (nested ones kept)."""
        return [s for s in self.sequences if s.mcid is None and not s.artifact and not s.in_tagged]

    def texts(self) -> dict[tuple[int, int], str]:
        """Return the text of each tagged piece, by (page, MCID), as a reader reads it."""
        found: dict[tuple[int, int], str] = {}
        for s in self.sequences:
            if s.mcid is not None and not s.artifact:
                found[(s.page, s.mcid)] = found.get((s.page, s.mcid), "") + s.text
        return found

    def text_of(self, element: Element, texts: dict[tuple[int, int], str] | None = None) -> str:
        """Return all the text an element reads as, its blocks' included, run together."""
        texts = self.texts() if texts is None else texts
        if element.actual_text is not None:
            return element.actual_text
        return "".join(
            self.text_of(item, texts) if isinstance(item, Element) else texts.get(item, "")  # type: ignore[arg-type]
            for item in element.content
        )

    def blocks(self) -> list[Block]:
        """Return every block element with text, in reading order, with the text it reads as:
        its MCIDs and inline kids run together (a block inside it is a block of its own)."""
        texts = self.texts()
        found: list[Block] = []

        def inline(element: Element) -> str:
            if element.actual_text is not None:
                return element.actual_text
            parts = []
            for item in element.content:
                if not isinstance(item, Element):
                    parts.append(texts.get(item, ""))  # type: ignore[arg-type]
                elif item.tag in INLINE:
                    parts.append(inline(item))
                else:
                    block(item)
            return "".join(parts)

        def block(element: Element) -> None:
            index = len(found)
            text = inline(element)
            if text.strip():
                found.insert(index, Block(element, text))

        for element in self.elements:
            if element.parent is None:
                block(element)
        return found

    def annotations(self) -> list[Annotation]:
        """Return every annotation the structure tree reaches, in reading order."""
        return [a for e in self.elements for a in e.annotations]

    def artifacts(self, page: int | None = None) -> list[Sequence]:
        """Return the outermost artifacts, of one page or of all."""
        return [
            s
            for s in self.sequences
            if s.tag == "Artifact" and not s.in_artifact and page in (None, s.page)
        ]

    def counts(self) -> dict[str, int]:
        """Return the figures a report gives: sequences, artifacts, orphans…"""
        return {
            "tagged": sum(1 for s in self.sequences if s.mcid is not None),
            "artifacts": len(self.artifacts()),
            "pagination": sum(
                1 for s in self.artifacts() if s.properties.get("Type") == "Pagination"
            ),
            "orphans": len(self.orphans),
            "untagged": len(self.untagged),
            "dangling": self.dangling,
            "tagged_in_artifact": self.tagged_in_artifact,
        }


def read_structure(path: Path) -> Structure:
    """Read a tagged PDF's content streams and structure tree."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        elements = _elements(pdf, pages)
        claimed = {(e.key, page, mcid) for e in elements for page, mcid in e.mcids}
        in_tree = {e.key for e in elements}
        parent_tree = _number_tree(pdf.Root.StructTreeRoot.get("/ParentTree"))
        reader = _Reader(parent_tree)
        for index, page in enumerate(pdf.pages):
            reader.read(page.obj, index, "page", page.obj.get("/StructParents"), False)
        for sequence in reader.sequences:
            if sequence.mcid is None or sequence.element is None:
                continue
            key = sequence.element
            sequence.reachable = key in in_tree and (key, sequence.page, sequence.mcid) in claimed
        dangling = 0
        for value in parent_tree.values():
            if isinstance(value, pikepdf.Array):
                dangling += sum(
                    1
                    for kid in value
                    if isinstance(kid, pikepdf.Dictionary) and id_of(kid) not in in_tree
                )
        media = [tuple(float(n) for n in page.obj.MediaBox) for page in pdf.pages]
        return Structure(
            reader.sequences,
            elements,
            reader.untagged,
            media,  # type: ignore[arg-type]
            dangling,
            reader.tagged_in_artifact,
        )


def id_of(obj: Any) -> tuple[int, int] | int:
    """Name an object: its number if indirect, else its Python identity."""
    return obj.objgen if obj.is_indirect else id(obj)


def _target(annotation: Any) -> str:
    """Return where a link annotation leads: its named destination, or its action's URI."""
    destination = annotation.get("/Dest")
    if isinstance(destination, (pikepdf.String, pikepdf.Name)):
        return str(destination).lstrip("/")
    action = annotation.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        return str(action.URI)
    return ""


def _number_tree(node: Any) -> dict[int, Any]:
    found: dict[int, Any] = {}
    if node is None:
        return found
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found.update(_number_tree(kid))
    return found


def _elements(pdf: pikepdf.Pdf, pages: dict[tuple[int, int], int]) -> list[Element]:
    found: list[Element] = []
    seen: set[tuple[int, int] | int] = set()

    def page_of(obj: Any, default: int | None) -> int | None:
        page = obj.get("/Pg")
        return pages.get(page.objgen) if page is not None else default

    def walk(obj: Any, parent: Element | None, page: int | None) -> None:
        kids = obj.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                if parent is not None:
                    parent.mcids.append((page, int(kid)))
                    parent.content.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                kind = kid.get("/Type")
                if kind == "/MCR":
                    if parent is not None:
                        parent.mcids.append((page_of(kid, page), int(kid.MCID)))
                        parent.content.append((page_of(kid, page), int(kid.MCID)))
                elif kind == "/OBJR":
                    annotation = kid.get("/Obj")
                    if parent is not None and isinstance(annotation, pikepdf.Dictionary):
                        contents = annotation.get("/Contents")
                        parent.annotations.append(
                            Annotation(
                                str(annotation.get("/Subtype", "/"))[1:],
                                None if contents is None else str(contents),
                                page_of(kid, page),
                                tuple(float(n) for n in annotation.get("/Rect", [0, 0, 0, 0])),  # type: ignore[arg-type]
                                id_of(annotation),
                                _target(annotation),
                            )
                        )
                    continue
                elif "/S" in kid:
                    if id_of(kid) in seen:
                        continue
                    seen.add(id_of(kid))
                    alt = kid.get("/Alt")
                    actual = kid.get("/ActualText")
                    element = Element(
                        id_of(kid),
                        str(kid.S)[1:],
                        parent,
                        page_of(kid, page),
                        _bbox(kid),
                        None if alt is None else str(alt),
                        attributes=_attributes(kid),
                        actual_text=None if actual is None else str(actual),
                    )
                    if parent is not None:
                        parent.kids.append(element)
                        parent.content.append(element)
                    found.append(element)
                    walk(kid, element, element.page)

    walk(pdf.Root.StructTreeRoot, None, None)
    return found


class _Font:
    """How a font's codes read as Unicode."""

    def __init__(self, font: Any) -> None:
        self.two_bytes = font.get("/Subtype") == "/Type0"
        self.map: dict[int, str] = {}
        unicode = font.get("/ToUnicode")
        if unicode is not None:
            self._read_cmap(unicode.read_bytes().decode("latin-1"))

    def _read_cmap(self, text: str) -> None:
        def chars(hexa: str) -> str:
            data = bytes.fromhex(hexa)
            return data.decode("utf-16-be", errors="replace")

        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for source, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
                self.map[int(source, 16)] = chars(target)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for first, last, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])", block
            ):
                low, high = int(first, 16), int(last, 16)
                if target.startswith("["):
                    for code, each in zip(
                        range(low, high + 1), re.findall(r"<([0-9a-fA-F]*)>", target), strict=False
                    ):
                        self.map[code] = chars(each)
                else:
                    start = bytes.fromhex(target[1:-1])
                    for offset, code in enumerate(range(low, high + 1)):
                        value = int.from_bytes(start, "big") + offset
                        self.map[code] = chars(value.to_bytes(len(start), "big").hex())

    def decode(self, data: bytes) -> str:
        if self.two_bytes:
            codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        else:
            codes = list(data)
        return "".join(
            self.map.get(code, chr(code) if not self.two_bytes else "\ufffd") for code in codes
        )


class _Reader:
    """Walk content streams, Form XObjects included, and gather their marked content."""

    def __init__(self, parent_tree: dict[int, Any]) -> None:
        self.parent_tree = parent_tree
        self.sequences: list[Sequence] = []
        self.untagged: list[tuple[int, str, str]] = []
        self.tagged_in_artifact = 0
        self.fonts: dict[tuple[int, int] | int, _Font] = {}

    def font(self, resources: Any, name: Any) -> _Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get(name) if fonts is not None else None
        if font is None:
            return None
        key = id_of(font)
        if key not in self.fonts:
            self.fonts[key] = _Font(font)
        return self.fonts[key]

    def read(
        self,
        holder: Any,
        page: int,
        where: str,
        struct_parents: Any,
        in_artifact: bool,
        open_sequences: list[Sequence] | None = None,
        resources: Any = None,
    ) -> None:
        resources = holder.get("/Resources", resources)
        key = int(struct_parents) if struct_parents is not None else None
        stack: list[Sequence] = []
        outer = open_sequences or []  # the sequences a Form XObject is drawn inside
        font_stack: list[_Font | None] = []
        font: _Font | None = None
        for operands, operator in _instructions(holder):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])[1:]
                properties: dict[str, str] = {}
                mcid = None
                if op == "BDC":
                    plist = operands[1]
                    if isinstance(plist, pikepdf.Name):  # a named property list
                        plist = resources.Properties[plist]
                    for name in ("/Type", "/Subtype"):
                        if name in plist:
                            properties[name[1:]] = str(plist[name])[1:]
                    if "/MCID" in plist:
                        mcid = int(plist.MCID)
                    actual = plist.get("/ActualText")
                else:
                    actual = None
                inside = in_artifact or any(s.artifact for s in [*outer, *stack])
                sequence = Sequence(page, tag, mcid, properties, where, key, inside)
                sequence.in_tagged = any(s.mcid is not None for s in [*outer, *stack])
                if actual is not None:
                    sequence.actual_text = str(actual)
                    # read in place of what it covers: by it, and by what it is inside
                    covered = any(s.actual_text is not None for s in [*outer, *stack])
                    for each in [sequence] if covered else [*outer, *stack, sequence]:
                        each.text += sequence.actual_text
                if mcid is not None:
                    if inside or tag == "Artifact":
                        self.tagged_in_artifact += 1
                    entry = self.parent_tree.get(key) if key is not None else None
                    if isinstance(entry, pikepdf.Array) and mcid < len(entry):
                        kid = entry[mcid]
                        if isinstance(kid, pikepdf.Dictionary):
                            sequence.element = id_of(kid)
                self.sequences.append(sequence)
                stack.append(sequence)
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op == "q":
                font_stack.append(font)
            elif op == "Q":
                font = font_stack.pop() if font_stack else font
            elif op == "Tf":
                font = self.font(resources, operands[0])
            elif op in _SHOWING or op in _PAINTING:
                open_now = [*outer, *stack]
                if op in _SHOWING and font is not None:
                    text = "".join(
                        font.decode(bytes(item))
                        for item in (operands[0] if op == "TJ" else operands[-1:])
                        if isinstance(item, pikepdf.String | bytes)
                    )
                    # what an /ActualText covers reads as it, not as its glyphs
                    covering = next(
                        (i for i, s in enumerate(open_now) if s.actual_text is not None),
                        len(open_now),
                    )
                    for index, sequence in enumerate(open_now):
                        sequence.shown += text
                        if index > covering or covering == len(open_now):
                            sequence.text += text
                if op == "Do":
                    xobject = resources.XObject[operands[0]]
                    if xobject.get("/Subtype") == "/Form":
                        self.read(
                            xobject,
                            page,
                            f"{where}/{str(operands[0])[1:]}",
                            xobject.get("/StructParents"),
                            in_artifact or any(s.artifact for s in open_now),
                            open_now,
                            resources,
                        )
                        continue
                if not open_now and not in_artifact:
                    self.untagged.append((page, where, op))


def _instructions(holder: Any) -> Iterator[tuple[Any, Any]]:
    for instruction in pikepdf.parse_content_stream(holder):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            yield [], pikepdf.Operator("BI")
        else:
            yield instruction.operands, instruction.operator


def main(paths: list[str]) -> None:
    """Write each file's counts, one line per file."""
    for path in paths:
        counts = read_structure(Path(path)).counts()
        sys.stdout.write(f"{path} " + " ".join(f"{k}={v}" for k, v in counts.items()) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
