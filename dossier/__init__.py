"""Generate a press kit (PDF, DOCX) from one edition's data."""

from __future__ import annotations

from dossier.build import build
from dossier.errors import DossierError
from dossier.load import load_edition

__all__ = ["DossierError", "build", "load_edition"]
