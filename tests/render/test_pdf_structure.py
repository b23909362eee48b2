"""The PDF's tagging hooks held to WeasyPrint's internals."""

from __future__ import annotations

import inspect


def test_the_hooks_still_fit_weasyprint() -> None:
    """WeasyPrint's internals the artifact hook leans on: if this fails, the hook named here no
    longer runs (it stands aside rather than break), and headers, footers, folios and the
    watermark are tagged as content again, outside the tree."""
    from weasyprint import draw
    from weasyprint.pdf import tags

    from dossier.render.pdf import tagging

    assert tagging.draw_hook_matches(), (
        f"{tagging.DRAW_HOOKED} or weasyprint.pdf.stream.Stream changed: the hook expects "
        f"{tagging.DRAW_HOOKED}{tagging.DRAW_PARAMETERS} (now "
        f"{tuple(inspect.signature(tagging._original_draw).parameters)}) and a Stream whose "
        "marked(), artifact() and clone() go by its _tags; adapt dossier/render/pdf/tagging.py"
    )
    assert draw.draw_stacking_context is tagging._as_artifact, (
        f"{tagging.DRAW_HOOKED} is not dossier's hook: tagging.install() did not put it in place"
    )
    assert tags._build_box_tree is tagging._with_tagging, (
        f"{tagging.HOOKED} is not dossier's hook: tagging.install() did not put it in place"
    )
