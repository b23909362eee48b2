"""Generate a press kit (PDF, DOCX) from one edition's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dossier.build import build
from dossier.errors import DossierError

if TYPE_CHECKING:
    from dossier.load import load_edition

__all__ = ["DossierError", "build", "load_edition"]


def __getattr__(name: str) -> Any:
    # load_edition comes on first use: `dossier build` starts its renderers before pydantic
    # and Babel are even imported, so that WeasyPrint's import overlaps theirs.
    if name == "load_edition":
        from dossier.load import load_edition

        return load_edition
    raise AttributeError(f"module 'dossier' has no attribute {name!r}")
