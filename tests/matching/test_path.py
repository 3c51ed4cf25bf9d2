"""The sponsor's path (`matching.path.sponsor_path`), told truthfully: each step's state, what blocks it and
the next step, and the pages, notices and the proposal's answer page that read it."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from housing.models import HousingOffer
from housing.services import offer_submit
from matching.models import MatchProposal
from matching.path import BLOCKED, CURRENT, DONE, TODO, sponsor_path
from matching.services.placements import proposal_confirm
from portal.models import Notification
from portal.notifications import notification_render
from sponsorship.models import SponsorCheck, SponsorProfile
from sponsorship.services import sponsor_decision_notify

pytestmark = pytest.mark.django_db
S = MatchProposal.Status
CAN_BE_MATCHED = "can be matched"


def _states(path) -> dict[str, str]:
    return {step.key: step.state for step in path.steps}


def _step(path, key):
    return next(step for step in path.steps if step.key == key)


def _required_programme(slug: str = "basics"):
    from training.models import Programme

    return Programme.objects.create(
        slug=slug,
        title=f"Course {slug}",
        description="Before hosting.",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
    )


def test_without_a_profile_the_next_step_is_the_profile(user_factory):
    path = sponsor_path(user=user_factory(email="new@example.org"))

    assert path.sponsor is None and not path.ready and not path.can_be_matched
    assert _states(path) == {
        "account": DONE,
        "profile": CURRENT,
        "checks": TODO,
        "training": TODO,
        "offer": TODO,
        "inspection": TODO,
        "available": TODO,
        "proposal": TODO,
        "placement": TODO,
    }
    assert path.current == "profile"
    assert path.next.url == reverse("sponsorship:profile")


def test_a_pending_sponsor_waits_for_verification_and_is_asked_to_offer_housing(sponsor_factory):
    sponsor = sponsor_factory()  # pending, no checks

    path = sponsor_path(user=sponsor.user)

    assert _step(path, "profile").state == CURRENT
    assert "The sponsor is not verified." in _step(path, "profile").blockers
    assert _step(path, "checks").state == BLOCKED
    assert _step(path, "offer").state == CURRENT
    assert path.next.url == reverse("housing:offer-create")
    assert not path.ready


def test_a_verified_sponsor_missing_a_check_is_blocked_on_the_checks_step(sponsor_factory, available_offer):
    sponsor = sponsor_factory(verified=True)
    offer = available_offer(sponsor)
    SponsorCheck.objects.filter(person__sponsor=sponsor, kind=SponsorCheck.Kind.REFERENCES).delete()

    path = sponsor_path(user=sponsor.user)

    checks = _step(path, "checks")
    assert checks.state == BLOCKED and any("References" in blocker for blocker in checks.blockers)
    assert _step(path, "profile").state == DONE and _step(path, "training").state == DONE
    # The available offer cannot be matched: its step says so, and nothing says "can be matched".
    offer_path = path.offer_path(offer.pk)
    assert _states(path)["available"] == BLOCKED and not offer_path.can_be_matched
    assert CAN_BE_MATCHED not in offer_path.next.text and not path.can_be_matched
    assert path.current == "checks"


def test_missing_training_blocks_the_training_step_and_links_the_training(sponsor_factory, available_offer):
    sponsor = sponsor_factory(verified=True)
    available_offer(sponsor)
    _required_programme()

    path = sponsor_path(user=sponsor.user)

    training = _step(path, "training")
    assert training.state == BLOCKED
    assert training.blockers == ["Required training not completed: Course basics."]
    assert training.next.url == reverse("training:programme-list")
    assert _step(path, "checks").state == DONE
    assert path.next.url == reverse("training:programme-list")
    assert not path.can_be_matched


def test_a_draft_offer_is_the_current_step(sponsor_factory, offer_factory):
    sponsor = sponsor_factory(verified=True)
    offer = offer_factory(sponsor)

    path = sponsor_path(user=sponsor.user)

    assert [(s.key, s.state) for s in path.steps[4:]] == [
        ("offer", CURRENT),
        ("inspection", TODO),
        ("available", TODO),
        ("proposal", TODO),
        ("placement", TODO),
    ]
    assert path.next.url == offer.get_absolute_url()


def test_a_submitted_offer_waits_for_the_inspection(sponsor_factory, offer_factory):
    sponsor = sponsor_factory(verified=True)
    offer = offer_factory(sponsor)
    offer_submit(offer=offer, by=sponsor.user)

    path = sponsor_path(user=sponsor.user)

    assert _states(path)["offer"] == DONE and _states(path)["inspection"] == CURRENT
    assert path.offer_path(offer.pk).next.text == "A caseworker will contact you to visit the home."


def test_an_available_offer_with_nothing_blocking_can_be_matched(sponsor_factory, available_offer):
    sponsor = sponsor_factory(verified=True)
    offer = available_offer(sponsor)

    path = sponsor_path(user=sponsor.user)

    assert path.ready and path.can_be_matched
    assert [_states(path)[key] for key in ("profile", "checks", "training", "offer", "inspection", "available")] == [
        DONE
    ] * 6
    assert _states(path)["proposal"] == CURRENT
    assert CAN_BE_MATCHED in path.offer_path(offer.pk).next.text
    assert CAN_BE_MATCHED in path.next.text


def test_a_proposal_awaiting_the_sponsors_answer_is_the_next_step(proposal_at):
    proposal = proposal_at("sent")
    user = proposal.offer.sponsor.user

    path = sponsor_path(user=user)

    offer_path = path.offer_path(proposal.offer_id)
    url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})
    assert offer_path.offer.status == HousingOffer.Status.RESERVED
    assert _states(path)["proposal"] == CURRENT and path.current == "proposal"
    assert path.next.url == url and offer_path.next.url == url
    assert "answer the proposal by" in path.next.text
    assert offer_path.answer_by == proposal.awaiting_since + datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS)
    # Not "a caseworker will be in touch": the sponsor must answer.
    assert "caseworker" not in path.next.text


def test_a_placement_completes_the_path(proposal_at, caseworker):
    proposal = proposal_at("meeting")
    proposal_confirm(
        proposal=proposal, by=proposal.household.caseworker, move_in_date=timezone.localdate(), agreed_months=6
    )

    path = sponsor_path(user=proposal.offer.sponsor.user)

    assert set(_states(path).values()) == {DONE}
    assert path.current == ""


# --- Pages and notices ----------------------------------------------------------------------------------


def test_the_sponsor_page_shows_the_step_indicator_with_what_blocks(client, sponsor_factory, available_offer):
    sponsor = sponsor_factory(verified=True)
    available_offer(sponsor)
    _required_programme()
    client.force_login(sponsor.user)

    page = client.get("/en/sponsor/").content.decode()

    assert page.count('class="path-step ') == 9
    assert page.count('aria-current="step"') == 1
    assert "Required training not completed: Course basics." in page
    assert "Blocked" in page  # the state in words, not only in colour
    assert "Nothing blocks matching" not in page and "Nothing to do" not in page


def test_the_sponsor_page_says_can_be_matched_when_nothing_blocks(client, sponsor_factory, available_offer):
    sponsor = sponsor_factory(verified=True)
    available_offer(sponsor)
    client.force_login(sponsor.user)

    page = client.get("/en/sponsor/").content.decode()

    assert "your available offer can be matched with a household" in page


def test_the_offer_page_says_where_the_offer_stands(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    page = client.get(proposal.offer.get_absolute_url()).content.decode()

    assert reverse("matching:proposal-detail", kwargs={"pk": proposal.pk}) in page
    assert "a caseworker will be in touch" not in page


def _verified_notice(sponsor) -> str:
    sponsor.user.language = "en"  # the email is written in the recipient's language
    sponsor.user.save(update_fields=["language"])
    SponsorProfile.objects.filter(pk=sponsor.pk).update(status=SponsorProfile.Status.VERIFIED)
    mail.outbox.clear()
    assert sponsor_decision_notify(sponsor_id=sponsor.pk)
    notification = Notification.objects.get(user=sponsor.user, code="sponsorship.sponsor_verified")
    with translation.override("en"):
        return notification_render(notification).body


def test_the_verification_notice_lists_what_is_still_missing(sponsor_factory, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()  # no checks recorded
    _required_programme()

    with django_capture_on_commit_callbacks(execute=True):
        body = _verified_notice(sponsor)

    # The steps by name; their details (whose check, a safeguarding hold) stay on the sponsor page.
    assert "still missing: Checks, Training." in body
    assert "Required training not completed" not in body and "is missing." not in body
    assert CAN_BE_MATCHED not in body.replace("can be matched, these", "")
    assert "can now be matched" not in body
    assert mail.outbox and "still missing" in mail.outbox[-1].body


def test_the_verification_notice_says_can_be_matched_only_when_nothing_blocks(
    sponsor_factory, available_offer, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory(verified=True)
    available_offer(sponsor)
    SponsorProfile.objects.filter(pk=sponsor.pk).update(status=SponsorProfile.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        body = _verified_notice(sponsor)

    assert "Nothing blocks matching: your available housing offers can be matched." in body
    assert mail.outbox and "can be matched" in mail.outbox[-1].body


# --- The proposal's answer page -------------------------------------------------------------------------


def test_the_proposal_page_shows_the_answer_by_date_and_the_households_languages(client, proposal_at):
    from projects.models import Language

    proposal = proposal_at("sent")
    ukrainian = Language.objects.get_or_create(code="uk", defaults={"name": "Ukrainian"})[0]
    proposal.household.languages.add(ukrainian)
    client.force_login(proposal.offer.sponsor.user)

    page = client.get(reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})).content.decode()

    answer_by = timezone.localtime(proposal.awaiting_since + datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS))
    assert 'id="answer-by"' in page and answer_by.date().isoformat() in page
    assert str(ukrainian) in page
    assert 'data-shown-for-answer="decline"' in page


def test_declining_without_a_reason_is_refused(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)
    url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})

    response = client.post(url, {"answer": "decline", "decline_reason": "", "note": ""})

    assert response.status_code == HTTPStatus.OK
    assert "Choose the reason for declining." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.SENT


def test_a_reason_chosen_before_accepting_is_ignored_and_the_page_says_what_happens_next(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)
    url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})

    response = client.post(url, {"answer": "accept", "decline_reason": "cost", "note": ""}, follow=True)

    proposal.refresh_from_db()
    assert proposal.status == S.SPONSOR_ACCEPTED and proposal.decline_reason == ""
    page = response.content.decode()
    assert "What happens next" in page
    assert "You accepted the proposal: your caseworker now asks the household." in page
    assert 'id="answer-by"' not in page


def test_after_declining_the_page_says_what_happens_next(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)
    url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})

    response = client.post(url, {"answer": "decline", "decline_reason": "dates", "note": ""}, follow=True)

    proposal.refresh_from_db()
    assert proposal.status == S.SPONSOR_DECLINED and proposal.decline_reason == "dates"
    assert "What happens next" in response.content.decode()
    assert CAN_BE_MATCHED in response.content.decode()  # the offer is available again, nothing blocks


@pytest.mark.parametrize("language", ["lt", "bg"])
def test_the_sponsor_path_reads_in_each_language(client, proposal_at, language):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    page = client.get(f"/{language}/sponsor/").content.decode()
    proposal_page = client.get(f"/{language}/sponsor/proposals/{proposal.pk}/").content.decode()

    assert "Your path to hosting" not in page and "answer the proposal by" not in page
    assert "Please answer by" not in proposal_page and "Languages spoken" not in proposal_page
