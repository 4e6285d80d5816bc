"""The bot trap on every public form: a hidden field and a signed minimum fill time.

A bot that trips it lands on the page a person sees after sending the form, and nothing is
stored or sent.
"""

import re
import time

import pytest
from django.core import mail

from registrations.forms.bot_trap import HONEYPOT_FIELD, STARTED_FIELD, BotTrapForm
from tests.factories import bot_trap_fields
from tests.helpers.public_forms import PUBLIC_FORMS, make_public_form

pytestmark = pytest.mark.django_db


@pytest.fixture(params=PUBLIC_FORMS)
def public_form(request):
    return make_public_form(request.param)


@pytest.fixture
def min_fill_time(settings):
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 3


def post(client, public_form, django_capture_on_commit_callbacks, **changes):
    data = {**public_form.data, **changes}
    data = {name: value for name, value in data.items() if value is not None}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(public_form.url, data)


def stamp_on(page) -> str:
    """The signed start time the page carries."""
    return re.search(rf'name="{STARTED_FIELD}" value="([^"]+)"', page.content.decode()).group(1)


def assert_treated_as_a_bot(response, public_form, stored_before):
    assert response.status_code == 302
    assert response["Location"] == public_form.sent_url
    assert public_form.stored() == stored_before
    assert mail.outbox == []


def test_a_person_who_took_their_time_is_stored_and_mailed(
    client, public_form, min_fill_time, django_capture_on_commit_callbacks
):
    before = public_form.stored()
    response = post(
        client,
        public_form,
        django_capture_on_commit_callbacks,
        **bot_trap_fields(public_form.form_class, seconds_ago=5),
    )

    assert response.status_code == 302
    assert public_form.stored() == before + 1
    assert len(mail.outbox) == 1


def test_the_hidden_field_filled_in_is_a_bot(
    client, public_form, django_capture_on_commit_callbacks
):
    before = public_form.stored()
    response = post(
        client, public_form, django_capture_on_commit_callbacks, website="https://spam.example"
    )
    assert_treated_as_a_bot(response, public_form, before)


def test_sent_faster_than_the_minimum_fill_time_is_a_bot(
    client, public_form, min_fill_time, django_capture_on_commit_callbacks
):
    before = public_form.stored()
    response = post(
        client,
        public_form,
        django_capture_on_commit_callbacks,
        **bot_trap_fields(public_form.form_class, seconds_ago=1),
    )
    assert_treated_as_a_bot(response, public_form, before)


@pytest.mark.parametrize(
    "started",
    [None, "", "1700000000", "not:signed:at-all", "Łódź:ż"],
    ids=["missing", "empty", "unsigned", "garbage", "unicode"],
)
def test_a_missing_or_forged_start_time_is_a_bot(
    client, public_form, started, django_capture_on_commit_callbacks
):
    before = public_form.stored()
    response = post(client, public_form, django_capture_on_commit_callbacks, form_started=started)
    assert_treated_as_a_bot(response, public_form, before)


def test_a_start_time_tampered_with_is_a_bot(
    client, public_form, django_capture_on_commit_callbacks
):
    stamp = public_form.data[STARTED_FIELD]
    value, _, signature = stamp.partition(":")
    tampered = f"{value}x:{signature}"
    before = public_form.stored()
    response = post(client, public_form, django_capture_on_commit_callbacks, form_started=tampered)
    assert_treated_as_a_bot(response, public_form, before)


def test_a_start_time_signed_for_another_form_is_a_bot(
    client, public_form, django_capture_on_commit_callbacks
):
    class OtherForm(BotTrapForm):
        pass

    before = public_form.stored()
    response = post(
        client,
        public_form,
        django_capture_on_commit_callbacks,
        form_started=OtherForm.stamp(time.time() - 60),
    )
    assert_treated_as_a_bot(response, public_form, before)


def test_a_page_open_for_more_than_a_day_is_asked_to_be_sent_again(
    client, public_form, django_capture_on_commit_callbacks
):
    before = public_form.stored()
    response = post(
        client,
        public_form,
        django_capture_on_commit_callbacks,
        **bot_trap_fields(public_form.form_class, seconds_ago=25 * 60 * 60),
    )

    assert response.status_code == 200
    assert "This page was open for a long time" in response.content.decode()
    assert public_form.stored() == before
    assert mail.outbox == []
    post(client, public_form, django_capture_on_commit_callbacks, form_started=stamp_on(response))
    assert public_form.stored() == before + 1  # the page came with a fresh start time


def test_the_form_page_carries_the_trap_out_of_sight_and_reach(client, public_form):
    page = client.get(public_form.url).content.decode()

    assert '<div class="visually-hidden" aria-hidden="true">' in page
    assert (
        f'<input type="text" id="id_{HONEYPOT_FIELD}" name="{HONEYPOT_FIELD}" value="" '
        'tabindex="-1" autocomplete="off">'
    ) in page
    assert f'<input type="hidden" name="{STARTED_FIELD}" value="' in page


def test_the_stamp_on_the_page_lets_a_person_through(
    client, public_form, django_capture_on_commit_callbacks
):
    stamp = stamp_on(client.get(public_form.url))
    before = public_form.stored()

    post(client, public_form, django_capture_on_commit_callbacks, form_started=stamp)

    assert public_form.stored() == before + 1
