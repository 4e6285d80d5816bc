# ruff: noqa: RUF001 - the lookalike letters are the point
"""One spelling per mailbox on every path that stores an address: services, the admin's model
saves, updates and lookups, and the addresses stored before (the 0008 migration)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from registrations.models import ExpressionOfInterest, Registration, SurveyResponse
from registrations.services.registration import AlreadyRegistered
from tests.factories import (
    make_application,
    make_call,
    make_open_event,
    make_survey_response,
    register,
)

pytestmark = pytest.mark.django_db

FULLWIDTH = "Anna.Muller@ｅｘａｍｐｌｅ.DE"  # fullwidth letters, upper-case domain
SPELLING = "Anna.Muller@example.de"

migration = importlib.import_module(
    "registrations.migrations.0008_outgoing_mail_and_one_spelling_per_address"
)


def test_a_service_stores_the_one_spelling_and_refuses_the_lookalike_of_an_entry():
    event = make_open_event()

    registration = register(event, email=FULLWIDTH)

    registration.refresh_from_db()
    assert registration.email == SPELLING
    with pytest.raises(AlreadyRegistered):
        register(event, email="anna.muller@EXAMPLE.de")


def test_every_model_save_update_and_lookup_uses_the_one_spelling():
    event = make_open_event()
    registration = register(event, email="zofia@example.pl")

    registration.email = "zofia@ｅxample.PL"
    registration.save()  # as the admin's change form saves it
    Registration.objects.filter(pk=registration.pk).update(email="Zofia@ＥXAMPLE.pl")

    assert Registration.objects.get(pk=registration.pk).email == "Zofia@example.pl"
    assert Registration.objects.get(email="Zofia@ｅxample.pl") == registration


def test_survey_answers_and_applications_keep_the_one_spelling_too():
    response = make_survey_response(make_open_event(), email=FULLWIDTH)
    application = make_application(make_call(), contact_email="kontakt@ｌodz.example.PL")

    assert SurveyResponse.objects.get(pk=response.pk).email == SPELLING
    assert (
        ExpressionOfInterest.objects.get(pk=application.pk).contact_email
        == "kontakt@lodz.example.pl"
    )


def store_as_typed(registration: Registration, address: str) -> None:
    """Write an address past the model field, as rows stored before 0008 were."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Registration._meta.db_table} SET email = %s WHERE id = %s",  # noqa: S608
            [address, registration.pk],
        )


def stored(registration: Registration) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT email FROM {Registration._meta.db_table} WHERE id = %s",  # noqa: S608
            [registration.pk],
        )
        return cursor.fetchone()[0]


def test_the_migration_rewrites_stored_addresses_and_leaves_lookalikes_of_an_entry_alone(capsys):
    event = make_open_event()
    lookalike_typed = register(event, email="placeholder1@example.org")
    alone_typed = register(event, email="placeholder2@example.org")
    original = register(event, email="jukka@example.fi")
    store_as_typed(lookalike_typed, "jukka@ｅxample.fi")  # got in before: same inbox as original
    store_as_typed(alone_typed, "Järvenpää@ＥXAMPLE.fi")

    migration.normalise_stored_addresses(apps, connection.schema_editor())

    assert stored(alone_typed) == "Järvenpää@example.fi"
    assert stored(original) == "jukka@example.fi"
    assert stored(lookalike_typed) == "jukka@ｅxample.fi"  # an organiser decides
    assert f"Registration {lookalike_typed.pk}" in capsys.readouterr().out
