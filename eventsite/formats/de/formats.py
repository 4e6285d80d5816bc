"""German: "Dienstag, 10. November 2027, 09:00"; Django's own German formats for the rest."""

WEEKDAY_DATE_FORMAT = "l, j. F Y"
WEEKDAY_DATETIME_FORMAT = "l, j. F Y, H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l, j. F, H:i"
MONTH_DAY_TIME_FORMAT = "j. F, H:i"
