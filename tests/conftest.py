import pytest
from django.core.cache import cache
from django.db import connection

from tests.factories import make_call


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
def empty_cache():
    """Each test starts with an empty cache (it holds the "link again" throttle)."""
    cache.clear()


@pytest.fixture
def call(db):
    """An open call for expressions of interest (the matchmaking event's)."""
    return make_call()
