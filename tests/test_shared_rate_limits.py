"""Rate limits of the public site: per client address for every POST and every private-link
lookup, per target email address for every form that names one; over a limit HTTP 429, nothing
stored and nothing sent. The counts live in the shared cache (Redis across processes)."""

import json
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.core.checks.registry import registry
from django.test import RequestFactory, TestCase
from django.urls import reverse

from eventsite.client_ip import client_ip
from registrations.models import Registration, RegistrationStatus, SurveyResponse
from registrations.rate_limits import check_rates
from tests.factories import (
    make_open_event,
    make_survey,
    register,
    registration_form_data,
    survey_form_data,
)

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture(autouse=True)
def limits_on(settings):
    """The limits as in production, small enough to reach in a test."""
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_POSTS_PER_IP = "3/10m"
    settings.RATE_LIMIT_POSTS_PER_EMAIL = "2/h"
    settings.RATE_LIMIT_LINKS_PER_IP = "4/10m"
    return settings


def survey_url(survey):
    return reverse("registrations:survey", kwargs={"slug": survey.event.slug})


def post(client, url, data, **extra):
    """A POST whose mail goes out when its transaction commits, as it would outside a test."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, **extra)


def answer(client, survey, *, ip="198.51.100.7", **fields):
    return post(client, survey_url(survey), survey_form_data(**fields), REMOTE_ADDR=ip)


def assert_refused_politely(response):
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 60 * 60
    assert "Too many attempts" in response.text
    assert f"Please wait {math.ceil(seconds / 60)} minute" in response.text


def test_a_flood_of_survey_answers_from_one_address_is_refused_past_the_limit(client):
    survey = make_survey()

    for number in range(3):
        assert answer(client, survey, email=f"person{number}@example.fi").status_code == 302
    flood = answer(client, survey, email="one.more@example.fi")

    assert_refused_politely(flood)
    assert SurveyResponse.objects.count() == 3
    assert len(mail.outbox) == 3


def test_another_client_address_keeps_its_own_allowance(client):
    survey = make_survey()
    for number in range(4):
        answer(client, survey, email=f"person{number}@example.fi")

    response = answer(client, survey, ip="203.0.113.50", email="anna.mueller@example.de")

    assert response.status_code == 302
    assert SurveyResponse.objects.filter(email="anna.mueller@example.de").exists()


def test_one_inbox_cannot_be_flooded_from_many_addresses_or_forms(client):
    """Twice the same address (the second time the survey mails the link again); a third
    time, in other letters, from another client and through another form, is refused."""
    survey = make_survey()
    event = make_open_event()
    for ip in ("198.51.100.1", "198.51.100.2"):
        answer(client, survey, ip=ip, email="jukka.jarvenpaa@example.fi")
    assert len(mail.outbox) == 2

    response = post(
        client,
        reverse("registrations:register", kwargs={"slug": event.slug}),
        registration_form_data(email=" Jukka.Jarvenpaa@EXAMPLE.fi "),
        REMOTE_ADDR="198.51.100.3",
    )

    assert_refused_politely(response)
    assert not Registration.objects.exists()
    assert len(mail.outbox) == 2


def test_a_post_on_a_private_page_counts_and_is_refused_without_a_change(client):
    registration = register(make_open_event(), last_name="Wójcik")
    cancel = reverse("registrations:registration_cancel", kwargs={"token": registration.token})
    mail.outbox.clear()
    for _ in range(3):
        post(client, cancel, {}, REMOTE_ADDR="198.51.100.7")  # the box is not ticked

    response = post(client, cancel, {"confirm": "on"}, REMOTE_ADDR="198.51.100.7")

    assert_refused_politely(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert mail.outbox == []


def test_guessing_private_links_is_refused_past_the_limit(client):
    guesses = [f"/registration/guess{n}/" for n in range(4)]
    assert [client.get(url, REMOTE_ADDR="198.51.100.9").status_code for url in guesses] == [404] * 4

    assert_refused_politely(client.get("/survey/guess5/", REMOTE_ADDR="198.51.100.9"))
    assert client.get("/join/guess6/", REMOTE_ADDR="198.51.100.10").status_code == 404


def test_public_pages_that_only_show_are_not_counted(client, settings):
    survey = make_survey()
    for _ in range(10):
        assert client.get(survey_url(survey), REMOTE_ADDR="198.51.100.7").status_code == 200


def test_an_ipv6_client_is_counted_by_its_network(client):
    survey = make_survey()
    for number in range(3):
        answer(client, survey, ip=f"2001:db8:1:2::{number + 1}", email=f"p{number}@example.fi")

    assert answer(client, survey, ip="2001:db8:1:2:ffff::9").status_code == 429
    assert answer(client, survey, ip="2001:db8:1:3::1").status_code == 302


def test_behind_a_proxy_the_client_is_read_from_the_configured_header(client, settings):
    """The proxy's own address is the same for everyone; the header's last entry is the one
    the proxy added (what a client puts before it is not trusted)."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    survey = make_survey()

    def from_(forwarded, **fields):
        return client.post(
            survey_url(survey),
            survey_form_data(**fields),
            REMOTE_ADDR="10.0.0.2",
            headers={"X-Forwarded-For": forwarded},
        )

    for number in range(3):
        from_(f"192.0.2.{number}, 198.51.100.7", email=f"person{number}@example.fi")

    assert from_("192.0.2.99, 198.51.100.7").status_code == 429
    assert from_("198.51.100.8", email="ines.goncalves@example.pt").status_code == 302


@pytest.mark.parametrize(
    ("header", "headers", "expected"),
    [
        ("", {"X-Real-IP": "198.51.100.7"}, "10.0.0.2"),
        ("X-Real-IP", {"X-Real-IP": "198.51.100.7"}, "198.51.100.7"),
        ("X-Real-IP", {}, "10.0.0.2"),
        ("X-Real-IP", {"X-Real-IP": "not an address"}, "10.0.0.2"),
        ("x-real-ip", {"X-Real-IP": "198.51.100.7"}, "198.51.100.7"),
        ("X-Forwarded-For", {"X-Forwarded-For": "192.0.2.1, 2001:db8::1"}, "2001:db8::1"),
    ],
)
def test_client_ip(settings, header, headers, expected):
    settings.CLIENT_IP_HEADER = header
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", headers=headers)

    assert client_ip(request) == expected


def test_limits_are_off_when_switched_off(client, settings):
    settings.RATELIMIT_ENABLE = False
    survey = make_survey()

    for number in range(5):
        assert answer(client, survey, email=f"person{number}@example.fi").status_code == 302


def test_when_the_cache_cannot_count_the_forms_still_work(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    survey = make_survey()

    assert answer(client, survey).status_code == 302
    assert answer(client, survey).status_code == 302  # known address: its link again
    assert SurveyResponse.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_mistyped_rate_is_refused_at_start_up(settings):
    settings.RATE_LIMIT_POSTS_PER_EMAIL = "10 per hour"

    (error,) = check_rates()

    assert error.id == "registrations.E001"
    assert "RATE_LIMIT_POSTS_PER_EMAIL is '10 per hour'" in error.msg
    assert check_rates.__name__ in {c.__name__ for c in registry.get_checks()}


# Several web processes share the counts through Redis ---------------------------------------

COUNT_IN_ANOTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.test import RequestFactory, override_settings
from registrations.rate_limits import seconds_to_wait
config = json.loads(sys.argv[1])
with override_settings(**config["settings"]):
    request = RequestFactory().post("/events/x/survey/", {}, REMOTE_ADDR=config["ip"])
    print(json.dumps([seconds_to_wait(request, private_link=False) for _ in range(3)]))
"""


@pytest.fixture
def shared_redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # keys of this test only (they expire with their window): never a flush of the db
            "KEY_PREFIX": f"test-rate-limits-{uuid.uuid4().hex}",
        }
    }
    return settings.CACHES


def test_the_limit_holds_across_web_processes_through_redis(client, settings, shared_redis_cache):
    settings.RATE_LIMIT_POSTS_PER_IP = "3/d"  # a window that does not end during the test
    config = {
        "ip": "198.51.100.77",
        "settings": {
            "CACHES": shared_redis_cache,
            "RATELIMIT_ENABLE": True,
            "RATE_LIMIT_POSTS_PER_IP": settings.RATE_LIMIT_POSTS_PER_IP,
        },
    }
    # another web process: the same settings, a cache connection of its own
    other = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, json.dumps(config)],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "eventsite.settings_test"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [0, 0, 0]

    response = answer(client, make_survey(), ip="198.51.100.77")

    assert response.status_code == 429
    assert not SurveyResponse.objects.exists()
    assert mail.outbox == []
    assert answer(client, make_survey(), ip="198.51.100.78").status_code == 302
