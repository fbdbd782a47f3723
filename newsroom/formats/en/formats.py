"""The newsroom's date and time formats (English): the same on the public site and in the admin."""

DATE_FORMAT = "j F Y"  # 1 December 2026
DATETIME_FORMAT = "j F Y, H:i T"  # 1 December 2026, 15:36 UTC
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
