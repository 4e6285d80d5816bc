from django.urls import path

from registrations.views import events, join, matchmaking, meetings, registration, survey

app_name = "registrations"

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("events/<slug:slug>/", events.event_detail, name="event_detail"),
    path("privacy/", events.privacy_notice, name="privacy"),
    path("privacy/<str:version>/", events.privacy_notice, name="privacy_version"),
    path("events/<slug:slug>/calendar.ics", events.event_ics, name="event_ics"),
    path("events/<slug:slug>/survey/", survey.survey_form, name="survey"),
    path("events/<slug:slug>/survey/thanks/", survey.survey_thanks, name="survey_thanks"),
    path("survey/<str:token>/", survey.survey_private, name="survey_private"),
    path("survey/<str:token>/withdraw/", survey.survey_withdraw, name="survey_withdraw"),
    path("events/<slug:slug>/register/", registration.register, name="register"),
    path(
        "events/<slug:slug>/register/sent/",
        registration.registration_sent,
        name="registration_sent",
    ),
    path(
        "registration/<str:token>/",
        registration.registration_manage,
        name="registration_manage",
    ),
    path(
        "registration/<str:token>/done/",
        registration.registration_done,
        name="registration_done",
    ),
    path(
        "registration/<str:token>/mode/",
        registration.registration_switch_mode,
        name="registration_switch_mode",
    ),
    path(
        "registration/<str:token>/sessions/",
        registration.registration_sessions,
        name="registration_sessions",
    ),
    path(
        "registration/<str:token>/cancel/",
        registration.registration_cancel_view,
        name="registration_cancel",
    ),
    path("events/<slug:slug>/apply/", matchmaking.application_create, name="application_create"),
    path(
        "events/<slug:slug>/apply/thanks/",
        matchmaking.application_thanks,
        name="application_thanks",
    ),
    path("invitation/<str:token>/", matchmaking.invitation_register, name="invitation"),
    path("join/<str:token>/", join.join_online, name="join"),
    # A participant's one-to-one meetings, under its registration's private link.
    path("registration/<str:token>/meetings/", meetings.meetings_overview, name="meetings"),
    path(
        "registration/<str:token>/meetings/profile/",
        meetings.meetings_profile,
        name="meetings_profile",
    ),
    path(
        "registration/<str:token>/meetings/partners/",
        meetings.meetings_partners,
        name="meetings_partners",
    ),
    path(
        "registration/<str:token>/meetings/partners/<int:profile_id>/request/",
        meetings.meetings_request_send,
        name="meetings_request_send",
    ),
    *(
        path(
            f"registration/<str:token>/meetings/requests/<int:request_id>/{action}/",
            meetings.meetings_request_answer,
            {"action": action},
            name=f"meetings_request_{action}",
        )
        for action in ("accept", "decline", "withdraw", "cancel")
    ),
    path(
        "registration/<str:token>/meetings/availability/",
        meetings.meetings_availability,
        name="meetings_availability",
    ),
    path(
        "registration/<str:token>/meetings/agenda/",
        meetings.meetings_agenda,
        name="meetings_agenda",
    ),
    path(
        "registration/<str:token>/meetings/agenda.ics",
        meetings.meetings_agenda_ics,
        name="meetings_agenda_ics",
    ),
]
