"""Under the strict Content-Security-Policy, a real browser reports no violation on the public
pages nor in the admin, and the admin's scripts still work (the slug filled in from the title,
the two-box choosers of an expression of interest)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    make_application,
    make_call,
    make_open_event,
    make_response,
    make_survey,
    register,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Järvenpää cluster forum 2030"

# Playwright's init script runs outside the page's policy; it records what the policy blocks.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, with every CSP violation collected from the console and the DOM event."""
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations() -> list[str]:
        return console + page.evaluate("window.cspViolations")

    page.violations = violations
    return page


def visit(page, address):
    # networkidle: the violations of late scripts and styles are reported too (a loaded machine
    # may need longer than the usual timeout for it)
    response = page.goto(address, wait_until="networkidle", timeout=30_000)
    assert response.ok, address
    assert page.violations() == [], address


def test_public_pages_run_without_a_policy_violation(watched_page):
    event = make_open_event(title="European Cluster Conference")
    registration = register(event, last_name="Ó Briain")
    survey = make_survey()

    for address in (
        "/",
        event.get_absolute_url(),
        f"/events/{event.slug}/register/",
        f"/registration/{registration.token}/",
        f"/events/{survey.event.slug}/survey/",
        f"/survey/{make_response(survey).token}/",
        f"/events/{make_call().event.slug}/apply/",
    ):
        visit(watched_page, address)


def test_the_admin_works_under_the_policy(watched_page, django_user_model):
    page = watched_page
    django_user_model.objects.create_superuser("a.muller", "a.muller@example.de", PASSWORD)
    event = make_open_event()
    application = make_application(make_call())
    page.goto("/admin/")
    page.get_by_label("Username").fill("a.muller")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    visit(page, "/admin/registrations/event/add/")
    page.get_by_label(re.compile(r"^Title \[en\]")).press_sequentially("Cluster Days Łódź")
    expect(page.get_by_label("Slug")).to_have_value(re.compile("^cluster-days-lod"))  # its JS ran

    visit(page, f"/admin/registrations/event/{event.pk}/change/")
    visit(page, f"/admin/registrations/event/{event.pk}/report/")
    visit(page, "/admin/registrations/registration/")
    visit(page, f"/admin/registrations/expressionofinterest/{application.pk}/change/")
    expect(page.locator(".selector-chooseall").first).to_be_visible()  # SelectFilter2.js ran
    assert page.violations() == []
