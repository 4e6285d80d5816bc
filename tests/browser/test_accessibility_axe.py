"""axe-core (node_modules, see package.json) finds no WCAG 2.1 AA violation on any public page, in
the error state of any public form, in any language of the site, nor on the admin's event form."""

from pathlib import Path
from pprint import pformat

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_event, make_session
from tests.helpers.public_pages import SEND_FORM_EMPTY, make_public_pages, site_languages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(
  document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}
).then(result => result.violations.map(violation => ({
    rule: violation.id,
    help: violation.help,
    where: violation.nodes.slice(0, 5).map(node => node.target.join(" ")),
  })))"""


def violations(page) -> list[dict]:
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def axe_context(browser, live_server, language: str, **options):
    """One context per language; CSP bypassed for this test only, so axe's script may run
    (tests/browser/test_content_security_policy.py checks the policy itself)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or npm ci) first")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **options)
    context.add_init_script(path=AXE)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    return context


def test_no_violation_on_any_public_page_or_form_error_in_any_language(browser, live_server):
    public = make_public_pages()
    found: dict[str, list[dict]] = {}
    for language in site_languages():
        context = axe_context(browser, live_server, language)
        page = context.new_page()
        for name, path in public.pages.items():
            page.goto(path)
            if problems := violations(page):
                found[f"{language} {name}"] = problems
        for name, path in public.forms.items():
            page.goto(path)
            with page.expect_navigation():
                page.evaluate(SEND_FORM_EMPTY)
            assert page.locator("[data-error-summary]").count() == 1, f"{name}: no errors shown"
            if problems := violations(page):
                found[f"{language} {name} with errors"] = problems
        context.close()
    assert found == {}, pformat(found)


def test_no_violation_on_the_admin_event_form(browser, live_server, django_user_model):
    event = make_event(title="European Cluster Conference 2030")
    make_session(event, title="Opening plenary")
    organiser = django_user_model.objects.create_superuser("m.wojcik", "m.wojcik@example.eu")
    client = Client()
    client.force_login(organiser)
    context = axe_context(browser, live_server, settings.LANGUAGE_CODE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()

    page.goto(f"/admin/registrations/event/{event.pk}/change/")

    problems = violations(page)
    assert problems == [], pformat(problems)
    context.close()
