"""Date and time formats per language (settings.FORMAT_MODULE_PATH), beside Django's own.

Besides Django's names (DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, MONTH_DAY_FORMAT, ...) every
language defines the names the templates use for event times
(`{{ event.start|date:"WEEKDAY_DATETIME_FORMAT" }}`):

- WEEKDAY_DATE_FORMAT: "Tuesday 10 November 2027"
- WEEKDAY_DATETIME_FORMAT: "Tuesday 10 November 2027, 09:00"
- WEEKDAY_MONTH_DAY_TIME_FORMAT: "Tuesday 10 November, 09:00"
- MONTH_DAY_TIME_FORMAT: "10 November, 09:00"

A name missing in a language would be printed as a format string, so a new language gets all of
them (tests/test_languages_formats.py checks it).
"""

CUSTOM_FORMAT_NAMES = (
    "WEEKDAY_DATE_FORMAT",
    "WEEKDAY_DATETIME_FORMAT",
    "WEEKDAY_MONTH_DAY_TIME_FORMAT",
    "MONTH_DAY_TIME_FORMAT",
)
