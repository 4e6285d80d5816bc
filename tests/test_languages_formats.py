"""Each language defines every date format name the templates use (eventsite/formats/): a name
missing in one language would be printed as a format string on its pages and in its mails."""

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import formats, translation

from eventsite.formats import CUSTOM_FORMAT_NAMES

MOMENT = datetime(2027, 11, 10, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Wednesday


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_defines_every_format_name_of_ours(language):
    module = import_module(f"eventsite.formats.{language}.formats")

    assert [name for name in CUSTOM_FORMAT_NAMES if not hasattr(module, name)] == []


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Wednesday 10 November 2027, 09:00"),
        ("fi", "keskiviikko 10. marraskuuta 2027 klo 9.00"),
        ("de", "Mittwoch, 10. November 2027, 09:00"),
        ("fr", "mercredi 10 novembre 2027, 09:00"),
    ],
)
def test_an_event_time_is_written_the_languages_way(language, written):
    with translation.override(language):
        assert formats.date_format(MOMENT, "WEEKDAY_DATETIME_FORMAT") == written


def test_english_dates_are_not_us_english():
    with translation.override("en"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "10 November 2027, 09:00"
        assert formats.date_format(MOMENT, "DATE_FORMAT") == "10 November 2027"
        assert formats.time_format(MOMENT, "TIME_FORMAT") == "09:00"
