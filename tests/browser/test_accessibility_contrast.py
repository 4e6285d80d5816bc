"""WCAG 1.4.11 in a real browser: the borders of text inputs, selects, text areas, tick boxes and
radio buttons, and the focus indicator, reach 3:1 against the background behind them."""

import re

import pytest

from tests.factories import make_survey
from tests.helpers.urls import survey_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = {
    "text input": "#id_first_name",
    "select": "#id_country",
    "text area": "#id_comment",
    "tick box": "#id_notify_when_registration_opens",
    "radio button": "#id_intent_0",
}

# The colours of an element and of the first opaque background behind it.
COLOURS = """element => {
  const style = getComputedStyle(element);
  let behind = element.parentElement;
  while (behind && getComputedStyle(behind).backgroundColor.match(/rgba\\(.*, 0\\)$|transparent/)) {
    behind = behind.parentElement;
  }
  return {
    border: style.borderTopColor,
    borderWidth: parseFloat(style.borderTopWidth),
    outline: style.outlineColor,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    background: behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)",
  };
}"""


def _rgb(colour: str) -> tuple[float, float, float]:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def _luminance(colour: str) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two CSS rgb() colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_wcag():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def test_form_control_borders_and_the_focus_indicator_reach_3_to_1(page):
    page.goto(survey_url(make_survey()))

    for name, selector in CONTROLS.items():
        control = page.locator(selector)
        colours = control.evaluate(COLOURS)
        assert colours["borderWidth"] >= 1, name
        assert contrast(colours["border"], colours["background"]) >= 3, (name, colours)

        control.focus()
        focused = control.evaluate(COLOURS)
        assert focused["outlineStyle"] != "none", name
        assert focused["outlineWidth"] >= 2, name
        assert contrast(focused["outline"], focused["background"]) >= 3, (name, focused)
