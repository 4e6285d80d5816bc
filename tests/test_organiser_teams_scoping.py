"""Two teams organise two events on one site: a member of the one team finds nothing of the
other's event by any admin page, filter, autocomplete, action, form or custom URL."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from registrations.admin.base import EventsiteModelAdmin
from registrations.admin.exports import CsvExportAdmin
from registrations.models import ActionLogEntry, ExportRecord, Registration
from tests.factories import make_organiser
from tests.helpers.organiser_teams import an_event_full_of_people

pytestmark = pytest.mark.django_db

HIDDEN = "quokka"  # in every name, email and title of team A's event
SHOWN = "wombat"  # team B's


@pytest.fixture
def two_teams():
    """Team A runs the Quokka event, team B the Wombat one; returns A's event and B's member."""
    quokka = an_event_full_of_people("Quokka")
    wombat = an_event_full_of_people("Wombat")
    make_organiser("anna.quokka", quokka, team="DG GROW events")
    return quokka, make_organiser("jukka.wombat", wombat, team="ECCP secretariat")


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace").lower()
    return response.content.decode("utf-8", "replace").lower()


def project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "registrations"
    ]


def rows_of_event(model_admin: EventsiteModelAdmin, event) -> models.QuerySet:
    lookup = model_admin.event_lookup()
    manager = model_admin.model._default_manager
    return manager.filter(**{lookup: event.pk}) if lookup else manager.none()


def admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def test_every_admin_of_the_project_is_scoped_by_event():
    assert project_admins()
    for model, model_admin in project_admins():
        assert isinstance(model_admin, EventsiteModelAdmin), model


def test_an_admin_that_forgets_its_event_path_fails_at_registration():
    class ForgetfulAdmin(CsvExportAdmin):
        list_display = ["last_name"]

    with pytest.raises(ImproperlyConfigured, match="event_path"):
        admin.AdminSite(name="forgetful").register(Registration, ForgetfulAdmin)

    class WrongPathAdmin(EventsiteModelAdmin):
        event_path = "checked_in_by"

    with pytest.raises(ImproperlyConfigured):
        admin.AdminSite(name="wrong").register(Registration, WrongPathAdmin)


def test_every_list_and_its_filters_show_nothing_of_the_other_team(client, two_teams):
    quokka, member = two_teams
    client.force_login(member)
    assert HIDDEN not in text_of(client.get(reverse("admin:index")))
    shown_somewhere = False
    for model, _model_admin in admin.site._registry.items():
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code in (200, 403), model
        page = text_of(response)
        assert HIDDEN not in page, model
        shown_somewhere |= SHOWN in page
        # Asking for the other event by its id in the filters shows nothing either.
        for lookup in ("event__id__exact", "survey__event__id__exact", "request__event__id__exact"):
            assert HIDDEN not in text_of(
                client.get(admin_url(model, "changelist"), {lookup: quokka.pk})
            )
    assert shown_somewhere  # the member's own event is listed: the scoping is no blanket


def test_every_change_page_of_the_other_team_answers_404(client, two_teams):
    quokka, member = two_teams
    client.force_login(member)
    checked = 0
    for model, model_admin in project_admins():
        for row in rows_of_event(model_admin, quokka):
            for name in ("change", "history", "delete"):
                response = client.get(admin_url(model, name, row.pk))
                assert response.status_code == 404, (model, name)
            response = client.post(admin_url(model, "change", row.pk), {})
            assert response.status_code == 404, model
            checked += 1
    assert checked > 20
    assert ActionLogEntry.objects.filter(actor_user=member).count() == 0


def test_every_custom_admin_url_of_the_other_team_answers_404(client, two_teams):
    quokka, member = two_teams
    client.force_login(member)
    tried = 0
    for _model, model_admin in project_admins():
        rows = list(rows_of_event(model_admin, quokka))
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name or "object_id" not in pattern.pattern.regex.groupindex:
                continue
            for row in rows:
                url = reverse(f"admin:{name}", kwargs={"object_id": row.pk})
                assert client.get(url).status_code in (404, 405), url  # 405: POST only
                assert client.post(url, {"checked": "1", "build": "1"}).status_code == 404, url
                tried += 1
        for pattern in model_admin.get_urls():  # pages without an object: the CSV of the list
            name = getattr(pattern, "name", None)
            if name and not pattern.pattern.regex.groupindex:
                try:
                    url = reverse(f"admin:{name}")
                except NoReverseMatch:
                    continue
                assert HIDDEN not in text_of(client.get(url)), url
    assert tried > 10
    assert not ExportRecord.objects.filter(user=member, event=quokka).exists()


def test_every_action_on_the_other_teams_rows_does_nothing(client, two_teams):
    quokka, member = two_teams
    client.force_login(member)
    request = RequestFactory().get("/")
    request.user = member
    for model, model_admin in project_admins():
        rows = list(rows_of_event(model_admin, quokka).values_list("pk", flat=True))
        if not rows:
            continue
        for action in model_admin.get_actions(request):
            response = client.post(
                admin_url(model, "changelist"),
                {"action": action, ACTION_CHECKBOX_NAME: rows, "apply": "1", "confirm": "yes"},
                follow=True,
            )
            assert HIDDEN not in text_of(response), (model, action)
    assert not ActionLogEntry.objects.filter(actor_user=member, event=quokka).exists()
    assert not ExportRecord.objects.filter(user=member, event=quokka).exists()


def test_no_autocomplete_and_no_form_offers_the_other_teams_rows(client, two_teams):
    _quokka, member = two_teams
    client.force_login(member)
    for model, model_admin in project_admins():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            assert HIDDEN not in text_of(response), (model, field.name)
        request = RequestFactory().get("/")
        request.user = member
        if model_admin.has_add_permission(request):
            assert HIDDEN not in text_of(client.get(admin_url(model, "add"))), model


def test_superusers_still_see_both_teams(admin_client_for, two_teams):
    page = text_of(admin_client_for.get(admin_url(Registration, "changelist")))
    assert HIDDEN in page and SHOWN in page


def test_a_member_without_a_team_sees_no_event(client, two_teams):
    client.force_login(User.objects.create_user("eva", is_staff=True))
    assert client.get(admin_url(Registration, "changelist")).status_code == 403
