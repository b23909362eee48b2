"""What `pip install .` puts in the package: every module, every template and font."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from dossier import theme
from tests.conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def source(package: str) -> Path:
    """Return the repository folder a package is installed from, as pyproject.toml maps it."""
    mapped = SETUPTOOLS.get("package-dir", {})
    for prefix in sorted(mapped, key=len, reverse=True):
        if package == prefix or package.startswith(prefix + "."):
            rest = package.removeprefix(prefix).strip(".").split(".")
            return ROOT.joinpath(mapped[prefix], *filter(None, rest))
    return ROOT.joinpath(*package.split("."))


def test_every_package_of_the_code_is_installed() -> None:
    # A package left out of the list works with `pip install -e .` and is missing after
    # `pip install .`: the split of render/docx into a package must be listed.
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "dossier").rglob("__init__.py")
    }
    assert found <= set(SETUPTOOLS["packages"])


@pytest.mark.parametrize("package", SETUPTOOLS["packages"])
def test_every_listed_package_exists(package: str) -> None:
    assert source(package).is_dir()


@pytest.mark.parametrize("package", ["dossier.templates", "dossier.fonts"])
def test_every_data_file_is_installed(package: str) -> None:
    folder = source(package)
    data = SETUPTOOLS["package-data"]
    installed = {
        path
        for name in SETUPTOOLS["packages"]
        if name == package or name.startswith(package + ".")
        for pattern in data.get(name, [])
        for path in source(name).glob(pattern)
    }
    files = {
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix != ".pyc" and path.name != "__init__.py"
    }
    assert files - installed == set(), "add a pattern to [tool.setuptools.package-data]"


def test_the_theme_reads_the_installed_folders() -> None:
    # Real folders, as WeasyPrint and Jinja2 need: no MultiplexedPath of a namespace package.
    templates, fonts = resources.files("dossier.templates"), resources.files("dossier.fonts")
    assert isinstance(templates, Path)
    assert isinstance(fonts, Path)
    # From a clone, the clone's own folders, whichever clone an editable install points at
    assert [theme.TEMPLATES, theme.FONTS] == [ROOT / "templates", ROOT / "fonts"]
    assert (theme.TEMPLATES / "document.html.j2").is_file()
    assert (theme.TEMPLATES / "sections" / "calendar.html.j2").is_file()
    assert (theme.PROJECT / "fonts" / "Inter-Regular.otf").is_file()  # as theme.yaml names it


def test_ci_installs_the_package_as_a_user_does() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet ." in ci  # not -e: templates and fonts must be in the package
    assert "data/2021" in ci


def test_the_test_command_installs_what_the_browser_tests_use() -> None:
    import json

    setup = (ROOT / "tests" / "setup").read_text(encoding="utf-8")  # the README's command runs it
    assert "tests/setup" in readme_commands()[1]
    assert "chromium chromium-driver" in setup
    assert "npm ci" in setup  # axe-core exactly as the lock file says
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert package["devDependencies"] == {"axe-core": "4.14.1"}
    assert lock["packages"]["node_modules/axe-core"]["version"] == "4.14.1"


def readme_commands() -> list[str]:
    """Return the README's two set-up commands: the one-line sh blocks of « Les deux commandes »."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    part = text.split("## Les deux commandes", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0].strip() for b in part.split("```sh\n")[1:]]
    return [b for b in blocks if "\n" not in b]


def test_ci_runs_the_readmes_two_commands_word_for_word() -> None:
    # what a new user pastes is what CI proves: the build command, then the test command
    build, tests = readme_commands()
    assert build.endswith("dossier build")
    assert "apt-get update" in build  # a fresh machine has no package lists yet
    assert tests.endswith("python3 -m pytest")
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert build in lines
    assert lines[-1] == tests  # last, so that pytest's summary closes the log


def test_the_test_command_installs_what_verapdf_needs() -> None:
    """tests/tools/verapdf installs its Debian packages only as root: tests/setup does it."""
    import re

    tool = (ROOT / "tests" / "tools" / "verapdf").read_text(encoding="utf-8")
    found = re.search(r'^packages="([^"]+)"$', tool, re.M)
    assert found is not None
    setup = (ROOT / "tests" / "setup").read_text(encoding="utf-8").split()
    assert [p for p in found.group(1).split() if p not in setup] == []
