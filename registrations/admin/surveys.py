"""Organisers run the interest survey: open and close it, read and filter the answers."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from registrations import selectors
from registrations.models import (
    CONTACT_FIELDS,
    AttendanceIntent,
    InterestSurvey,
    SurveyResponse,
)
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.survey import (
    SURVEY_ANSWER_FIELDS,
    IntentNotOffered,
    SurveyAnswer,
    survey_close,
    survey_open,
    survey_response_change,
    survey_response_withdraw,
)

from .actions import apply_to_each
from .base import EventsiteModelAdmin
from .content_languages import in_english, in_every_language, translation_fieldsets
from .exports import CsvExportAdmin
from .filters import CountriesPresentFilter
from .personal_data import PERSONAL_DATA_ACTIONS, PersonalDataActions


def answers_by_intent(survey: InterestSurvey) -> str:
    """ "On site: 3 · Online: 5 · Not sure yet: 1 · Total: 9", each linked to its answers."""
    if survey.pk is None:
        return "—"
    counts = selectors.survey_intent_counts(survey=survey)
    url = reverse("admin:registrations_surveyresponse_changelist")
    rows = [
        (
            f"{url}?survey__id__exact={survey.pk}&intent__exact={intent.value}",
            intent.label,
            counts[intent.value],
        )
        for intent in AttendanceIntent
    ]
    rows.append((f"{url}?survey__id__exact={survey.pk}", _("Total"), sum(counts.values())))
    return format_html_join(" · ", '<a href="{}">{}: {}</a>', rows)


@admin.register(InterestSurvey)
class InterestSurveyAdmin(TranslationAdmin, EventsiteModelAdmin):
    event_path = "event"
    list_display = ["event", "is_open", "response_count"]
    list_filter = ["is_open"]
    list_select_related = ["event"]
    ordering = ["-event__start", "pk"]  # the latest event first (and a stable order to page)
    search_fields = in_every_language("event__title")
    fieldsets = [
        (None, {"fields": ["event", in_english("intro"), "is_open", "answers"]}),
        *translation_fieldsets(InterestSurvey),
    ]
    readonly_fields = ["answers"]
    actions = ["open_surveys", "close_surveys"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "event"] if obj else self.readonly_fields

    @admin.display(description=_("answers"), ordering="response_count")
    def response_count(self, survey: InterestSurvey) -> int:
        return int(getattr(survey, "response_count"))  # noqa: B009 (annotated by get_queryset)

    @admin.display(description=_("answers by intent"))
    def answers(self, survey: InterestSurvey) -> str:
        return answers_by_intent(survey)

    def save_model(self, request, obj, form, change):
        """The open flag changes only through the services, which check it may change."""
        wants_open = obj.is_open
        obj.is_open = form.initial.get("is_open", False)
        super().save_model(request, obj, form, change)
        if wants_open != obj.is_open:
            self._switch(request, [obj], open_=wants_open)
            obj.refresh_from_db(fields=["is_open"])

    @admin.action(description=_("Open the selected surveys"), permissions=["open_close"])
    def open_surveys(self, request, queryset):
        self._switch(request, queryset.select_related("event"), open_=True)

    @admin.action(description=_("Close the selected surveys"), permissions=["open_close"])
    def close_surveys(self, request, queryset):
        self._switch(request, queryset, open_=False)

    def _switch(self, request, surveys, *, open_: bool) -> None:
        switch = survey_open if open_ else survey_close
        apply_to_each(
            request,
            surveys,
            lambda survey: switch(survey=survey, actor=Actor.organiser(request.user)),
            _("%(count)d survey(s) opened.") if open_ else _("%(count)d survey(s) closed."),
        )


# The email identifies who answered; the rest is the record of the answer and its consent.
ALWAYS_READ_ONLY = [
    "survey",
    "email",
    "language",
    "consent_version",
    "consented_at",
    "created_at",
    "updated_at",
    "registration_notice_sent_at",
]
EDIT_PERSONAL_DATA = "edit_personal_data"


class SurveyResponseAdminForm(forms.ModelForm):
    def clean_intent(self) -> str:
        intent = self.cleaned_data["intent"]
        if intent not in dict(selectors.survey_intent_choices(event=self.instance.survey.event)):
            raise forms.ValidationError(IntentNotOffered().message)
        return intent


@admin.register(SurveyResponse)
class SurveyResponseAdmin(PersonalDataActions, CsvExportAdmin):
    """Answers, read-only by default.

    Personal data (and the answer itself) is shown read-only so that nobody changes it by accident.
    An organiser with the change permission deliberately opens the edit mode with the
    "Edit this answer" link on the page (the `?edit_personal_data=1` address); only there the fields
    can be changed, through survey_response_change. The email stays read-only even then: it is who
    answered (one answer per email), so a wrong address means deleting the answer instead.
    Answers are only ever added by the person through the public form, with their consent.
    """

    event_path = "survey__event"
    # The intent (the mode) first: it fits a 1280 px screen without scrolling sideways.
    list_display = [
        "name",
        "intent",
        "notify_when_registration_opens",
        "organisation",
        "country",
        "event",
        "created_at",
        "language",
    ]
    list_filter = [
        "survey__event",
        "intent",
        ("country", CountriesPresentFilter),
        "organisation_type",
        "notify_when_registration_opens",
        "language",
    ]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    list_select_related = ["survey__event"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["survey", "intent", "notify_when_registration_opens", "comment"]}),
        (_("Person"), {"fields": [*CONTACT_FIELDS]}),
        (
            _("Record"),
            {
                "fields": [
                    "language",
                    "consent_version",
                    "consented_at",
                    "created_at",
                    "updated_at",
                    "registration_notice_sent_at",
                ]
            },
        ),
    ]
    form = SurveyResponseAdminForm
    actions = PERSONAL_DATA_ACTIONS
    change_form_template = "admin/registrations/surveyresponse/change_form.html"
    log_admin_edits = False  # save_model edits through survey_response_change, which logs

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, response: SurveyResponse) -> str:
        return response.full_name

    @admin.display(description=_("event"), ordering="survey__event__start")
    def event(self, response: SurveyResponse) -> str:
        return response.survey.event.title

    def has_add_permission(self, request):
        return False

    def editing_personal_data(self, request, obj=None) -> bool:
        return (
            obj is not None
            and request.GET.get(EDIT_PERSONAL_DATA) == "1"
            and self.has_change_permission(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        if self.editing_personal_data(request, obj):
            return ALWAYS_READ_ONLY
        return [*dict.fromkeys([*ALWAYS_READ_ONLY, *CONTACT_FIELDS, "intent", "comment"])]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        extra_context = {
            **(extra_context or {}),
            "editing_personal_data": self.editing_personal_data(request, obj),
            "can_edit_personal_data": obj is not None and self.has_change_permission(request, obj),
            "edit_parameter": EDIT_PERSONAL_DATA,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        """Deleting is withdrawing: the log forgets the answer, the mail about it goes too."""
        survey_response_withdraw(response=obj, actor=Actor.organiser(request.user))

    def delete_queryset(self, request, queryset):
        for response in queryset:
            self.delete_model(request, response)

    def save_model(self, request, obj, form, change):
        """An edit goes through the service, like a change by the person."""
        answer = SurveyAnswer(**{name: getattr(obj, name) for name in SURVEY_ANSWER_FIELDS})
        try:
            survey_response_change(response=obj, answer=answer, actor=Actor.organiser(request.user))
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
