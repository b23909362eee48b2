"""The house rules of DESIGN.md that code can check: import direction, one home per library."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "dossier"

# What each module of the project may import of the project (besides errors, a leaf).
ALLOWED = {
    "dossier": {"build", "errors", "load"},
    "dossier.__main__": {"cli"},
    "dossier.cli": {"build", "errors", "load", "render"},
    "dossier.build": {"errors", "load", "theme", "view", "render"},
    "dossier.render": {"view"},
    "dossier.render.html": {"errors", "view", "theme"},
    "dossier.render.pdf": {"errors", "view", "theme", "render", "render.html"},
    "dossier.render.docx": {
        "errors",
        "french",
        "view",
        "theme",
        "render",
        "render.docx_pages",
    },
    "dossier.render.docx_pages": set(),
    "dossier.view": {"french", "model", "theme"},
    "dossier.french": {"model"},
    "dossier.theme": {"errors", "load"},
    "dossier.load": {"errors", "model"},
    "dossier.model": set(),
    "dossier.errors": set(),
}

HOMES = {
    "yaml": {"dossier.load", "dossier.theme"},
    "babel": {"dossier.french"},
    "jinja2": {"dossier.render.html"},
    "weasyprint": {"dossier.render.pdf"},
    "docx": {"dossier.render.docx", "dossier.render.docx_pages"},
    "pydantic": {"dossier.model", "dossier.load", "dossier.theme"},
}


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_point_one_way(name: str) -> None:
    assert name in ALLOWED, f"{name} is a new module: give it its place in ALLOWED"
    own = {
        module.removeprefix("dossier.")
        for module in imported(modules()[name])
        if module.startswith("dossier.")
    }
    assert own <= ALLOWED[name], f"{name} imports {sorted(own - ALLOWED[name])}"


@pytest.mark.parametrize("library", sorted(HOMES))
def test_each_library_has_one_home(library: str) -> None:
    users = {
        name
        for name, tree in modules().items()
        if any(m == library or m.startswith(library + ".") for m in imported(tree))
    }
    assert users <= HOMES[library], f"{library} is imported by {sorted(users - HOMES[library])}"


def test_print_only_in_cli() -> None:
    for name, tree in modules().items():
        if name == "dossier.cli":
            continue
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ]
        assert not calls, f"{name} calls print"
