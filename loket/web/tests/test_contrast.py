"""The stylesheet's colours meet WCAG 2.x AA: 4.5:1 for text, 3:1 for borders and focus rings that matter."""

import re

import pytest

from loket.web.tests.test_pages import STATIC_ROOT

CSS = (STATIC_ROOT / "web" / "loket.css").read_text()

# (foreground, background, where they meet)
TEXT = [
    ("#1a1a1a", "#fff", "body text"),
    ("#0b4f9c", "#fff", "links, secondary buttons"),
    ("#fff", "#0b3d6e", "header links, logout, language label"),
    ("#fff", "#0b4f9c", "buttons"),
    ("#4a4a4a", "#fff", "hints, footer"),
    ("#b00020", "#fff", "field errors, error summary links"),
    ("#1a1a1a", "#fdecee", "error messages"),
    ("#1a1a1a", "#eef4fb", "messages"),
    ("#1a1a1a", "#fff4ce", "service notices, notes in the page"),
    ("#0b4f9c", "#fff4ce", "links in notes"),
    ("#0b4f9c", "#e6f4ea", "open days of the calendar"),
    ("#1a1a1a", "#f1f1f1", "full days of the calendar"),
    ("#8a1c1c", "#fdecee", "closed days of the calendar"),
    ("#595959", "#fff", "days out of reach"),
]
NON_TEXT = [
    ("#595959", "#fff", "input borders"),
    ("#b00020", "#fff", "invalid input borders, error summary border"),
    ("#e0600b", "#fff", "focus ring on the page"),
    ("#e0600b", "#0b3d6e", "focus ring in the header"),
    ("#8a6d00", "#fff4ce", "notice border"),
]
# Borders that only separate things already told apart otherwise (text, spacing).
DECORATIVE = {"#c8c8c8"}


def luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg", "where"), TEXT)
def test_text_colours_reach_4_5_to_1(fg: str, bg: str, where: str) -> None:
    assert contrast(fg, bg) >= 4.5, where


@pytest.mark.parametrize(("fg", "bg", "where"), NON_TEXT)
def test_borders_and_focus_reach_3_to_1(fg: str, bg: str, where: str) -> None:
    assert contrast(fg, bg) >= 3, where


def test_every_colour_of_the_stylesheet_is_checked() -> None:
    used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", CSS)}
    checked = {c for pair in TEXT + NON_TEXT for c in pair[:2]} | DECORATIVE
    assert used <= checked, used - checked
