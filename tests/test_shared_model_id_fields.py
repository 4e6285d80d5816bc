"""Ids posted to the public forms: a value that cannot be an id is a wrong choice, never a 500."""

import pytest

from registrations.models import ExpressionOfInterest, Registration
from tests.factories import (
    application_form_data,
    make_call,
    make_open_event,
    make_session,
    register,
    registration_form_data,
)
from tests.helpers import apply_url, register_url

pytestmark = pytest.mark.django_db

NOT_IDS = ["99999999999999999999999", "9223372036854775808", "-1", "1.5", "abc", "١٢"]


@pytest.fixture
def event_with_sessions():
    event = make_open_event()
    make_session(event, title="Matchmaking webinar")
    make_session(event, title="Cluster policy workshop")
    return event


@pytest.mark.parametrize("value", NOT_IDS)
def test_registration_form_answers_an_impossible_session_id(client, event_with_sessions, value):
    response = client.post(
        register_url(event_with_sessions), registration_form_data(sessions=[value])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["sessions"] == [
        "Please choose only sessions of this event."
    ]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_private_sessions_form_answers_an_impossible_session_id(client, event_with_sessions, value):
    registration = register(event_with_sessions)

    response = client.post(f"/registration/{registration.token}/sessions/", {"sessions": [value]})

    assert response.status_code == 200
    assert response.context["sessions_form"].errors["sessions"] == [
        "Please choose only sessions of this event."
    ]
    assert not registration.sessions.exists()


def test_the_largest_possible_id_is_still_looked_up(client, event_with_sessions):
    response = client.post(
        register_url(event_with_sessions), registration_form_data(sessions=[str(2**63 - 1)])
    )

    assert response.context["form"].errors["sessions"] == [
        "Please choose only sessions of this event."
    ]


@pytest.mark.parametrize("field", ["sectors", "declarations"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_application_form_answers_an_impossible_id(client, field, value):
    call = make_call()

    response = client.post(apply_url(call), application_form_data(call, **{field: [value]}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        f"Select a valid choice. {value} is not one of the available choices."
    ]
    assert not ExpressionOfInterest.objects.exists()
