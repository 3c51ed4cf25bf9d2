"""The housing offer lifecycle and its rules, through the services."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from housing.models import MAX_CAPACITY, HousingOffer, Inspection, OfferTransition
from housing.selectors import offers_matchable
from housing.services import (
    OFFER_WORKFLOW,
    OfferError,
    offer_inspect,
    offer_reconfirm,
    offer_save,
    offer_submit,
    offer_transition,
    offers_expire,
    offers_reconfirmation_request,
)
from portal.models import Notification
from portal.notifications import notification_render

Status = HousingOffer.Status
ALL_CHECKED = dict.fromkeys(Inspection.CHECKLIST, True)
ACTORS = ("sponsor", "caseworker", "other", "system")

TRANSITIONS = OFFER_WORKFLOW.steps
REFUSED_PAIRS = [(a, b) for a in Status for b in Status if (a, b) not in TRANSITIONS]
WRONG_ACTORS = [
    (from_status, to_status, actor)
    for (from_status, to_status), allowed in TRANSITIONS.items()
    for actor in ACTORS
    if actor not in allowed
]
ALLOWED_STEPS = [
    (from_status, to_status, sorted(allowed)[0]) for (from_status, to_status), allowed in TRANSITIONS.items()
]


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _set(offer: HousingOffer, **fields) -> HousingOffer:
    """Put the offer in a state directly, bypassing the services (and so recording no transition)."""
    HousingOffer.objects.filter(pk=offer.pk).update(**fields)
    offer.refresh_from_db()
    return offer


def _row(offer: HousingOffer) -> dict:
    return HousingOffer.objects.values().get(pk=offer.pk)


def _state(offer: HousingOffer) -> tuple:
    """Everything a refused step must leave as it was."""
    return (
        _row(offer),
        list(OfferTransition.objects.filter(offer=offer).values_list("pk", flat=True)),
        Inspection.objects.filter(offer=offer).count(),
    )


@pytest.fixture
def actors(sponsor, other_sponsor, caseworker):
    return {"sponsor": sponsor.user, "caseworker": caseworker, "other": other_sponsor.user, "system": None}


@pytest.fixture
def submitted_offer(sponsor, offer):
    return offer_submit(offer=offer, by=sponsor.user)


# --- The lifecycle ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["sponsor", "caseworker"])
@pytest.mark.parametrize(("from_status", "to_status"), REFUSED_PAIRS, ids=[f"{a}->{b}" for a, b in REFUSED_PAIRS])
def test_offer_transition_refuses_every_step_not_in_the_transition_table(offer, actors, actor, from_status, to_status):
    _set(offer, status=from_status)
    before = _state(offer)

    with pytest.raises(OfferError):
        offer_transition(offer=offer, to=to_status, by=actors[actor])

    assert _state(offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"), WRONG_ACTORS, ids=[f"{a}->{b}-by-{c}" for a, b, c in WRONG_ACTORS]
)
def test_offer_transition_refuses_an_allowed_step_to_the_wrong_actor(offer, actors, from_status, to_status, actor):
    _set(offer, status=from_status)
    before = _state(offer)

    with pytest.raises(PermissionDenied):
        offer_transition(offer=offer, to=to_status, by=actors[actor])

    assert _state(offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"), ALLOWED_STEPS, ids=[f"{a}->{b}-by-{c}" for a, b, c in ALLOWED_STEPS]
)
def test_offer_transition_records_every_allowed_step(offer, actors, from_status, to_status, actor):
    _set(offer, status=from_status)
    before = _row(offer)

    result = offer_transition(offer=offer, to=to_status, by=actors[actor], note="Why it moved")

    offer.refresh_from_db()
    assert offer.status == result.status == to_status
    # Only the status moves (and, on becoming available, the confirmation date).
    moved = {"status", "updated_at"} | ({"confirmed_at"} if to_status == Status.AVAILABLE else set())
    after = _row(offer)
    assert {name: value for name, value in after.items() if name not in moved} == {
        name: value for name, value in before.items() if name not in moved
    }
    step = OfferTransition.objects.get(offer=offer)
    assert (step.from_status, step.to_status, step.by, step.note) == (
        from_status,
        to_status,
        actors[actor],
        "Why it moved",
    )


@pytest.mark.django_db
def test_a_sponsor_cannot_make_their_offer_available(offer, sponsor):
    _set(offer, status=Status.INSPECTED)

    with pytest.raises(PermissionDenied):
        offer_transition(offer=offer, to=Status.AVAILABLE, by=sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.INSPECTED
    assert offer.confirmed_at is None


@pytest.mark.django_db
def test_making_an_offer_available_sets_confirmed_at_and_clears_a_reconfirmation_request(offer, caseworker):
    _set(
        offer,
        status=Status.RESERVED,
        confirmed_at=timezone.now() - _days(90),
        reconfirmation_requested_at=timezone.now(),
    )

    offer_transition(offer=offer, to=Status.AVAILABLE, by=caseworker)

    offer.refresh_from_db()
    assert timezone.now() - offer.confirmed_at < datetime.timedelta(minutes=1)
    assert offer.reconfirmation_requested_at is None


# --- Saving and submitting --------------------------------------------------------------------------


@pytest.mark.django_db
def test_offer_save_saves_an_unfinished_draft_with_only_the_kind(sponsor):
    offer = offer_save(sponsor=sponsor, data={"kind": "room"}, host_languages=[], language_code="en", by=sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert offer.kind == "room"
    assert offer.capacity is None
    assert offer.municipality is None


@pytest.mark.django_db
def test_offer_save_refuses_someone_elses_sponsor_profile(sponsor, other_sponsor):
    with pytest.raises(PermissionDenied):
        offer_save(sponsor=sponsor, data={"kind": "room"}, host_languages=[], language_code="en", by=other_sponsor.user)

    assert not HousingOffer.objects.exists()


@pytest.mark.django_db
def test_offer_save_refuses_to_change_a_submitted_offer(sponsor, submitted_offer):
    before = _row(submitted_offer)

    with pytest.raises(OfferError, match="Only a draft can be changed"):
        offer_save(
            sponsor=sponsor,
            offer=submitted_offer,
            data={"description": "Changed after submitting."},
            host_languages=[],
            language_code="en",
            by=sponsor.user,
        )

    assert _row(submitted_offer) == before


@pytest.mark.django_db
def test_offer_submit_moves_a_complete_draft_to_submitted_and_records_it(sponsor, offer):
    offer_submit(offer=offer, by=sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED
    step = OfferTransition.objects.get(offer=offer)
    assert (step.from_status, step.to_status, step.by, step.note) == (Status.DRAFT, Status.SUBMITTED, sponsor.user, "")


@pytest.mark.django_db
def test_offer_submit_refuses_an_incomplete_draft_and_names_the_missing_fields(sponsor):
    draft = offer_save(sponsor=sponsor, data={"kind": "room"}, host_languages=[], language_code="en", by=sponsor.user)

    with pytest.raises(OfferError) as refused:
        offer_submit(offer=draft, by=sponsor.user)

    message = refused.value.messages[0]
    for missing in ["municipality", "street address", "capacity (persons)", "cost", "available from", "description"]:
        assert missing in message
    assert "kind of housing" not in message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not OfferTransition.objects.exists()


@pytest.mark.django_db
def test_offer_submit_refuses_an_available_from_date_in_the_past(sponsor, offer_factory):
    offer = offer_factory(sponsor, available_from=_today() - _days(1))

    with pytest.raises(OfferError, match="in the past"):
        offer_submit(offer=offer, by=sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert not OfferTransition.objects.exists()


@pytest.mark.django_db
def test_offer_submit_accepts_an_offer_available_from_today(sponsor, offer_factory):
    offer = offer_submit(offer=offer_factory(sponsor, available_from=_today()), by=sponsor.user)

    assert offer.status == Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("cost", [HousingOffer.Cost.REDUCED, HousingOffer.Cost.MARKET])
def test_offer_submit_refuses_a_rented_offer_without_rent(sponsor, offer_factory, cost):
    offer = offer_factory(sponsor, cost=cost, monthly_rent=None)

    with pytest.raises(OfferError, match="monthly rent"):
        offer_submit(offer=offer, by=sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert not OfferTransition.objects.exists()


@pytest.mark.django_db
def test_offer_submit_accepts_a_free_offer_without_rent(sponsor, offer_factory):
    offer = offer_factory(sponsor, cost=HousingOffer.Cost.FREE, monthly_rent=None)

    assert offer_submit(offer=offer, by=sponsor.user).status == Status.SUBMITTED


@pytest.mark.django_db
def test_another_sponsor_cannot_submit_someone_elses_offer(offer, other_sponsor):
    with pytest.raises(PermissionDenied):
        offer_submit(offer=offer, by=other_sponsor.user)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert not OfferTransition.objects.exists()


@pytest.mark.django_db
def test_a_caseworker_cannot_submit_a_sponsors_offer(offer, caseworker):
    with pytest.raises(PermissionDenied):
        offer_submit(offer=offer, by=caseworker)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT


# --- Inspection -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_offer_inspect_pass_makes_the_offer_available_and_records_both_steps(sponsor, submitted_offer, caseworker):
    inspection = offer_inspect(
        offer=submitted_offer,
        inspector=caseworker,
        visited_on=_today(),
        checklist=ALL_CHECKED,
        result=Inspection.Result.PASS,
        notes="  All fine.  ",
    )

    submitted_offer.refresh_from_db()
    assert submitted_offer.status == Status.AVAILABLE
    assert timezone.now() - submitted_offer.confirmed_at < datetime.timedelta(minutes=1)
    assert list(
        OfferTransition.objects.filter(offer=submitted_offer).values_list("from_status", "to_status", "by", "note")
    ) == [
        (Status.DRAFT, Status.SUBMITTED, sponsor.user.pk, ""),
        (Status.SUBMITTED, Status.INSPECTED, caseworker.pk, "All fine."),
        (Status.INSPECTED, Status.AVAILABLE, caseworker.pk, ""),
    ]
    inspection.refresh_from_db()
    assert inspection.result == Inspection.Result.PASS
    assert inspection.inspector == caseworker
    assert inspection.notes == "All fine."


@pytest.mark.django_db
def test_offer_inspect_pass_notifies_and_emails_the_sponsor_after_commit(
    sponsor, submitted_offer, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer_inspect(
            offer=submitted_offer,
            inspector=caseworker,
            visited_on=_today(),
            checklist=ALL_CHECKED,
            result=Inspection.Result.PASS,
        )
        assert not Notification.objects.filter(user=sponsor.user).exists()
        assert mail.outbox == []

    notification = Notification.objects.get(user=sponsor.user)
    assert notification_render(notification).title == "Your housing offer is now available"
    assert notification_render(notification).link == submitted_offer.get_absolute_url()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([sponsor.user.email], settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Your housing offer is now available")
    ]


@pytest.mark.django_db
def test_offer_inspect_refuses_a_pass_with_an_unchecked_item(submitted_offer, caseworker):
    before = _state(submitted_offer)

    with pytest.raises(OfferError, match="heating works"):
        offer_inspect(
            offer=submitted_offer,
            inspector=caseworker,
            visited_on=_today(),
            checklist={**ALL_CHECKED, "heating": False},
            result=Inspection.Result.PASS,
        )

    assert _state(submitted_offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize("notes", ["", "   "])
def test_offer_inspect_refuses_a_fail_without_reasons(submitted_offer, caseworker, notes):
    before = _state(submitted_offer)

    with pytest.raises(OfferError, match="reasons"):
        offer_inspect(
            offer=submitted_offer,
            inspector=caseworker,
            visited_on=_today(),
            checklist=ALL_CHECKED,
            result=Inspection.Result.FAIL,
            notes=notes,
        )

    assert _state(submitted_offer) == before


@pytest.mark.django_db
def test_offer_inspect_fail_returns_the_offer_to_draft_with_the_reasons(
    sponsor, submitted_offer, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer_inspect(
            offer=submitted_offer,
            inspector=caseworker,
            visited_on=_today() - _days(2),
            checklist={**ALL_CHECKED, "heating": False, "smoke_detector": False},
            result=Inspection.Result.FAIL,
            notes="The boiler is broken.",
        )

    submitted_offer.refresh_from_db()
    assert submitted_offer.status == Status.DRAFT
    step = OfferTransition.objects.filter(offer=submitted_offer).last()
    assert (step.from_status, step.to_status, step.by) == (Status.SUBMITTED, Status.DRAFT, caseworker)
    assert step.note == "heating works, smoke detector; The boiler is broken."
    notification = Notification.objects.get(user=sponsor.user)
    assert notification_render(notification).title == "Your housing offer needs changes"
    assert "heating works, smoke detector; The boiler is broken." in notification_render(notification).body
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([sponsor.user.email], settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Your housing offer needs changes")
    ]
    assert "The boiler is broken." in mail.outbox[0].body


@pytest.mark.django_db
def test_an_offer_returned_to_draft_can_be_changed_and_submitted_again(sponsor, submitted_offer, caseworker):
    offer_inspect(
        offer=submitted_offer,
        inspector=caseworker,
        visited_on=_today(),
        checklist={**ALL_CHECKED, "heating": False},
        result=Inspection.Result.FAIL,
    )
    offer = offer_save(
        sponsor=sponsor,
        offer=submitted_offer,
        data={"description": "Heating repaired."},
        host_languages=[],
        language_code="en",
        by=sponsor.user,
    )

    assert offer_submit(offer=offer, by=sponsor.user).status == Status.SUBMITTED


@pytest.mark.django_db
def test_offer_inspect_refuses_a_visit_date_in_the_future(submitted_offer, caseworker):
    before = _state(submitted_offer)

    with pytest.raises(OfferError, match="future"):
        offer_inspect(
            offer=submitted_offer,
            inspector=caseworker,
            visited_on=_today() + _days(1),
            checklist=ALL_CHECKED,
            result=Inspection.Result.PASS,
        )

    assert _state(submitted_offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in Status if s != Status.SUBMITTED])
def test_offer_inspect_refuses_an_offer_that_is_not_submitted(offer, caseworker, status):
    _set(offer, status=status)
    before = _state(offer)

    with pytest.raises(OfferError, match="Only a submitted offer"):
        offer_inspect(
            offer=offer,
            inspector=caseworker,
            visited_on=_today(),
            checklist=ALL_CHECKED,
            result=Inspection.Result.PASS,
        )

    assert _state(offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sponsor", "other"])
def test_offer_inspect_refuses_an_inspector_who_is_not_staff(submitted_offer, actors, who):
    before = _state(submitted_offer)

    with pytest.raises(PermissionDenied):
        offer_inspect(
            offer=submitted_offer,
            inspector=actors[who],
            visited_on=_today(),
            checklist=ALL_CHECKED,
            result=Inspection.Result.PASS,
        )

    assert _state(submitted_offer) == before


# --- Expiry -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_offers_expire_expires_available_and_reserved_offers_past_their_end_date(sponsor, offer_factory):
    past = {"available_from": _today() - _days(30), "available_until": _today() - _days(1)}
    due = {
        status: _set(offer_factory(sponsor), status=status, **past) for status in (Status.AVAILABLE, Status.RESERVED)
    }
    kept = {
        status: _set(offer_factory(sponsor), status=status, **past)
        for status in (Status.DRAFT, Status.SUBMITTED, Status.INSPECTED, Status.OCCUPIED, Status.WITHDRAWN)
    }
    ends_today = _set(
        offer_factory(sponsor), status=Status.AVAILABLE, available_from=_today() - _days(30), available_until=_today()
    )
    open_ended = _set(offer_factory(sponsor), status=Status.AVAILABLE, available_until=None)
    untouched = [*kept.values(), ends_today, open_ended]
    before = {offer.pk: _row(offer) for offer in untouched}

    assert offers_expire() == 2

    for status, offer in due.items():
        offer.refresh_from_db()
        assert offer.status == Status.EXPIRED
        step = OfferTransition.objects.get(offer=offer)
        assert (step.from_status, step.to_status, step.by, step.note) == (
            status,
            Status.EXPIRED,
            None,
            "The end date has passed.",
        )
    for offer in untouched:
        assert _row(offer) == before[offer.pk]
        assert not OfferTransition.objects.filter(offer=offer).exists()


@pytest.mark.django_db
def test_offers_expire_run_twice_expires_nothing_more(sponsor, offer):
    _set(offer, status=Status.AVAILABLE, available_from=_today() - _days(30), available_until=_today() - _days(1))

    assert offers_expire() == 1
    assert offers_expire() == 0

    assert OfferTransition.objects.filter(offer=offer).count() == 1


@pytest.mark.django_db
def test_offers_maintain_command_prints_the_counts(sponsor, offer_factory):
    _set(
        offer_factory(sponsor),
        status=Status.AVAILABLE,
        available_from=_today() - _days(30),
        available_until=_today() - _days(1),
    )
    _set(
        offer_factory(sponsor),
        status=Status.AVAILABLE,
        confirmed_at=timezone.now() - _days(settings.OFFER_RECONFIRM_DAYS + 1),
    )

    first, second = StringIO(), StringIO()
    call_command("offers_maintain", stdout=first)
    call_command("offers_maintain", stdout=second)

    assert "1 offer(s) expired, 1 reconfirmation request(s) sent." in first.getvalue()
    assert "0 offer(s) expired, 0 reconfirmation request(s) sent." in second.getvalue()


# --- Reconfirmation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_old_available_offer_gets_exactly_one_reconfirmation_request_even_if_the_job_runs_twice(
    sponsor, offer, django_capture_on_commit_callbacks
):
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(settings.OFFER_RECONFIRM_DAYS + 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert offers_reconfirmation_request() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert offers_reconfirmation_request() == 0

    offer.refresh_from_db()
    assert offer.reconfirmation_requested_at is not None
    notification = Notification.objects.get(user=sponsor.user)
    assert notification_render(notification).title == "Is your housing offer still available?"
    assert notification_render(notification).link == offer.get_absolute_url()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([sponsor.user.email], settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Is your housing offer still available?")
    ]


@pytest.mark.django_db
def test_a_recently_confirmed_offer_gets_no_reconfirmation_request(sponsor, offer, django_capture_on_commit_callbacks):
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(settings.OFFER_RECONFIRM_DAYS - 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert offers_reconfirmation_request() == 0

    offer.refresh_from_db()
    assert offer.reconfirmation_requested_at is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in Status if s != Status.AVAILABLE])
def test_only_available_offers_get_a_reconfirmation_request(sponsor, offer, status):
    _set(offer, status=status, confirmed_at=timezone.now() - _days(settings.OFFER_RECONFIRM_DAYS + 1))

    assert offers_reconfirmation_request() == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_offer_reconfirm_clears_the_request(sponsor, offer):
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(settings.OFFER_RECONFIRM_DAYS + 1))
    assert offers_reconfirmation_request() == 1

    offer_reconfirm(offer=offer, by=sponsor.user)

    offer.refresh_from_db()
    assert offer.reconfirmation_requested_at is None
    assert timezone.now() - offer.confirmed_at < datetime.timedelta(minutes=1)
    assert offers_reconfirmation_request() == 0


@pytest.mark.django_db
def test_offer_reconfirm_refuses_another_user(offer, other_sponsor, caseworker):
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(60))
    before = _row(offer)

    for user in (other_sponsor.user, caseworker):
        with pytest.raises(PermissionDenied):
            offer_reconfirm(offer=offer, by=user)

    assert _row(offer) == before


@pytest.mark.django_db
def test_offer_reconfirm_refuses_an_offer_that_is_not_available(sponsor, offer):
    before = _row(offer)

    with pytest.raises(OfferError):
        offer_reconfirm(offer=offer, by=sponsor.user)

    assert _row(offer) == before


@pytest.mark.django_db
def test_offers_matchable_excludes_an_offer_unconfirmed_past_the_grace_period_until_it_is_reconfirmed(sponsor, offer):
    days = settings.OFFER_RECONFIRM_DAYS + settings.OFFER_RECONFIRM_GRACE_DAYS
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(days + 1))
    assert offer not in offers_matchable()

    offer_reconfirm(offer=offer, by=sponsor.user)

    assert offer in offers_matchable()


@pytest.mark.django_db
def test_offers_matchable_keeps_an_offer_within_the_grace_period(sponsor, offer):
    days = settings.OFFER_RECONFIRM_DAYS + settings.OFFER_RECONFIRM_GRACE_DAYS
    _set(offer, status=Status.AVAILABLE, confirmed_at=timezone.now() - _days(days - 1))

    assert offer in offers_matchable()


# --- One-row rules ----------------------------------------------------------------------------------

INVALID = [
    pytest.param({"capacity": 0}, "capacity", id="capacity-zero"),
    pytest.param({"capacity": MAX_CAPACITY + 1, "bedrooms": 1}, "capacity", id="capacity-above-max"),
    pytest.param({"monthly_rent": Decimal("-1.00")}, "monthly_rent", id="negative-rent"),
    pytest.param(
        {"available_from": datetime.date(2030, 5, 10), "available_until": datetime.date(2030, 5, 9)},
        "available_until",
        id="until-before-from",
    ),
    pytest.param({"capacity": 2, "bedrooms": 3}, "bedrooms", id="more-bedrooms-than-capacity"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), INVALID)
def test_offer_save_refuses_an_invalid_new_offer_and_saves_nothing(sponsor, offer_factory, data, field):
    assert HousingOffer.objects.count() == 0

    with pytest.raises(ValidationError) as refused:
        offer_factory(sponsor, **data)

    assert field in refused.value.message_dict
    assert HousingOffer.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), INVALID)
def test_offer_save_refuses_an_invalid_change_and_keeps_the_draft_as_it_was(sponsor, offer, data, field):
    before = _row(offer)

    with pytest.raises(ValidationError) as refused:
        offer_save(sponsor=sponsor, offer=offer, data=data, host_languages=[], language_code="en", by=sponsor.user)

    assert field in refused.value.message_dict
    assert HousingOffer.objects.count() == 1
    assert _row(offer) == before


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [1, MAX_CAPACITY])
def test_offer_save_accepts_the_capacity_limits(sponsor, offer_factory, capacity):
    offer = offer_factory(sponsor, capacity=capacity, bedrooms=1)

    offer.refresh_from_db()
    assert offer.capacity == capacity


@pytest.mark.django_db
def test_a_free_offer_with_rent_fails_model_validation(sponsor, municipality):
    offer = HousingOffer(sponsor=sponsor, kind="flat", cost=HousingOffer.Cost.FREE, monthly_rent=Decimal("100"))

    with pytest.raises(ValidationError) as refused:
        offer.full_clean()

    assert "monthly_rent" in refused.value.message_dict


@pytest.mark.django_db
def test_offer_save_drops_the_rent_of_a_free_offer(sponsor, offer_factory):
    # offer_save normalises instead of refusing: a free offer never keeps a rent.
    offer = offer_factory(sponsor, cost=HousingOffer.Cost.FREE, monthly_rent=Decimal("100"))

    offer.refresh_from_db()
    assert offer.cost == HousingOffer.Cost.FREE
    assert offer.monthly_rent is None
