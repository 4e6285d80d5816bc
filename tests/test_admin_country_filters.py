"""Every admin list that filters on a country offers only the countries in it, by name."""

import pytest

from registrations.admin.filters import CountriesPresentFilter
from tests.factories import make_event, make_open_event, make_survey_response, register

pytestmark = pytest.mark.django_db


def _country_filter(response) -> list[str]:
    changelist = response.context["cl"]
    (country_filter,) = [
        spec for spec in changelist.filter_specs if isinstance(spec, CountriesPresentFilter)
    ]
    return [choice["display"] for choice in country_filter.choices(changelist)]


def test_the_registrations_list_offers_the_countries_registered_from(admin_client_for):
    event = make_open_event()
    register(event, last_name="Järvenpää", country="FI")
    register(event, last_name="Wójcik", country="PL")
    register(event, last_name="Järvinen", country="FI")

    response = admin_client_for.get("/admin/registrations/registration/")
    filtered = admin_client_for.get("/admin/registrations/registration/?country__exact=PL")

    assert _country_filter(response) == ["All", "Finland", "Poland"]
    assert [row.last_name for row in filtered.context["cl"].result_list] == ["Wójcik"]


def test_the_survey_answers_list_offers_the_countries_answered_from(admin_client_for):
    event = make_event()
    make_survey_response(event, last_name="Müller", country="DE")
    make_survey_response(event, last_name="Dupont", email="dupont@example.fr", country="FR")

    response = admin_client_for.get("/admin/registrations/surveyresponse/")

    assert _country_filter(response) == ["All", "France", "Germany"]


def test_the_events_list_offers_the_countries_of_its_events(admin_client_for):
    make_event(country="DE")
    make_event(country="FI", city="Helsinki")
    make_event(country="", format="online", venue="", city="", onsite_capacity=None)

    response = admin_client_for.get("/admin/registrations/event/")

    assert _country_filter(response) == ["All", "Finland", "Germany"]
