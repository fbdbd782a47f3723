"""One way to write dates and times, on the public site and in the admin (``FORMAT_MODULE_PATH``).

Templates use the named formats (``|date:"DATETIME_FORMAT"``, or ``|date`` alone for a date); Python code
uses ``when`` and ``day``. Every time is shown in the newsroom's time zone (``TIME_ZONE``) with its name.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

DATETIME_SECONDS_FORMAT = "j F Y, H:i:s T"  # revisions: two saves in one minute are told apart


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A moment as the whole product writes it: "1 December 2026, 15:36 UTC"."""
    if value is None:
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(moment, DATETIME_SECONDS_FORMAT if seconds else "DATETIME_FORMAT")


def day(value: date | datetime | None) -> str:
    """A day: "1 December 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")
