"""The interest survey pages: the form, what follows it, the private link to change or withdraw."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from registrations import selectors
from registrations.forms.survey import SurveyAnswerForm, SurveyResponseForm, SurveyWithdrawForm
from registrations.models import InterestSurvey, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.survey import (
    AlreadyAnswered,
    SurveyClosed,
    survey_response_change,
    survey_response_submit,
    survey_response_withdraw,
)
from registrations.views import form_page
from registrations.views.next_step import event_next_step

# A POST to a closed survey: the request was fine, the survey's state forbids it.
CONFLICT = 409


@form_page
def survey_form(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.published_event_survey(slug=slug)
    posted = request.method == "POST"
    if not selectors.survey_accepts_answers(survey=survey):
        return _survey_closed(request, survey, status=CONFLICT if posted else 200)
    form = SurveyResponseForm(request.POST if posted else None, event=survey.event)
    if posted and form.caught_bot():
        return redirect("registrations:survey_thanks", slug=slug)
    if posted and form.is_valid():
        try:
            survey_response_submit(
                survey=survey,
                email=form.cleaned_data["email"],
                answer=form.answer(),
                actor=Actor.person(),
                language=translation.get_language(),
            )
        except AlreadyAnswered:  # the service has emailed the address its link: same page
            return redirect("registrations:survey_thanks", slug=slug)
        except SurveyClosed:
            return _survey_closed(request, survey, status=CONFLICT)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect("registrations:survey_thanks", slug=slug)
    return render(
        request,
        "registrations/survey_form.html",
        {"survey": survey, "event": survey.event, "form": form},
    )


def _survey_closed(request: HttpRequest, survey: InterestSurvey, *, status: int) -> HttpResponse:
    return render(
        request,
        "registrations/survey_closed.html",
        {
            "survey": survey,
            "event": survey.event,
            "not_stored": request.method == "POST",
            "next_step": event_next_step(event=survey.event),
        },
        status=status,
    )


def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The same page for a new answer and a repeated one: it tells nobody whether an address
    has answered; the mail to the address says which it was."""
    survey = selectors.published_event_survey(slug=slug)
    return render(request, "registrations/survey_thanks.html", {"event": survey.event})


@form_page
def survey_private(request: HttpRequest, token: str) -> HttpResponse:
    response = selectors.survey_response_by_token(token=token)
    if not selectors.survey_accepts_answers(survey=response.survey):
        status = CONFLICT if request.method == "POST" else 200
        return _private_page(request, response, form=None, status=status)
    form = SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        event=response.survey.event,
        initial=_current_answer(response),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_response_change(response=response, answer=form.answer(), actor=Actor.person())
        except SurveyClosed:
            return _private_page(request, response, form=None, status=CONFLICT)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your answer has been changed."))
            return redirect("registrations:survey_private", token=token)
    return _private_page(request, response, form=form)


@form_page
def survey_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    response = selectors.survey_response_by_token(token=token)
    if request.method != "POST":
        return redirect("registrations:survey_private", token=token)
    withdraw_form = SurveyWithdrawForm(request.POST, action=request.path)
    if not withdraw_form.is_valid():
        form = None
        if selectors.survey_accepts_answers(survey=response.survey):
            form = SurveyAnswerForm(event=response.survey.event, initial=_current_answer(response))
        return _private_page(request, response, form=form, withdraw_form=withdraw_form)
    survey_response_withdraw(response=response, actor=Actor.person())
    messages.success(
        request, _("Your answer has been withdrawn: it and the personal data in it are deleted.")
    )
    return redirect(response.survey.event.get_absolute_url())


def _current_answer(response: SurveyResponse) -> dict:
    return {
        **{name: getattr(response, name) for name in SurveyAnswerForm.base_fields},
        "country": response.country.code,
    }


def _private_page(
    request: HttpRequest,
    response: SurveyResponse,
    *,
    form: SurveyAnswerForm | None,
    withdraw_form: SurveyWithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The private page; without a change form when the survey no longer accepts changes."""
    withdraw_form = withdraw_form or SurveyWithdrawForm(
        action=reverse("registrations:survey_withdraw", kwargs={"token": response.token})
    )
    return render(
        request,
        "registrations/survey_private.html",
        {
            "response": response,
            "event": response.survey.event,
            "form": form,
            "withdraw_form": withdraw_form,
            "not_stored": status == CONFLICT,
            "next_step": event_next_step(event=response.survey.event),
        },
        status=status,
    )
