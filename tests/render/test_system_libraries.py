"""Pango or HarfBuzz missing from the machine: one line naming the package, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dossier.render.pdf import SYSTEM_PACKAGES, missing_library
from tests.conftest import ROOT, SMALL_EDITION

INSTALL = "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def cffi_error(library: str) -> OSError:
    # what cffi raises, word for word, when dlopen finds no such library
    return OSError(
        f"cannot load library '{library}': {library}: cannot open shared object file: No such "
        f"file or directory.  Additionally, ctypes.util.find_library() did not manage to "
        f"locate a library called '{library}'"
    )


@pytest.mark.parametrize(
    ("library", "package", "also"),
    [
        ("libpango-1.0-0", "libpango-1.0-0", ""),
        ("libpangoft2-1.0-0", "libpangoft2-1.0-0", ""),
        ("libharfbuzz-0", "libharfbuzz0b", " libharfbuzz0b"),
        ("libgobject-2.0-0", "libglib2.0-0", " libglib2.0-0"),
        ("libfontconfig-1", "libfontconfig1", " libfontconfig1"),
    ],
)
def test_the_message_names_the_library_and_its_package(
    library: str, package: str, also: str
) -> None:
    assert missing_library(cffi_error(library)) == (
        f"PDF : la bibliothèque système {library} manque (paquet Debian {package}) ; "
        f"installez-la : {INSTALL}{also}"
    )


def test_a_library_of_no_known_package_is_named() -> None:
    assert missing_library(cffi_error("libinconnue-9")) == (
        f"PDF : la bibliothèque système libinconnue-9 manque ; installez-la : {INSTALL}"
    )


def test_an_unexpected_message_is_still_one_line() -> None:
    message = missing_library(OSError("libpango: symbole\nindéfini"))
    said = "une bibliothèque système manque (libpango: symbole indéfini)"
    assert message == f"PDF : {said} ; installez-la : {INSTALL}"


def test_the_readme_and_ci_install_the_same_packages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme[readme.index("```sh\n") + 6 :].splitlines()[0]  # the first set-up command
    # with sudo where there is one, without it as root (where it is often missing)
    assert first.startswith(
        "$(command -v sudo) apt-get update && $(command -v sudo) apt-get install -y "
        f"python3-venv {' '.join(SYSTEM_PACKAGES)} && "
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert all(package in ci for package in SYSTEM_PACKAGES)


# A Python that cannot load Pango: cffi's dlopen fails for it as on a bare Debian, so that
# WeasyPrint's own import code runs, banner included, up to its OSError.
WITHOUT_PANGO = """
import sys, cffi
real = cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    if "pango-1.0" in str(name):
        raise OSError(f"cannot load library {name!r}: {name}: cannot open shared object file: "
                      "No such file or directory")
    return real(self, name, flags)
cffi.FFI.dlopen = dlopen
from dossier.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_without_pango_says_which_package_to_install(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PANGO, "build", str(SMALL_EDITION), "--output", tmp_path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"PDF : la bibliothèque système libpango-1.0-0 manque (paquet Debian libpango-1.0-0) ; "
        f"installez-la : {INSTALL}"
    ]
    assert result.stdout == ""  # neither WeasyPrint's banner nor a DOCX line: nothing was written
    assert list(tmp_path.iterdir()) == []


def test_check_does_not_need_pango(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PANGO, "check", str(SMALL_EDITION)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
