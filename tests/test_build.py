"""The build's own promises: a folder output replaced whole, or not at all."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.build import build
from dossier.errors import PlaceError, RenderError
from dossier.render import RENDERERS, Renderer
from tests.conftest import SMALL_EDITION

SLUG = "semaine-donnee-2024"
SITE = Renderer(
    name="site",
    summary="édition web de test",
    writes="folder",
    module="tests.fake_renderers",
    function="write_site",
    default=False,
)


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Renderer]:
    """Register a renderer for one test, as the registry's own entries are."""

    def add(renderer: Renderer) -> Renderer:
        monkeypatch.setitem(RENDERERS, renderer.name, renderer)
        return renderer

    return add


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output folder that already holds a previous web edition."""
    old = tmp_path / "out" / SLUG
    (old / "agenda").mkdir(parents=True)
    (old / "index.html").write_text("<h1>ancienne</h1>", encoding="utf-8")
    (old / "agenda" / "ancien.ics").write_text("BEGIN:VCALENDAR\n", encoding="utf-8")
    return old


def tree(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_folder_output_is_written_beside_the_files(register, tmp_path: Path) -> None:
    register(SITE)
    pdf, site = build(SMALL_EDITION, ("pdf", "site"), tmp_path)
    assert (pdf.path, site.path) == (tmp_path / f"{SLUG}.pdf", tmp_path / SLUG)
    assert sorted(tree(site.path)) == ["agenda/agenda.ics", "index.html"]
    assert site.size == sum(p.stat().st_size for p in site.path.rglob("*") if p.is_file())
    assert stat.S_IMODE(site.path.stat().st_mode) == 0o755  # not the temporary folder's 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == [SLUG, f"{SLUG}.pdf"]


def test_a_folder_output_replaces_the_previous_one_whole(register, previous: Path) -> None:
    register(SITE)
    (output,) = build(SMALL_EDITION, ("site",), previous.parent)
    assert output.path == previous
    # nothing of the old folder is left, not even a file the new one does not have
    assert sorted(tree(previous)) == ["agenda/agenda.ics", "index.html"]
    assert "Semaine de la donnée" in (previous / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in previous.parent.iterdir()] == [SLUG]  # no temporary, no old copy


def test_a_failed_folder_render_leaves_the_previous_folder(register, previous: Path) -> None:
    before = tree(previous)
    register(Renderer("site", "échoue", "folder", "tests.fake_renderers", "fail_halfway"))
    with pytest.raises(RenderError, match="échec voulu"):
        build(SMALL_EDITION, ("site",), previous.parent)
    assert tree(previous) == before
    assert [p.name for p in previous.parent.iterdir()] == [SLUG]


def test_another_format_failing_leaves_the_previous_folder(register, previous: Path) -> None:
    before = tree(previous)
    register(SITE)
    register(Renderer("boom", "échoue", "file", "tests.fake_renderers", "fail_halfway", ".boom"))
    with pytest.raises(RenderError, match="échec voulu"):
        build(SMALL_EDITION, ("site", "boom"), previous.parent)
    assert tree(previous) == before  # the site rendered, but is not put in place alone
    assert [p.name for p in previous.parent.iterdir()] == [SLUG]


def test_a_failed_rename_puts_the_previous_folder_back(
    register, previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(previous)
    register(SITE)
    rename = os.rename

    def refuse_the_new_folder(source: Path, destination: Path) -> None:
        if Path(destination) == previous and Path(source).name.endswith(".tmp"):
            raise OSError(28, "No space left on device")  # any failure once the old is aside
        rename(source, destination)

    monkeypatch.setattr(os, "rename", refuse_the_new_folder)
    with pytest.raises(PlaceError, match="les anciennes restent \\(le disque est plein\\)"):
        build(SMALL_EDITION, ("site",), previous.parent)
    assert tree(previous) == before
    assert [p.name for p in previous.parent.iterdir()] == [SLUG]


def test_a_folder_can_replace_a_file_of_its_name(register, tmp_path: Path) -> None:
    register(SITE)
    (tmp_path / SLUG).write_text("un fichier égaré", encoding="utf-8")
    (output,) = build(SMALL_EDITION, ("site",), tmp_path)
    assert sorted(tree(output.path)) == ["agenda/agenda.ics", "index.html"]


def test_max_memory_without_proc_is_said_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    from dossier.cli import main

    build_module = importlib.import_module("dossier.build")  # the module, not the function
    monkeypatch.setattr(build_module, "_resident_kib", lambda pid: None)  # as on macOS
    code = main(["build", str(SMALL_EDITION), "--output", str(tmp_path), "--max-memory", "1"])
    err = capsys.readouterr().err
    assert code == 0, err  # 1 MiB would stop any renderer, were it measured
    assert err == (
        "dossier : warning : --max-memory n'est pas appliqué : /proc est absent sur cette machine\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [SLUG, f"{SLUG}.docx", f"{SLUG}.pdf"]


def test_max_memory_is_applied_where_proc_is(tmp_path: Path) -> None:
    from dossier.build import Options

    with pytest.raises(RenderError, match="dépasse 1 Mio de mémoire"):
        build(SMALL_EDITION, ("docx",), tmp_path, Options(max_memory=1))
    assert list(tmp_path.iterdir()) == []


SITE_WITH_FILES = Renderer(
    name="site",
    summary="édition web de test, avec les fichiers de la fabrication",
    writes="folder",
    module="tests.fake_renderers",
    function="write_site",
    finish="add_files",
    default=False,
)


def test_a_folder_renderer_receives_the_runs_other_files(register, tmp_path: Path) -> None:
    register(SITE_WITH_FILES)
    outputs = {o.format: o for o in build(SMALL_EDITION, ("pdf", "site", "docx"), tmp_path)}
    site = outputs["site"].path
    assert sorted(tree_names(site)) == [
        "agenda/agenda.ics",
        "fichiers.txt",
        "index.html",
        f"{SLUG}.docx",
        f"{SLUG}.pdf",
    ]
    # complete when handed over: the same bytes as the files put in place
    for name in ("pdf", "docx"):
        assert (site / outputs[name].path.name).read_bytes() == outputs[name].path.read_bytes()
    listed = (site / "fichiers.txt").read_text(encoding="utf-8").splitlines()
    assert listed == [
        f"docx {SLUG}.docx {outputs['docx'].path.stat().st_size}",
        f"pdf {SLUG}.pdf {outputs['pdf'].path.stat().st_size}",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [SLUG, f"{SLUG}.docx", f"{SLUG}.pdf"]


def test_a_folder_renderer_alone_receives_no_file(register, tmp_path: Path) -> None:
    register(SITE_WITH_FILES)
    (site,) = build(SMALL_EDITION, ("site",), tmp_path)
    assert (site.path / "fichiers.txt").read_text(encoding="utf-8") == ""


def test_a_failed_format_leaves_no_file_to_finish_with(register, previous: Path) -> None:
    before = tree(previous)
    register(SITE_WITH_FILES)
    register(Renderer("boom", "échoue", "file", "tests.fake_renderers", "fail_halfway", ".boom"))
    with pytest.raises(RenderError, match="échec voulu par le test"):
        build(SMALL_EDITION, ("site", "boom"), previous.parent)
    assert tree(previous) == before
    assert [p.name for p in previous.parent.iterdir()] == [SLUG]


def test_a_failed_finish_replaces_nothing(register, previous: Path) -> None:
    out = previous.parent
    (out / f"{SLUG}.pdf").write_bytes(b"%PDF ancien")
    before = tree(previous)
    register(
        Renderer(
            "site",
            "échoue",
            "folder",
            "tests.fake_renderers",
            "write_site",
            finish="fail_to_finish",
        )
    )
    with pytest.raises(RenderError, match="en ajoutant les fichiers"):
        build(SMALL_EDITION, ("pdf", "site"), out)
    assert tree(previous) == before
    assert (out / f"{SLUG}.pdf").read_bytes() == b"%PDF ancien"  # the new PDF waited for the site
    assert sorted(p.name for p in out.iterdir()) == [SLUG, f"{SLUG}.pdf"]


def tree_names(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()]
