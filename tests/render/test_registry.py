"""The renderer registry: what the build and the command line read, declared once."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.render import RENDERERS, Renderer, Variant, default_formats


def test_the_formats_of_this_version() -> None:
    assert list(RENDERERS) == ["pdf", "docx", "html"]
    assert default_formats() == ("pdf", "docx", "html")
    assert [name for name, r in RENDERERS.items() if r.available] == ["pdf", "docx", "html"]
    assert [name for name, r in RENDERERS.items() if r.finish] == ["html"]
    assert RENDERERS["pdf"].variant_names == ("pdf/ua-1", "pdf/a-3u")
    assert RENDERERS["pdf"].default_variant == "pdf/ua-1"
    assert RENDERERS["docx"].default_variant is None


def test_targets_are_named_from_the_slug() -> None:
    output = Path("build")
    assert RENDERERS["pdf"].target(output, "mois-2021") == output / "mois-2021.pdf"
    assert RENDERERS["docx"].target(output, "mois-2021") == output / "mois-2021.docx"
    assert RENDERERS["html"].target(output, "mois-2021") == output / "mois-2021"  # a folder


@pytest.mark.parametrize("name", [n for n, r in RENDERERS.items() if r.available])
def test_each_entry_takes_the_view_the_folder_the_target_and_the_variant(name: str) -> None:
    entry = RENDERERS[name].entry()
    assert list(inspect.signature(entry).parameters) == ["edition", "folder", "target", "variant"]


def test_a_format_not_yet_written_has_no_entry() -> None:
    with pytest.raises(LookupError):
        Renderer("epub", "livre", "file", None, suffix=".epub").entry()


def test_the_web_edition_finishes_with_the_runs_files() -> None:
    finish = RENDERERS["html"].finisher()
    assert finish is not None
    assert list(inspect.signature(finish).parameters) == ["edition", "folder", "target", "others"]
    assert RENDERERS["pdf"].finisher() is None


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"writes": "file"}, "a file needs a suffix"),
        ({"writes": "folder", "suffix": ".zip"}, "a folder has none"),
        ({"module": "dossier.render.pdf"}, "go together"),
        ({"variants": (Variant("a", "b"),)}, "variants need a label"),
        ({"finish": "finish_web"}, "a finish function needs a module"),
    ],
)
def test_a_renderer_must_be_whole(fields: dict[str, object], complaint: str) -> None:
    base: dict[str, object] = {
        "name": "x",
        "summary": "x",
        "writes": "folder",
        "module": None,
    }
    with pytest.raises(ValueError, match=complaint):
        Renderer(**{**base, **fields})  # type: ignore[arg-type]


def test_the_registry_imports_no_renderer_library() -> None:
    # The command line reads the registry first; the libraries load in the renderers' processes.
    heavy = ["weasyprint", "docx", "jinja2", "lxml", "fontTools", "babel", "pydantic", "yaml"]
    code = f"import sys, dossier.render; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
