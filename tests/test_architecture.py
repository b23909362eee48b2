"""The house rules of DESIGN.md that code can check: import direction, one home per library."""

from __future__ import annotations

import ast
import itertools
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "dossier"

# A name ending in ".**" stands for a module and every module below it: "dossier.render.docx.**"
# is render/docx.py today and, once it is split, the package render/docx/ and all its modules.

# What each module of the project may import of the project: the explicit truth, checked
# against DESIGN.md's arrows below.
ALLOWED: dict[str, set[str]] = {
    "dossier": {"dossier.build", "dossier.errors", "dossier.load"},
    "dossier.__main__": {"dossier.cli"},
    "dossier.cli": {
        "dossier.build",
        "dossier.contactsheet",
        "dossier.errors",
        "dossier.paths",  # review --report: checked against what the review read
        "dossier.render",
        "dossier.renewal",
        "dossier.review",
        "dossier.review.report",
        "dossier.sheets",
        "dossier.theme",  # its templates/ and fonts/: no report is written there
        "dossier.watch",
    },
    # the watch mode: builds (a Session) and finds the data file to watch
    "dossier.watch": {"dossier.build", "dossier.errors", "dossier.load"},
    # the contact sheet draws a built PDF's pages, in the theme's colours and font
    "dossier.contactsheet": {"dossier.errors", "dossier.theme"},
    "dossier.renewal": {
        "dossier.errors",
        "dossier.load",
        "dossier.model",
        "dossier.source",
        "dossier.theme",  # the edition's own theme: the files it names go on with it
    },
    "dossier.sheets.**": {
        "dossier.archives",  # a workbook measured before it is opened
        "dossier.build",  # its check: what dossier import writes, dossier check accepts
        "dossier.errors",
        "dossier.french",
        "dossier.load",
        "dossier.model",
        "dossier.sheets.**",
        "dossier.source",
    },
    # the review reads a DOCX (render.docx: its markers), the edition (load, view, french)
    # and writes through source; its report page comes from the one Jinja2 environment
    "dossier.review.**": {
        "dossier.archives",  # the returned document measured before it is opened
        "dossier.build",  # its check: what review --apply writes, dossier check accepts
        "dossier.errors",
        "dossier.french",
        "dossier.load",
        "dossier.model",
        "dossier.office.**",
        "dossier.render.docx",
        "dossier.render.html",
        "dossier.review.**",
        "dossier.source",
        "dossier.view",
    },
    "dossier.build": {
        "dossier.errors",
        "dossier.paths",  # no output over what the build reads
        "dossier.load",
        "dossier.theme",
        "dossier.view",
        "dossier.render",  # the registry; the renderers are imported in their own processes
    },
    "dossier.render": {"dossier.view"},
    "dossier.render.html": {
        "dossier.errors",
        "dossier.view",
        "dossier.theme",
        "dossier.render.cover",  # the room the cover leaves its picture, as the DOCX's
    },
    "dossier.render.cover": {"dossier.view", "dossier.theme"},
    "dossier.render.pdf.**": {
        "dossier.errors",
        "dossier.view",
        "dossier.theme",
        "dossier.render",
        "dossier.render.html",
        "dossier.render.pdf.**",
    },
    "dossier.render.web": {
        "dossier.errors",
        "dossier.view",
        "dossier.theme",
        "dossier.render",
        "dossier.render.html",
    },
    "dossier.render.docx.**": {
        "dossier.errors",
        "dossier.view",
        "dossier.theme",
        "dossier.render",
        "dossier.render.cover",
        "dossier.render.docx.**",
        "dossier.office.**",
    },
    # the DOCX's and the ODT's own protocol: WordprocessingML plumbing, the markers part,
    # reading revisions; it knows no press kit, and both the DOCX writer and the review use it
    "dossier.office.**": {"dossier.office.**"},
    "dossier.view": {"dossier.french", "dossier.model"},
    "dossier.french": {"dossier.model"},
    "dossier.theme": {"dossier.errors", "dossier.load", "dossier.model"},
    "dossier.load": {"dossier.errors", "dossier.model"},
    "dossier.source": {"dossier.errors", "dossier.model"},
    "dossier.paths": {"dossier.errors"},
    "dossier.archives": {"dossier.errors"},
    "dossier.model": set(),
    "dossier.errors": set(),
}

# The one home of each third-party library, by the name it is imported as.
HOMES: dict[str, set[str]] = {
    "yaml": {"dossier.load", "dossier.source"},
    "pydantic": {"dossier.model", "dossier.load", "dossier.theme"},
    "babel": {"dossier.french"},
    "jinja2": {"dossier.render.html"},
    "weasyprint": {"dossier.render.pdf.**"},
    "icalendar": {"dossier.render.web"},
    "watchfiles": {"dossier.watch"},
    "pydyf": {"dossier.render.pdf.**"},  # WeasyPrint's PDF objects, for the links' descriptions
    # WeasyPrint's CSS parser: which rules of the stylesheet restyle around a change (resume.py)
    "tinycss2": {"dossier.render.pdf.**"},
    "docx": {"dossier.render.docx.**", "dossier.review.**", "dossier.office.**"},
    "lxml": {"dossier.render.docx.**", "dossier.office.**"},
    "odf": {"dossier.office.**"},  # odfpy: a review that comes back as OpenDocument
    # the glyph check reads the PDF's fonts; the DOCX's page estimate gets its metrics there
    "fontTools": {"dossier.theme"},
    # where images are checked, where the DOCX makes upright, readable copies of them, and
    # where the contact sheet is drawn
    "PIL": {"dossier.load", "dossier.render.docx.**", "dossier.contactsheet"},
    "pypdfium2": {"dossier.contactsheet"},
    "openpyxl": {"dossier.sheets.**"},  # the spreadsheet readers
    "python_calamine": {"dossier.sheets.**"},
}

# DESIGN.md, "What must hold", as written there: every arrow points down.
ARROWS = (
    "cli → build, review, sheets, watch → render/* → view → french, theme → model",
    "load → model",
    "review, sheets → source",
    # the DOCX's own protocol, under both the writer and the review, as oxml/ under python-docx
    "render/*, review → office",
    # dossier new stands with review and sheets: it writes an edition.yaml through source
    "cli → renewal → source",
    "renewal → theme",
)
ENTRY = "dossier.__main__"  # `python -m dossier`: the one module that imports cli


@dataclass(frozen=True)
class Module:
    """One module of the package: its name, its syntax tree, whether it is a package."""

    name: str
    tree: ast.Module
    package: bool = False


def modules() -> dict[str, Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        found[name] = Module(name, ast.parse(path.read_text(encoding="utf-8")), package)
    return found


def absolute(module: Module, target: str | None, level: int) -> str:
    """Resolve the module a `from` import names: `from ..view import x` in render.pdf is view."""
    if level == 0:
        return target or ""
    parts = module.name.split(".")
    if not module.package:
        parts = parts[:-1]  # a module's relative imports start from its package
    if level - 1 >= len(parts):
        raise ValueError(f"{module.name}: relative import beyond the top-level package")
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imported(module: Module, known: Collection[str]) -> set[str]:
    """Return every module a module imports, relative imports resolved.

    `from dossier import model` imports the module dossier.model; `from dossier import build`
    too, although the package's own attribute of that name is a function.
    """
    names = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(module, node.module, node.level)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.add(submodule if submodule in known else base)
    return names


def own(module: Module, known: Collection[str]) -> set[str]:
    """Return the modules of the project a module imports, itself aside."""
    return {
        name
        for name in imported(module, known)
        if (name == "dossier" or name.startswith("dossier.")) and name != module.name
    }


def covers(pattern: str, name: str) -> bool:
    if pattern.endswith(".**"):
        root = pattern.removesuffix(".**")
        return name == root or name.startswith(root + ".")
    return name == pattern


def rule(name: str) -> set[str] | None:
    """Return what a module may import: its own entry, else the closest ".**" above it."""
    if name in ALLOWED:
        return ALLOWED[name]
    trees = [pattern for pattern in ALLOWED if pattern.endswith(".**") and covers(pattern, name)]
    return ALLOWED[max(trees, key=len)] if trees else None


def layer(name: str) -> str:
    """Name a module's place in ARROWS: render/* for everything under dossier.render."""
    relative = name.removeprefix("dossier.").removesuffix(".**")
    top = relative.split(".")[0]  # a package's modules stand where the package stands
    return "render/*" if top == "render" else top


def reach() -> dict[str, set[str]]:
    """Return, for each layer of ARROWS, every layer below it, directly or not."""
    below: dict[str, set[str]] = {}
    for chain in ARROWS:
        steps = [[name.strip() for name in step.split(",")] for step in chain.split("→")]
        for upper, lower in itertools.pairwise(steps):
            for name in upper:
                below.setdefault(name, set()).update(lower)
    closure = {name: set(lower) for name, lower in below.items()}
    changed = True
    while changed:
        changed = False
        for lower in closure.values():
            more = set().union(*(closure.get(name, set()) for name in lower)) - lower
            if more:
                lower |= more
                changed = True
    return closure


def wrong_way(importer: str, target: str) -> str | None:
    """Say why an import goes against DESIGN.md, or return None."""
    if layer(target) == "cli" and importer != ENTRY:
        return "nothing imports cli"
    if layer(importer) == "model":
        return "the model imports nothing of the project"
    upper, lower = layer(importer), layer(target)
    if upper != lower and upper in reach().get(lower, set()):
        return f"the arrows point {lower} → {upper}"
    return None


def check(module: Module, known: Collection[str]) -> Iterator[str]:
    """Yield each import of a module that points the wrong way."""
    for target in sorted(own(module, known)):
        reason = wrong_way(module.name, target)
        if reason is not None:
            yield f"{module.name} imports {target}: {reason}"


# The project as it is


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_are_allowed(name: str) -> None:
    allowed = rule(name)
    assert allowed is not None, f"{name} is a new module: give it its place in ALLOWED"
    found = modules()
    outside = {
        target
        for target in own(found[name], found)
        if not any(covers(pattern, target) for pattern in allowed)
    }
    assert not outside, f"{name} imports {sorted(outside)}"


def test_no_import_points_up() -> None:
    found = modules()
    assert [problem for module in found.values() for problem in check(module, found)] == []


def test_allowed_never_points_up() -> None:
    # The table may say less than DESIGN.md, never against it.
    problems = [
        f"ALLOWED[{importer!r}] has {target}: {reason}"
        for importer, targets in ALLOWED.items()
        for target in targets
        if (reason := wrong_way(importer, target)) is not None and importer != target
    ]
    assert problems == []


def test_the_arrows_make_one_order() -> None:
    below = reach()
    assert all(name not in lower for name, lower in below.items()), "ARROWS have a cycle"
    assert below["cli"] >= {"build", "render/*", "view", "french", "theme", "model", "source"}
    assert below["build"] == {"render/*", "office", "view", "french", "theme", "model"}
    assert below["review"] >= {"source", "render/*"}
    assert "cli" not in set().union(*below.values())  # the top
    assert "model" not in below  # the bottom


@pytest.mark.parametrize("library", sorted(HOMES))
def test_each_library_has_one_home(library: str) -> None:
    found = modules()
    users = {
        name
        for name, module in found.items()
        if any(m == library or m.startswith(library + ".") for m in imported(module, found))
    }
    strays = {user for user in users if not any(covers(home, user) for home in HOMES[library])}
    assert not strays, f"{library} is imported by {sorted(strays)}"


def test_every_library_is_given_a_home() -> None:
    found = modules()
    libraries = {
        name.split(".")[0]
        for module in found.values()
        for name in imported(module, found)
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "dossier"
    }
    assert libraries - set(HOMES) == set(), "name each new library's home in HOMES"


def test_print_only_in_cli() -> None:
    for name, module in modules().items():
        if name == "dossier.cli":
            continue
        calls = [
            node
            for node in ast.walk(module.tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ]
        assert not calls, f"{name} calls print"


# The checker itself, on small sources: what it must see, and what it must refuse

KNOWN = {
    "dossier",
    "dossier.cli",
    "dossier.model",
    "dossier.view",
    "dossier.render",
    "dossier.render.pdf",
    "dossier.render.x",
    "dossier.render.docx",
    "dossier.render.docx.oxml",
}


def parsed(name: str, source: str, package: bool = False) -> Module:
    return Module(name, ast.parse(source), package)


@pytest.mark.parametrize(
    ("name", "package", "source", "seen"),
    [
        ("dossier.view", False, "from dossier import model", "dossier.model"),
        ("dossier.view", False, "from dossier import model as m", "dossier.model"),
        ("dossier.render.pdf", False, "from . import x", "dossier.render.x"),
        ("dossier.render.pdf", False, "from . import helper", "dossier.render"),
        ("dossier.render.pdf", False, "from ..view import y", "dossier.view"),
        ("dossier.render.pdf", False, "from .. import view", "dossier.view"),
        ("dossier.render", True, "from . import pdf", "dossier.render.pdf"),
        ("dossier.render.docx", True, "from .oxml import qn", "dossier.render.docx.oxml"),
        ("dossier.render.docx.oxml", False, "from ...view import y", "dossier.view"),
        ("dossier.render.pdf", False, "import dossier.view", "dossier.view"),
    ],
)
def test_the_checker_sees_every_form_of_import(
    name: str, package: bool, source: str, seen: str
) -> None:
    assert own(parsed(name, source, package), KNOWN) == {seen}


def test_the_checker_refuses_an_import_beyond_the_package() -> None:
    with pytest.raises(ValueError, match="beyond the top-level package"):
        imported(parsed("dossier.view", "from ... import x"), KNOWN)


@pytest.mark.parametrize(
    ("name", "source", "reason"),
    [
        ("dossier.view", "from dossier.render import pdf", "the arrows point render/* → view"),
        ("dossier.view", "from .render import pdf", "the arrows point render/* → view"),
        ("dossier.model", "from dossier import view", "the model imports nothing"),
        ("dossier.model", "from . import view", "the model imports nothing"),
        ("dossier.render.pdf", "from ..cli import main", "nothing imports cli"),
        ("dossier.render.pdf", "from dossier import cli", "nothing imports cli"),
        ("dossier.french", "from .render.x import y", "the arrows point render/* → french"),
        ("dossier.view", "from . import cli", "nothing imports cli"),
    ],
)
def test_the_checker_catches_an_arrow_the_wrong_way(name: str, source: str, reason: str) -> None:
    (problem,) = check(parsed(name, source), KNOWN)
    assert reason in problem


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("dossier.render.pdf", "from ..view import y"),  # down
        ("dossier.render.pdf", "from . import x"),  # within render/*
        ("dossier.__main__", "from .cli import main"),  # the entry point
        ("dossier.theme", "from .load import load_model"),  # no arrow between them
    ],
)
def test_the_checker_lets_a_right_arrow_pass(name: str, source: str) -> None:
    assert list(check(parsed(name, source), KNOWN)) == []


def test_a_subtree_rule_covers_the_split_docx_package() -> None:
    assert rule("dossier.render.docx") is rule("dossier.render.docx.writer")
    assert covers("dossier.render.docx.**", "dossier.render.docx.oxml")
    assert not covers("dossier.render.docx.**", "dossier.render.docx_pages")
    assert rule("dossier.nowhere") is None  # a new module must be given its place
