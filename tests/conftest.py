"""Shared fixtures: the project's folders, copies of editions to break, system tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITION_2021 = ROOT / "data" / "2021"
SMALL_EDITION = ROOT / "tests" / "editions" / "petite"
COMPLETE_EDITION = ROOT / "tests" / "editions" / "complete"  # every kind, images everywhere
LABS_DAY_LINK = (
    "link: https://www.modernisation.gouv.fr/mois-de-linnovation-publique/journee-des-labs"
)
# The broken copy of issue 2: a missing title, a misspelt key, an end before its start and a
# javascript: link.
BROKEN_2021 = {
    "title: Mois de l'innovation publique\n": "",
    "    paragraphs:\n": "    paragrahs:\n",
    "        start: 14:00\n        end: 18:00": "        start: 14:00\n        end: 12:30",
    LABS_DAY_LINK: "link: javascript:alert(1)",
}
SEEDS = ROOT.parent / "shared" / "seeds"  # the reference text, beside the clone
# The 2021 edition and every test edition: what the parity, heading and browser tests read.
EDITIONS = [EDITION_2021, *sorted(p.parent for p in (ROOT / "tests" / "editions").glob("*/*.yaml"))]
ALL_FORMATS = ("pdf", "docx", "html")


def pytest_configure(config: pytest.Config) -> None:
    """Keep the builds' layout memory (dossier.render.pdf.memory_of) in a folder of this run's,
    not in the user's cache: a test starts from what this run's builds found, never another's."""
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="dossier-tests-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.fixture
def edition_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy an edition to a temporary folder, with its edition.yaml edited as asked."""

    copies = iter(range(1000))

    def copy(source: Path = EDITION_2021, replace: dict[str, str] | None = None) -> Path:
        number = next(copies)
        folder = tmp_path / (source.name if number == 0 else f"{source.name}-{number}")
        shutil.copytree(source, folder)
        file = folder / "edition.yaml"
        text = file.read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            assert old in text, f"the test's edit does not apply: {old!r}"
            text = text.replace(old, new, 1)
        file.write_text(text, encoding="utf-8")
        return folder

    return copy


def require_tool(name: str) -> str:
    """Return a system tool's path; skip visibly without it, but fail in CI."""
    path = shutil.which(name)
    if path is None:
        missing_tool(f"{name} is not installed (apt-get install it, see .ci/run)")
    return path


def missing_tool(message: str) -> NoReturn:
    """Skip a test visibly for a tool it lacks, but fail in CI, which must have them all."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must have every tool the tests use")
    pytest.skip(message)


@pytest.fixture(scope="session")
def view_2021():
    """The prepared view of the 2021 edition, shared by the view, PDF and DOCX tests."""
    from dossier.load import load_edition
    from dossier.view import prepare

    return prepare(load_edition(EDITION_2021), EDITION_2021)


@pytest.fixture(scope="session", params=EDITIONS, ids=lambda p: p.name)
def outputs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every output of an edition, built once in one run, with its view: {format: path}."""
    from dossier.build import build
    from dossier.load import load_edition
    from dossier.view import prepare

    folder: Path = request.param
    out = tmp_path_factory.mktemp(folder.name)
    built = {o.format: o.path for o in build(folder, ALL_FORMATS, out)}
    view = prepare(load_edition(folder), folder)
    return {"view": view, "folder": out, "edition": folder, **built}


# Each edition's PDF as a press office gets it and as it proofreads it (--draft).
PDF_BUILDS = [(folder, draft) for folder in EDITIONS for draft in (False, True)]


def pdf_build_name(build: tuple[Path, bool]) -> str:
    """Name a PDF build: the edition's folder, with -draft for a draft."""
    folder, draft = build
    return f"{folder.name}-draft" if draft else folder.name


@pytest.fixture(scope="session")
def tagged_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every PDF of PDF_BUILDS, built once per session: {pdf_build_name: path}."""
    from dossier.build import Options, build

    pdfs = {}
    for folder, draft in PDF_BUILDS:
        name = pdf_build_name((folder, draft))
        (output,) = build(folder, ("pdf",), tmp_path_factory.mktemp(name), Options(draft=draft))
        pdfs[name] = output.path
    return pdfs


@pytest.fixture(scope="session")
def lo_pdf(outputs) -> Path:
    """The edition's DOCX as LibreOffice lays it out, exported as a PDF with its bookmarks."""
    from tests.layout import libreoffice_pdf

    return libreoffice_pdf(outputs["docx"], outputs["folder"] / "libreoffice")
