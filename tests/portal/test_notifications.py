"""Notifications are a message code with parameters, rendered in the reader's language when read."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from portal.models import Notification
from portal.notifications import LEGACY, notification_kinds, notification_render, user_notify

VERIFIED_EN = "You are now a verified sponsor"

# Parameters to render each registered code with. A code added without an entry here fails
# `test_every_code_has_a_sample`: every code is proved to read in each language.
SAMPLES: dict[str, list[dict]] = {
    LEGACY: [{"title": "Stored text", "body": "As it was written.", "link": "/lt/sponsor/"}],
    # Without the sponsor's path (an older notice), and with each of its outcomes as `load` completes them.
    "sponsorship.sponsor_verified": [
        {},
        {"sponsor": 999999},
        {"missing": ["Checks", "Training"]},
        {"missing": [], "matchable": True},
        {"missing": [], "matchable": False},
    ],
    "sponsorship.sponsor_rejected": [{"reason": "The references could not be reached."}],
    "housing.inspection_passed": [{"offer": 1}],
    "housing.inspection_failed": [{"offer": 1, "inspection": 1}],
    "housing.inspection_reinspect": [{"offer": 1, "inspection": 1}],
    "housing.offer_reconfirm": [{"offer": 1, "days": 14}],
    "training.seat_free": [{"session": 1}],
    "training.certificate_issued": [{"certificate": 1}],
    "matching.proposal_step": [
        {"proposal": 1, "admin": admin, "status": status}
        for admin, status in [
            (False, "sent"),
            (True, "sponsor_accepted"),
            (True, "sponsor_declined"),
            (False, "beneficiary_accepted"),
            (False, "beneficiary_declined"),
            (False, "meeting"),
            (False, "confirmed"),
            (True, "withdrawn"),
            (True, "expired"),
            (True, "unknown-status"),
        ]
    ],
    "matching.proposal_reminder": [{"proposal": 1, "admin": False, "days": 7}],
    "matching.run_proposals": [{"run": 1, "count": 1}, {"run": 1, "count": 5}],
}


def _render(code: str, params: dict, language: str):
    with translation.override(language):
        return notification_render(Notification(pk=1, code=code, params=params))


def test_every_code_has_a_sample():
    assert {kind.code for kind in notification_kinds()} == set(SAMPLES)


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_every_code_reads_in_lithuanian_english_and_bulgarian(code):
    for params in SAMPLES[code]:
        english = _render(code, params, "en")
        assert english.title and english.title != gettext("You have a new notification"), (code, params)
        for language in ("lt", "bg"):
            text = _render(code, params, language)
            if code == LEGACY:
                assert (text.title, text.body) == (english.title, english.body), "stored text stays as written"
                assert text.link == f"/{language}/sponsor/"
                continue
            assert text.title != english.title, (code, language, "title is untranslated")
            if english.body:
                assert text.body != english.body, (code, language, "body is untranslated")
            if english.link:
                assert text.link.startswith(f"/{language}/"), (code, language, text.link)


@pytest.mark.django_db
def test_a_notification_written_in_lithuanian_is_read_in_the_readers_language(client, sponsor_factory):
    sponsor = sponsor_factory()
    with translation.override("lt"):
        user_notify(user=sponsor.user, code="sponsorship.sponsor_verified", email=False)
        lithuanian = gettext(VERIFIED_EN)
    with translation.override("bg"):
        bulgarian = gettext(VERIFIED_EN)
    assert len({lithuanian, bulgarian, VERIFIED_EN}) == 3
    client.force_login(sponsor.user)

    page = client.get("/bg/notifications/").content.decode()
    assert bulgarian in page and lithuanian not in page
    assert 'href="/bg/sponsor/"' in page

    page = client.get("/en/notifications/").content.decode()
    assert VERIFIED_EN in page and lithuanian not in page
    assert 'href="/en/sponsor/"' in page

    page = client.get("/lt/notifications/").content.decode()
    assert lithuanian in page


@pytest.mark.django_db
def test_the_email_is_rendered_in_the_recipients_language(sponsor_factory, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()
    sponsor.user.language = "bg"
    sponsor.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True), translation.override("lt"):
        user_notify(user=sponsor.user, code="housing.offer_reconfirm", params={"offer": 12, "days": 14})
    with translation.override("bg"):
        title = gettext("Is your housing offer still available?")
    (message,) = mail.outbox
    assert message.subject.endswith(title)
    assert "/bg/sponsor/offers/12/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, params",
    [
        ("gone.away", {}),
        ("gone.away", {"anything": [1, 2]}),
        ("matching.proposal_step", {"proposal": "not-an-id", "status": "sent"}),
        ("matching.proposal_step", []),
        ("housing.offer_reconfirm", {"offer": None, "days": "many"}),
        ("matching.run_proposals", {}),
        ("training.seat_free", {"session": 999999}),
        ("training.certificate_issued", {"certificate": "x"}),
        ("housing.inspection_failed", {"offer": 1, "inspection": {"nested": True}}),
        (LEGACY, {}),
        (LEGACY, "just a string"),
    ],
)
def test_an_unknown_code_or_bad_parameters_show_a_generic_text_not_an_error(client, sponsor_factory, code, params):
    sponsor = sponsor_factory()
    Notification.objects.create(user=sponsor.user, code=code, params=params)
    client.force_login(sponsor.user)
    for language in ("lt", "en", "bg"):
        response = client.get(f"/{language}/notifications/")
        assert response.status_code == HTTPStatus.OK
        # Shown once (the first visit marks it read).
        assert response.content.decode().count('class="card item-card') == 1
    with translation.override("bg"):
        generic = gettext("You have a new notification")
    assert generic != "You have a new notification"
    if code == "gone.away" or code == LEGACY:
        assert generic in client.get("/bg/notifications/").content.decode()


@pytest.mark.django_db
def test_only_registered_codes_are_written(sponsor_factory):
    sponsor = sponsor_factory()
    with pytest.raises(ValueError, match="Unknown notification code"):
        user_notify(user=sponsor.user, code="no.such.code")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_page_reads_each_code_once_whatever_the_number_of_notifications(client, sponsor_factory):
    sponsor = sponsor_factory()
    client.force_login(sponsor.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/notifications/").status_code == HTTPStatus.OK
        return len(captured)

    def write(n: int) -> None:
        for i in range(n):
            for code in ("training.seat_free", "training.certificate_issued", "housing.inspection_failed"):
                Notification.objects.create(
                    user=sponsor.user, code=code, params={"session": i, "certificate": i, "inspection": i, "offer": i}
                )

    write(1)
    few = queries()
    write(10)
    assert queries() == few


@pytest.mark.django_db
def test_opening_the_notifications_page_reads_the_ones_it_shows(client, sponsor_factory):
    sponsor = sponsor_factory()
    for _ in range(2):
        user_notify(user=sponsor.user, code="sponsorship.sponsor_verified", email=False)
    client.force_login(sponsor.user)
    assert '<span class="count">2<' in client.get("/en/sponsor/profile/").content.decode()

    first = client.get("/en/notifications/").content.decode()

    # Marked new this once; the header no longer counts them, there or on the next page.
    assert first.count("card item-card unread") == 2 and '<span class="count">' not in first
    assert not Notification.objects.filter(user=sponsor.user, read_at__isnull=True).exists()
    again = client.get("/en/notifications/").content.decode()
    assert "card item-card unread" not in again and again.count('class="card item-card') == 2


@pytest.mark.django_db
def test_notifications_open_reads_only_the_given_users_unread_notifications(sponsor_factory):
    from portal.notifications import notifications_open

    mine, theirs = sponsor_factory(email="mine@example.org"), sponsor_factory(email="theirs@example.org")
    shown = [user_notify(user=mine.user, code=LEGACY, params={"title": "A"}, email=False)]
    other = user_notify(user=theirs.user, code=LEGACY, params={"title": "B"}, email=False)

    assert notifications_open(user=mine.user, notifications=[*shown, other]) == 1
    assert notifications_open(user=mine.user, notifications=shown) == 0  # already read: unchanged
    other.refresh_from_db()
    assert other.read_at is None
