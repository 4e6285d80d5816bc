"""Every public page at 360 px wide (a small phone) and at 200 % zoom (a 1280 px screen zoomed in
shows as a 640 px wide one) needs no horizontal scrolling (WCAG 1.4.10). The screenshots are
kept in test-artifacts/screenshots/ (git-ignored) for people to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers.public_pages import SEND_FORM_EMPTY, make_public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
WIDTHS = {"360px": 360, "zoom200": 640}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_no_public_page_scrolls_sideways_on_a_phone_or_at_200_percent_zoom(browser, live_server):
    public = make_public_pages()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing: dict[str, int] = {}
    for label, width in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        shots = [(name, path, False) for name, path in public.pages.items()]
        if width == WIDTHS["360px"]:  # the error states on the narrowest screen only
            shots += [(f"{name} with errors", path, True) for name, path in public.forms.items()]
        for name, path, with_errors in shots:
            page.goto(path)
            if with_errors:
                with page.expect_navigation():
                    page.evaluate(SEND_FORM_EMPTY)
            shot = SCREENSHOTS / f"{label}-{name.replace(' ', '-')}.png"
            page.screenshot(path=shot, full_page=True)
            if (extra := page.evaluate(OVERFLOW)) > 0:
                overflowing[f"{label} {name}"] = extra
        context.close()
    assert overflowing == {}
