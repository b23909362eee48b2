"""The machine's processes as /proc lists them: each one's children, for the benchmark's CPU of
a whole process tree and for the tests that find a build's renderers."""

from __future__ import annotations

from pathlib import Path


def children() -> dict[int, list[int]]:
    """Return, for each process that has any, the processes whose parent it is."""
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            found.setdefault(int(fields[1]), []).append(int(entry.name))
    return found
