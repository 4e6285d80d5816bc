"""Event content per language: organisers enter it in the admin; pages and mails show the
reader's language, or English where that translation is missing; exports stay in English."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from registrations.exports import REGISTRATIONS, export_csv_chunks
from registrations.models import Event, PrivacyNotice, Registration
from tests.factories import (
    event_form_data,
    make_call,
    make_event,
    make_open_event,
    make_session,
    register,
)
from tests.helpers import get_in_language

pytestmark = pytest.mark.django_db

ENGLISH = {
    "title": "European Cluster Conference Łódź",
    "summary": "Cluster policy at regional, national and EU level.",
}
GERMAN = {
    "title_de": "Europäische Clusterkonferenz Łódź",
    "summary_de": "Clusterpolitik auf regionaler, nationaler und EU-Ebene.",
}


def event_with_german(**fields) -> Event:
    event = make_open_event(**ENGLISH, **GERMAN, **fields)
    make_session(event, title="Opening plenary", title_de="Eröffnungsplenum")
    return event


def event_page(client, event: Event, language: str) -> str:
    response = get_in_language(client, language, "registrations:event_detail", slug=event.slug)
    assert response.status_code == 200
    return response.content.decode()


def test_the_event_page_in_german_shows_the_german_text(client):
    page = event_page(client, event_with_german(), "de")

    assert "<h1>Europäische Clusterkonferenz Łódź</h1>" in page
    assert "Clusterpolitik auf regionaler, nationaler und EU-Ebene." in page
    assert "Eröffnungsplenum" in page
    assert ENGLISH["title"] not in page and "Opening plenary" not in page


def test_a_missing_finnish_translation_falls_back_to_english(client):
    event = event_with_german(description="Two days in Łódź.", description_fi="Kaksi päivää.")

    page = event_page(client, event, "fi")

    assert "<h1>European Cluster Conference Łódź</h1>" in page
    assert "Opening plenary" in page
    assert "Kaksi päivää." in page  # what is translated is shown
    assert "Europäische" not in page


def test_the_english_page_stays_english(client):
    page = event_page(client, event_with_german(), "en")

    assert "<h1>European Cluster Conference Łódź</h1>" in page
    assert "Europäische" not in page and "Eröffnungsplenum" not in page


def test_the_admin_saves_each_languages_text(admin_client_for):
    start = {"sessions-0-start_0": "2030-05-10", "sessions-0-start_1": "10:00"}
    end = {"sessions-0-end_0": "2030-05-10", "sessions-0-end_1": "11:00"}
    data = event_form_data(
        title_fr="Forum des clusters Łódź",
        summary_fr="Les clusters en Europe centrale.",
        summary_de="Cluster in Mitteleuropa.",
        **{
            "sessions-TOTAL_FORMS": "1",
            "sessions-0-title_en": "Opening plenary",
            "sessions-0-title_fi": "Avaustäysistunto",
            "sessions-0-kind": "plenary",
            "sessions-0-format": "hybrid",
            **start,
            **end,
        },
    )

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 302
    event = Event.objects.get(slug="cluster-forum-lodz")
    session = event.sessions.get()
    with translation.override("fr"):
        assert (event.title, event.summary) == (
            "Forum des clusters Łódź",
            "Les clusters en Europe centrale.",
        )
        assert session.title == "Opening plenary"  # no French title: the English one
    with translation.override("de"):
        assert (event.title, event.summary) == ("Cluster Forum Łódź", "Cluster in Mitteleuropa.")
    with translation.override("fi"):
        assert session.title == "Avaustäysistunto"
    assert (event.title_en, event.summary_en) == (
        "Cluster Forum Łódź",
        "Clusters in Central Europe.",
    )


def test_the_admin_requires_the_english_title_only(admin_client_for):
    data = event_form_data(title_en="", title_de="Clusterforum Łódź")

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["title_en"]
    assert not Event.objects.exists()


def test_the_event_change_page_shows_every_language_without_a_script_of_its_own(
    admin_client_for,
):
    event = event_with_german()

    page = admin_client_for.get(reverse("admin:registrations_event_change", args=[event.pk]))

    html = page.content.decode()
    for field in ("title_en", "title_fi", "title_de", "title_fr", "summary_fr", "audience_fi"):
        assert f'name="{field}"' in html
    assert 'value="Europäische Clusterkonferenz Łódź"' in html
    assert 'name="sessions-0-title_de"' in html
    assert "modeltranslation/js" not in html and "jquery-ui" not in html


def test_an_admin_search_finds_an_event_by_a_translated_title(admin_client_for):
    event_with_german()
    make_event(title="Cluster Days Järvenpää")

    with translation.override("en"):
        response = admin_client_for.get(
            reverse("admin:registrations_event_changelist"), {"q": "Clusterkonferenz"}
        )

    assert [event.title_en for event in response.context["cl"].result_list] == [ENGLISH["title"]]


def test_the_privacy_notice_shows_the_readers_language(client):
    PrivacyNotice.objects.create(
        version="2026-11",
        controller="European Cluster Collaboration Platform, Brussels",
        controller_de="Europäische Plattform für Clusterzusammenarbeit, Brüssel",
        data_protection_officer="Dr. Katarzyna Nowak, dpo@eccp.example.eu",
        purposes_and_legal_basis="Running the event (Art. 6(1)(b) GDPR)",
        recipients="Our mail provider in Berlin",
        retention="One year.",
        rights="Write to the data protection officer.",
        supervisory_authority="The European Data Protection Supervisor",
        published_at=timezone.now(),
    )

    german = get_in_language(client, "de", "registrations:privacy").content.decode()
    french = get_in_language(client, "fr", "registrations:privacy").content.decode()

    assert "Europäische Plattform für Clusterzusammenarbeit, Brüssel" in german
    assert "European Cluster Collaboration Platform, Brussels" not in german
    assert "European Cluster Collaboration Platform, Brussels" in french  # no French yet


def test_the_call_shows_its_declarations_in_the_readers_language(client):
    call = make_call()
    declaration = call.declarations.order_by("position").first()
    declaration.text_fr = "Nous sommes une organisation de clusters établie dans l'UE."
    declaration.save()

    french = get_in_language(client, "fr", "registrations:application_create", slug=call.event.slug)

    assert "Nous sommes une organisation de clusters établie dans l&#x27;UE." in (
        french.content.decode()
    )


def test_the_mail_to_a_person_names_the_event_in_the_active_language(
    django_capture_on_commit_callbacks,
):
    event = event_with_german()

    with django_capture_on_commit_callbacks(execute=True):
        register(event, email="anna.mueller@example.de", language="de")

    (message,) = mail.outbox
    assert "Europäische Clusterkonferenz Łódź" in message.subject
    assert "Europäische Clusterkonferenz Łódź" in message.body
    assert "Europäische Clusterkonferenz Łódź" in message.alternatives[0][0]


def test_exports_keep_the_english_text_whoever_exports():
    event = event_with_german()
    registration = register(event, sessions=list(event.sessions.all()))
    event.title_en = "European Cluster Conference Łódź 2030"
    with translation.override("de"):  # saved by an organiser who reads the admin in German
        event.save()

    with translation.override("de"):
        rows = list(
            csv.DictReader(
                io.StringIO(
                    "".join(
                        export_csv_chunks(
                            REGISTRATIONS, Registration.objects.filter(pk=registration.pk)
                        )
                    )
                )
            )
        )

    assert [(row["Event"], row["Sessions"]) for row in rows] == [
        ("European Cluster Conference Łódź 2030", "Opening plenary")
    ]
