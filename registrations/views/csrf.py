"""The page for a POST refused by the CSRF check (settings.CSRF_FAILURE_VIEW).

A public form left open until its token expired would otherwise lose everything typed into it
(the expression of interest is long): the page carries the answers on, as a new form with a fresh
token, and offers to send them again. Only for the public forms, and never a secret.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

PUBLIC_FORM_PAGES = {
    "registrations:survey",
    "registrations:register",
    "registrations:application_create",
    "registrations:invitation",
}
_NEVER_SENT_AGAIN = re.compile(r"csrf|password|token|secret|otp", re.IGNORECASE)


def _is_public_form(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    try:
        return resolve(request.path_info).view_name in PUBLIC_FORM_PAGES
    except Resolver404:
        return False


def answers_to_send_again(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted (name, value) pairs of a public form, in order, without any secret."""
    if not _is_public_form(request):
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if not _NEVER_SENT_AGAIN.search(name)
        for value in values
    ]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    answers = answers_to_send_again(request)
    return render(
        request,
        "403_csrf.html",
        {"answers": answers, "send_again_url": request.path if answers else ""},
        status=403,
    )
