"""Every project colour keeps 3:1 contrast (WCAG 1.4.11, a graphical object) against the
backgrounds it sits on (the page, a tinted or focused row, the sidebar's current item) in both
the light and the dark theme, computed from the values in static/css/app.css and Bootstrap's."""

import re

import pytest

from tasks.models import Colour
from tests.conftest import PROJECT

APP_CSS = (PROJECT / "static/css/app.css").read_text()
BOOTSTRAP = (PROJECT / "static/vendor/bootstrap-5.3.9/bootstrap.min.css").read_text()


def block(css: str, selector: str) -> str:
    """The declarations of the first rule whose selector list is `selector`."""
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no rule for {selector}"
    return match.group(1)


def variables(declarations: str) -> dict[str, str]:
    """Custom properties set to a hex colour, as #rrggbb (#fff is #ffffff)."""
    found = re.findall(r"--([\w-]+)\s*:\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", declarations)
    return {name: "#" + (v if len(v) == 6 else "".join(c * 2 for c in v)) for name, v in found}


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


THEMES = {
    "light": (
        variables(block(APP_CSS, ":root, [data-bs-theme=light]")),
        variables(block(BOOTSTRAP, ":root,[data-bs-theme=light]")),
    ),
    "dark": (
        variables(block(APP_CSS, "[data-bs-theme=dark]")),
        variables(block(BOOTSTRAP, "[data-bs-theme=dark]")),
    ),
}


def test_the_contrast_formula_matches_wcags_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("colour", Colour.values)
def test_each_colour_keeps_3_to_1_against_every_background_in_each_theme(theme, colour):
    ours, bootstrap = THEMES[theme]
    shade = ours[f"project-{colour}"]
    for background in ("bs-body-bg", "bs-tertiary-bg", "bs-secondary-bg"):
        ratio = contrast(shade, bootstrap[background])
        assert ratio >= 3, (theme, colour, background, round(ratio, 2))


def test_every_colour_has_a_class():
    for colour in Colour.values:
        assert (
            f".project-colour-{colour} {{ --project-colour: var(--project-{colour}); }}" in APP_CSS
        )
