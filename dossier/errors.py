"""The errors that `dossier` reports to its users, located as a compiler locates them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataError", "DossierError", "Problem", "RenderError", "display_path"]


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One problem found in an edition's data, with where it stands."""

    file: Path
    line: int | None
    column: int | None
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = display_path(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "" if self.severity == "error" else f"{self.severity}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {kind}{field}{self.message}"


class DossierError(Exception):
    """Any problem that the user can fix: the CLI prints it and exits 1."""

    def lines(self) -> list[str]:
        """Return the message as lines, one per problem."""
        return str(self).splitlines() or [type(self).__name__]


class DataError(DossierError):
    """The edition's data are wrong; every problem found is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0, p.field)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(DossierError):
    """An output could not be produced from valid data."""
