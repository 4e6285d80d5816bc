"""Pages under a private link (and the pre-filled registration form) show names, dietary and
accessibility needs, room links: no browser or proxy may keep a copy (no-store, private).
The check walks every address with a token, so a new private page is covered by it."""

import pytest
from django.urls import URLPattern, reverse

from registrations.prefill import prefill_value
from registrations.urls import urlpatterns
from tests.factories import (
    make_meeting_event,
    make_open_event,
    make_participant,
    make_response,
    make_survey,
    make_survey_response,
)

pytestmark = pytest.mark.django_db


def assert_not_stored(response, address):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (address, response.status_code, directives)


def private_patterns() -> list[URLPattern]:
    return [pattern for pattern in urlpatterns if "token" in pattern.pattern.converters]


@pytest.fixture
def tokens(invitation):
    """A real token for each kind of private link, by the address's first part."""
    registration = make_participant(make_meeting_event()).registration
    return {
        "registration": registration.token,
        "survey": make_response(make_survey()).token,
        "invitation": invitation.token,
        "join": registration.join_token,
    }


def test_every_page_under_a_private_link_is_not_stored(client, tokens):
    patterns = private_patterns()
    assert len(patterns) >= 15  # the walk found the private pages

    for pattern in patterns:
        kind = str(pattern.pattern).split("/", 1)[0]
        assert kind in tokens, f"{pattern.pattern}: a new kind of private link needs a token here"
        kwargs = dict.fromkeys(pattern.pattern.converters, 1) | {"token": tokens[kind]}
        address = reverse(f"registrations:{pattern.name}", kwargs=kwargs)
        for response in (client.get(address), client.post(address, {})):
            assert response.status_code < 500, address
            assert_not_stored(response, address)


def test_an_unknown_private_link_is_not_stored_either(client):
    response = client.get("/registration/no-such-token/")

    assert response.status_code == 404
    assert_not_stored(response, "/registration/no-such-token/")


def test_the_pre_filled_registration_form_is_not_stored(client):
    event = make_open_event()
    answer = make_survey_response(event, first_name="Zoë", last_name="Ó Briain")
    address = reverse("registrations:register", kwargs={"slug": event.slug})

    response = client.get(address, {"from": prefill_value(answer, event)})

    assert response.status_code == 200
    assert "Ó Briain" in response.text
    assert_not_stored(response, address)


def test_public_pages_may_be_cached(client):
    event = make_open_event()

    for address in (event.get_absolute_url(), f"/events/{event.slug}/register/"):
        assert "no-store" not in client.get(address).get("Cache-Control", "")
