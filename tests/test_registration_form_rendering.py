"""The public form pages render fast and exactly as before: the country select, crispy, queries."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.utils import translation

from registrations.forms.fields import CountryChoiceField, CountryChoices, CountrySelect
from registrations.forms.matchmaking import ExpressionOfInterestForm
from registrations.forms.registration import RegistrationForm
from registrations.forms.survey import SurveyResponseForm
from registrations.models import AttendanceMode
from registrations.templatetags import form_rendering
from registrations.templatetags.form_rendering import crispy_reused
from tests.factories import make_open_event, make_session, register

# As crispy and the bound field hand them to the widget.
ATTRS = {"class": "select form-select", "required": True, "id": "id_country"}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("value", [None, "", "PL", "XX", ["FI", "PL"]])
def test_the_country_select_renders_byte_for_byte_as_djangos_select(language, value):
    with translation.override(language):
        djangos = forms.Select(choices=list(CountryChoices())).render("country", value, ATTRS)
        ours = CountrySelect(choices=CountryChoices()).render("country", value, ATTRS)
    assert ours == djangos


def test_the_country_options_are_those_of_the_active_language():
    with translation.override("de"):
        german = CountrySelect(choices=CountryChoices()).render("country", "PL", ATTRS)
    with translation.override("en"):
        english = CountrySelect(choices=CountryChoices()).render("country", "PL", ATTRS)
    assert '<option value="PL" selected>Polen</option>' in german
    assert '<option value="PL" selected>Poland</option>' in english
    assert english.count(" selected>") == german.count(" selected>") == 1


def test_the_country_select_renders_other_choices_as_select_does():
    choices = [("", "---------"), ("PL", "Poland")]
    assert CountrySelect(choices=choices).render("country", "PL", ATTRS) == forms.Select(
        choices=choices
    ).render("country", "PL", ATTRS)


def test_the_country_field_takes_a_country_code_only():
    field = CountryChoiceField()
    assert field.clean("PL") == "PL"
    with pytest.raises(forms.ValidationError):
        field.clean("XX")


def _with_djangos_select(form: forms.BaseForm) -> forms.BaseForm:
    field = form.fields["country"]
    field.widget = forms.Select(choices=list(field.choices), attrs=field.widget.attrs)
    field.widget.is_required = field.required
    return form


PUBLIC_FORMS = {
    "registration": lambda data, event, call: RegistrationForm(data, event=event),
    "survey": lambda data, event, call: SurveyResponseForm(data, event=event),
    "matchmaking": lambda data, event, call: ExpressionOfInterestForm(data, call=call),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", PUBLIC_FORMS)
@pytest.mark.parametrize("data", [None, {"country": "PL"}, {"country": "XX"}])
def test_the_public_forms_render_as_with_djangos_select(form_name, data, call):
    event = make_open_event()
    make_form = PUBLIC_FORMS[form_name]
    for language in ("en", "de"):
        with translation.override(language):
            expected = as_crispy_form(_with_djangos_select(make_form(data, event, call)))
            assert as_crispy_form(make_form(data, event, call)) == expected


@pytest.mark.django_db
def test_a_reused_rendering_is_crispys_and_follows_the_form():
    event = make_open_event(onsite_capacity=2)
    make_session(event)

    def shown(**kwargs):
        form = RegistrationForm(event=event, **kwargs)
        form.show_places()
        return form

    def both(**kwargs):
        return str(crispy_reused(shown(**kwargs))), str(as_crispy_form(shown(**kwargs)))

    first, expected = both()
    assert first == expected
    again, _ = both()
    assert again == expected  # reused
    register(event, attendance_mode=AttendanceMode.ON_SITE)
    fewer_places, expected = both()
    assert fewer_places == expected
    assert "(1 places left)" in fewer_places and fewer_places != first
    prefilled, expected = both(initial={"first_name": "Zoë", "country": "PL"})
    assert prefilled == expected
    assert 'value="Zoë"' in prefilled and '<option value="PL" selected>' in prefilled
    assert not any("Zoë" in rendering for rendering in form_rendering._renderings.values())
    with translation.override("de"):
        german, expected = both()
    assert german == expected


@pytest.mark.django_db
def test_a_form_with_errors_is_rendered_by_crispy_each_time():
    event = make_open_event()
    form = RegistrationForm({"country": "XX"}, event=event)
    expected = as_crispy_form(RegistrationForm({"country": "XX"}, event=event))
    assert crispy_reused(form) == expected
    assert "is-invalid" in expected


def _without_csrf(content: bytes) -> str:
    """The page without what differs per request: the CSRF token and the bot trap's stamp."""
    return re.sub(r'name="(csrfmiddlewaretoken|form_started)" value="[^"]+"', "", content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("sessions, queries", [(0, 2), (2, 3)])
def test_the_form_page_query_count(client, django_assert_num_queries, sessions, queries):
    """The event with its session count, the seat counts, and the sessions if there are several."""
    event = make_open_event()
    for hour in range(sessions):
        make_session(event, title=f"Session {hour}", start=event.start.replace(hour=10 + hour))
    url = f"/events/{event.slug}/register/"
    first = client.get(url)
    with django_assert_num_queries(queries):
        again = client.get(url)
    assert again.status_code == 200
    assert _without_csrf(again.content) == _without_csrf(first.content)
