"""Public pages with a form answer GET, HEAD and POST; other methods get a 405."""

import pytest

from tests.factories import make_call, make_open_event, make_response, make_survey
from tests.helpers import invitation_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_pages(invitation):
    survey = make_survey()
    answer = make_response(survey)
    return {
        "survey": f"/events/{survey.event.slug}/survey/",
        "survey private link": f"/survey/{answer.token}/",
        "register": f"/events/{make_open_event().slug}/register/",
        "apply": f"/events/{make_call().event.slug}/apply/",
        "invitation": invitation_url(invitation),
    }


def test_head_is_answered_like_get(client, form_pages):
    for name, url in form_pages.items():
        get, head = client.get(url), client.head(url)

        assert (name, head.status_code) == (name, get.status_code) == (name, 200)
        assert head.content == b""


def test_head_on_the_withdraw_address_redirects_like_get_and_deletes_nothing(client):
    answer = make_response(make_survey())

    response = client.head(f"/survey/{answer.token}/withdraw/")

    assert response.status_code == 302
    answer.refresh_from_db()


def test_other_methods_are_refused(client, form_pages):
    for name, url in form_pages.items():
        assert (name, client.put(url).status_code) == (name, 405)
        assert (name, client.delete(url).status_code) == (name, 405)
