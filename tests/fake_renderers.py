"""Renderers that tests register in place of real ones: a folder, failures, a crash."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from dossier.errors import RenderError
from dossier.render import Finished
from dossier.view import Edition


def write_site(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """Write a small web edition: a page and a calendar in a subfolder."""
    (target / "index.html").write_text(f"<h1>{edition.title}</h1>\n", encoding="utf-8")
    (target / "agenda").mkdir()
    (target / "agenda" / "agenda.ics").write_text("BEGIN:VCALENDAR\n", encoding="utf-8")


def fail_halfway(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """Write part of the output, then fail as a renderer fails on bad input."""
    if target.is_dir():
        (target / "index.html").write_text("<h1>à moitié", encoding="utf-8")
    else:
        target.write_text("à moitié", encoding="utf-8")
    raise RenderError("SITE : échec voulu par le test, après une page écrite")


def die(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """End the process at once, as the system's OOM killer or a native crash does."""
    os._exit(3)


def add_files(edition: Edition, folder: Path, target: Path, others: Mapping[str, Finished]) -> None:
    """Copy the run's other files into the folder, and list them with their sizes."""
    lines = []
    for name, finished in sorted(others.items()):
        shutil.copyfile(finished.path, target / finished.name)
        lines.append(f"{name} {finished.name} {finished.path.stat().st_size}\n")
    (target / "fichiers.txt").write_text("".join(lines), encoding="utf-8")


def fail_to_finish(
    edition: Edition, folder: Path, target: Path, others: Mapping[str, Finished]
) -> None:
    """Fail once the others are there, as a finishing step fails on a file it cannot copy."""
    raise RenderError("SITE : échec voulu en ajoutant les fichiers")
