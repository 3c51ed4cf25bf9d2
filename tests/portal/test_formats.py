"""Dates, times and numbers follow each language's format (portal/formats/), times in the portal's time
zone; machine-readable values stay ISO."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.utils import timezone, translation

from portal.formatting import date_display, datetime_display, score_display
from portal.models import Notification
from tests.i18n import visible_texts

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
UTC = datetime.UTC

DATES = {"lt": "2027 m. kovo 11 d.", "bg": "11.03.2027 г.", "en": "11 March 2027"}
# 10:30 UTC is 12:30 in Vilnius (the portal's TIME_ZONE, UTC+2 in March).
DATETIMES = {
    "lt": "2027 m. kovo 11 d., 12:30 (Vilniaus laiku)",
    "bg": "11.03.2027 г., 12:30 (вилнюско време)",
    "en": "11 March 2027, 12:30 (Vilnius time)",
}
STARTS_AT = datetime.datetime(2027, 3, 11, 10, 30, tzinfo=UTC)


def _no_iso_dates(html: str) -> None:
    iso = [text for text in visible_texts(html) if ISO_DATE.search(text)]
    assert iso == [], "ISO dates in visible text"


@pytest.mark.parametrize("lang", ["lt", "bg", "en"])
def test_dates_times_and_scores_in_each_languages_format(lang):
    with translation.override(lang):
        assert date_display(datetime.date(2027, 3, 11)) == DATES[lang]
        assert datetime_display(STARTS_AT) == DATETIMES[lang]
        # The portal's zone even when another zone is active.
        with timezone.override(UTC):
            assert datetime_display(STARTS_AT) == DATETIMES[lang]
        # A time late in the UTC day is the next day in Vilnius.
        assert date_display(datetime.datetime(2027, 3, 11, 23, 30, tzinfo=UTC)) == date_display(
            datetime.date(2027, 3, 12)
        )
        assert score_display(0.71564) == {"lt": "0,72", "bg": "0,72", "en": "0.72"}[lang]
        assert score_display(3) == {"lt": "3,00", "bg": "3,00", "en": "3.00"}[lang]
        assert score_display(None) == "–"
    with translation.override("lt"):
        assert date_display(datetime.date(2026, 12, 11)) == "2026 m. gruodžio 11 d."


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg", "en"])
def test_an_event_page_shows_its_time_in_the_languages_format_and_iso_only_for_machines(client, event_factory, lang):
    event = event_factory(starts_at=STARTS_AT, ends_at=STARTS_AT + datetime.timedelta(hours=2))
    html = client.get(f"/{lang}/meetings/{event.slug}/").content.decode()
    # The end in the portal's time zone, then the zone's label.
    assert DATETIMES[lang].replace(" (", " – 14:30 (") in html
    assert 'datetime="2027-03-11T12:30:00+02:00"' in html  # the machine-readable value stays ISO
    _no_iso_dates(html)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg", "en"])
def test_the_sponsors_offer_page_and_notifications_show_no_iso_dates(client, sponsor_factory, offer_factory, lang):
    sponsor = sponsor_factory()
    offer = offer_factory(sponsor, available_from=datetime.date(2027, 3, 11))
    notification = Notification.objects.create(user=sponsor.user, code="sponsorship.sponsor_verified")
    Notification.objects.filter(pk=notification.pk).update(created_at=STARTS_AT)
    client.force_login(sponsor.user)

    html = client.get(f"/{lang}/sponsor/offers/{offer.pk}/").content.decode()
    assert DATES[lang] in html
    _no_iso_dates(html)

    html = client.get(f"/{lang}/notifications/").content.decode()
    assert DATETIMES[lang] in html
    _no_iso_dates(html)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg", "en"])
def test_scores_in_the_admin_use_the_languages_decimal_separator_and_two_decimals(client, proposal_at, lang):
    from matching.models import MatchProposal

    proposal = proposal_at("proposed")
    MatchProposal.objects.filter(pk=proposal.pk).update(score=0.71564)
    client.force_login(proposal.household.caseworker)
    shown = {"lt": "0,72", "bg": "0,72", "en": "0.72"}[lang]

    changelist = client.get(f"/{lang}/admin/matching/matchproposal/")
    assert changelist.status_code == HTTPStatus.OK
    assert f">{shown}<" in changelist.content.decode()
    page = client.get(f"/{lang}/admin/matching/matchproposal/{proposal.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert shown in html and "0,7156" not in html and "0.7156" not in html


def test_a_zone_without_a_label_is_named_by_its_abbreviation(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with translation.override("en"):
        assert datetime_display(STARTS_AT) == "11 March 2027, 11:30 (CET)"
        assert datetime_display(STARTS_AT, until=STARTS_AT + datetime.timedelta(days=1)) == (
            "11 March 2027, 11:30 – 12 March 2027, 11:30 (CET)"
        )
