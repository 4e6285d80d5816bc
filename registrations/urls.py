from django.urls import path

from registrations.views import events

app_name = "registrations"

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("events/<slug:slug>/", events.event_detail, name="event_detail"),
    path("privacy/", events.privacy_notice, name="privacy"),
    path("events/<slug:slug>/calendar.ics", events.event_ics, name="event_ics"),
]
