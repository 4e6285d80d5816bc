"""Every public page, shown in Finnish, German or French, has no English sentence of ours left:
no message of the catalogue with three words or more (the English msgids, split at their
placeholders and tags) appears in the page's text. Organiser-entered content (event titles and
the like) is not in the catalogue, so it may stay in the language it was written in.

The test over all pages fails until the translations are done (the mark comes off with them);
the one beside it shows on a catalogue of its own that the check sees a translated message go."""

import html as html_module
import re
from datetime import timedelta
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import AttendanceMode, Invitation
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from tests.factories import (
    make_application,
    make_call,
    make_checkin_staff,
    make_meeting_event,
    make_open_event,
    make_participant,
    make_response,
    make_session,
    make_survey,
    register,
)

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = ["fi", "de", "fr"]
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
ATTRIBUTES_READ_OUT = {"aria-label", "placeholder", "title", "alt"}


def english_sentences(catalogue_path=None) -> set[str]:
    """The catalogue's English text in pieces of three words or more."""
    path = catalogue_path or settings.BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"
    pieces = set()
    for entry in polib.pofile(str(path)):
        for message in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in PLACEHOLDER_OR_TAG.split(message):
                words = " ".join(piece.split()).strip(" ,.:;()“”")
                if len(words.split()) >= 3:
                    pieces.add(words)
    return pieces


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        self.parts.extend(value for name, value in attrs if name in ATTRIBUTES_READ_OUT and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def page_text(page: str) -> str:
    """What a reader sees or hears of the page: its text and the attributes read out."""
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(html_module.unescape(part) for part in parser.parts).split())


def english_left(page: str, sentences: set[str]) -> list[str]:
    text = page_text(page)
    return sorted(sentence for sentence in sentences if sentence in text)


@pytest.fixture
def public_pages(organiser) -> dict[str, tuple[str, object]]:
    """Every public page state worth reading, as (address, client) by name."""
    event = make_open_event(title="Cluster Forum Järvenpää")
    make_session(event, title="Plenary Järvenpää")
    survey_event = make_open_event(title="Cluster Days Łódź", registration_opens_at=None)
    survey = make_survey(survey_event)
    response = make_response(survey)
    on_site = register(event, last_name="Müller")
    online = register(event, last_name="Järvenpää", attendance_mode=AttendanceMode.ONLINE)
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1))
    application = make_application(call, contact_email="lukasz.wojcik@example.pl")
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))
    invitation = Invitation.objects.get(application=application)
    meeting_event = make_meeting_event()
    participant = make_participant(meeting_event, offers="Testing labs", seeks="Partners")
    make_participant(meeting_event, offers="Partners", seeks="Testing labs")
    token = participant.registration.token

    visitor = Client()
    desk = Client()
    desk.force_login(make_checkin_staff("desk.berlin", event))
    pages = {
        "event list": reverse("registrations:event_list"),
        "event": event.get_absolute_url(),
        "privacy notice": reverse("registrations:privacy"),
        "survey form": reverse("registrations:survey", kwargs={"slug": survey_event.slug}),
        "survey thanks": reverse("registrations:survey_thanks", kwargs={"slug": survey_event.slug}),
        "survey answer": response.private_path(),
        "registration form": reverse("registrations:register", kwargs={"slug": event.slug}),
        "registration sent": reverse(
            "registrations:registration_sent", kwargs={"slug": event.slug}
        ),
        "registration done": reverse("registrations:registration_done", args=[on_site.token]),
        "registration (on site)": on_site.private_path(),
        "registration (online)": online.private_path(),
        "join (too early)": online.join_path(),
        "expression of interest": reverse(
            "registrations:application_create", kwargs={"slug": call.event.slug}
        ),
        "expression of interest sent": reverse(
            "registrations:application_thanks", kwargs={"slug": call.event.slug}
        ),
        "invitation registration": invitation.link_path(),
        "meetings": reverse("registrations:meetings", args=[token]),
        "meetings profile": reverse("registrations:meetings_profile", args=[token]),
        "meetings catalogue": reverse("registrations:meetings_partners", args=[token]),
        "meetings availability": reverse("registrations:meetings_availability", args=[token]),
        "meetings agenda": reverse("registrations:meetings_agenda", args=[token]),
        "not found": "/no-such-page/",
    }
    return {
        **{name: (address, visitor) for name, address in pages.items()},
        "check-in events": (reverse("checkin:events"), desk),
        "check-in desk": (reverse("checkin:desk", kwargs={"slug": event.slug}), desk),
    }


def error_pages(language: str) -> dict[str, str]:
    """The error pages Django renders itself (no view of ours to ask for them)."""
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        return {
            name: render_to_string(name, {"minutes": 5}, request=request)
            for name in ("400.html", "403.html", "403_csrf.html", "429.html", "500.html")
        }


def rendered(pages, language: str) -> dict[str, str]:
    shown = {}
    for name, (address, client) in pages.items():
        response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 404), (name, response.status_code)
        shown[name] = response.content.decode()
    return {**shown, **error_pages(language)}


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_sentence_is_left_on_any_public_page(public_pages, language):
    sentences = english_sentences()

    left = {
        name: found
        for name, page in rendered(public_pages, language).items()
        if (found := english_left(page, sentences))
    }

    assert left == {}


def test_the_check_sees_a_translated_message_go_and_an_untranslated_one_stay(
    client, settings, tmp_path
):
    """On a German catalogue of its own with one message translated (and, before, on none)."""
    translated = "No upcoming events have been announced yet."
    german = polib.POFile()
    german.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    german.append(
        polib.POEntry(msgid=translated, msgstr="Es sind noch keine Veranstaltungen angekündigt.")
    )
    folder = tmp_path / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    german.save_as_mofile(str(folder / "django.mo"))
    sentences = english_sentences()
    assert translated.rstrip(".") in sentences

    settings.LOCALE_PATHS = [tmp_path / "no-catalogue"]
    before = english_left(client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode(), sentences)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    after = english_left(client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode(), sentences)

    assert translated.rstrip(".") in before
    assert translated.rstrip(".") not in after
    # not translated in this catalogue
    assert "Registration for European cluster-policy events" in after


def test_the_consent_label_of_every_form_is_in_the_page_s_language(client):
    event = make_open_event(title="Cluster Days Łódź", registration_opens_at=None)
    make_survey(event)

    page = client.get(
        reverse("registrations:survey", kwargs={"slug": event.slug}), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert "Datenschutzhinweis</a> (Version" in page
    assert "I agree" not in page
