"""On a 1280 px screen the organisers' lists of registrations, survey answers and expressions of
interest show the status and the attendance mode without scrolling sideways."""

import pytest
from django.test import Client

from tests.factories import (
    make_application,
    make_call,
    make_open_event,
    make_survey_response,
    register,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Cluster Łódź-Järvenpää Advanced Manufacturing and Textile Innovation Association"
LISTS = {
    "registration": ["status", "attendance_mode"],
    "surveyresponse": ["intent"],
    "expressionofinterest": ["status"],
}


def test_status_and_mode_columns_fit_a_1280_px_screen(browser, live_server, django_user_model):
    event = make_open_event(title="European Cluster Conference 2030: Regions in Transition")
    register(event, organisation=LONG, last_name="Järvenpää-Wójcik", email="a" * 40 + "@example.eu")
    make_survey_response(event, organisation=LONG, last_name="Müller-Lüdenscheidt")
    make_application(make_call(), legal_name=LONG, contact_email="b" * 40 + "@example.eu")
    organiser = django_user_model.objects.create_superuser("m.wojcik", "m.wojcik@example.eu")
    client = Client()
    client.force_login(organiser)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()

    for model, columns in LISTS.items():
        page.goto(f"/admin/registrations/{model}/")
        for column in columns:
            header = page.locator(f"#result_list th.column-{column}")
            box = header.bounding_box()
            assert box is not None, (model, column)
            assert box["x"] + box["width"] <= 1280, (model, column, box)
    context.close()
