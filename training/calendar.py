"""iCalendar (RFC 5545) export of training sessions and recruitment events."""

from django.conf import settings
from django.http import HttpResponse
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def ical_response(items, *, filename: str) -> HttpResponse:
    """`items`: objects with title/programme, starts_at, ends_at, place/online_url and a URL."""
    calendar = Calendar()
    calendar.add("prodid", "-//RISE community sponsorship portal//")
    calendar.add("version", "2.0")
    for item in items:
        entry = CalendarEvent()
        entry.add("uid", f"{type(item).__name__.lower()}-{item.pk}@rise-portal")
        entry.add("summary", str(getattr(item, "title", None) or item.programme))
        entry.add("dtstart", item.starts_at)
        entry.add("dtend", item.ends_at)
        location = item.place or item.online_url
        if location:
            entry.add("location", location)
        entry.add("url", settings.SITE_URL + item.get_absolute_url())
        calendar.add_component(entry)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
