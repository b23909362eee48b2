"""The command line, run in-process: exit codes, messages on stderr, never a traceback."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from dossier.cli import main
from tests.conftest import BROKEN_2021, EDITION_2021, ROOT, SMALL_EDITION


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


# --- what a long build says it is doing: on a terminal only ----------------------------------


def _build_command(output) -> list[str]:
    return [sys.executable, "-m", "dossier", "build", str(SMALL_EDITION), "--output", str(output)]


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}


def test_a_build_on_a_terminal_says_what_it_is_doing_on_one_line(tmp_path) -> None:
    main_end, terminal = pty.openpty()  # stderr is a terminal; stdout a pipe, as in `| tee`
    process = subprocess.Popen(
        _build_command(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        cwd=ROOT,
        env=_environment(),
    )
    os.close(terminal)
    said = b""
    while True:  # read as it comes, or the build would wait on a full terminal
        try:
            chunk = os.read(main_end, 4096)
        except OSError:  # EIO: the build has closed its end
            break
        if not chunk:
            break
        said += chunk
    os.close(main_end)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, said.decode(errors="replace")
    text = said.decode()
    for news in (
        "lecture de l'édition",
        "mise en page : partie 1 sur 7",
        "mise en page : partie 7 sur 7",
        "mise en page : pieds de page",
        "écriture du PDF",
        "DOCX fait",
        "PDF fait ; DOCX fait ; HTML fait",
    ):
        assert news in text, (news, text)
    assert "\n" not in text  # one line, rewritten in place
    assert text.startswith("\r")
    assert text.endswith("\r")
    assert text.rsplit("\r", 2)[1].strip() == ""  # left blank for what comes next
    assert out.decode().startswith("PDF : ")  # the results, on stdout as ever


def test_a_build_off_a_terminal_says_nothing_of_its_progress(tmp_path) -> None:
    result = subprocess.run(
        _build_command(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        cwd=ROOT,
        env=_environment(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    assert b"\r" not in result.stdout
    assert [line.split(" : ")[0] for line in result.stdout.decode().splitlines()] == [
        "PDF",
        "DOCX",
        "HTML",
    ]
