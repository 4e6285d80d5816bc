"""The check-in desk at the venue: staff pages (the check-in permission), kept out of the public
namespace, so the public pages' rate limits never slow a desk scanning hundreds of people."""

from django.urls import path

from registrations.views import checkin

app_name = "checkin"

urlpatterns = [
    path("", checkin.checkin_choose_event, name="events"),
    path("<slug:slug>/", checkin.checkin_desk, name="desk"),
    path("<slug:slug>/check-in/", checkin.checkin_check_in, name="check_in"),
]
