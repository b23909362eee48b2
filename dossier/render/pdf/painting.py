"""Pages painted once: a page whose layout did not change is not painted again, its drawing is
replayed.

Painting is most of `write_pdf` (WeasyPrint draws every page into a content stream, glyph by
glyph); the watch mode writes the PDF again after every save, though an edit changes the layout
of one part only. So, at paint time, each page's drawing is recorded on the page itself:

- the operators it adds to its content stream;
- the marked content it registers for the structure tree (box → tag and MCID);
- the fonts it uses, in the order it first uses them, and for each the glyphs it draws, with
  their widths and the text each stands for *in this page* (its own first use of a glyph, even
  when an earlier page already mapped it);
- the resources it names in the dictionary all pages share: opacities (`/a1`) and images.

A later write replays the record for a page whose boxes are the very same objects (the layout
kept the part, and the footers): the operators are appended, the marked content registered
again, and each font, glyph, opacity and image added where it is missing, in the order a paint
adds them. The shared dictionaries then hold what a paint of every page gives, in its order, so
the PDF is the same, byte for byte (tests/render/test_pdf.py and tests/test_watch.py compare).

A page count that changes changes every footer (« 3 / 30 » becomes « 3 / 31 »), not the pages
of the parts laid out as before: the footer's margin boxes are a page's last children
(layout.Pagination sets them) and WeasyPrint draws them last, so what the page's own boxes drew
is recorded apart, with the stream's state when the footer starts. A page whose footer alone
changed replays its own drawing, then paints the new footer after it as the page would
(`draw_stacking_context` of the box's `StackingContext.from_box`), from that state.

A page whose drawing names resources by their count (a transparency group, a pattern, a
shading, an ExtGState by number: `x3`, `p0`, `s2`), or draws a glyph its fonts lack, is never
replayed: its names depend on the pages before it. It is painted every time.

The hook is per page, not global: `generate_pdf` calls `page.paint(stream, scale)`, and the
pages dossier writes get `paint` as an instance attribute (`prepare`). While a page is painted,
the stream's methods that touch what pages share are wrapped, on the stream object alone, and
`weasyprint.draw.draw_stacking_context` for the time of the paint, to see where the footer
starts.
`problems()` says what of WeasyPrint's internals this leans on has changed; with any problem,
`prepare` leaves the pages alone (tests/render/test_pdf.py fails naming the hook).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint.pdf
from weasyprint import draw
from weasyprint.document import Page
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.pdf.stream import Stream
from weasyprint.stacking import StackingContext

from dossier.render.pdf import tagging

HOOKED = "weasyprint.document.Page.paint (dossier.render.pdf.painting)"
_RECORD = "_dossier_painting"  # on each Page: its last drawing, and what it was drawn from
_ORIGINAL_PAINT = Page.paint
_DRAWS = tagging._original_draw  # WeasyPrint's draw_stacking_context, which tagging wraps
# The Stream methods that touch what the pages of a PDF share (its resources, images, fonts)
# or the page's marked content: each is wrapped while a page is recorded, or refuses the replay.
_RECORDED = ("add_font", "set_alpha", "add_image")
_REFUSED = ("set_state", "add_group", "add_pattern", "add_shading")
_SHARED = ("_resources", "_images", "_fonts", "_tags")
# What else of Stream reads them: its constructor, its copy, its marking, and the default colour
# space (of groups and shadings, refused). A method added that touches them is not known.
_KNOWN = {*_RECORDED, *_REFUSED, "__init__", "clone", "marked", "artifact", "set_alpha_state"}
# What a stream knows of what it drew (set by Stream.__init__): restored when a footer is
# painted after a replayed page, as it was when the footer was first painted.
_STATE = (
    "_current_color",
    "_current_color_stroke",
    "_current_alpha",
    "_current_alpha_stroke",
    "_current_font",
    "_current_font_size",
    "_old_font",
    "_old_font_size",
    "_ctm_stack",
)


class _Widths(dict):
    """A page's view of a font's glyph widths: what it reads is noted, what it sets goes on."""

    def __init__(self, shared: dict) -> None:
        super().__init__()
        self.shared = shared

    def __contains__(self, glyph: object) -> bool:
        if dict.__contains__(self, glyph):
            return True
        width = self.shared.get(glyph)
        if width is None:
            return False
        dict.__setitem__(self, glyph, width)
        return True

    def __setitem__(self, glyph: Any, width: Any) -> None:
        dict.__setitem__(self, glyph, width)
        self.shared[glyph] = width


class _Texts(dict):
    """A page's view of a font's glyph-to-text map: the page maps each glyph it draws itself;
    the font keeps the first text a glyph was given, as when painted without the view."""

    def __init__(self, shared: dict) -> None:
        super().__init__()
        self.shared = shared

    def __setitem__(self, glyph: Any, text: Any) -> None:
        dict.__setitem__(self, glyph, text)
        if glyph not in self.shared:
            self.shared[glyph] = text


class _PageFont:
    """A font as one page draws with it: WeasyPrint's Font, with the page's own glyph views."""

    def __init__(self, font: Any, recording: _Recording) -> None:
        self._font = font
        self._recording = recording
        self.widths = _Widths(font.widths)
        self.to_unicode = _Texts(font.to_unicode)
        for name in ("hash", "bitmap", "png", "svg", "colr", "upem", "hb_face", "hb_font"):
            setattr(self, name, getattr(font, name))
        if font.png or font.svg or font.colr:  # its glyphs are images, drawn otherwise
            recording.replayable = False

    def get_unused_glyph_id(self, codepoint: int) -> int:
        self._recording.replayable = False  # numbered by the pages before: never replayed
        return self._font.get_unused_glyph_id(codepoint)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)


@dataclass
class _Drawing:
    """What painting some of a page did to what the pages share, with its operators."""

    operators: list[Any]
    fonts: list[tuple[Any, dict, dict]]  # (pango font, widths, texts), by first use
    alphas: list[tuple[Any, bool, Any]]  # set_alpha's arguments, in order, each once
    images: list[tuple[Any, Any, Any]]  # add_image's arguments, in order, each once


@dataclass
class _Painting:
    """What painting one page did, to do again without painting.

    The page's own boxes are drawn first, its footer's last (their margin boxes come last
    among its children): when the footers alone changed (a page more, and every « 3 / 30 »
    changes), the page's own drawing is replayed and the footer painted anew after it.
    """

    key: tuple[object, ...]
    children: tuple[object, ...]
    body: _Drawing  # the page's own boxes (all of it when footer is None)
    tags: list[tuple[object, dict]]
    footers: tuple[object, ...] = ()  # the footer's margin boxes, drawn after the body
    footer: _Drawing | None = None
    state: dict[str, Any] = field(default_factory=dict)  # the stream's, when the footer starts
    tail: list[Any] = field(default_factory=list)  # what closes the page after its footer
    # The content stream as written: what came before the page's operators, whether compressed,
    # and its bytes. A replayed page whose stream is the same is not compressed again.
    written: tuple[list[Any], bool, bytes] | None = None

    @property
    def operators(self) -> list[Any]:
        if self.footer is None:
            return self.body.operators
        return [*self.body.operators, *self.footer.operators, *self.tail]


class _KeptStream(Stream):
    """A page's content stream that writes the bytes of its last write again, if it is the same.

    pydyf compresses every content stream at every write (zlib, level 9): for the pages
    replayed, that is most of what their writing costs."""

    @property
    def data(self) -> bytes:
        painted: _Painting = self.__dict__[_RECORD]
        operators = painted.operators
        before = len(self.stream) - len(operators)
        written = painted.written
        if (
            written is not None
            and not self.extra
            and written[1] == self.compress
            and before == len(written[0])
            and self.stream[before:] == operators
            and self.stream[:before] == written[0]
        ):
            return written[2]
        data = Stream.data.fget(self)
        if not self.extra and before >= 0 and self.stream[before:] == operators:
            painted.written = (self.stream[:before], self.compress, data)
        return data


def _keep(stream: Any, painted: _Painting) -> None:
    """Let the page's stream write its bytes of the last write again."""
    if type(stream) is Stream:
        stream.__dict__[_RECORD] = painted
        stream.__class__ = _KeptStream


@dataclass
class _Recording:
    stream: Any
    replayable: bool = True
    fonts: dict[int, tuple[Any, _PageFont]] = field(default_factory=dict)
    # Each call once: a second one like it adds nothing to what the pages share.
    # (An alpha of 1 and one of 1.0 are told apart: their names are a1 and a1.0.)
    alphas: dict[tuple[Any, ...], tuple[Any, bool, Any]] = field(default_factory=dict)
    images: dict[tuple[int, Any, Any], tuple[Any, Any, Any]] = field(default_factory=dict)

    def wrap(self) -> None:
        stream = self.stream

        def add_font(pango_font: Any) -> tuple[Any, Any]:
            font, size = Stream.add_font(stream, pango_font)
            seen = self.fonts.get(id(font))
            if seen is None:
                seen = self.fonts[id(font)] = (pango_font, _PageFont(font, self))
            return seen[1], size

        def set_alpha(alpha: Any, stroke: bool = False, fill: Any = None) -> None:
            self.alphas.setdefault((type(alpha), alpha, stroke, fill), (alpha, stroke, fill))
            Stream.set_alpha(stream, alpha, stroke, fill)

        def add_image(image: Any, interpolate: Any, ratio: Any) -> Any:
            self.images.setdefault((id(image), interpolate, ratio), (image, interpolate, ratio))
            return Stream.add_image(stream, image, interpolate, ratio)

        stream.add_font, stream.set_alpha, stream.add_image = add_font, set_alpha, add_image
        for name in _REFUSED:
            setattr(stream, name, self._refusing(getattr(Stream, name)))

    def _refusing(self, method: Any) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            self.replayable = False
            return method(self.stream, *args, **kwargs)

        return refused

    def unwrap(self) -> None:
        for name in (*_RECORDED, *_REFUSED):
            self.stream.__dict__.pop(name, None)

    def drawing(self, operators: list[Any]) -> _Drawing:
        """Return what was recorded so far, with these operators."""
        return _Drawing(
            operators,
            [
                (pango_font, dict(font.widths), dict(font.to_unicode))
                for pango_font, font in self.fonts.values()
            ],
            list(self.alphas.values()),
            list(self.images.values()),
        )


def _key(stream: Any, scale: float) -> tuple[object, ...]:
    """What a page's drawing depends on besides its boxes."""
    tags = stream._tags
    return (scale, tags is None, len(tags or ()), stream._output_intent, *stream._color_profiles)


class _Tally:
    """How many pages the last write painted, and how many it replayed."""

    painted = 0
    replayed = 0


def tally() -> tuple[int, int]:
    """Return how many pages the last write replayed, and how many it wrote in all."""
    return _Tally.replayed, _Tally.painted + _Tally.replayed


def _same(these: Sequence[object], those: Sequence[object]) -> bool:
    return len(these) == len(those) and all(a is b for a, b in zip(these, those, strict=True))


def _is_footer(box: object) -> bool:
    return isinstance(box, MarginBox) and box.at_keyword.startswith("@bottom-")


def _footers(children: tuple[object, ...]) -> int:
    """Return how many of a page's last children are its footer's margin boxes."""
    count = 0
    for child in reversed(children):
        if not _is_footer(child):
            break
        count += 1
    return count


def _paint(page: Page, stream: Any, scale: float = 1) -> None:
    """Paint a page, or replay its last painting if its boxes are the same, or replay its own
    boxes' and paint its footer if only the footer changed."""
    children = tuple(page._page_box.children)
    key = _key(stream, scale)
    painted: _Painting | None = page.__dict__.get(_RECORD)
    if painted is not None and painted.key == key:
        if _same(painted.children, children):
            _replay(painted.body, stream, painted.tags)
            if painted.footer is not None:
                _replay(painted.footer, stream, [])
                stream.stream.extend(painted.tail)
            _keep(stream, painted)
            _Tally.replayed += 1
            return
        footers = _footers(children)
        own = len(children) - footers
        if (
            painted.footer is not None
            and footers == len(painted.footers)
            and _same(painted.children[:own], children[:own])
            and _repaint_footer(page, stream, painted, children, children[own:])
        ):
            _keep(stream, painted)
            _Tally.replayed += 1
            return
    _Tally.painted += 1
    page.__dict__.pop(_RECORD, None)
    new = _record(page, stream, scale, key, children)
    if new is not None:
        page.__dict__[_RECORD] = new
        _keep(stream, new)


def _record(
    page: Page, stream: Any, scale: float, key: tuple[object, ...], children: tuple[object, ...]
) -> _Painting | None:
    """Paint a page and return what its painting did, or None if it cannot be replayed."""
    recording = _Recording(stream)
    operators = len(stream.stream)
    tags = stream._tags
    marked = len(tags) if tags is not None else 0
    footers = children[len(children) - _footers(children) :]
    split: dict[str, Any] = {}  # where the footer starts and ends, what was drawn before it
    outer = draw.draw_stacking_context

    def around(drawn: Any, context: Any) -> None:
        box = context.box  # a copy of the page's child (StackingContext.from_box)
        if drawn is not stream or not footers or not _is_footer(box):
            outer(drawn, context)
            return
        if "start" not in split:
            split["start"] = len(stream.stream)
            split["state"] = _state(stream)
            split["body"] = recording.drawing(stream.stream[operators:])
            split["marked"] = len(tags) if tags is not None else 0
            recording.unwrap()
            split["footer"] = _Recording(stream)
            split["footer"].wrap()
        outer(drawn, context)
        split["end"] = len(stream.stream)

    recording.wrap()
    draw.draw_stacking_context = around
    try:
        _ORIGINAL_PAINT(page, stream, scale)
    finally:
        draw.draw_stacking_context = outer
        recording.unwrap()
        if "footer" in split:
            split["footer"].unwrap()
    if not recording.replayable:
        return None
    marks = [(box, dict(mark)) for box, mark in list(tags.items())[marked:]] if tags else []
    whole = recording.drawing(stream.stream[operators:])
    if "start" not in split:
        return _Painting(key, children, whole, marks)
    footer: _Recording = split["footer"]
    tail = stream.stream[split["end"] :]
    if (
        not footer.replayable
        or any(operator != b"Q" for operator in tail)  # something drawn after the footer
        or (tags is not None and len(tags) != split["marked"])  # the footer is an artifact
    ):
        return None
    return _Painting(
        key,
        children,
        split["body"],
        marks,
        footers,
        footer.drawing(stream.stream[split["start"] : split["end"]]),
        split["state"],
        tail,
    )


def _repaint_footer(
    page: Page,
    stream: Any,
    painted: _Painting,
    children: tuple[object, ...],
    footers: tuple[object, ...],
) -> bool:
    """Replay a page's own boxes and paint its new footer after them; keep what it did."""
    _replay(painted.body, stream, painted.tags)
    for name, value in painted.state.items():  # the stream as it was when the footer started
        setattr(stream, name, list(value) if name == "_ctm_stack" else value)
    start = len(stream.stream)
    recording = _Recording(stream)
    recording.wrap()
    try:
        for box in footers:
            draw.draw_stacking_context(stream, StackingContext.from_box(box, page._page_box))
    finally:
        recording.unwrap()
    segment = stream.stream[start:]
    stream.stream.extend(painted.tail)
    if recording.replayable:
        painted.children, painted.footers = children, footers
        painted.footer, painted.written = recording.drawing(segment), None
    else:
        page.__dict__.pop(_RECORD, None)
    return True


def _state(stream: Any) -> dict[str, Any]:
    """Return what a stream knows of what it drew: its current colour, font, transformation."""
    return {
        name: (list(getattr(stream, name)) if name == "_ctm_stack" else getattr(stream, name))
        for name in _STATE
    }


def _replay(drawing: _Drawing, stream: Any, tags: list[tuple[object, dict]]) -> None:
    """Do to the stream and what it shares what painting the page did."""
    stream.stream.extend(drawing.operators)
    if stream._tags is not None:
        for box, mark in tags:
            stream._tags[box] = dict(mark)
    for pango_font, seen_widths, seen_texts in drawing.fonts:
        font, _ = stream.add_font(pango_font)
        widths, texts = font.widths, font.to_unicode
        for glyph, width in seen_widths.items():
            if glyph not in widths:
                widths[glyph] = width
        for glyph, text in seen_texts.items():
            if glyph not in texts:
                texts[glyph] = text
    if drawing.alphas or drawing.images:
        # Through WeasyPrint's own methods, on a copy of the stream whose operators are dropped:
        # the shared dictionaries get what they would, in the same order.
        scratch = stream.clone()
        for alpha, stroke, fill in drawing.alphas:
            scratch._current_alpha = scratch._current_alpha_stroke = None
            scratch.set_alpha(alpha, stroke, fill)
        for image, interpolate, ratio in drawing.images:
            scratch.add_image(image, interpolate, ratio)


def prepare(pages: Sequence[Page]) -> None:
    """Let each page replay its last painting when its boxes did not change; nothing if
    WeasyPrint's internals are no longer those the replay was written for."""
    _Tally.painted = _Tally.replayed = 0
    if _problems_once():
        return
    for page in pages:
        if "paint" not in page.__dict__:
            page.paint = _paint.__get__(page)


def forget(pages: Sequence[Page]) -> None:
    """Drop the pages' recorded paintings: the next write paints them all."""
    for page in pages:
        page.__dict__.pop(_RECORD, None)


@functools.cache
def _problems_once() -> tuple[str, ...]:
    """problems(), asked once per process: reading WeasyPrint's source takes 17 ms."""
    return tuple(problems())


def problems() -> list[str]:
    """Say what of WeasyPrint's internals the replay leans on has changed; nothing if all is as
    it was written for (WeasyPrint 70)."""
    found = []
    try:
        generate = inspect.getsource(weasyprint.pdf.generate_pdf)
        paint = tuple(inspect.signature(Page.paint).parameters)
        first_line = inspect.getsource(draw_text.draw_first_line)
        marked = inspect.getsource(Stream.marked)
        alpha = tuple(inspect.signature(Stream.set_alpha).parameters)
        image = tuple(inspect.signature(Stream.add_image).parameters)
        stream_methods = {
            name: inspect.getsource(method)
            for name, method in vars(Stream).items()
            if inspect.isfunction(method)
        }
        from_box = tuple(inspect.signature(StackingContext.from_box).parameters)
        from_page = inspect.getsource(StackingContext.from_page)
        stacking = inspect.getsource(_DRAWS)
        init = inspect.getsource(Stream.__init__)
    except (TypeError, ValueError, OSError) as error:
        return [f"{HOOKED}: WeasyPrint's source cannot be read ({error})"]
    # A footer painted anew after a replayed page: drawn as the page draws it, last.
    if from_box[:2] != ("box", "page"):
        found.append(f"StackingContext.from_box takes {from_box}, not (box, page, …)")
    if "cls.from_box(child, page) for child in page.children" not in from_page:
        found.append("StackingContext.from_page no longer makes a context of each page child")
    if "for child_context in stacking_context.zero_z_contexts:" not in stacking:
        found.append("weasyprint.draw.draw_stacking_context no longer draws child contexts")
    kept = set(re.findall(r"self\.(_current_\w+|_old_\w+|_ctm_stack)\s*=", init))
    if kept != set(_STATE):
        found.append(f"Stream.__init__ sets {sorted(kept)} of what it drew, not {_STATE}")
    if "page.paint(stream, scale)" not in generate:
        found.append("weasyprint.pdf.generate_pdf no longer calls page.paint(stream, scale)")
    if paint != ("self", "stream", "scale"):
        found.append(f"weasyprint.document.Page.paint takes {paint}, not (self, stream, scale)")
    for needed in (
        "stream.add_font(pango_font)",
        "if glyph_id not in font.to_unicode:",
        "font.to_unicode[glyph_id] = ",
        "if glyph_id in font.widths:",
        "logical_width = font.widths[glyph_id] = ",
        "font.get_unused_glyph_id(codepoint)",
    ):
        if needed not in first_line:
            found.append(f"weasyprint.draw.text.draw_first_line no longer has « {needed} »")
    if "self._tags[box] = {'tag': tag, 'mcid': mcid}" not in marked:
        found.append("weasyprint.pdf.stream.Stream.marked no longer registers box → tag, mcid")
    if alpha != ("self", "alpha", "stroke", "fill"):
        found.append(f"Stream.set_alpha takes {alpha}")
    if image != ("self", "image", "interpolate", "ratio"):
        found.append(f"Stream.add_image takes {image}")
    touching = {
        name for name, source in stream_methods.items() if any(s in source for s in _SHARED)
    }
    if touching - _KNOWN:
        found.append(f"Stream methods touch the shared resources unrecorded: {touching - _KNOWN}")
    for name in (*_RECORDED, *_REFUSED):
        if name not in stream_methods:
            found.append(f"Stream.{name} is gone")
    if not isinstance(inspect.getattr_static(pydyf.Stream, "data", None), property):
        found.append("pydyf.Stream.data is no longer a property: a stream's bytes, not kept")
    if "__slots__" in vars(Page):
        found.append("weasyprint.document.Page has __slots__: its paint cannot be set per page")
    return [f"{HOOKED}: {problem}" for problem in found]
