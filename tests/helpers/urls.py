"""Addresses of the public pages that several test modules post to."""

from django.urls import reverse


def register_url(event) -> str:
    return f"/events/{event.slug}/register/"


def apply_url(call) -> str:
    return reverse("registrations:application_create", kwargs={"slug": call.event.slug})


def invitation_url(invitation) -> str:
    return reverse("registrations:invitation", kwargs={"token": invitation.token})


def survey_url(survey) -> str:
    return reverse("registrations:survey", kwargs={"slug": survey.event.slug})
