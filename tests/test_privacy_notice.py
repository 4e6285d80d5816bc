"""The privacy notice: written and published by the organisers, versioned, linked from every
form and mail, and its version kept with each consent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import ActionLogEntry, PrivacyNotice, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.errors import TransitionRefused
from registrations.services.privacy import privacy_notice_publish
from tests.factories import make_open_event, make_survey, register, survey_form_data
from tests.helpers.admin import run_admin_action

pytestmark = pytest.mark.django_db

SECTIONS = {
    "controller": "European Cluster Collaboration Platform, Avenue d'Auderghem 22, Brussels",
    "data_protection_officer": "Dr. Katarzyna Nowak, dpo@eccp.example.eu",
    "purposes_and_legal_basis": "Running the event (Art. 6(1)(b) GDPR)",
    "recipients": "Our mail provider Posteo in Berlin",
    "retention": "Needs: 30 days after the event. Everything else: one year.",
    "rights": "Access, rectification, erasure and objection: write to the DPO.",
    "supervisory_authority": "The European Data Protection Supervisor, Rue Wiertz 60",
}


# The notice's admin form takes each section per language; English is required.
ADMIN_FORM_SECTIONS = {f"{name}_en": text for name, text in SECTIONS.items()}


def write_notice(version: str, **fields) -> PrivacyNotice:
    return PrivacyNotice.objects.create(version=version, **(SECTIONS | fields))


def publish(notice: PrivacyNotice, organiser, **kwargs) -> PrivacyNotice:
    return privacy_notice_publish(notice=notice, actor=Actor.organiser(organiser), **kwargs)


def test_until_one_is_published_the_built_in_notice_and_version_apply(client, settings):
    write_notice("2026-11")  # a draft

    page = client.get(reverse("registrations:privacy")).content.decode()

    assert f"Version {settings.PRIVACY_NOTICE_VERSION}" in page
    assert "30 days after the event ends" in page
    assert "supervisory authority" in page


def test_the_published_notice_shows_every_section(client, organiser):
    publish(write_notice("2026-11"), organiser)

    page = client.get(reverse("registrations:privacy")).content.decode()

    assert "Version 2026-11" in page
    for heading in (
        "Controller and contact",
        "Data protection officer",
        "Purposes and legal basis",
        "Recipients",
        "Retention periods",
        "Your rights",
        "Right to complain",
    ):
        assert heading in page
    assert "Dr. Katarzyna Nowak" in page and "Rue Wiertz 60" in page


def test_consent_records_the_version_published_last(client, organiser):
    publish(write_notice("2026-06"), organiser, now=timezone.now() - timedelta(days=90))
    publish(write_notice("2026-11"), organiser)
    survey = make_survey()

    client.post(
        reverse("registrations:survey", kwargs={"slug": survey.event.slug}), survey_form_data()
    )
    registration = register(make_open_event(), email="lukasz.wojcik@example.pl")

    assert SurveyResponse.objects.get().consent_version == "2026-11"
    assert registration.consent_version == "2026-11"


def test_publishing_takes_effect_at_once_though_the_version_is_cached(organiser):
    event = make_open_event()
    register(event, email="anna.mueller@example.de")  # the built-in version, now cached

    publish(write_notice("2026-11"), organiser)
    registration = register(event, email="lukasz.wojcik@example.pl")

    assert registration.consent_version == "2026-11"


def test_earlier_versions_stay_readable_and_drafts_stay_hidden(client, organiser):
    publish(
        write_notice("2026-06", recipients="Mailjet"),
        organiser,
        now=timezone.now() - timedelta(days=90),
    )
    publish(write_notice("2026-11"), organiser)
    write_notice("2027-01", recipients="Brevo")

    earlier = client.get(reverse("registrations:privacy_version", args=["2026-06"]))
    draft = client.get(reverse("registrations:privacy_version", args=["2027-01"]))

    assert earlier.status_code == 200 and "Mailjet" in earlier.content.decode()
    assert draft.status_code == 404


def test_a_version_is_published_once_and_then_read_only(admin_client_for, organiser):
    notice = write_notice("2026-11")

    run_admin_action(admin_client_for, "publish", [notice])
    notice.refresh_from_db()
    with pytest.raises(TransitionRefused):
        publish(notice, organiser)
    change_page = admin_client_for.post(
        reverse("admin:registrations_privacynotice_change", args=[notice.pk]),
        ADMIN_FORM_SECTIONS | {"version": "2026-11", "recipients_en": "Someone else"},
    )

    assert notice.is_published
    assert ActionLogEntry.objects.filter(action="published").count() == 1
    assert change_page.status_code == 403
    notice.refresh_from_db()
    assert notice.recipients == SECTIONS["recipients"]


def test_every_mail_and_every_page_link_the_notice(client, django_capture_on_commit_callbacks):
    event = make_open_event()
    with django_capture_on_commit_callbacks(execute=True):
        register(event, email="anna.mueller@example.de")

    (message,) = mail.outbox
    page = client.get(reverse("registrations:register", kwargs={"slug": event.slug}))

    assert "http://127.0.0.1:8000/privacy/" in message.body
    assert 'href="http://127.0.0.1:8000/privacy/"' in message.alternatives[0][0]
    footer = page.content.decode().split("<footer")[1]
    assert 'href="/privacy/"' in footer


def test_organisers_write_a_draft_in_the_admin(admin_client_for):
    response = admin_client_for.post(
        reverse("admin:registrations_privacynotice_add"),
        ADMIN_FORM_SECTIONS | {"version": "2026-11"},
    )

    assert response.status_code == 302
    notice = PrivacyNotice.objects.get()
    assert notice.controller == SECTIONS["controller"] and not notice.is_published
    assert ActionLogEntry.objects.get(action="added in the admin").object_id == notice.pk
