"""What a press officer does to an edition between two builds, and how a test sees processes.

Shared by the kept-layout test (tests/render/test_pdf_parts.py), the watch's tests and the
interrupted builds of tests/test_adversarial_two.py, and the reviewers of tests/review/.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from PIL import Image


def replace(file: Path, old: str, new: str) -> None:
    """Edit a file's text once, where old first stands; refuse an edit that does not apply."""
    text = file.read_text(encoding="utf-8")
    assert old in text, f"the edit does not apply: {old!r}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_section(file: Path, start: str) -> None:
    """Remove the section of edition.yaml that begins with the line start."""
    text = file.read_text(encoding="utf-8")
    begin = text.index(start)
    end = text.index("\n  - kind:", begin + 1) + 1
    file.write_text(text[:begin] + text[end:], encoding="utf-8")


def new_image(path: Path) -> None:
    """Replace a picture by another under the same name, one second newer than the old one."""
    before = path.stat()
    Image.new("RGB", (300, 400), "darkred").save(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))


def children_of(pid: int) -> list[int]:
    """Return the processes whose parent is pid."""
    from benchmarks.processes import children

    return children().get(pid, [])


def is_zombie(pid: int) -> bool:
    """Say whether a process is gone or only waits for its parent to read its end."""
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def revise(source: Path, target: Path, change: Callable[[DocxDocument], None]) -> Path:
    """Save at target the DOCX source as a reviewer's change leaves it; return target."""
    document = docx.Document(str(source))
    change(document)
    document.save(str(target))
    return target
