"""Dates, times and numbers for people to read, in the active language's format (see portal/formats/).

Templates use `{{ value|date }}`, `|date:"DATETIME_FORMAT"` and `|floatformat`; Python code that builds
text (an admin column, a record's label, a notification) uses these. Times are in the portal's
TIME_ZONE. Machine-readable values (exports, `<time datetime>`, calendar files) stay ISO 8601."""

import datetime

from django.utils import formats, timezone

# Scores (a proposal's, a criterion's, a run's ratio) are shown with this many decimals everywhere.
SCORE_DECIMALS = 2


def date_display(value: datetime.date | None) -> str:
    """'2026 m. gruodžio 11 d.', '11.12.2026 г.', '11 December 2026'; '' for no date. A datetime gives
    its date in the portal's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def datetime_display(value: datetime.datetime | None) -> str:
    """The date and time in the portal's time zone, in the active language's format; '' for none."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def number_display(value: float | int | None, decimals: int) -> str:
    """A number with the language's decimal separator and a fixed number of decimals; '–' for none."""
    if value is None:
        return "–"
    # Rounded here: Django's number format cuts the digits beyond `decimals` off.
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def score_display(value: float | None) -> str:
    """A score as every page shows it: '0,72' in Lithuanian and Bulgarian, '0.72' in English."""
    return number_display(value, SCORE_DECIMALS)
