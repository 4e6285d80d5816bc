"""The personal join link of an online attendee."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from registrations import selectors


def join_online(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_join_token(token=token)
    if not (registration.may_join_online() and registration.event.online_join_url):
        raise Http404
    return redirect(registration.event.online_join_url)
