"""Hostile input, round three: what the writing commands write, and over what.

A build's outputs and a review's report are checked against everything the command reads
before anything is written: the edition's folder (never replaced, never written into by a
build), its files, the reviewed document, the project's templates and fonts. Writing
edition.yaml keeps what the user set up: a link is written through, a read-only file refused.
Each case runs the real command and reads the message the user reads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.theme import FONTS, TEMPLATES
from tests.conftest import SMALL_EDITION
from tests.edits import revise

SLUG = "semaine-donnee-2024"  # petite's


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def named(tmp_path: Path) -> Path:
    """The edition in a folder named like its slug: what a build's web folder is called."""
    folder = tmp_path / "d" / SLUG
    shutil.copytree(SMALL_EDITION, folder)
    return folder


@pytest.mark.parametrize(
    ("output", "said"),
    [
        ("parent", "écrire là remplacerait le dossier de l'édition"),  # the web folder over it
        ("itself", "c'est dans le dossier de l'édition"),
        ("inside", "c'est dans le dossier de l'édition"),
        ("grandparent", None),  # d/semaine-donnee-2024.pdf… beside d/: allowed
    ],
)
def test_a_build_never_writes_over_or_into_the_edition(named, output, said, capsys) -> None:
    before = snapshot(named)
    target = {
        "parent": named.parent,
        "itself": named,
        "inside": named / "sortie",
        "grandparent": named.parent.parent,
    }[output]
    code = main(["build", str(named), "--output", str(target), "--format", "html"])
    err = capsys.readouterr().err
    assert snapshot(named) == before  # the edition, its images: all there, unchanged
    if said is None:
        assert code == 0, err
        return
    assert code == 1
    assert said in err
    assert "rien n'est écrit ; choisissez une" in err
    assert "Traceback" not in err
    assert not (target / f"{SLUG}.pdf").exists()


@pytest.mark.parametrize("folder", [TEMPLATES, FONTS], ids=["templates", "fonts"])
def test_a_build_never_writes_into_the_project_s_templates_or_fonts(named, folder, capsys) -> None:
    before = snapshot(folder)
    assert main(["build", str(named), "--output", str(folder), "--format", "docx"]) == 1
    assert "que la commande lit : rien n'est écrit" in capsys.readouterr().err
    assert snapshot(folder) == before


@pytest.fixture
def reviewed(tmp_path: Path, edition_copy) -> tuple[Path, Path]:
    """A copy of the edition and a DOCX of it with one edit made without tracking."""
    edition = edition_copy(SMALL_EDITION)
    assert main(["build", str(edition), "--output", str(tmp_path / "out"), "--format", "docx"]) == 0

    def change(document) -> None:
        for paragraph in document.paragraphs:
            if paragraph.text.startswith("Cinq rendez-vous"):
                for run in paragraph.runs:
                    run.text = run.text.replace("Cinq", "Six")
                return
        raise AssertionError("no paragraph « Cinq rendez-vous »")

    docx = revise(tmp_path / "out" / f"{SLUG}.docx", tmp_path / "retour.docx", change)
    return edition, docx


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("edition.yaml", "que la commande lit : rien n'est écrit"),
        ("the docx", "que la commande lit : rien n'est écrit"),
        ("an image", "que la commande lit : rien n'est écrit"),
        ("a hard link", "que la commande lit : rien n'est écrit"),
        ("the folder", "écrire là remplacerait le dossier de l'édition"),
    ],
)
def test_a_review_s_report_never_replaces_what_it_read(reviewed, tmp_path, where, said, capsys):
    edition, docx = reviewed
    before, document = snapshot(edition), docx.read_bytes()
    link = tmp_path / "lien.html"
    os.link(edition / "edition.yaml", link)
    target = {
        "edition.yaml": edition / "edition.yaml",
        "the docx": docx,
        "an image": next(p for p in (edition / "images").iterdir()),
        "a hard link": link,
        "the folder": edition,
    }[where]
    code = main(["review", str(docx), str(edition), "--apply", "--report", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert said in err
    assert "Traceback" not in err
    assert snapshot(edition) == before  # --apply did not write either: refused first
    assert docx.read_bytes() == document


def test_a_review_writes_through_a_symbolic_link(reviewed, tmp_path, capsys) -> None:
    edition, docx = reviewed
    shared = tmp_path / "partage" / "edition.yaml"
    shared.parent.mkdir()
    shutil.move(edition / "edition.yaml", shared)
    (edition / "edition.yaml").symlink_to(shared)
    assert main(["review", str(docx), str(edition), "--apply"]) == 0, capsys.readouterr().err
    assert (edition / "edition.yaml").is_symlink()
    assert "Six rendez-vous" in shared.read_text(encoding="utf-8")


def test_a_review_refuses_a_read_only_edition(reviewed, capsys) -> None:
    edition, docx = reviewed
    file = edition / "edition.yaml"
    before = file.read_bytes()
    file.chmod(0o444)
    try:
        assert main(["review", str(docx), str(edition), "--apply"]) == 1
        err = capsys.readouterr().err
        assert "edition.yaml est en lecture seule : rien n'est écrit" in err
        assert file.read_bytes() == before
    finally:
        file.chmod(0o644)


@pytest.mark.parametrize("hostile", ["<!--<script>", "</script><p>x</p>", "a & c > d"])
def test_the_json_ld_never_breaks_out_of_its_script(edition_copy, tmp_path, hostile) -> None:
    """A title that holds « <!--<script> » once swallowed the rest of the page."""
    import json

    import lxml.html

    edition = edition_copy(SMALL_EDITION)
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("- title:"))
    quoted = json.dumps(hostile, ensure_ascii=False)
    file.write_text(text.replace(first, first.split("title:")[0] + "title: " + quoted, 1))
    assert main(["build", str(edition), "--output", str(tmp_path), "--format", "html"]) == 0
    page = lxml.html.parse(str(tmp_path / SLUG / "index.html")).getroot()
    (script,) = page.xpath("//script[@type='application/ld+json']")
    assert not {"<", ">", "&", "\u2028"} & set(script.text)
    names = [event["name"] for event in json.loads(script.text)["@graph"]]
    assert "".join(names[0].split()) == "".join(hostile.split())  # set in French, spaces aside
    expected = snapshot_sections(edition)
    assert len(page.xpath("//main//section[contains(@class, 'section')]")) == expected


def test_script_json_escapes_what_html_and_javascript_would_read() -> None:
    from dossier.render.web import _SCRIPT_SAFE

    written = '{"a": "</script><!--&\u2028\u2029"}'.translate(_SCRIPT_SAFE)
    assert written == r'{"a": "\u003c/script\u003e\u003c!--\u0026\u2028\u2029"}'


def snapshot_sections(edition: Path) -> int:
    from dossier.load import load_edition

    return len(load_edition(edition).sections)


def test_a_review_of_a_value_an_anchor_shares_is_listed_not_a_crash(
    edition_copy, tmp_path, capsys
) -> None:
    """organisers: &etalab Etalab … organisers: *etalab: check accepts it; editing one of them
    in the DOCX would change both: the review lists it, writes nothing of it, and says why."""
    edition = edition_copy(
        SMALL_EDITION,
        {
            "        organisers: Etalab\n": "        organisers: &etalab Etalab\n",
        },
    )
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace("        organisers: Etalab\n", "        organisers: *etalab\n", 1)
    )
    assert main(["check", str(edition)]) == 0
    assert main(["build", str(edition), "--output", str(tmp_path / "out"), "--format", "docx"]) == 0

    def change(document) -> None:
        for paragraph in document.paragraphs:
            if paragraph.text.replace("\u00a0", " ") == "Organisé par Etalab":
                for run in paragraph.runs:
                    run.text = run.text.replace("Etalab", "Etalab et la DINUM")
                return
        raise AssertionError("no « Organisé par Etalab »")

    capsys.readouterr()
    docx = revise(tmp_path / "out" / f"{SLUG}.docx", tmp_path / "r.docx", change)
    before = file.read_bytes()
    assert main(["review", str(docx), str(edition), "--apply"]) == 0
    out = capsys.readouterr().out
    assert (
        "cette valeur est partagée par une ancre YAML (&etalab, reprise ailleurs par *etalab)"
        in out
    )
    assert file.read_bytes() == before
    assert main(["check", str(edition)]) == 0


def test_a_review_of_an_edition_whose_yaml_is_broken_says_where(reviewed, capsys) -> None:
    edition, docx = reviewed
    file = edition / "edition.yaml"
    file.write_text(file.read_text(encoding="utf-8") + 'title: "pas fermé\n', encoding="utf-8")
    assert main(["review", str(docx), str(edition)]) == 1
    err = capsys.readouterr().err
    assert "edition.yaml:" in err
    assert "le guillemet \" ouvert ici n'est jamais fermé sur sa ligne" in err
    assert "Traceback" not in err


# --- the theme: validated as strictly as the edition, its files confined to fonts/ ----------

THEME_CASES = [
    ("body:           {size: 10,", "body:           {size: .nan,", "styles.body.size: un nombre"),
    ("body:           {size: 10,", "body:           {size: .inf,", "styles.body.size: un nombre"),
    ("body:           {size: 10,", "body:           {size: -210,", "plus grande que 0"),
    ("body:           {size: 10,", "body:           {size: 1e308,", "dépasse le maximum (200)"),
    (
        "small:          {size: 8, colour: muted}",
        "small: {size: 8, colour: muted, after: .inf}",
        "styles.small.after: un nombre",
    ),
    (
        "regular: fonts/Inter-Regular.ttf",  # the DOCX's metrics
        "regular: /etc/passwd",
        "« /etc/passwd » n'est pas dans le dossier fonts/ du projet",
    ),
    (
        "regular: fonts/Inter-Regular.ttf",
        "regular: fonts/../../../etc/passwd",
        "n'est pas dans le dossier fonts/ du projet",
    ),
    (
        "bold_italic: fonts/Inter-BoldItalic.ttf",  # a file the DOCX embeds
        "bold_italic: /etc/shadow",
        "« /etc/shadow » n'est pas dans le dossier fonts/ du projet",
    ),
    (
        "bold_italic: fonts/Inter-BoldItalic.ttf",
        "bold_italic: fonts/Inter-BoldItalic.otf",
        "n'est pas une police TrueType (.ttf) : Word n'embarque que celles-là",
    ),
    (
        "bold_italic: fonts/Inter-BoldItalic.ttf",
        "bold_italic: fonts/Inter-Absente.ttf",
        "« fonts/Inter-Absente.ttf » n'existe pas",
    ),
    (
        "- family: Inter",
        "- family: 'Inter\"; } body { display: none } x { font: \"'",
        "n'est pas un nom de police",
    ),
    ("    family: Inter\n", '    family: "Inter</w:rFonts>"\n', "n'est pas un nom de police"),
]


@pytest.mark.parametrize(("old", "new", "said"), THEME_CASES, ids=[c[1][:30] for c in THEME_CASES])
def test_a_hostile_theme_is_refused_at_its_own_file(
    named, tmp_path, monkeypatch, capsys, old, new, said
) -> None:
    text = (TEMPLATES / "theme.yaml").read_text(encoding="utf-8")
    assert old in text
    theme = tmp_path / "mon-theme.yaml"
    theme.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("DOSSIER_THEME", str(theme))
    from dossier.theme import _load_theme

    _load_theme.cache_clear()
    try:
        code = main(["build", str(named), "--output", str(tmp_path / "out"), "--format", "docx"])
    finally:
        _load_theme.cache_clear()
    err = capsys.readouterr().err
    assert code == 1, err
    assert said in err
    assert str(theme) in err  # the file DOSSIER_THEME names, not templates/theme.yaml
    assert "Traceback" not in err
    assert "root:" not in err
    assert not (tmp_path / "out" / f"{SLUG}.docx").exists()


# --- bombs: archives measured before they are read -------------------------------------------


def _bomb(path: Path, kind: str, member: str, megabytes: int) -> Path:
    """An archive of a few hundred kilobytes one member of which inflates to megabytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", kind, compress_type=zipfile.ZIP_STORED)
        with archive.open(member, "w", force_zip64=True) as stream:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                stream.write(block)
    return path


def test_a_docx_that_inflates_to_gigabytes_is_not_read(edition_copy, tmp_path, capsys) -> None:
    edition = edition_copy(SMALL_EDITION)
    bomb = _bomb(tmp_path / "retour.docx", "application/zip", "customXml/item1.xml", 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    assert main(["review", str(bomb), str(edition)]) == 1
    err = capsys.readouterr().err
    assert "sa partie customXml/item1.xml ferait 300 Mo une fois décompressée" in err
    assert "ce n'est pas un document ordinaire, il n'est pas lu" in err


def test_an_ods_that_inflates_to_gigabytes_is_not_read(edition_copy, tmp_path, capsys) -> None:
    edition = edition_copy(SMALL_EDITION)
    kind = "application/vnd.oasis.opendocument.spreadsheet"
    bomb = _bomb(tmp_path / "inscriptions.ods", kind, "content.xml", 300)
    assert main(["import", str(bomb), "--into", str(edition)]) == 1
    err = capsys.readouterr().err
    assert "sa partie content.xml ferait 300 Mo une fois décompressée" in err
    assert "ce n'est pas un classeur ordinaire" in err


def test_an_xlsx_with_a_cell_a_million_rows_down_is_refused_at_once(
    edition_copy, tmp_path, capsys
) -> None:
    from openpyxl import Workbook

    edition = edition_copy(SMALL_EDITION)
    book = Workbook()
    sheet = book.active
    sheet.append(["Titre", "Date", "Catégorie"])
    sheet.append(["Atelier", "27/02/2024", "Le programme"])
    sheet["A1048576"] = "x"
    file = tmp_path / "inscriptions.xlsx"
    book.save(file)
    assert file.stat().st_size < 20_000
    # refused from the cells the file holds, before a million empty rows are walked
    assert main(["import", str(file), "--into", str(edition)]) == 1
    err = capsys.readouterr().err
    assert (
        "inscriptions.xlsx:A1048576 : cette cellule est remplie, loin de toutes les autres" in err
    )


def test_a_path_that_is_not_utf8_is_printed_not_a_crash(tmp_path) -> None:
    """A folder name of Latin-1 bytes, on a terminal that takes UTF-8 only."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = Path(os.fsdecode(bytes(tmp_path) + b"/\xe9dition"))
    shutil.copytree(SMALL_EDITION, folder)
    for command in (["check", str(folder)], ["check", str(folder) + "-absente"]):
        done = subprocess.run(
            [sys.executable, "-m", "dossier", *command],
            cwd=ROOT,
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        )
        said = (done.stdout + done.stderr).decode("utf-8")  # UTF-8 through and through
        assert "Traceback" not in said
        assert "\\xe9dition" in said
    assert done.returncode == 1


def test_a_csv_of_gigabytes_is_not_read(edition_copy, tmp_path, capsys) -> None:
    edition = edition_copy(SMALL_EDITION)
    file = tmp_path / "inscriptions.csv"
    with open(file, "wb") as stream:
        stream.write(b"Titre;Date;Cat\xc3\xa9gorie\n")
        stream.truncate(65 * 1024 * 1024)  # sparse: no disk spent
    assert main(["import", str(file), "--into", str(edition)]) == 1
    assert "ce fichier CSV fait 65 Mo (plus de 64 Mo)" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_report_never_replaces_a_folder_or_a_device(reviewed, tmp_path, kind, capsys) -> None:
    """As root, replacing /dev/null with a report takes the machine's /dev/null away: a pipe
    stands for it here (a test never touches /dev)."""
    edition, docx = reviewed
    target = tmp_path / "cible"
    if kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    assert main(["review", str(docx), str(edition), "--report", str(target)]) == 1
    err = capsys.readouterr().err
    what = "un dossier" if kind == "folder" else "un périphérique, un tube ou une socket"
    assert f"c'est {what}, pas un fichier : rien n'est écrit" in err
    assert target.is_dir() if kind == "folder" else target.is_fifo()


def test_a_theme_s_logo_stays_beside_the_theme(named, tmp_path, monkeypatch, capsys) -> None:
    from dossier.theme import _load_theme

    theme = tmp_path / "identite" / "theme.yaml"
    theme.parent.mkdir()
    text = (TEMPLATES / "theme.yaml").read_text(encoding="utf-8")
    theme.write_text(text + "\nlogo:\n  file: /etc/passwd\n  alt: Logo\n  height: 20\n")
    monkeypatch.setenv("DOSSIER_THEME", str(theme))
    _load_theme.cache_clear()
    try:
        assert main(["check", str(named)]) == 1
    finally:
        _load_theme.cache_clear()
    err = capsys.readouterr().err
    assert f"{theme}: logo.file: le logo se range dans le dossier du thème" in err
    assert "root:" not in err


def _registrations(folder: Path, title: str = "Atelier") -> Path:
    file = folder / "inscriptions.csv"
    file.write_text(f"Titre;Date;Catégorie\n{title};27/02/2024;Le programme\n", encoding="utf-8")
    return file


def test_an_import_writes_through_a_symbolic_link(edition_copy, tmp_path, capsys) -> None:
    edition = edition_copy(SMALL_EDITION)
    shared = tmp_path / "partage" / "edition.yaml"
    shared.parent.mkdir()
    shutil.move(edition / "edition.yaml", shared)
    (edition / "edition.yaml").symlink_to(shared)
    assert main(["import", str(_registrations(tmp_path)), "--into", str(edition)]) == 0
    assert (edition / "edition.yaml").is_symlink()
    assert "title: Atelier" in shared.read_text(encoding="utf-8")


def test_the_owner_and_the_mode_of_edition_yaml_are_kept(reviewed, capsys) -> None:
    edition, docx = reviewed
    file = edition / "edition.yaml"
    file.chmod(0o664)
    if os.geteuid() == 0:  # root writes for everyone: the file stays its owner's
        os.chown(file, 1234, 5678)
    owner = (file.stat().st_uid, file.stat().st_gid)
    assert main(["review", str(docx), str(edition), "--apply"]) == 0, capsys.readouterr().err
    assert "Six rendez-vous" in file.read_text(encoding="utf-8")
    assert (file.stat().st_uid, file.stat().st_gid) == owner
    assert file.stat().st_mode & 0o777 == 0o664


def test_a_re_import_over_an_anchored_value_is_refused_in_french(
    edition_copy, tmp_path, capsys
) -> None:
    """The event a first import wrote, its description shared by hand with another event
    through an anchor; then the export changes it: refused with its reason, no traceback."""
    edition = edition_copy(SMALL_EDITION)
    export = tmp_path / "inscriptions.csv"
    header = "Titre;Date;Description;Catégorie\n"
    export.write_text(header + "Atelier;27/02/2024;Premier jet.;Le programme\n", "utf-8")
    assert main(["import", str(export), "--into", str(edition)]) == 0
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    assert "description: Premier jet.\n" in text
    text = text.replace("description: Premier jet.\n", "description: &jet Premier jet.\n")
    exposition = "description: Une exposition ouverte jusqu'à l'été.\n"
    assert exposition in text
    text = text.replace(exposition, "description: *jet\n")
    file.write_text(text, encoding="utf-8")
    assert main(["check", str(edition)]) == 0
    capsys.readouterr()
    before = file.read_bytes()
    export.write_text(header + "Atelier;27/02/2024;Second jet.;Le programme\n", "utf-8")
    code = main(["import", str(export), "--into", str(edition)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "partagée par une ancre YAML (&jet, reprise ailleurs par *jet)" in err
    assert file.read_bytes() == before
