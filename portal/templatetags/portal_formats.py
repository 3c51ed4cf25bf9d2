"""Template filters for datetimes (`local_datetime`, `local_datetime_until`: the portal's zone, labelled)
and for values that arrive as ISO 8601 text (a data export shown to a person): they are shown in the
active language's format, times in the portal's time zone (see portal/formats/)."""

import datetime

from django import template

from portal.formatting import date_display, datetime_display, score_display

register = template.Library()


def _parse(value):
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value)
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def iso_date(value) -> str:
    """'2026-12-11' or '2026-12-11T22:30:00+00:00' as the language writes the date ('' for none, the
    value itself when it is not a date)."""
    parsed = _parse(value)
    if parsed is None:
        return value or ""
    return date_display(parsed)


@register.filter
def iso_datetime(value) -> str:
    """An ISO date and time as the language writes it, in the portal's time zone."""
    parsed = _parse(value)
    if parsed is None:
        return value or ""
    if not isinstance(parsed, datetime.datetime):
        return date_display(parsed)
    return datetime_display(parsed)


@register.filter
def local_datetime(value) -> str:
    """A datetime as people read it: in the portal's time zone, labelled with it ('' for none)."""
    if not isinstance(value, datetime.datetime):
        return iso_datetime(value)
    return datetime_display(value)


@register.filter
def local_datetime_until(value, until) -> str:
    """`{{ starts_at|local_datetime_until:ends_at }}`: '11 March 2027, 12:30 – 14:30 (Vilnius time)'."""
    if not isinstance(value, datetime.datetime):
        return ""
    return datetime_display(value, until=until if isinstance(until, datetime.datetime) else None)


@register.filter
def score(value) -> str:
    """A score with two decimals and the language's decimal separator."""
    try:
        return score_display(None if value is None or value == "" else float(value))
    except (TypeError, ValueError):
        return "–"
