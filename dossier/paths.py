"""What a command may write: never a file it reads, never the folder of the edition.

Every command that writes checks its targets against its inputs before it writes anything: a
build's outputs against the edition's folder and files and the project's templates and fonts,
a review's report against the reviewed document and the edition.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from dossier.errors import DossierError, display_path


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)  # a hard link is the same file under another name
    except OSError:
        return _real(one) == _real(other)


def refuse_overwriting(
    targets: Iterable[Path],
    files: Iterable[Path],
    folders: Iterable[tuple[Path, str]],
    inside: bool = True,
) -> None:
    """Raise, before anything is written, for a target that is an input or would replace one.

    files: what the command reads; folders: (folder, what it is) the command must leave whole:
    a target may not be one, nor hold one (replacing it would delete it), nor, with inside,
    lie in one.
    """
    files = list(files)
    folders = list(folders)
    for target in targets:
        real = _real(target)
        for file in files:
            if _same_file(target, file):
                raise DossierError(
                    f"{display_path(target)} : c'est {display_path(file)}, que la commande lit : "
                    "rien n'est écrit ; choisissez une autre sortie"
                )
        for folder, what in folders:
            place = _real(folder)
            if real == place or place.is_relative_to(real):
                raise DossierError(
                    f"{display_path(target)} : écrire là remplacerait {what} "
                    f"({display_path(folder)}) : rien n'est écrit ; choisissez une autre sortie"
                )
            if inside and real.is_relative_to(place):
                raise DossierError(
                    f"{display_path(target)} : c'est dans {what} ({display_path(folder)}), que la "
                    "commande lit : rien n'est écrit ; choisissez une sortie hors de ce dossier"
                )


def refuse_special(target: Path, folder_allowed: bool = False) -> None:
    """Raise for a target that exists and is no regular file: a device, a pipe, a folder.

    Replacing /dev/null with a report, as root, would take the machine's /dev/null away.
    """
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # the write says why
    if stat.S_ISREG(mode) or (folder_allowed and stat.S_ISDIR(mode)):
        return
    what = "un dossier" if stat.S_ISDIR(mode) else "un périphérique, un tube ou une socket"
    raise DossierError(
        f"{display_path(target)} : c'est {what}, pas un fichier : rien n'est écrit ; donnez le "
        "nom d'un fichier (rapport.html)"
    )
