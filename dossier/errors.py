"""The errors that `dossier` reports to its users, located as a compiler locates them."""

from __future__ import annotations

import errno
import importlib.util
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DataError",
    "DossierError",
    "Interrupted",
    "PlaceError",
    "Problem",
    "RenderError",
    "belongs_to_program",
    "display_path",
    "os_reason",
]

# What the system says of a path, as a press officer can act on it.
_REASONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "le quota de disque est atteint",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "le disque est en lecture seule",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EEXIST: "il existe déjà",
    errno.ELOOP: "des liens symboliques y tournent en boucle",
    errno.ENOENT: "introuvable",
    errno.ENAMETOOLONG: "le nom est trop long",
    errno.EXDEV: "il est sur un autre disque",
    errno.ENOTEMPTY: "le dossier n'est pas vide",
    errno.EBUSY: "il est utilisé par un autre programme",
    errno.EMFILE: "trop de fichiers ouverts par ce programme",
    errno.ENFILE: "trop de fichiers ouverts sur la machine",
    errno.EAGAIN: "trop de processus en cours",
    errno.ENOMEM: "la mémoire manque",
    errno.EFBIG: "le fichier dépasse la taille permise (ulimit -f)",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


def os_reason(error: OSError) -> str:
    """Say in French why the system refused a path."""
    return _REASONS.get(error.errno or 0, error.strerror or type(error).__name__)


def belongs_to_program(path: Path) -> bool:
    """Tell whether a path is one of the program's own files (its code, templates, fonts)."""
    roots = [Path(__file__).resolve().parent]
    for package in ("dossier.templates", "dossier.fonts"):
        spec = importlib.util.find_spec(package)
        roots += (
            [Path(p).resolve() for p in (spec.submodule_search_locations or [])] if spec else []
        )
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return False
    return any(resolved.is_relative_to(root) for root in roots)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside, a deleted cwd, a loop of links
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
        # "\n" only: splitlines() would also cut at a U+2028 the message quotes
        return [line for line in str(self).split("\n") if line] or [type(self).__name__]


class DataError(DossierError):
    """The edition's data are wrong; every problem found is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0, p.field)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(DossierError):
    """An output could not be produced from valid data."""


class PlaceError(DossierError):
    """A file or folder of the user's could not be read or written: its path, and why."""

    def __init__(self, path: Path, what: str, error: OSError) -> None:
        super().__init__(f"{display_path(path)} : {what} ({os_reason(error)})")


class Interrupted(BaseException):
    """The command was stopped by a signal: Ctrl-C, a closed terminal, a kill."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number
