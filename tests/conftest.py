"""Fixtures shared by the test modules; test data comes from tests.factories, plain helpers
from tests.helpers."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from registrations.models import Invitation
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from tests.factories import make_application, make_call, make_session


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_superuser(
        "organiser", "organiser@example.org", "correct horse battery staple"
    )


@pytest.fixture
def admin_client_for(client, organiser):
    """A test client logged in as an organiser (superuser)."""
    client.force_login(organiser)
    return client


@pytest.fixture
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """Each test starts in English: a request in another language leaves that language active
    in the thread (as a web process's next request would reset it), and objects made then would
    hold their text in that language's columns (django-modeltranslation)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (it holds the "link again" throttle)."""
    cache.clear()


@pytest.fixture
def call(db):
    """An open call for expressions of interest (the matchmaking event's)."""
    return make_call()


@pytest.fixture
def open_call(db):
    """A call whose event's registration opened yesterday (for invited applicants)."""
    return make_call(registration_opens_at=timezone.now() - timedelta(days=1))


@pytest.fixture
def invitation(open_call, organiser):
    """The invitation sent to Klaster Łódź Innowacje, eligible; the event has three sessions."""
    for title in ("Preparatory webinar", "Matchmaking session 1", "Matchmaking session 2"):
        make_session(open_call.event, title=title, kind="matchmaking")
    application = make_application(
        open_call,
        legal_name="Klaster Łódź Innowacje",
        country="PL",
        contact_first_name="Łukasz",
        contact_last_name="Wójcik",
        contact_job_title="Cluster manager",
        contact_email="lukasz.wojcik@example.pl",
    )
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))
    return Invitation.objects.select_related("application__event").get()
