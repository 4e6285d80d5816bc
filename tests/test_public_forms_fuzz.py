"""Fuzzing every public form: generated input (any Unicode, control characters, NUL, very long
text, wrong choices, missing or repeated fields) never makes a server error, and a form shown
again with its errors has stored nothing.

Each example starts from a person's valid POST and changes some of its fields, so the
examples reach the services as well as the form validation.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.public_forms import PUBLIC_FORMS, make_public_form

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 100  # about 15 s per form

_text = st.one_of(
    st.text(),  # any Unicode, control characters and NUL included
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=3000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "on",
            "-1",
            "0",
            "9" * 30,
            "reg@\uff45xample.org",
            "a@b",
            "<script>alert(1)</script>",
            "http://evil.example/login",
            "Łódź\u202e",
        ]
    ),
    st.integers().map(str),
)
_value = st.one_of(_text, st.lists(_text, max_size=4))
_MISSING = object()


def _posts(field_names: list[str]):
    """Changes to a valid POST: some fields get a generated value or are left out."""
    return st.dictionaries(
        st.one_of(st.sampled_from(field_names), st.text(max_size=20)),
        st.one_of(_value, st.just(_MISSING)),
        max_size=6,
    )


@pytest.mark.parametrize("form_name", PUBLIC_FORMS)
def test_a_public_form_never_fails_and_stores_nothing_it_shows_an_error_for(client, form_name):
    public_form = make_public_form(form_name)

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(changes=_posts(sorted(public_form.data)))
    def post_changed_form(changes):
        data = {**public_form.data, **changes}
        data = {name: value for name, value in data.items() if value is not _MISSING}
        before = public_form.stored()

        response = client.post(public_form.url, data)

        assert response.status_code < 500
        if response.status_code == 200:  # the form again, with its errors
            assert response.context["form"].errors
            assert public_form.stored() == before

    post_changed_form()
