"""An archive the user was sent (DOCX, ODT, XLSX, ODS) is measured before any library opens it.

A zip member says what it inflates to; a file made to hurt says gigabytes in a few
kilobytes. The readers (python-docx, odfpy, openpyxl, calamine) load members whole: the
declared sizes are held to bounds a press kit or a registrations export never reaches, before
they run. (zipfile never inflates a member past its declared size.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from dossier.errors import DossierError, display_path

MEGABYTE = 1024 * 1024
LIMITS = {  # what: (the whole archive inflated, one member, how many members)
    "document": (512 * MEGABYTE, 256 * MEGABYTE, 20_000),
    "classeur": (256 * MEGABYTE, 128 * MEGABYTE, 5_000),
}


def check_archive(path: Path, what: str) -> None:
    """Raise, in French, for an archive that would inflate past what its kind ever holds.

    A file that is no zip archive is left to its reader to refuse.
    """
    total_limit, member_limit, count_limit = LIMITS[what]
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(members) > count_limit:
        raise DossierError(
            f"{display_path(path)} : ce {what} contient {len(members)} fichiers (plus de "
            f"{count_limit}) : ce n'est pas un {what} ordinaire, il n'est pas lu"
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > member_limit:
            raise DossierError(
                f"{display_path(path)} : sa partie {member.filename} ferait "
                f"{member.file_size // MEGABYTE} Mo une fois décompressée (plus de "
                f"{member_limit // MEGABYTE} Mo) : ce n'est pas un {what} ordinaire, il n'est "
                "pas lu"
            )
    if total > total_limit:
        raise DossierError(
            f"{display_path(path)} : ce {what} ferait {total // MEGABYTE} Mo une fois décompressé "
            f"(plus de {total_limit // MEGABYTE} Mo) : ce n'est pas un {what} ordinaire, il "
            "n'est pas lu"
        )
