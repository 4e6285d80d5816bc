"""A participant's one-to-one meeting pages under its registration's private link: overview with
suggestions, profile, catalogue, requests and answers, availability, agenda and calendar file.
Every page is private (no-store), 404 for an unknown token, and says why when the registration
takes no part; the services' refusals are shown on the page; room links only to the two sides."""

import re

import pytest
from django.urls import reverse

from registrations.models import (
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    ParticipantProfile,
    ScheduleState,
)
from registrations.services.action_log import Actor, action_log_for
from registrations.services.meeting_requests import (
    meeting_request_accept,
    meeting_request_send,
)
from registrations.services.meeting_schedule import schedule_publish
from registrations.services.registration import registration_cancel
from tests.factories import (
    make_invited_registration,
    make_meeting_event,
    make_open_event,
    make_participant,
    make_slots,
    register,
    sectors,
)

pytestmark = pytest.mark.django_db

PERSON = Actor.person()
ORGANISER = Actor.system("test organiser")
ROOMS = "https://meet.example.org/eccp-{room}"
OTHER_TOKEN = "A" * 43  # well formed, nobody's

PAGES = ["meetings", "meetings_profile", "meetings_partners", "meetings_availability"]


def url(profile_or_registration, name="meetings", **kwargs):
    registration = getattr(profile_or_registration, "registration", profile_or_registration)
    return reverse(f"registrations:{name}", kwargs={"token": registration.token, **kwargs})


def answer_url(profile, meeting_request, action):
    return url(profile, f"meetings_request_{action}", request_id=meeting_request.pk)


def request_url(profile, partner):
    return url(profile, "meetings_request_send", profile_id=partner.pk)


def text(response) -> str:
    return response.content.decode()


def publish(event, state=ScheduleState.PRELIMINARY):
    schedule_publish(event=event, state=state, actor=ORGANISER)


# The test data ------------------------------------------------------------------------------


@pytest.fixture
def event():
    return make_meeting_event(room_link_pattern=ROOMS)


@pytest.fixture
def battery(event):
    """Järvenpää Battery Cluster, listed; it seeks what Łódź offers."""
    return make_participant(
        event,
        organisation="Järvenpää Battery Cluster",
        country="FI",
        offers="Battery cell testing laboratories and a pilot line for recycling.",
        seeks="Textile sensors for smart clothing and wearable health devices.",
        sector_names=("Energy", "Digital"),
    )


@pytest.fixture
def lodz(event):
    """Klaster Łódź Innowacje, listed; a public authority in the catalogue's filters."""
    return make_participant(
        event,
        organisation="Klaster Łódź Innowacje",
        country="PL",
        organisation_type="public_authority",
        offers="Textile sensors and smart clothing made by our members.",
        seeks="Battery recycling partners and testing laboratories.",
        description="A cluster of textile and electronics SMEs in Łódź.",
        sector_names=("Textile",),
    )


@pytest.fixture
def bayern(event):
    """A third participant, listed, with words of its own."""
    return make_participant(
        event,
        organisation="Cluster Müller Automotive Bayern",
        country="DE",
        offers="Automotive suppliers and engineering services.",
        seeks="Software for vehicle diagnostics.",
        sector_names=("Automotive",),
    )


def send(sender, receiver, message="Hyvää päivää!"):
    return meeting_request_send(sender=sender, receiver=receiver, message=message, actor=PERSON)


# Every page ---------------------------------------------------------------------------------


def test_every_page_answers_the_participant_and_is_never_cached(client, event, battery, lodz):
    make_slots(event)
    meeting_request = send(lodz, battery)
    publish(event)
    for name in [*PAGES, "meetings_agenda", "meetings_agenda_ics"]:
        response = client.get(url(battery, name))

        assert (name, response.status_code) == (name, 200)
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, name
    posts = {
        request_url(battery, lodz): {},
        answer_url(battery, meeting_request, "decline"): {},
        url(battery, "meetings_profile"): {"offers": "x" * 3000},
    }
    for address, data in posts.items():
        response = client.post(address, data)

        assert "no-store" in response["Cache-Control"], address


def test_pages_answer_html_with_one_h1(client, battery, lodz):
    for name in [*PAGES, "meetings_agenda"]:
        content = text(client.get(url(battery, name)))

        assert content.count("<h1") == 1, name


def test_an_unknown_or_malformed_token_is_a_404(client, battery):
    for token in (OTHER_TOKEN, "not-a-token"):
        for name in [*PAGES, "meetings_agenda", "meetings_agenda_ics"]:
            address = reverse(f"registrations:{name}", kwargs={"token": token})

            assert (name, client.get(address).status_code) == (name, 404)
        address = reverse(
            "registrations:meetings_request_send", kwargs={"token": token, "profile_id": battery.pk}
        )
        assert client.post(address).status_code == 404


def test_an_event_without_meetings_gets_a_clear_page(client):
    registration = register(make_open_event())

    for name in [*PAGES, "meetings_agenda"]:
        response = client.get(url(registration, name))

        assert response.status_code == 200
        assert "One-to-one meetings are not set up for this event." in text(response)
        assert "no-store" in response["Cache-Control"]
    assert ParticipantProfile.objects.count() == 0
    manage = text(client.get(registration.private_path()))
    assert "One-to-one meetings" not in manage


def test_a_cancelled_registration_gets_a_clear_page(client, event, battery):
    registration_cancel(registration=battery.registration, actor=PERSON)

    for name in [*PAGES, "meetings_agenda"]:
        response = client.get(url(battery, name))

        assert response.status_code == 200
        assert "has been cancelled, so it takes no part in the meetings" in text(response)
    assert "One-to-one meetings" not in text(client.get(battery.registration.private_path()))


def test_the_registration_page_links_to_the_meetings(client, battery):
    content = text(client.get(battery.registration.private_path()))

    assert "One-to-one meetings" in content
    assert url(battery) in content


def test_the_first_visit_makes_the_profile_from_the_expression_of_interest(client, event):
    registration = make_invited_registration(
        event, legal_name="Järvenpää Battery Cluster", offers="Battery testing laboratories."
    )

    response = client.get(url(registration))

    profile = ParticipantProfile.objects.get(registration=registration)
    assert profile.offers == "Battery testing laboratories."
    assert not profile.is_listed
    assert "Not listed in the catalogue" in text(response)
    client.get(url(registration))
    assert ParticipantProfile.objects.filter(registration=registration).count() == 1


# The profile --------------------------------------------------------------------------------


def profile_data(**changes):
    data = {
        "description": "Finnish battery cluster of 60 SMEs.",
        "offers": "Battery cell testing.",
        "seeks": "Textile sensors.",
        "sectors": [sector.pk for sector in sectors("Energy")],
        "country": "FI",
        "website": "https://battery.example.fi",
        "attendees": "Aino Järvenpää, cluster manager",
        "is_listed": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_profile_form_saves_and_lists_the_organisation(client, event):
    profile = make_participant(event, listed=False, organisation="Järvenpää Battery Cluster")
    form = text(client.get(url(profile, "meetings_profile")))
    assert "List us in the catalogue" in form

    response = client.post(url(profile, "meetings_profile"), profile_data())

    assert response.status_code == 302
    assert response["Location"] == url(profile)
    profile.refresh_from_db()
    assert profile.is_listed
    assert profile.offers == "Battery cell testing."
    assert [sector.name for sector in profile.sectors.all()] == ["Energy"]
    assert "Listed in the catalogue" in text(client.get(url(profile)))


def test_the_profile_form_changes_the_organisations_country(client, event):
    profile = make_participant(event, organisation="Klaster Łódź Tekstylia", country="PL")

    client.post(url(profile, "meetings_profile"), profile_data(country="LT"))

    profile.registration.refresh_from_db()
    assert profile.registration.country.code == "LT"
    entry = action_log_for(profile).first()
    assert entry.changes["country"] == ["PL", "LT"]


def test_the_profile_form_shows_its_errors(client, battery):
    response = client.post(
        url(battery, "meetings_profile"), profile_data(website="not a site", offers="x" * 2001)
    )

    assert response.status_code == 200
    content = text(response)
    assert 'role="alert"' in content
    assert "Ensure this value has at most 2000 characters" in content
    battery.refresh_from_db()
    assert battery.offers != "x" * 2001


def test_unlisting_takes_the_organisation_out_of_the_catalogue(client, battery, lodz):
    client.post(url(battery, "meetings_profile"), profile_data(is_listed=None))

    assert "Järvenpää Battery Cluster" not in text(client.get(url(lodz, "meetings_partners")))


# The catalogue ------------------------------------------------------------------------------


def test_the_catalogue_lists_the_others_with_their_profiles(client, event, battery, lodz, bayern):
    hidden = make_participant(event, listed=False, organisation="Ó Briain Marine Cluster")

    content = text(client.get(url(battery, "meetings_partners")))

    assert "Klaster Łódź Innowacje" in content
    assert "Cluster Müller Automotive Bayern" in content
    assert "Textile sensors and smart clothing made by our members." in content
    assert "Battery recycling partners and testing laboratories." in content
    assert "A cluster of textile and electronics SMEs in Łódź." in content
    assert "Poland" in content and "Textile" in content
    assert "Request a meeting" in content
    assert hidden.registration.organisation not in content
    assert f'id="partner-{battery.pk}"' not in content  # not itself


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"country": "PL"}, ["Klaster Łódź Innowacje"]),
        ({"organisation_type": "cluster"}, ["Cluster Müller Automotive Bayern"]),
        ({"q": "automotive"}, ["Cluster Müller Automotive Bayern"]),
        ({"q": "textile"}, ["Klaster Łódź Innowacje"]),
        ({"country": "XX"}, ["Klaster Łódź Innowacje", "Cluster Müller Automotive Bayern"]),
    ],
)
def test_the_catalogue_filters_and_searches(client, battery, lodz, bayern, query, found):
    content = text(client.get(url(battery, "meetings_partners"), query))

    for name in ["Klaster Łódź Innowacje", "Cluster Müller Automotive Bayern"]:
        assert (name, name in content) == (name, name in found)


def test_the_catalogue_filters_by_sector(client, battery, lodz, bayern):
    (textile,) = sectors("Textile")

    content = text(client.get(url(battery, "meetings_partners"), {"sector": textile.pk}))

    assert "Klaster Łódź Innowacje" in content
    assert "Cluster Müller Automotive Bayern" not in content


def test_the_catalogue_says_where_a_request_is_active(client, battery, lodz, bayern):
    send(battery, lodz)
    send(bayern, battery)

    content = text(client.get(url(battery, "meetings_partners")))

    assert "You have asked them for a meeting" in content
    assert "They have asked you for a meeting" in content
    assert "Request a meeting" not in content


# Suggestions --------------------------------------------------------------------------------


def test_the_overview_suggests_partners_with_the_matching_words(client, battery, lodz, bayern):
    content = text(client.get(url(battery)))

    suggestions = content.split('id="suggestions-heading"')[1]
    assert "Klaster Łódź Innowacje" in suggestions
    assert "Cluster Müller Automotive Bayern" not in suggestions  # no word in common
    assert re.search(r"You seek: “[^”]*Textile sensors[^”]*”; they offer: “[^”]*Textile", content)
    assert re.search(r"You offer: “[^”]*[Bb]attery[^”]*”; they seek: “[^”]*[Bb]attery", content)
    assert request_url(battery, lodz) in suggestions


def test_an_unlisted_participant_gets_suggestions_too(client, event, lodz):
    profile = make_participant(
        event, listed=False, seeks="Textile sensors for wearables.", offers="Battery testing."
    )
    suggestions = text(client.get(url(profile))).split('id="suggestions-heading"')[1]

    assert "Klaster Łódź Innowacje" in suggestions


def test_a_partner_already_asked_is_not_suggested(client, battery, lodz):
    send(battery, lodz)

    suggestions = text(client.get(url(battery))).split('id="suggestions-heading"')[1]

    assert "Klaster Łódź Innowacje" not in suggestions.split('id="closed-heading"')[0]


# Requests -----------------------------------------------------------------------------------


def test_a_request_is_sent_from_the_catalogue(client, battery, lodz, mailoutbox):
    response = client.post(request_url(battery, lodz), {"message": "Kiitos! Let us talk."})

    assert response.status_code == 302
    assert response["Location"] == url(battery)
    meeting_request = MeetingRequest.objects.get()
    assert (meeting_request.sender, meeting_request.receiver) == (battery, lodz)
    assert meeting_request.message == "Kiitos! Let us talk."
    overview = text(client.get(url(battery)))
    assert "Your request has gone to Klaster Łódź Innowacje" in overview
    assert "You may send 9 more meeting requests" in overview
    assert answer_url(battery, meeting_request, "withdraw") in overview
    received = text(client.get(url(lodz)))
    assert answer_url(lodz, meeting_request, "accept") in received
    assert "Kiitos! Let us talk." in received


def test_a_duplicate_request_is_refused_on_the_catalogue(client, battery, lodz):
    send(battery, lodz)

    response = client.post(request_url(battery, lodz), {"message": ""})

    assert response.status_code == 200
    assert "already asked Klaster Łódź Innowacje for a meeting" in text(response)
    assert 'role="alert"' in text(response)
    assert MeetingRequest.objects.count() == 1


def test_a_request_to_oneself_is_refused(client, battery):
    response = client.post(request_url(battery, battery), {"message": ""})

    assert response.status_code == 200
    assert "You cannot ask your own organisation for a meeting." in text(response)
    assert MeetingRequest.objects.count() == 0


def test_a_request_beyond_the_limit_is_refused(client, event, battery, lodz, bayern):
    MeetingRules.objects.filter(event=event).update(requests_per_participant=1)
    send(battery, lodz)
    catalogue = text(client.get(url(battery, "meetings_partners")))
    assert "You have sent all the meeting requests this event allows (1)" in catalogue
    assert request_url(battery, bayern) not in catalogue

    response = client.post(request_url(battery, bayern), {"message": "Servus!"})

    assert response.status_code == 200
    assert "You have already sent 1 meeting request, the most this event allows." in text(response)
    assert MeetingRequest.objects.count() == 1


def test_a_too_long_message_is_shown_on_its_form(client, battery, lodz):
    response = client.post(request_url(battery, lodz), {"message": "ä" * 501})

    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters" in text(response)
    assert MeetingRequest.objects.count() == 0


def test_a_participant_of_another_event_cannot_be_asked(client, battery):
    stranger = make_participant(make_meeting_event(), organisation="Klaster Łódź Innowacje")

    assert client.post(request_url(battery, stranger)).status_code == 404


def test_accept_with_a_free_slot_then_the_agenda(client, event, battery, lodz):
    slots = make_slots(event)
    meeting_request = send(lodz, battery)
    overview = text(client.get(url(battery)))
    assert f'value="{slots[1].pk}"' in overview  # a free time is offered

    response = client.post(
        answer_url(battery, meeting_request, "accept"), {"slot": str(slots[1].pk)}
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.slot == slots[1]
    assert meeting.room_link.startswith("https://meet.example.org/eccp-")
    overview = text(client.get(url(battery)))
    assert "You have agreed to meet Klaster Łódź Innowacje" in overview
    assert meeting.room_link in overview
    assert "Klaster Łódź Innowacje" in overview.split('id="agreed-heading"')[1]
    not_yet = text(client.get(url(battery, "meetings_agenda")))
    assert "not published yet" in not_yet
    assert meeting.room_link not in not_yet
    assert client.get(url(battery, "meetings_agenda_ics")).status_code == 404

    publish(event)

    for side, other in ((battery, "Klaster Łódź Innowacje"), (lodz, "Järvenpää Battery Cluster")):
        agenda = text(client.get(url(side, "meetings_agenda")))
        assert other in agenda
        assert meeting.room_link in agenda
        assert "preliminary" in agenda
    assert url(battery, "meetings_agenda") in text(client.get(url(battery)))


def test_accept_without_a_slot_then_decline_withdraw_and_cancel(client, event, battery, lodz):
    meeting_request = send(lodz, battery)
    client.post(answer_url(battery, meeting_request, "accept"), {"slot": ""})
    assert Meeting.objects.get().slot is None
    overview = text(client.get(url(battery)))
    assert "not yet placed" in overview

    response = client.post(answer_url(lodz, meeting_request, "cancel"))

    assert response.status_code == 302
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingRequestStatus.CANCELLED
    assert "meeting cancelled" in text(client.get(url(battery)))

    second = send(battery, lodz)
    client.post(answer_url(battery, second, "withdraw"))
    second.refresh_from_db()
    assert second.status == MeetingRequestStatus.CANCELLED
    assert "withdrawn" in text(client.get(url(battery))).split('id="closed-heading"')[1]

    third = send(lodz, battery)
    client.post(answer_url(battery, third, "decline"))
    third.refresh_from_db()
    assert third.status == MeetingRequestStatus.DECLINED
    assert "declined" in text(client.get(url(lodz))).split('id="closed-heading"')[1]


def test_a_slot_the_other_side_cannot_meet_in_is_refused(client, event, battery, lodz):
    slots = make_slots(event)
    lodz.unavailable_slots.add(slots[0])
    meeting_request = send(lodz, battery)
    assert f'value="{slots[0].pk}"' not in text(client.get(url(battery)))

    response = client.post(answer_url(battery, meeting_request, "accept"), {"slot": slots[0].pk})

    assert response.status_code == 200
    assert "Klaster Łódź Innowacje cannot meet at that time" in text(response)
    assert 'role="alert"' in text(response)
    assert Meeting.objects.count() == 0


def test_the_sender_cannot_accept_its_own_request(client, battery, lodz):
    meeting_request = send(battery, lodz)

    response = client.post(answer_url(battery, meeting_request, "accept"))

    assert response.status_code == 200
    assert "Only the organisation that was asked for this meeting" in text(response)
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingRequestStatus.PENDING


def test_someone_elses_request_is_a_404(client, battery, lodz, bayern):
    meeting_request = send(lodz, bayern)

    for action in ("accept", "decline", "withdraw", "cancel"):
        assert client.post(answer_url(battery, meeting_request, action)).status_code == 404
    assert client.post(answer_url(battery, meeting_request, "accept") + "x/").status_code == 404
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingRequestStatus.PENDING


def test_answers_and_requests_are_posts_only(client, battery, lodz):
    meeting_request = send(lodz, battery)

    assert client.get(answer_url(battery, meeting_request, "accept")).status_code == 405
    assert client.get(request_url(battery, lodz)).status_code == 405


# Availability -------------------------------------------------------------------------------


def test_availability_is_all_ticked_and_saved(client, event, battery):
    slots = make_slots(event, per_session=2)
    page = text(client.get(url(battery, "meetings_availability")))
    assert page.count(" checked") == 4
    assert "Matchmaking session 1" in page and "Matchmaking session 2" in page
    local = slots[0].start.astimezone(event.tzinfo)
    assert f"{local:%H:%M}" in page

    response = client.post(
        url(battery, "meetings_availability"), {"available_slots": [slots[0].pk, slots[3].pk]}
    )

    assert response.status_code == 302
    assert set(battery.unavailable_slots.all()) == {slots[1], slots[2]}
    assert text(client.get(url(battery, "meetings_availability"))).count(" checked") == 2


def test_availability_refusal_is_shown(client, event, battery, lodz):
    slots = make_slots(event, per_session=1)
    meeting_request = send(lodz, battery)
    meeting_request_accept(request=meeting_request, by=battery, actor=PERSON, slot=slots[0])

    response = client.post(url(battery, "meetings_availability"), {"available_slots": []})

    assert response.status_code == 200
    assert "You already have a meeting in" in text(response)
    assert 'role="alert"' in text(response)
    assert battery.unavailable_slots.count() == 0


# The agenda ---------------------------------------------------------------------------------


def test_the_calendar_file_has_one_entry_per_meeting(client, event, battery, lodz, bayern):
    slots = make_slots(event)
    for other, slot in ((lodz, slots[0]), (bayern, slots[2])):
        meeting_request_accept(request=send(other, battery), by=battery, actor=PERSON, slot=slot)
    publish(event, ScheduleState.FINAL)

    response = client.get(url(battery, "meetings_agenda_ics"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    calendar = response.content.decode()
    assert calendar.count("BEGIN:VEVENT") == 2
    assert "Klaster" in calendar and "Bayern" in calendar
    lodz_calendar = client.get(url(lodz, "meetings_agenda_ics")).content.decode()
    assert lodz_calendar.count("BEGIN:VEVENT") == 1


def test_room_links_are_shown_only_to_the_two_sides(client, event, battery, lodz, bayern):
    slots = make_slots(event)
    meeting_request_accept(request=send(lodz, battery), by=battery, actor=PERSON, slot=slots[0])
    room = Meeting.objects.get().room_link
    publish(event)

    for name in [*PAGES, "meetings_agenda", "meetings_agenda_ics"]:
        assert room not in text(client.get(url(bayern, name))), name
    for side in (battery, lodz):
        assert room not in text(client.get(url(side, "meetings_partners")))
        assert room in text(client.get(url(side)))
        assert room in text(client.get(url(side, "meetings_agenda")))
