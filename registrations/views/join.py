"""The personal join link of an online attendee: /join/<token>/.

In the join window it records the first use and leads to the online access; otherwise a page
says why not (not open yet, with the opening time; over; not published yet; not entitled).
None of these pages links the private page: a forwarded join link must not lead to it. Every
answer is private (`never_cache`: no-store, private).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from registrations import selectors
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.joining import (
    JoinNotOpenYet,
    JoinRefused,
    join_link_check,
    join_link_use,
)


@never_cache
@require_safe
def join_online(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_join_token(token=token)
    try:
        if request.method == "HEAD":  # a link checker's look records nothing
            access = join_link_check(registration=registration, now=timezone.now())
        else:
            access = join_link_use(registration=registration, actor=Actor.person())
    except ServiceError as problem:
        return render(
            request,
            "registrations/join.html",
            {
                "event": registration.event,
                "problem": problem,
                "not_yet": problem if isinstance(problem, JoinNotOpenYet) else None,
            },
            status=403 if isinstance(problem, JoinRefused) else 200,
        )
    return redirect(access.url)
