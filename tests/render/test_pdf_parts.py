"""The PDF laid out part by part reads as one layout, and an edit lays out only what it changed.

The reference is the whole press kit as one HTML document laid out by WeasyPrint at once: the
parts must give the same PDF, byte for byte. Then a layout kept between edits (the watch
mode's) must give, after each edit, the PDF a fresh layout of the same data gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from weasyprint import HTML

from dossier.load import load_edition
from dossier.render.pdf import SandboxFetcher, describe_links
from dossier.render.pdf.layout import Pagination
from dossier.theme import FONTS, TEMPLATES
from dossier.view import prepare
from tests.conftest import EDITION_2021, EDITIONS, SMALL_EDITION
from tests.edits import new_image, remove_section, replace
from tests.layout import pdf_facts

OPTIONS = {
    "pdf_variant": "pdf/ua-1",
    "pdf_tags": True,
    "custom_metadata": False,
    "optimize_images": True,
    "finisher": describe_links,
}


def fresh(folder: Path) -> Pagination:
    return Pagination(folder, SandboxFetcher([folder, TEMPLATES, FONTS]))


def view_of(folder: Path, draft: bool = False):
    return prepare(load_edition(folder), folder, draft=draft)


@pytest.fixture(scope="module")
def programme_of_120(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic edition whose calendars run over nine pages, mended on their later pages."""
    from benchmarks import synthetic

    return synthetic.write(120, tmp_path_factory.mktemp("synthetic") / "synthetic-120")


@pytest.mark.parametrize(
    ("edition", "draft"),
    [
        *((edition, False) for edition in EDITIONS),
        ("synthetic-120", False),
        ("synthetic-120", True),  # a fixed box, the draft's mark, on every page
        (EDITION_2021, True),
    ],
    ids=lambda value: getattr(value, "name", None) or ("draft" if value is True else str(value)),
)
def test_the_parts_give_the_pdf_of_the_whole_layout_byte_for_byte(
    edition: Path | str, draft: bool, request: pytest.FixtureRequest
) -> None:
    """Every part laid out alone, mended (each mend laid out from the page before the first it
    changes, resume.py), joined: the PDF of the whole document laid out at once."""
    if edition == "synthetic-120":
        edition = request.getfixturevalue("programme_of_120")
    assert isinstance(edition, Path)
    view = view_of(edition, draft)
    pagination = fresh(edition)
    parts = pagination.lay_out(view).write_pdf(**OPTIONS)
    assert pagination.report.parts > 3
    whole = HTML(
        string=pagination.whole_html(view),
        base_url=edition.resolve().as_uri() + "/",
        url_fetcher=pagination.fetcher,
    ).render()
    assert parts == whole.write_pdf(**OPTIONS)


def facts(pdf: bytes, where: Path) -> dict[str, object]:
    """What a reader sees of a PDF made in memory (tests.layout.pdf_facts)."""
    file = where / "facts.pdf"
    file.write_bytes(pdf)
    return pdf_facts(file)


EVENT = """      - title: Atelier ajouté
        organisers: Etalab
        date: 2024-02-28
        start: 14:00
        description: >-
          {text}
"""


def test_a_kept_layout_gives_after_each_edit_the_pdf_of_a_fresh_one(tmp_path: Path) -> None:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    file = folder / "edition.yaml"
    kept = fresh(folder)
    kept.lay_out(view_of(folder))
    long = " ".join(["Une longue description, pour que le programme prenne une page de plus."] * 9)
    edits = [
        ("a word", lambda: replace(file, "Nous continuerons.", "Nous continuerons ensemble.")),
        (
            "events: the programme gains a page",
            lambda: replace(
                file,
                "    links:\n      - text: Tout le programme",
                "".join(EVENT.format(text=long) for _ in range(6))
                + "    links:\n      - text: Tout le programme",
            ),
        ),
        ("a section removed", lambda: remove_section(file, "  - kind: edito\n")),
        ("an image replaced", lambda: new_image(folder / "images" / "portrait.png")),
    ]
    before = kept.report.pages
    for name, edit in edits:
        edit()
        view = view_of(folder)
        kept_pdf = kept.lay_out(view).write_pdf(**OPTIONS)
        fresh_pdf = fresh(folder).lay_out(view).write_pdf(**OPTIONS)
        assert facts(kept_pdf, tmp_path) == facts(fresh_pdf, tmp_path), name
        if name == "a word":
            # one part laid out anew, not the seven
            assert kept.report.changed == ["trois-questions-a"], kept.report
        if name.startswith("events"):
            assert kept.report.pages > before, "the edit was meant to add a page"
        if name == "an image replaced":
            # same name, new file: its part is laid out anew (its size may differ)
            assert "trois-questions-a" in kept.report.changed, kept.report


# --- what the layouts found, kept between builds (layout.Memory) ---------------------------


def test_a_build_after_another_lays_each_part_out_once_into_the_same_pdf(tmp_path: Path) -> None:
    """The second build of an edition (another process: a fresh Pagination) starts from the
    mends and the page numbers the first found, and makes the very same pages."""
    memory = tmp_path / "build" / ".dossier-cache" / "mise-en-page.json"
    view = view_of(EDITION_2021)
    first = fresh(EDITION_2021)
    first_pdf = first.lay_out(view, memory).write_pdf(**OPTIONS)
    assert first.report.passes == 2, first.report
    assert first.report.layouts > first.report.parts, first.report
    assert memory.is_file()
    again = fresh(EDITION_2021)
    again_pdf = again.lay_out(view, memory).write_pdf(**OPTIONS)
    assert again_pdf == first_pdf
    assert again.report.passes == 1, again.report
    assert again.report.layouts == again.report.parts == again.report.remembered, again.report
    # the whole document, laid out with what was remembered, is still the same PDF
    whole = HTML(
        string=again.whole_html(view),
        base_url=EDITION_2021.resolve().as_uri() + "/",
        url_fetcher=again.fetcher,
    ).render()
    assert whole.write_pdf(**OPTIONS) == first_pdf


@pytest.mark.parametrize(
    "kept",
    [
        "not json {",
        '{"format": 1, "code": "other code", "numbers": {}, "mends": {}}',
        '{"format": 1, "numbers": [], "mends": 3}',
        "[]",
    ],
    ids=["garbage", "other code", "wrong shapes", "a list"],
)
def test_a_memory_that_does_not_hold_is_left_aside(tmp_path: Path, kept: str) -> None:
    memory = tmp_path / "mise-en-page.json"
    memory.write_text(kept, encoding="utf-8")
    view = view_of(SMALL_EDITION)
    reference = fresh(SMALL_EDITION).lay_out(view).write_pdf(**OPTIONS)
    pagination = fresh(SMALL_EDITION)
    assert pagination.lay_out(view, memory).write_pdf(**OPTIONS) == reference
    assert pagination.report.remembered == 0
    assert '"format": 1' in memory.read_text(encoding="utf-8")  # written anew, whole


def test_what_is_remembered_goes_with_the_files_a_part_names(tmp_path: Path) -> None:
    """A picture replaced under its name, or another font, is another layout: its part is laid
    out and mended anew, not set with the mends of the old file."""
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    memory = tmp_path / "mise-en-page.json"
    fresh(folder).lay_out(view_of(folder), memory)
    new_image(folder / "images" / "portrait.png")
    pagination = fresh(folder)
    pagination.lay_out(view_of(folder), memory)
    naming = [html for html in pagination.laid if "images/portrait.png" in html]
    assert len(naming) == 2  # the interview's and the édito's
    assert pagination.report.remembered == pagination.report.parts - 2, pagination.report


def test_a_build_keeps_its_layout_memory_in_the_cache_folder_not_among_its_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.build import build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    output = tmp_path / "build"
    build(SMALL_EDITION, ("pdf",), output=output)
    assert [p.name for p in output.iterdir()] == ["semaine-donnee-2024.pdf"]
    kept = list((tmp_path / "cache" / "dossier").iterdir())
    assert len(kept) == 1, kept
    assert kept[0].name.startswith("mise-en-page-"), kept


# --- a part laid out again from the page an edit or a mend changes (resume.py) -------------


def test_the_resume_still_fits_weasyprint() -> None:
    """WeasyPrint's internals resuming leans on: if this fails, resuming stands aside (every
    part is laid out whole, as WeasyPrint does; the watch and the mends are slower) until
    dossier/render/pdf/resume.py is adapted and its digests written anew."""
    from dossier.render.pdf import resume

    problems = resume.problems()
    assert not problems, f"{resume.HOOKED} no longer fits: {'; '.join(problems)}"


def kept(folder: Path) -> Pagination:
    """A layout kept between edits, as the watch mode's: each part can be laid out again from
    the page an edit changes."""
    pagination = fresh(folder)
    pagination.keep_layouts = True
    return pagination


DESIGN_ORDER = """      - title: Design et commande publique
        organisers: DITP
        date: 2021-11-17
        start: 14:00
        end: 16:00
        description: >-
          Témoignages croisés de commanditaires publics et prestataires privés sur les
          modalités de mise en place d’un marché de design dans les établissements scolaires.
        link: https://www.modernisation.gouv.fr/mois-de-linnovation-publique/design-et-commande-publique-super-demarche-mais-comment-fait-pour
"""
LATER_EVENT = """      - title: Atelier ajouté au milieu du programme
        organisers: DITP
        date: 2021-11-17
        start: 16:30
        description: >-
          Un atelier ajouté la veille de la publication, entre deux autres.
"""


def test_an_edit_lays_out_from_its_page_into_the_pdf_of_a_fresh_layout(tmp_path: Path) -> None:
    """After each edit, the kept layout lays out only from the page before the one the edit
    changed, down to the page where its pages fall as before, and makes the very PDF a fresh
    layout makes, byte for byte."""
    folder = tmp_path / "2021"
    shutil.copytree(EDITION_2021, folder)
    file = folder / "edition.yaml"
    watched = kept(folder)
    watched.lay_out(view_of(folder))
    edits = [
        # the time of an event in the middle of the ministry's seven pages: one page anew
        (
            "a time",
            "        date: 2021-11-17\n        start: 14:00",
            "        date: 2021-11-17\n        start: 14:30",
        ),
        ("a word", "Ce meet-up mettra en avant", "Ce meet-up mettra bien en avant"),
        # in the lines of a paragraph that a page break cut: the page it goes on to is laid
        # out again, though it starts where it did
        (
            "a word after a page break",
            "étudiants vivant en collectivité ?",
            "étudiants vivant en communauté ?",
        ),
        (
            "an event",
            '      - title: "Meetup Design public #6 - Design et data"\n',
            LATER_EVENT + '      - title: "Meetup Design public #6 - Design et data"\n',
        ),
        (
            "a longer description",
            "Coaching au sein du service public",
            " ".join(["Coaching au sein du service public"] * 12),
        ),
    ]
    duplicate = (  # an event as tall as the one it follows: the pages after fall as before
        "an event as tall as its neighbour",
        "      - title: Design et commande publique\n",
        DESIGN_ORDER + "      - title: Design et commande publique\n",
    )
    edits.append(duplicate)
    made = {}
    for name, old, new in edits:
        replace(file, old, new)
        view = view_of(folder)
        watched_pdf = watched.lay_out(view).write_pdf(**OPTIONS)
        assert watched_pdf == fresh(folder).lay_out(view).write_pdf(**OPTIONS), name
        assert watched.report.changed == ["evenements-ministere"], (name, watched.report)
        part = next(p for p in watched.laid.values() if p.name == "evenements-ministere")
        # laid out whole, each layout of the part (a mend lays it out again) is all its pages
        whole = watched.report.layouts * len(part.pages)
        made[name] = watched.report.pages_made
        assert watched.report.pages_made < whole, (name, watched.report, whole)
    # an edit that leaves the pages after it as they were: one or two pages laid out, of seven
    assert made["a time"] <= 2, made
    assert made["a word"] <= 2, made
