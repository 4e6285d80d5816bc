"""The rights of access and erasure in the admin: actions on the lists of people's entries."""

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.services.action_log import Actor
from registrations.services.exports import export_record_create
from registrations.services.personal_data import person_data_export, person_erase, records_of


def selected_emails(queryset) -> list[str]:
    """The distinct addresses (any letter case) of the selected people, in order."""
    return list({email.lower(): email for email in queryset.values_list("email", flat=True)})


PERSONAL_DATA_ACTIONS = ["export_person_data", "erase_person"]


class PersonalDataActions:
    """Admin actions on a list of entries that have an `email`: export or erase the people
    (list PERSONAL_DATA_ACTIONS in the admin's `actions`)."""

    admin_site: admin.AdminSite

    def has_every_event_permission(self, request: HttpRequest) -> bool:
        """These actions reach the person's records in every event, so whichever team's
        records they are: superusers only."""
        return request.user.is_superuser

    @admin.action(description=_("Export this person's data (JSON)"), permissions=["every_event"])
    def export_person_data(self, request: HttpRequest, queryset) -> HttpResponse:
        """One JSON file with every record of each selected person's address."""
        exports = [person_data_export(email) for email in selected_emails(queryset)]
        export_record_create(
            kind="personal_data",
            via="admin",
            actor=Actor.organiser(request.user),
            filters=f"{queryset.model._meta.model_name} ids: "
            + ", ".join(str(pk) for pk in queryset.values_list("pk", flat=True)),
        )
        response = HttpResponse(
            json.dumps(exports, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
        return response

    @admin.action(
        description=_("Erase this person (anonymise everywhere)"), permissions=["every_event"]
    )
    def erase_person(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """A confirmation page listing what will be anonymised; erases once confirmed."""
        emails = selected_emails(queryset)
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/registrations/erase_person.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase these people"),
                    "opts": queryset.model._meta,
                    "people": [(email, records_of(email)) for email in emails],
                    "selected": queryset.values_list("pk", flat=True),
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        actor = Actor.organiser(request.user)
        for email in emails:
            person_erase(email=email, actor=actor)
        messages.success(
            request,
            _("%(count)d person(s) erased: their entries are anonymised.") % {"count": len(emails)},
        )
        return None
