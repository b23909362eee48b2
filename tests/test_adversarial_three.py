"""Hostile input, round three: images the loader takes must go into every output, as the PDF
shows them; link markup where no link can be; the calendar file at the end of the calendar.

Each case runs the real command: `dossier check` and `dossier build` agree, and what they
accept every output shows alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import icalendar
import pikepdf
import pytest
from docx.image.exceptions import UnrecognizedImageError
from PIL import Image, ImageChops

from dossier.cli import main
from dossier.errors import RenderError
from dossier.load import load_edition
from dossier.render.docx import render_docx
from dossier.render.web import PAGE, to_ical
from dossier.view import prepare
from tests.conftest import SMALL_EDITION

YAML = "edition.yaml"
PORTRAIT = "images/portrait.png"  # petite's portrait, shown once in the interview


# --- Images: what the loader accepts, every output shows, upright -------------------------


def _picture(size: tuple[int, int] = (400, 100), mode: str = "RGB") -> Image.Image:
    """A picture whose orientation shows: red, with a blue band at its left end."""
    width, height = size
    picture = Image.new("RGB", size, (220, 30, 30))
    picture.paste((30, 30, 220), (0, 0, width // 4, height))
    return picture.convert(mode)


def _without_segment(data: bytes, marker: int) -> bytes:
    """Remove a JPEG's marker segments of one kind (0xE0: the JFIF header, APP0)."""
    assert data[:2] == b"\xff\xd8"
    position, kept = 2, [data[:2]]
    while data[position] == 0xFF and data[position + 1] not in (0xDA, 0xD9):
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        if data[position + 1] != marker:
            kept.append(segment)
        position += 2 + length
    return b"".join([*kept, data[position:]])


def cmyk_jpeg(target: Path) -> None:
    # Pillow writes CMYK as photo agencies' files are: Adobe APP14, no JFIF
    _picture(mode="CMYK").save(target, format="JPEG", quality=95)


def rgb_jpeg_without_jfif(target: Path) -> None:
    stream = io.BytesIO()
    _picture().save(stream, format="JPEG", quality=95)
    target.write_bytes(_without_segment(stream.getvalue(), 0xE0))


def grey_jpeg_without_jfif(target: Path) -> None:
    stream = io.BytesIO()
    _picture(mode="L").save(stream, format="JPEG", quality=95)
    target.write_bytes(_without_segment(stream.getvalue(), 0xE0))


def cmyk_jpeg_turned(target: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    _picture(mode="CMYK").save(target, format="JPEG", quality=95, exif=exif.tobytes())


def oriented(orientation: int, kind: str = "JPEG") -> Callable[[Path], None]:
    def make(target: Path) -> None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        _picture().save(target, format=kind, exif=exif.tobytes())

    return make


IMAGES: list[tuple[str, Callable[[Path], None], tuple[int, int]]] = [
    # (case, how the portrait is written, its size as shown: width, height)
    ("cmyk-jpeg", cmyk_jpeg, (400, 100)),
    ("rgb-jpeg-without-jfif", rgb_jpeg_without_jfif, (400, 100)),
    ("grey-jpeg-without-jfif", grey_jpeg_without_jfif, (400, 100)),
    ("cmyk-jpeg-turned", cmyk_jpeg_turned, (100, 400)),
    ("jpeg-orientation-6", oriented(6), (100, 400)),  # a phone held upright
    ("jpeg-orientation-8", oriented(8), (100, 400)),
    ("jpeg-orientation-3", oriented(3), (400, 100)),  # upside down
    ("jpeg-orientation-2", oriented(2), (400, 100)),  # mirrored
    ("jpeg-orientation-5", oriented(5), (100, 400)),  # mirrored and turned
    ("png-orientation-6", oriented(6, "PNG"), (100, 400)),
    ("jpeg-orientation-1", oriented(1), (400, 100)),
]


def _docx_picture(file: Path) -> tuple[Image.Image, list[tuple[int, int]]]:
    """Return the DOCX's one picture file, decoded, and the extent (EMU) of each of its uses."""
    document = docx.Document(str(file))
    extents = [(shape.width, shape.height) for shape in document.inline_shapes]
    with zipfile.ZipFile(file) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        picture = Image.open(io.BytesIO(archive.read(name)))
        picture.load()
    return picture, extents


def _pdf_picture(file: Path) -> Image.Image:
    with pikepdf.open(file) as pdf:
        for page in pdf.pages:
            for raw in page.get_images().values():
                return pikepdf.PdfImage(raw).as_pil_image().convert("RGB")
    raise AssertionError("the PDF has no picture")


def _alike(one: Image.Image, other: Image.Image) -> bool:
    """Tell whether two decodings show the same picture: the same colours at the same places."""
    small = (8, 8)
    difference = ImageChops.difference(one.convert("RGB").resize(small), other.resize(small))
    return max(max(band) for band in difference.getextrema()) < 60


@pytest.mark.parametrize(("name", "make", "shown"), IMAGES, ids=[c[0] for c in IMAGES])
def test_every_image_the_check_accepts_goes_into_the_docx_as_the_pdf_shows_it(
    name: str, make, shown: tuple[int, int], edition_copy, tmp_path: Path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION)
    make(folder / PORTRAIT)
    out = tmp_path / "out"
    assert main(["check", str(folder)]) == 0, capsys.readouterr().err
    code = main(["build", str(folder), "--format", "pdf,docx", "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    in_docx, extents = _docx_picture(next(out.glob("*.docx")))
    in_pdf = _pdf_picture(next(out.glob("*.pdf")))
    assert in_pdf.size == shown  # WeasyPrint applies the EXIF orientation
    assert in_docx.size == shown  # upright in the file: Word ignores EXIF orientation
    assert extents  # and on the page, the extent of each use is its own
    assert all(abs(cx / cy - shown[0] / shown[1]) < 0.01 for cx, cy in extents), extents
    assert _alike(in_docx, in_pdf), name  # the same picture, turned the same way


def test_an_image_python_docx_reads_goes_in_byte_for_byte(edition_copy, tmp_path, capsys) -> None:
    folder = edition_copy(SMALL_EDITION)
    out = tmp_path / "out"
    assert main(["build", str(folder), "--format", "docx", "--output", str(out)]) == 0
    with zipfile.ZipFile(next(out.glob("*.docx"))) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert archive.read(name) == (folder / PORTRAIT).read_bytes()


def test_an_image_gone_after_the_check_is_refused_at_its_field(edition_copy) -> None:
    folder = edition_copy(SMALL_EDITION)
    view = prepare(load_edition(folder), folder)
    (folder / PORTRAIT).unlink()  # taken away between the check and the DOCX
    with pytest.raises(RenderError) as caught:
        render_docx(view)
    message = str(caught.value)
    assert re.match(r"^\S*edition\.yaml:\d+:\d+: sections\[2\]\.portrait\.src: DOCX : ", message)
    assert "portrait.png" in message
    assert "introuvable" in message
    assert "Error" not in message


def test_an_image_word_cannot_take_is_refused_at_its_field(edition_copy, monkeypatch) -> None:
    folder = edition_copy(SMALL_EDITION)
    view = prepare(load_edition(folder), folder)

    def refuse(path: Path):
        raise UnrecognizedImageError

    monkeypatch.setattr("dossier.render.docx.writer.prepare_picture", refuse)
    with pytest.raises(RenderError) as caught:
        render_docx(view)
    message = str(caught.value)
    assert re.match(r"^\S*edition\.yaml:\d+:\d+: sections\[2\]\.portrait\.src: DOCX : ", message)
    assert "UnrecognizedImageError" not in message
    assert "enregistrez-la à nouveau en PNG ou en JPEG" in message


def empty(target: Path) -> None:
    target.write_bytes(b"")


def noise(target: Path) -> None:
    target.write_bytes(bytes(range(256)) * 8)


def damaged_png(target: Path) -> None:
    stream = io.BytesIO()
    _picture().save(stream, format="PNG")
    data = bytearray(stream.getvalue())
    start = data.index(b"IDAT") + 8
    data[start : start + 40] = b"\x00" * 40  # the compressed pixels, broken
    target.write_bytes(bytes(data))


def gif_header_only(target: Path) -> None:
    target.write_bytes(b"GIF89a\x10\x00\x10\x00\x00\x00\x00")


BROKEN_IMAGES = [
    ("empty", empty, "n'est pas une image lisible (le fichier est vide, 0 octet)"),
    ("noise", noise, "n'est pas une image lisible (format inconnu, ou fichier endommagé)"),
    ("damaged-png", damaged_png, "n'est pas une image lisible ("),
    ("gif-header-only", gif_header_only, "n'est pas une image lisible ("),
]


@pytest.mark.parametrize(
    ("name", "make", "expected"), BROKEN_IMAGES, ids=[c[0] for c in BROKEN_IMAGES]
)
def test_a_broken_image_is_refused_in_french_by_check_and_build(
    name: str, make, expected: str, edition_copy, tmp_path: Path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION)
    make(folder / PORTRAIT)
    out = tmp_path / "out"
    for command in (["check", str(folder)], ["build", str(folder), "--output", str(out)]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert re.match(r"^\S*edition\.yaml:73:12: sections\[2\]\.portrait\.src: ", err), err
        assert expected in err, err
        assert not re.search(r"[A-Z]\w+(Error|Exception)", err), err  # no library's class
    assert not out.exists() or not any(out.iterdir())


def test_the_web_page_shows_a_turned_photo_upright(edition_copy, tmp_path, capsys) -> None:
    from tests.browser import chromium, open_page

    folder = edition_copy(SMALL_EDITION)
    oriented(6)(folder / PORTRAIT)
    out = tmp_path / "out"
    assert main(["build", str(folder), "--format", "html", "--output", str(out)]) == 0
    page = next(out.glob(f"*/{PAGE}"))
    assert "width=" not in re.search(r"<img [^>]*>", page.read_text()).group(0)  # none to turn
    with chromium() as driver:
        open_page(driver, page, 1280)
        natural, shown = driver.execute_script(
            "const img = document.querySelector('img');"
            "const box = img.getBoundingClientRect();"
            "return [[img.naturalWidth, img.naturalHeight], [box.width, box.height]];"
        )
    assert natural == [100, 400]  # Chromium applies the EXIF orientation, as WeasyPrint does
    assert shown[1] > shown[0]
    shutil.rmtree(out)


# --- F18: link markup where no link can be --------------------------------------------------

KEYWORDS = "keywords: [données ouvertes, open data]"
ALT = "alt: Portrait d'Alex Durand\n"
NO_LINK = "ce texte ne peut pas être un lien"
LINKS_REFUSED = [
    ("keyword-link", KEYWORDS, 'keywords: ["[x](https://x.org)", open data]', "keywords[0]: "),
    ("keyword-mail", KEYWORDS, 'keywords: [données, "[écrire](mailto:a@b.fr)"]', "keywords[1]: "),
    (
        "keyword-renvoi",
        KEYWORDS,
        'keywords: ["[p. {page}](#missions)"]',
        "keywords[0]: ",
    ),
    (
        "alt-link",
        ALT,
        'alt: "Portrait [d\'Alex](https://x.org) Durand"\n',
        "sections[3].portrait.alt: ",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"), LINKS_REFUSED, ids=[c[0] for c in LINKS_REFUSED]
)
def test_a_link_in_metadata_or_alt_text_is_refused_where_it_is_written(
    name: str, old: str, new: str, expected: str, edition_copy, tmp_path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION, replace={old: new})
    out = tmp_path / "out"
    for command in (["check", str(folder)], ["build", str(folder), "--output", str(out)]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert re.match(rf"^\S*edition\.yaml:\d+:\d+: {re.escape(expected)}{NO_LINK}", err), err
    assert not out.exists()


def test_a_bare_address_in_alt_text_stays_allowed(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION, replace={ALT: "alt: Portrait, voir https://x.org\n"})
    assert main(["check", str(folder)]) == 0, capsys.readouterr().err


def test_search_engines_read_an_organisers_name_not_its_markup(edition_copy, tmp_path) -> None:
    folder = edition_copy(
        SMALL_EDITION,
        replace={
            "organisers: [DINUM, Etalab]": 'organisers: ["[DINUM](https://dinum.fr)", Etalab]'
        },
    )
    out = tmp_path / "out"
    assert main(["build", str(folder), "--format", "html", "--output", str(out)]) == 0
    page = next(out.glob(f"*/{PAGE}")).read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks
    events = [json.loads(block) for block in blocks]
    names = json.dumps(events, ensure_ascii=False)
    assert '"name": "DINUM"' in names
    assert "](" not in names
    assert 'href="https://dinum.fr"' in page  # the printed organiser keeps its link


# --- F1: the calendar file at the end of the calendar -----------------------------------------


@pytest.mark.parametrize(
    ("shape", "days", "hours"),
    [
        ("days", (dt.date(9999, 12, 31),), None),
        ("days", (dt.date(9999, 12, 31),), (dt.time(9, 30), dt.time(12))),
        ("range", (dt.date(9999, 12, 20), dt.date(9999, 12, 31)), None),
        ("range", (dt.date(9999, 12, 20), dt.date(9999, 12, 31)), (dt.time(9), None)),
        ("since", (dt.date(9999, 12, 31),), None),
        ("days", (dt.date(9998, 3, 2), dt.date(9999, 12, 31)), None),
    ],
)
def test_the_calendar_file_holds_events_in_the_year_9999(shape, days, hours) -> None:
    """The loader refuses such years; the .ics does not count on it."""
    view = prepare(load_edition(SMALL_EDITION), SMALL_EDITION)
    start, end = hours or (None, None)
    sections = list(view.sections)
    index = next(i for i, s in enumerate(sections) if s.kind == "calendar")
    calendar = sections[index]
    first = calendar.events[0]
    schedule = dataclasses.replace(first.schedule, shape=shape, days=days, start=start, end=end)
    events = (dataclasses.replace(first, schedule=schedule), *calendar.events[1:])
    sections[index] = dataclasses.replace(calendar, events=events)
    view = dataclasses.replace(view, sections=tuple(sections))
    parsed = icalendar.Calendar.from_ical(to_ical(view))
    (event, *_) = parsed.walk("VEVENT")
    assert event.decoded("dtstart").year == days[0].year
    if shape == "range" and hours is None:
        assert event.decoded("duration") == dt.timedelta(days=12)
