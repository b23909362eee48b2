"""The command line, run in-process: exit codes, messages on stderr, never a traceback."""

from __future__ import annotations

import io

import pytest

from dossier.cli import main
from tests.conftest import BROKEN_2021, EDITION_2021, SMALL_EDITION


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    stdout = io.StringIO()
    code = main(argv, stdout=stdout)
    captured = capsys.readouterr()
    return code, stdout.getvalue() + captured.out, captured.err


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", str(SMALL_EDITION)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("ok")


def test_check_2021_is_ok_without_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    # the shipped data is the first thing a new user builds: no warning on it
    code, out, err = run(["check", str(EDITION_2021)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("ok")


def test_check_broken_copy_one_line_per_problem(edition_copy, capsys) -> None:
    folder = edition_copy(replace=BROKEN_2021)
    code, out, err = run(["check", str(folder)], capsys)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 5  # the misspelt key also leaves "paragraphs" missing
    assert all(line.startswith(str(folder / "edition.yaml") + ":") for line in lines)
    assert "Traceback" not in err


def test_missing_edition_is_a_data_problem(tmp_path, capsys) -> None:
    code, _, err = run(["check", str(tmp_path / "nulle-part")], capsys)
    assert code == 1
    assert "fichier introuvable" in err


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["build", "--format", "odt"], ["build", "--pdf-variant", "pdf/x"]],
)
def test_wrong_usage_exits_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage :" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_is_in_french(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "usage :" in out
    assert "affiche cette aide" in out


def test_build_with_a_relative_edition_path(tmp_path, capsys, monkeypatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    relative = SMALL_EDITION.relative_to(ROOT)  # images must still resolve: a bug once
    code, out, err = run(["build", str(relative), "--output", str(tmp_path)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "semaine-donnee-2024",
        "semaine-donnee-2024.docx",
        "semaine-donnee-2024.pdf",
    ]
    assert out.count(" Kio, ") == 3


def test_a_format_not_yet_available_is_said_so(tmp_path, capsys, monkeypatch) -> None:
    from dossier.render import RENDERERS, Renderer

    monkeypatch.setitem(RENDERERS, "epub", Renderer("epub", "livre", "file", None, suffix=".epub"))
    code, out, err = run(
        ["build", str(SMALL_EDITION), "--format", "epub", "--output", str(tmp_path)], capsys
    )
    assert (code, out) == (1, "")
    assert err == (
        "cette version ne sait pas encore produire : epub (disponibles : pdf, docx, html)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_build_help_lists_the_registered_formats_and_variants(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    assert "pdf (PDF paginé et accessible, pour les journalistes)" in out
    assert "html (édition web accessible, un dossier <slug>/ avec le programme en .ics)" in out
    assert "par défaut : pdf,docx,html" in out
    assert "norme du PDF : pdf/ua-1 (accessible, par défaut) ou pdf/a-3u (archivage)" in out


def test_build_pdf_variant_reaches_the_renderer(tmp_path, capsys) -> None:
    import pikepdf

    code, _, err = run(
        [
            "build",
            str(SMALL_EDITION),
            "--format",
            "pdf",
            "--pdf-variant",
            "pdf/a-3u",
            "--output",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 0, err
    with pikepdf.open(tmp_path / "semaine-donnee-2024.pdf") as pdf:
        assert pdf.open_metadata().pdfa_status == "3U"
