"""The language of the pages: the browser's preference on a first visit, then the one chosen
with the switcher (kept in a cookie; addresses never change), with dates written for it; the
same switcher in the admin, whose dates follow the language too."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# A Tuesday: each language writes its weekday and month in its own way.
START = datetime(2030, 11, 12, 9, 0, tzinfo=BERLIN)
WHEN = {
    "en": "Tuesday 12 November 2030, 09:00",
    "fi": "tiistai 12. marraskuuta 2030 klo 9.00",
    "de": "Dienstag, 12. November 2030, 09:00",
    "fr": "mardi 12 novembre 2030, 09:00",
}


@pytest.fixture
def event():
    return make_event(title="Cluster Forum Järvenpää", start=START)


def page_language(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def current_switcher_choice(html: str) -> str:
    (choice,) = re.findall(r'value="(\w+)" lang="\w+"[^>]*aria-current="true"', html)
    return choice


def test_without_a_preference_the_pages_are_in_english(client, event):
    html = client.get(event.get_absolute_url()).content.decode()

    assert page_language(html) == "en"
    assert current_switcher_choice(html) == "en"
    assert WHEN["en"] in html


@pytest.mark.parametrize("language", ["fi", "de", "fr"])
def test_the_browser_preference_picks_the_language_of_the_first_page(client, event, language):
    html = client.get(
        event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5"
    ).content.decode()

    assert page_language(html) == language
    assert current_switcher_choice(html) == language
    assert WHEN[language] in html
    assert WHEN["en"] not in html


def test_the_switcher_names_each_language_in_itself_and_posts_to_set_language(client, event):
    html = client.get(event.get_absolute_url()).content.decode()

    form = html.split('class="language-switcher', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("set_language")}" method="post"' in form
    assert f'name="next" value="{event.get_absolute_url()}"' in form
    assert "csrfmiddlewaretoken" in form
    buttons = re.findall(r'name="language" value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</button>', form)
    assert buttons == [
        ("en", "en", "English"),
        ("fi", "fi", "suomi"),
        ("de", "de", "Deutsch"),
        ("fr", "fr", "français"),
    ]
    assert "<script" not in form


def test_the_language_chosen_is_remembered_over_the_browser_preference(client, event):
    address = event.get_absolute_url()

    switched = client.post(
        reverse("set_language"), {"language": "de", "next": address}, HTTP_ACCEPT_LANGUAGE="fi"
    )

    assert switched.status_code == 302 and switched["Location"] == address
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert page_language(html) == "de"
    assert current_switcher_choice(html) == "de"
    assert WHEN["de"] in html
    # the address of the page is the same in every language
    assert client.get(address, HTTP_ACCEPT_LANGUAGE="fr").request["PATH_INFO"] == address


def test_a_private_page_keeps_its_address_in_every_language(client, event):
    registration = make_registration(event, last_name="Müller")
    address = registration.private_path()
    client.post(reverse("set_language"), {"language": "fi", "next": address})

    response = client.get(address)

    assert response.status_code == 200
    assert page_language(response.content.decode()) == "fi"


def test_organisers_choose_their_admin_language_in_its_header(admin_client_for):
    html = admin_client_for.get("/admin/").content.decode()
    assert 'class="admin-language-switcher"' in html
    assert current_switcher_choice(html) == "en"

    admin_client_for.post(reverse("set_language"), {"language": "fr", "next": "/admin/"})

    html = admin_client_for.get("/admin/").content.decode()
    assert page_language(html) == "fr"
    assert current_switcher_choice(html) == "fr"


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "10 November 2027, 09:00"),
        ("de", "10. November 2027 09:00"),
        ("fi", "10. marraskuuta 2027 kello 9.00"),
        ("fr", "10 novembre 2027 09:00"),
    ],
)
def test_dates_in_the_admin_follow_the_language(admin_client_for, language, written):
    brussels = ZoneInfo(settings.TIME_ZONE)
    event = make_event(title="Cluster Days Łódź")
    make_registration(
        event, last_name="Wójcik", created_at=datetime(2027, 11, 10, 9, 0, tzinfo=brussels)
    )
    admin_client_for.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = admin_client_for.get("/admin/registrations/registration/").content.decode()

    assert written in html
    assert "Nov. 10, 2027" not in html and "a.m." not in html
