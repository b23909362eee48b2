"""The visual identity: one theme file, a font fallback that warns, CSS derived from it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dossier.errors import DataError
from dossier.theme import THEME_FILE, FontFamily, load_theme

MARIANNE = {
    "family": "Marianne",
    **{
        style: f"fonts/Marianne-{style}.otf"
        for style in ("regular", "italic", "bold", "bold_italic", "semibold", "heavy")
    },
}


def test_theme_declares_the_states_colours() -> None:
    theme = load_theme()
    assert theme.colours.primary == "#000091"
    assert theme.colours.accent == "#E1000F"
    assert theme.colours.text == "#161616"


def test_css_variables_and_font_faces_come_from_the_theme() -> None:
    css = load_theme().css()
    assert "--primary: #000091;" in css
    assert "--body-size: 10.0pt;" in css
    assert ".s-mission-title {" in css
    assert "text-transform: uppercase" in css
    assert css.count("@font-face") == 6
    assert "/fonts/Inter-Regular.otf" in css


def test_missing_marianne_falls_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    theme = load_theme()
    fonts = theme.fonts.model_copy(update={"pdf": [FontFamily(**MARIANNE), *theme.fonts.pdf]})
    patched = theme.model_copy(update={"fonts": fonts})
    with caplog.at_level(logging.WARNING, logger="dossier"):
        family = patched.pdf_font()
        patched.css()
        patched.check_glyphs([("Bonjour !", None)])
    assert family.family == "Inter"
    assert caplog.text.count("police Marianne absente de fonts/") == 1  # once per build


def test_fonts_outside_the_fonts_folder_are_refused() -> None:
    """Refused as the theme is read (the font may be any file): never opened."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="n'est pas dans le dossier fonts/ du projet"):
        FontFamily(**{**MARIANNE, "regular": "../etc/font.otf"})


def test_a_broken_theme_is_located(tmp_path: Path) -> None:
    broken = tmp_path / "theme.yaml"
    text = THEME_FILE.read_text(encoding="utf-8").replace('primary: "#000091"', "primary: #000091")
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"theme.yaml:\d+:\d+: colours.primary: la valeur est vide"):
        load_theme(broken)
