"""Dates, times and numbers for people to read, in the active language's format (see portal/formats/).

Templates use `{{ value|date }}` for dates, `{{ value|local_datetime }}` (and `|local_datetime_until:end`)
for dates with a time, and `|floatformat`; Python code that builds text (an admin column, a record's
label, a notification, an email) uses these. A time is always shown in the portal's TIME_ZONE (whatever
zone is active, whatever zone a record names) and labelled with it ("18:00 (Vilnius time)"), by
`datetime_display` alone. Machine-readable values (exports, `<time datetime>`, calendar files, which
carry their zone) stay ISO 8601."""

import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Scores (a proposal's, a criterion's, a run's ratio) are shown with this many decimals everywhere.
SCORE_DECIMALS = 2


def date_display(value: datetime.date | None) -> str:
    """'2026 m. gruodžio 11 d.', '11.12.2026 г.', '11 December 2026'; '' for no date. A datetime gives
    its date in the portal's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = portal_localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


# How a time names the portal's zone, in the reader's language. A zone not listed here is named by its
# abbreviation at that moment ("EET", "CEST").
TIME_ZONE_LABELS = {
    "Europe/Vilnius": gettext_lazy("Vilnius time"),
}


def portal_localtime(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime in the portal's TIME_ZONE (not the active zone, nor a record's own zone); a naive
    one is taken as already in it."""
    if timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone())
    return value


def time_zone_label(value: datetime.datetime | None = None) -> str:
    """'Vilnius time' in the active language (or the zone's abbreviation at `value`)."""
    label = TIME_ZONE_LABELS.get(settings.TIME_ZONE)
    if label is not None:
        return str(label)
    return portal_localtime(value or timezone.now()).tzname() or settings.TIME_ZONE


def datetime_display(value: datetime.datetime | None, *, until: datetime.datetime | None = None) -> str:
    """The date and time in the portal's time zone, in the active language's format, labelled with the
    zone: '11 March 2027, 12:30 (Vilnius time)'; with `until`, the end too ('…, 12:30 – 14:30 (Vilnius
    time)', its date only when it ends on another day). '' for none."""
    if value is None:
        return ""
    local = portal_localtime(value)
    text = formats.date_format(local, "DATETIME_FORMAT")
    if until is not None:
        end = portal_localtime(until)
        same_day = end.date() == local.date()
        text += " – " + formats.date_format(end, "TIME_FORMAT" if same_day else "DATETIME_FORMAT")
    return _("%(datetime)s (%(zone)s)") % {"datetime": text, "zone": time_zone_label(local)}


def number_display(value: float | int | None, decimals: int) -> str:
    """A number with the language's decimal separator and a fixed number of decimals; '–' for none."""
    if value is None:
        return "–"
    # Rounded here: Django's number format cuts the digits beyond `decimals` off.
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def score_display(value: float | None) -> str:
    """A score as every page shows it: '0,72' in Lithuanian and Bulgarian, '0.72' in English."""
    return number_display(value, SCORE_DECIMALS)
