"""What the public forms accept as a name and an email: names without web addresses (they end
up in our greetings), and addresses in the one spelling that reaches a mailbox."""

import pytest
from django.core import mail

from registrations.email_addresses import normalise_email
from registrations.forms.fields import NormalisedEmailField, reject_web_addresses
from registrations.models import Registration
from tests.factories import make_open_event, registration_form_data
from tests.helpers import register_url
from tests.helpers.public_forms import PUBLIC_FORMS, make_public_form

NAME_MESSAGE = "Please enter a name without a web address."

# The name fields of each public form: they greet the person in our mails.
NAME_FIELDS = {
    "survey": ["first_name", "last_name"],
    "registration": ["first_name", "last_name"],
    "application": ["contact_first_name", "contact_last_name"],
    "invitation": ["first_name", "last_name"],
}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("reg@\uff45xample.org", "reg@example.org"),  # a fullwidth e
        ("Anna.Mueller@EXAMPLE.DE", "Anna.Mueller@example.de"),  # the local part keeps its case
        ("jukka@münchen.de", "jukka@xn--mnchen-3ya.de"),
        ("jukka@MÜNCHEN.DE", "jukka@xn--mnchen-3ya.de"),
        ("łukasz@example.pl", "łukasz@example.pl"),
        ("reg@example\u3002org", "reg@example.org"),  # an ideographic full stop
        (" reg@example.org ", "reg@example.org"),
    ],
)
def test_an_address_is_kept_in_the_spelling_that_reaches_its_mailbox(typed, stored):
    assert normalise_email(typed) == stored


def test_the_form_field_normalises_and_still_refuses_what_is_no_address():
    field = NormalisedEmailField()

    assert field.clean("reg@\uff45xample.org") == "reg@example.org"
    for invalid in ("reg@", "reg@exa\x00mple.org", "@example.org", "reg@" + "x" * 70 + ".de"):
        with pytest.raises(Exception, match="valid email"):
            field.clean(invalid)


@pytest.mark.parametrize(
    "name",
    [
        "http://evil.example",
        "Anna https://evil.example/login",
        "www.evil",
        "evil.example",
        "evil.example/login",
        "Visit EVIL.EXAMPLE now",
        "evil\u3002example",
        "\uff45vil\uff0eexample",
    ],
)
def test_a_name_with_a_web_address_is_refused(name):
    with pytest.raises(Exception, match=NAME_MESSAGE):
        reject_web_addresses(name)


@pytest.mark.parametrize(
    "name",
    ["Mikko", "Järvenpää", "Anne-Marie", "J.Smith", "J. R. R. Tolkien", "O'Brien", "St. Gallen"],
)
def test_ordinary_names_pass(name):
    reject_web_addresses(name)


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", PUBLIC_FORMS)
def test_every_public_form_refuses_a_web_address_in_a_name_with_a_clear_message(
    client, form_name, django_capture_on_commit_callbacks
):
    public_form = make_public_form(form_name)
    before = public_form.stored()

    for field in NAME_FIELDS[form_name]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                public_form.url, {**public_form.data, field: "Claim your prize at evil.example"}
            )

        assert response.status_code == 200
        assert response.context["form"].errors[field] == [NAME_MESSAGE]
    assert public_form.stored() == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_registration_form_stores_the_normalised_address(client):
    event = make_open_event()

    client.post(register_url(event), registration_form_data(email="Jukka@MÜNCHEN.de"))

    assert Registration.objects.get().email == "Jukka@xn--mnchen-3ya.de"
