"""The public API: what `import dossier` gives."""

from __future__ import annotations

import subprocess
import sys


def test_public_api_after_every_module_is_imported() -> None:
    import dossier
    import dossier.build
    import dossier.cli
    import dossier.load

    assert callable(dossier.build)  # the function, not the module of the same name
    assert dossier.build.__module__ == "dossier.build"
    assert callable(dossier.load_edition)
    assert issubclass(dossier.DossierError, Exception)
    assert sorted(dossier.__all__) == ["DossierError", "build", "load_edition"]


def test_the_command_starts_without_pydantic() -> None:
    # The renderer registry included: each library loads later, in the process that needs it.
    heavy = ["pydantic", "weasyprint", "docx", "jinja2", "lxml", "babel", "fontTools", "yaml"]
    code = f"import sys, dossier.cli; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
