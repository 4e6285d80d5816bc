"""Filling in a form with the keyboard alone (Tab, Space, Enter, typing), as the browser tests of
keyboard access do, checking at every step that the focus can be seen."""

# The focused element, and whether it shows a focus outline of at least 2 px.
_FOCUS = """selector => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    element: element.outerHTML.slice(0, 120),
    reached: element.matches(selector),
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, selector: str, *, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus; each stop on the way must
    show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS, selector)
        assert focus["visible"], f"focus not visible on {focus['element']}"
        if focus["reached"]:
            return
    raise AssertionError(f"Tab never reached {selector}")


def fill_in(page, steps: list[tuple[str, str, str]]) -> None:
    """Each step: ("type", selector, text) into a text field or a closed select (type-ahead),
    ("space", selector, "") on a tick box or radio button, ("enter", selector, "") on a button;
    the steps in the order Tab reaches them."""
    for action, selector, text in steps:
        tab_to(page, selector)
        if action == "type":
            page.keyboard.type(text)
        elif action == "space":
            page.keyboard.press("Space")
        elif action == "enter":
            page.keyboard.press("Enter")
        else:
            raise ValueError(action)
