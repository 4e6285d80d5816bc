"""Organisers run the call: configure it, review applications, send and withdraw invitations."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from registrations import selectors
from registrations.forms.fields import MultiLineField
from registrations.models import (
    ApplicationCall,
    EligibilityDeclaration,
    Event,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    Sector,
    invitation_state_expression,
)
from registrations.organiser_roles import Capability
from registrations.services import matchmaking as services
from registrations.services.action_log import Actor

from .actions import apply_to_each
from .base import SHARED, EventsiteInline, EventsiteModelAdmin, LabelledTabularInline
from .content_languages import in_english, translation_fieldsets
from .exports import CsvExportAdmin
from .filters import CountriesPresentFilter


class EligibilityDeclarationInline(
    EventsiteInline, LabelledTabularInline, TranslationTabularInline
):
    """The text: a column per language, English required."""

    model = EligibilityDeclaration
    extra = 0
    fields = ["position", "text"]


@admin.register(ApplicationCall)
class ApplicationCallAdmin(TranslationAdmin, EventsiteModelAdmin):
    event_path = "event"
    list_display = ["event", "is_open"]
    list_filter = ["is_open"]
    list_select_related = ["event"]
    fieldsets = [
        (None, {"fields": ["event", "is_open", in_english("intro"), "eligible_countries"]}),
        *translation_fieldsets(ApplicationCall),
    ]
    inlines = [EligibilityDeclarationInline]


@admin.register(Sector)
class SectorAdmin(EventsiteModelAdmin):
    """The sectors are one vocabulary for every event: organisers read it, superusers keep it."""

    event_path = SHARED
    search_fields = ["name"]


class DeclarationsFilter(admin.SimpleListFilter):
    """Whether an application confirms every declaration its call asks for now."""

    title = _("declarations")
    parameter_name = "declarations"

    def lookups(self, request, model_admin):
        return [("all", _("All confirmed")), ("missing", _("Some missing"))]

    def queryset(self, request, queryset):
        confirmed = Q(declarations_confirmed_count__gte=F("declarations_required_count"))
        if self.value() == "all":
            return queryset.filter(confirmed)
        if self.value() == "missing":
            return queryset.exclude(confirmed)
        return queryset


def _count(queryset) -> Coalesce:
    """A correlated COUNT subquery (rows grouped to one, counted as "n"), 0 when none."""
    return Coalesce(Subquery(queryset.values("n")[:1], output_field=IntegerField()), 0)


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("invitation")
    parameter_name = "invitation"

    def lookups(self, request, model_admin):
        return InvitationState.choices

    def queryset(self, request, queryset):
        if self.value() in InvitationState.values:
            return queryset.filter(invitation_state=self.value())  # annotated by get_queryset
        return queryset


class NotEligibleReasonForm(forms.Form):
    reason = MultiLineField(
        label=_("Reason the applicants will read"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Sent by email to each selected applicant; write it to them."),
    )


class ExpressionOfInterestAdminForm(forms.ModelForm):
    """The organiser's edit form: it refuses another application's email or legal name.

    The event is read-only here, so the model form leaves the (event, lower(...)) unique
    constraints out of its validation; the service's duplicate check answers instead.
    """

    class Meta:
        model = ExpressionOfInterest
        fields = ["legal_name", "contact_email"]  # the admin adds its fieldsets' fields

    def clean(self):
        cleaned_data = super().clean()
        if field := selectors.application_duplicate_field(
            event_id=self.instance.event_id,
            contact_email=cleaned_data.get("contact_email", ""),
            legal_name=cleaned_data.get("legal_name", ""),
            exclude_pk=self.instance.pk,
        ):
            self.add_error(field, services.DuplicateApplication(field).message)
        return cleaned_data


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(CsvExportAdmin):
    event_path = "event"
    view_capabilities = (Capability.VIEW, Capability.REVIEW)
    form = ExpressionOfInterestAdminForm
    list_display = [
        "legal_name",
        "status",
        "invitation_state",
        "country",
        "contact_email",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "language",
    ]
    list_filter = [
        "event",
        "status",
        ("country", CountriesPresentFilter),
        "organisation_type",
        "sectors",
        DeclarationsFilter,
        InvitationStateFilter,
        "language",
    ]
    search_fields = [
        "legal_name",
        "contact_email",
        "contact_first_name",
        "contact_last_name",
        "offers",
        "seeks",
    ]
    list_select_related = ["event", "reviewed_by", "invitation"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "event",
        "status",
        "decision_reason",
        "reviewed_by",
        "reviewed_at",
        "invitation_state",
        "consent_version",
        "consented_at",
        "created_at",
        "updated_at",
        "language",
    ]
    filter_horizontal = ["sectors", "declarations_confirmed"]
    fieldsets = [
        (_("Review"), {"fields": [*readonly_fields[1:6]]}),
        (
            _("Organisation"),
            {
                "fields": [
                    "event",
                    "legal_name",
                    "country",
                    "organisation_type",
                    "eccp_profile_url",
                    "eccp_registration_requested",
                    "members_count",
                    "sectors",
                    "offers",
                    "seeks",
                ]
            },
        ),
        (
            _("Contact person"),
            {
                "fields": [
                    "contact_first_name",
                    "contact_last_name",
                    "contact_job_title",
                    "contact_email",
                ]
            },
        ),
        (
            _("Declarations and consent"),
            {"fields": ["declarations_confirmed", "consent_version", "consented_at"]},
        ),
        (None, {"fields": ["language", "created_at", "updated_at"]}),
    ]
    actions = [
        "mark_eligible",
        "mark_not_eligible",
        "move_to_reserve",
        "send_invitations",
        "resend_invitations",
    ]

    def has_add_permission(self, request):
        return False  # applications come from the public form, with the applicant's consent

    def get_queryset(self, request):
        confirmed = ExpressionOfInterest.declarations_confirmed.through.objects.filter(
            expressionofinterest_id=OuterRef("pk")
        )
        # No ordering: the translated model's queryset would group by its ordering fields too.
        required = EligibilityDeclaration.objects.filter(
            call__event_id=OuterRef("event_id")
        ).order_by()
        return selectors.applications_with_invitation_state(
            super()
            .get_queryset(request)
            .annotate(
                declarations_confirmed_count=_count(
                    confirmed.values("expressionofinterest_id").annotate(n=Count("pk"))
                ),
                declarations_required_count=_count(
                    required.values("call_id").annotate(n=Count("pk"))
                ),
            )
        )

    @admin.display(description=_("invitation"), ordering="invitation_state")
    def invitation_state(self, application: ExpressionOfInterest) -> str:
        state = InvitationState(getattr(application, "invitation_state"))  # noqa: B009 (annotated)
        if state != InvitationState.INVITED:
            return str(state.label)
        count = application.invitation.send_count
        return ngettext("sent once", "sent %(count)d times", count) % {"count": count}

    def _review(self, request, queryset, decide, done_message: str, **arguments) -> None:
        """One review decision per selected application, recorded as this organiser's."""
        apply_to_each(
            request,
            queryset,
            lambda application: decide(
                application=application, actor=Actor.organiser(request.user), **arguments
            ),
            done_message,
        )

    @admin.action(permissions=["review"], description=_("Mark eligible (emails the applicant)"))
    def mark_eligible(self, request, queryset):
        self._review(
            request,
            queryset,
            services.application_mark_eligible,
            _("%(count)d marked eligible; the applicants are told by email."),
        )

    @admin.action(
        permissions=["review"],
        description=_("Mark not eligible, with a reason (emails the applicant)"),
    )
    def mark_not_eligible(self, request, queryset):
        form = NotEligibleReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/registrations/expressionofinterest/not_eligible_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Mark not eligible"),
                    "opts": self.model._meta,
                    "applications": queryset,
                    "form": form,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        self._review(
            request,
            queryset,
            services.application_mark_not_eligible,
            _("%(count)d marked not eligible; the applicants are told the reason by email."),
            reason=form.cleaned_data["reason"],
        )
        return None

    @admin.action(
        permissions=["review"], description=_("Move to the reserve list (emails the applicant)")
    )
    def move_to_reserve(self, request, queryset):
        self._review(
            request,
            queryset,
            services.application_move_to_reserve,
            _("%(count)d moved to the reserve list; the applicants are told by email."),
        )

    @admin.action(
        permissions=["invite"],
        description=_("Send invitations to eligible applicants not yet invited"),
    )
    def send_invitations(self, request, queryset):
        self._report_invitations(
            request,
            queryset,
            services.invitations_send(applications=queryset, actor=Actor.organiser(request.user)),
            _(
                "Invitations being sent by email: %(sent)d. Selected applications skipped: "
                "%(skipped)d (not eligible, already registered, or already invited: use "
                "“Resend invitations” to remind those)."
            ),
        )

    @admin.action(
        permissions=["invite"], description=_("Resend invitations as a reminder (same link)")
    )
    def resend_invitations(self, request, queryset):
        self._report_invitations(
            request,
            queryset,
            services.invitations_resend(applications=queryset, actor=Actor.organiser(request.user)),
            _(
                "Invitations being sent again as a reminder, with the same link: %(sent)d. "
                "Selected applications skipped: %(skipped)d (not invited yet, already "
                "registered, withdrawn or no longer eligible)."
            ),
        )

    def _report_invitations(self, request, queryset, run, message: str) -> None:
        self.message_user(
            request,
            message % {"sent": run.sent, "skipped": run.skipped},
            messages.SUCCESS if run.sent else messages.WARNING,
        )
        if run.already_registered:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them is already registered through its invitation: not invited "
                    "again.",
                    "%(count)d of them are already registered through their invitation: not "
                    "invited again.",
                    run.already_registered,
                )
                % {"count": run.already_registered},
                messages.WARNING,
            )
        for event in Event.objects.filter(applications__in=queryset).distinct():
            if not event.registration_is_open():
                self.message_user(
                    request,
                    _(
                        "Registration for %(event)s is not open: the invitation links work "
                        "only once you open it."
                    )
                    % {"event": event},
                    messages.WARNING,
                )


INVITATION_FIELDS: tuple[str, ...] = (
    "application",
    "created_at",
    "send_count",
    "last_sent_at",
    "revoked_at",
    "used_at",
    "registration",
)


@admin.register(Invitation)
class InvitationAdmin(EventsiteModelAdmin):
    event_path = "application__event"
    list_display = [
        "application",
        "event",
        "state",
        "send_count",
        "last_sent_at",
        "revoked_at",
        "used_at",
        "registration",
    ]
    list_filter = ["application__event", InvitationStateFilter]
    search_fields = ["application__legal_name", "application__contact_email"]
    list_select_related = ["application__event", "registration"]
    fields = INVITATION_FIELDS
    readonly_fields = INVITATION_FIELDS
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # invitations are created by the "Send invitations" action

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(invitation_state=invitation_state_expression(prefix=""))
        )

    @admin.display(description=_("state"), ordering="invitation_state")
    def state(self, invitation: Invitation) -> str:
        return str(invitation.state.label)

    @admin.display(description=_("event"), ordering="application__event")
    def event(self, invitation: Invitation):
        return invitation.application.event

    @admin.action(
        permissions=["invite"], description=_("Withdraw the invitation (the link stops working)")
    )
    def revoke(self, request, queryset):
        apply_to_each(
            request,
            queryset,
            lambda invitation: services.invitation_revoke(
                invitation=invitation, actor=Actor.organiser(request.user)
            ),
            _("%(count)d invitations withdrawn; their links no longer work."),
        )
