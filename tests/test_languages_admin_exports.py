"""The language of each survey answer, registration and expression of interest is shown to the
organisers: a column and a filter of the admin lists, a field of the change page, and a column of
the CSV exports."""

import csv
import io
import re

import pytest

from registrations.exports import (
    APPLICATIONS,
    REGISTRATIONS,
    SURVEY_RESPONSES,
    export_csv_chunks,
)
from registrations.models import ExpressionOfInterest, Registration, SurveyResponse
from tests.factories import (
    make_event,
    make_registration,
    make_stored_application,
    make_survey_response,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    """One entry of each kind in German and one in Finnish, for the same event."""
    event = make_event(title="Cluster Days Łódź")
    return {
        "registration": (
            make_registration(event, last_name="Müller", language="de"),
            make_registration(event, last_name="Järvenpää", language="fi"),
        ),
        "surveyresponse": (
            make_survey_response(event, last_name="Müller", language="de"),
            make_survey_response(event, last_name="Järvenpää", language="fi"),
        ),
        "expressionofinterest": (
            make_stored_application(event, legal_name="Cluster Müller Bayern", language="de"),
            make_stored_application(event, legal_name="Klaster Łódź", language="fi"),
        ),
    }


@pytest.mark.parametrize("model", ["registration", "surveyresponse", "expressionofinterest"])
def test_the_admin_list_shows_and_filters_by_language(admin_client_for, entries, model):
    _german, finnish = entries[model]
    address = f"/admin/registrations/{model}/"

    listed = admin_client_for.get(address)
    filtered = admin_client_for.get(address, {"language__exact": "fi"})

    html = listed.content.decode()
    assert "column-language" in html
    assert '<td class="field-language">Deutsch</td>' in html
    assert '<td class="field-language">suomi</td>' in html
    assert "?language__exact=fi" in html  # the filter's choice
    assert [row.pk for row in filtered.context["cl"].result_list] == [finnish.pk]


@pytest.mark.parametrize("model", ["registration", "surveyresponse", "expressionofinterest"])
def test_the_change_page_shows_the_language(admin_client_for, entries, model):
    german, _finnish = entries[model]

    html = admin_client_for.get(
        f"/admin/registrations/{model}/{german.pk}/change/"
    ).content.decode()

    shown = re.search(r'field-language.*?<div class="readonly">([^<]*)</div>', html, re.DOTALL)
    assert shown.group(1) == "Deutsch"


@pytest.mark.parametrize(
    ("kind", "model"),
    [
        (REGISTRATIONS, Registration),
        (SURVEY_RESPONSES, SurveyResponse),
        (APPLICATIONS, ExpressionOfInterest),
    ],
)
def test_the_csv_export_has_a_language_column(entries, kind, model):
    document = "".join(export_csv_chunks(kind, model.objects.order_by("pk")))

    rows = list(csv.DictReader(io.StringIO(document.removeprefix("\ufeff"), newline="")))

    assert [row["Language"] for row in rows] == ["Deutsch", "suomi"]
