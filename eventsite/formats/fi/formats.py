"""Finnish: "tiistai 10. marraskuuta 2027 klo 9.00"; Django's own Finnish formats for the rest."""

WEEKDAY_DATE_FORMAT = "l j. E Y"
WEEKDAY_DATETIME_FORMAT = r"l j. E Y \k\l\o G.i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = r"l j. E \k\l\o G.i"
MONTH_DAY_TIME_FORMAT = r"j. E \k\l\o G.i"
