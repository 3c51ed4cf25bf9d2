"""Housing offer rules: editing drafts, the lifecycle, inspections, expiry and reconfirmation.

Photos have their own module, `housing.photos`.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.access import can_edit_offer, can_inspect_offer, offer_role
from housing.evidence import evidence_files_delete, evidence_prepare, evidence_store
from housing.models import HousingOffer, Inspection, InspectionFailure, InspectionFile, OfferTransition
from housing.notification_kinds import INSPECTION_FAILED, INSPECTION_PASSED, INSPECTION_REINSPECT, OFFER_RECONFIRM
from housing.signals import offer_leaving
from portal.models import User
from portal.notifications import user_notify
from portal.services import task_enqueue
from portal.workflow import Role, Workflow, WorkflowError
from sponsorship.access import is_sponsor_of
from sponsorship.models import SponsorProfile

Status = HousingOffer.Status


class OfferError(WorkflowError):
    """An offer rule was broken; the message is translated and safe to show."""


# The offer's lifecycle: who may move an offer from one status to another.
OFFER_WORKFLOW = Workflow(
    statuses=Status,
    steps={
        (Status.DRAFT, Status.SUBMITTED): {Role.SPONSOR},
        (Status.SUBMITTED, Status.INSPECTED): {Role.CASEWORKER},
        (Status.SUBMITTED, Status.DRAFT): {Role.CASEWORKER},
        (Status.INSPECTED, Status.AVAILABLE): {Role.CASEWORKER},
        (Status.AVAILABLE, Status.RESERVED): {Role.CASEWORKER},
        (Status.RESERVED, Status.AVAILABLE): {Role.CASEWORKER, Role.SYSTEM},
        (Status.RESERVED, Status.OCCUPIED): {Role.CASEWORKER},
        (Status.OCCUPIED, Status.AVAILABLE): {Role.CASEWORKER},
        (Status.AVAILABLE, Status.EXPIRED): {Role.SYSTEM},
        (Status.RESERVED, Status.EXPIRED): {Role.SYSTEM},
        (Status.DRAFT, Status.WITHDRAWN): {Role.SPONSOR, Role.CASEWORKER},
        (Status.SUBMITTED, Status.WITHDRAWN): {Role.SPONSOR, Role.CASEWORKER},
        (Status.INSPECTED, Status.WITHDRAWN): {Role.SPONSOR, Role.CASEWORKER},
        (Status.AVAILABLE, Status.WITHDRAWN): {Role.SPONSOR, Role.CASEWORKER},
        (Status.RESERVED, Status.WITHDRAWN): {Role.SPONSOR, Role.CASEWORKER},
        (Status.EXPIRED, Status.DRAFT): {Role.SPONSOR},
    },
    role_of=offer_role,
    error=OfferError,
    refused=gettext_lazy("An offer cannot go from “%(from)s” to “%(to)s”."),
    denied=gettext_lazy("You cannot make this change to the offer."),
)
# The offer leaves for good: proposals of it cannot outlive it (matching ends them, see `offer_leaving`).
LEAVING = {Status.WITHDRAWN, Status.EXPIRED}

# What a complete offer must have before it can be submitted.
REQUIRED_TO_SUBMIT = ["kind", "municipality", "street_address", "capacity", "cost", "available_from", "description"]


@dataclass(frozen=True)
class OfferStep:
    """One page of the sponsor's offer form: its URL slug, its title and its fields."""

    slug: str
    title: Any
    fields: tuple[str, ...] = ()


# The sponsor's form in steps, the one list of what the sponsor edits on a draft: each field on exactly
# one page, in the form's order (the host languages, a many-to-many, with the home), then the photos and
# a review before submitting.
OFFER_STEPS = (
    OfferStep(
        "home", gettext_lazy("The home"), ("kind", "municipality", "street_address", "description", "host_languages")
    ),
    OfferStep(
        "rooms",
        gettext_lazy("Rooms and access"),
        (
            "capacity",
            "max_households",
            "bedrooms",
            "floor",
            "step_free",
            "lift",
            "children_welcome",
            "pets_allowed",
            "smoking_allowed",
            "near_school",
            "near_work",
            "near_medical_care",
        ),
    ),
    OfferStep(
        "availability",
        gettext_lazy("Availability and rent"),
        (
            "cost",
            "monthly_rent",
            "utilities_included",
            "monthly_utilities",
            "available_from",
            "available_until",
            "minimum_stay_months",
        ),
    ),
    OfferStep("photos", gettext_lazy("Photos")),
    OfferStep("review", gettext_lazy("Review")),
)
# The offer's own fields that the sponsor edits (the host languages are set apart).
EDITABLE_FIELDS = [name for step in OFFER_STEPS for name in step.fields if name != "host_languages"]


def offer_step_of(field: str) -> OfferStep:
    """The step of the form that asks for `field`."""
    return next(step for step in OFFER_STEPS if field in step.fields)


def offer_missing_fields(offer: HousingOffer) -> list[str]:
    """The fields required to submit that the draft leaves empty."""
    return [
        name
        for name in REQUIRED_TO_SUBMIT
        if isinstance(HousingOffer._meta.get_field(name), Field)
        if getattr(offer, name) in (None, "")
    ]


def offer_problems(offer: HousingOffer) -> list[tuple[str, str]]:
    """What keeps a draft from being submitted: (field, translated reason) pairs, in the form's order."""
    problems = [(name, _("Required before submitting.")) for name in offer_missing_fields(offer)]
    if offer.available_from and offer.available_from < timezone.localdate():
        problems.append(("available_from", _("“Available from” is in the past: choose a date from today on.")))
    if offer.cost != HousingOffer.Cost.FREE and offer.monthly_rent is None:
        problems.append(("monthly_rent", _("Give the monthly rent, or choose “free of charge”.")))
    order = [name for step in OFFER_STEPS for name in step.fields]
    return sorted(problems, key=lambda problem: order.index(problem[0]))


def offer_transition(*, offer: HousingOffer, to: str, by: User | None, note: str = "") -> HousingOffer:
    """Move the offer to status `to`, if the workflow allows that step to `by`; the step is recorded.

    When the offer leaves (withdrawn or expired) `offer_leaving` is sent inside the transaction, after
    the offer's new status is saved, so that the open proposals of the offer end with it (matching owns
    that rule)."""
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=offer.pk)
        OFFER_WORKFLOW.check(offer, to, by)
        OfferTransition.objects.create(offer=offer, from_status=offer.status, to_status=to, by=by, note=note)
        offer.status = to
        if to == Status.AVAILABLE:
            offer.confirmed_at = timezone.now()
            offer.reconfirmation_requested_at = None
        offer.save(update_fields=["status", "confirmed_at", "reconfirmation_requested_at", "updated_at"])
        if to in LEAVING:
            offer_leaving.send(sender=HousingOffer, offer=offer, by=by)
    return offer


@transaction.atomic
def offer_save(
    *,
    sponsor: SponsorProfile,
    data: dict[str, Any],
    language_code: str,
    by: User,
    host_languages: list | None = None,
    offer: HousingOffer | None = None,
) -> HousingOffer:
    """Create a draft offer or change one. Only drafts are edited; an unfinished draft can be saved.
    Only the fields in `data` change (a step of the form sends its own), and the host languages only
    when given."""
    if not is_sponsor_of(by, sponsor):
        raise PermissionDenied
    if offer is None:
        offer = HousingOffer(sponsor=sponsor)
    else:
        offer = HousingOffer.objects.select_for_update().get(pk=offer.pk, sponsor=sponsor)
        if offer.status != Status.DRAFT:
            raise OfferError(_("Only a draft can be changed. Withdraw the offer and create a new one to change it."))
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    if offer.cost == HousingOffer.Cost.FREE:
        offer.monthly_rent = None
    if "description" in data:
        offer.description_language = language_code
    offer.full_clean()
    offer.save()
    if host_languages is not None:
        offer.host_languages.set(host_languages)
    return offer


def offer_submit(*, offer: HousingOffer, by: User) -> HousingOffer:
    """The sponsor submits a complete draft for inspection."""
    missing = offer_missing_fields(offer)
    if missing:
        fields = [HousingOffer._meta.get_field(name) for name in missing]
        labels = ", ".join(str(field.verbose_name) for field in fields if isinstance(field, Field))
        raise OfferError(_("Complete these fields before submitting: %(fields)s.") % {"fields": labels})
    if problems := offer_problems(offer):
        raise OfferError(problems[0][1])
    return offer_transition(offer=offer, to=Status.SUBMITTED, by=by)


def offer_withdraw(*, offer: HousingOffer, by: User, note: str = "") -> HousingOffer:
    return offer_transition(offer=offer, to=Status.WITHDRAWN, by=by, note=note)


def offer_reopen(*, offer: HousingOffer, by: User) -> HousingOffer:
    """An expired offer goes back to draft, so that the sponsor can renew its dates."""
    return offer_transition(offer=offer, to=Status.DRAFT, by=by)


# Queued by name (`housing.tasks` registers it, and imports this module).
OFFER_INSPECTION_NOTIFY_TASK = "housing.tasks.offer_inspection_notify_task"


def _item_result(value: Any) -> str:
    """A checklist item's typed result; a boolean (checked or not) is read as satisfactory or not."""
    if isinstance(value, bool):
        return Inspection.ItemResult.OK if value else Inspection.ItemResult.FAILED
    return value if value in Inspection.ItemResult.values else ""


def inspection_validate(
    *,
    visited_on: datetime.date,
    checklist: dict[str, Any],
    result: str,
    reasons: list[str],
    other_reason: str,
    reinspect_on: datetime.date | None,
) -> dict[str, str]:
    """The typed checklist of a visit, after checking that it is complete and consistent with its result:
    a pass has no unsatisfactory item and no failure reason; a fail or a re-inspection says why (an
    item, a reason or notes); "other" comes with its text; only a re-inspection has (and needs) a date,
    after the visit. Raises OfferError with a translated message."""
    items = {name: _item_result(checklist.get(name)) for name in Inspection.CHECKLIST}
    missing = [Inspection.item_label(name) for name, value in items.items() if not value]
    if missing:
        raise OfferError(_("Give a result for every item of the checklist: %(items)s.") % {"items": ", ".join(missing)})
    if result not in Inspection.Result.values:
        raise OfferError(_("Choose the result of the inspection."))
    unknown = set(reasons) - set(InspectionFailure.Reason.values)
    if unknown:
        raise OfferError(_("Choose the failure reasons from the list."))
    failed = [Inspection.item_label(name) for name, value in items.items() if value != Inspection.ItemResult.OK]
    if visited_on > timezone.localdate():
        raise OfferError(_("The visit date cannot be in the future."))
    if InspectionFailure.Reason.OTHER in reasons and not other_reason:
        raise OfferError(_("Say what the other reason is."))
    if other_reason and InspectionFailure.Reason.OTHER not in reasons:
        raise OfferError(_("Tick “Other” among the failure reasons, or leave its text empty."))
    if result == Inspection.Result.PASS:
        if failed:
            raise OfferError(
                _("An inspection with unsatisfactory items cannot pass: %(items)s.") % {"items": ", ".join(failed)}
            )
        if reasons:
            raise OfferError(_("An inspection that passes has no failure reasons."))
    elif not failed and not reasons:
        raise OfferError(_("Give the reasons why the inspection did not pass: an item of the checklist or a reason."))
    if result == Inspection.Result.REINSPECT:
        if reinspect_on is None:
            raise OfferError(_("Give the date of the re-inspection."))
        if reinspect_on <= visited_on:
            raise OfferError(_("The re-inspection must be after the visit."))
    elif reinspect_on is not None:
        raise OfferError(
            _("Only an inspection to repeat has a re-inspection date: choose “%(result)s” or leave the date empty.")
            % {"result": Inspection.Result.REINSPECT.label}
        )
    return items


def offer_inspect(
    *,
    offer: HousingOffer,
    inspector: User,
    visited_on: datetime.date,
    checklist: dict[str, Any],
    result: str,
    notes: str = "",
    reasons: list[str] | tuple[str, ...] = (),
    other_reason: str = "",
    reinspect_on: datetime.date | None = None,
    files: list | tuple = (),
) -> Inspection:
    """Record a visit, with its checklist (a typed result per item), the typed reasons of a failure and
    its evidence (photos and PDF documents, `housing.evidence`). A pass makes the offer available; a
    fail returns it to the sponsor with the reasons; a re-inspection keeps it submitted, and it is back
    among the offers to inspect (`housing.selectors.offers_to_inspect`) on the re-inspection date.
    Nothing is saved when anything is refused (files included)."""
    if not can_inspect_offer(inspector, offer):
        raise PermissionDenied
    offer.refresh_from_db(fields=["status"])
    if not OFFER_WORKFLOW.allowed(offer.status, Status.INSPECTED, Role.CASEWORKER):
        raise OfferError(_("Only a submitted offer can be inspected."))
    reasons = sorted(set(reasons))
    other_reason = other_reason.strip()
    items = inspection_validate(
        visited_on=visited_on,
        checklist=checklist,
        result=result,
        reasons=reasons,
        other_reason=other_reason,
        reinspect_on=reinspect_on,
    )
    prepared = evidence_prepare(files)
    inspection = Inspection(
        offer=offer,
        inspector=inspector,
        visited_on=visited_on,
        result=result,
        notes=notes.strip(),
        other_reason=other_reason,
        reinspect_on=reinspect_on,
        **items,
    )
    stored: list = []
    try:
        with transaction.atomic():
            inspection.full_clean()
            inspection.save()
            InspectionFailure.objects.bulk_create(
                [InspectionFailure(inspection=inspection, reason=reason) for reason in reasons]
            )
            evidence_store(inspection=inspection, prepared=prepared, by=inspector, stored=stored)
            if result == Inspection.Result.PASS:
                offer_transition(offer=offer, to=Status.INSPECTED, by=inspector, note=inspection.notes)
                offer = offer_transition(offer=offer, to=Status.AVAILABLE, by=inspector)
            elif result == Inspection.Result.FAIL:
                note = inspection.reasons_text()
                offer = offer_transition(offer=offer, to=Status.DRAFT, by=inspector, note=note)
            task_enqueue(task=OFFER_INSPECTION_NOTIFY_TASK, args=[inspection.pk])
    except Exception:
        evidence_files_delete(stored)
        raise
    return inspection


def offer_inspection_notify(*, inspection_id: int) -> bool:
    inspection = Inspection.objects.select_related("offer__sponsor__user").filter(pk=inspection_id).first()
    if inspection is None or inspection.offer.sponsor.user is None:
        return False
    user = inspection.offer.sponsor.user
    if inspection.result == Inspection.Result.PASS:
        user_notify(user=user, code=INSPECTION_PASSED, params={"offer": inspection.offer_id})
    else:
        code = INSPECTION_REINSPECT if inspection.result == Inspection.Result.REINSPECT else INSPECTION_FAILED
        user_notify(user=user, code=code, params={"offer": inspection.offer_id, "inspection": inspection.pk})
    return True


def offer_reconfirm(*, offer: HousingOffer, by: User) -> HousingOffer:
    """The sponsor confirms that an available offer still stands."""
    if not can_edit_offer(by, offer):
        raise PermissionDenied
    if offer.status != Status.AVAILABLE:
        raise OfferError(_("Only an available offer can be confirmed."))
    HousingOffer.objects.filter(pk=offer.pk).update(
        confirmed_at=timezone.now(), reconfirmation_requested_at=None, updated_at=timezone.now()
    )
    offer.refresh_from_db()
    return offer


def offers_expire(*, today: datetime.date | None = None) -> int:
    """Periodic: offers whose end date has passed expire. Idempotent."""
    today = today or timezone.localdate()
    expired = 0
    due = HousingOffer.objects.filter(
        status__in=[Status.AVAILABLE, Status.RESERVED], available_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        offer = HousingOffer.objects.get(pk=pk)
        try:
            offer_transition(offer=offer, to=Status.EXPIRED, by=None, note=_("The end date has passed."))
        except OfferError:
            continue  # changed meanwhile
        expired += 1
    return expired


def offers_reconfirmation_request(*, now: datetime.datetime | None = None) -> int:
    """Periodic: ask sponsors to reconfirm available offers not confirmed for OFFER_RECONFIRM_DAYS. Idempotent."""
    now = now or timezone.now()
    threshold = now - datetime.timedelta(days=settings.OFFER_RECONFIRM_DAYS)
    sent = 0
    due = HousingOffer.objects.filter(
        status=Status.AVAILABLE, confirmed_at__lt=threshold, reconfirmation_requested_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            offer = (
                HousingOffer.objects.select_for_update(of=("self",))
                .select_related("sponsor__user")
                .filter(pk=pk, reconfirmation_requested_at__isnull=True)
                .first()
            )
            if offer is None or offer.sponsor.user is None:
                continue
            user = offer.sponsor.user
            user_notify(
                user=user,
                code=OFFER_RECONFIRM,
                params={"offer": offer.pk, "days": settings.OFFER_RECONFIRM_GRACE_DAYS},
            )
            offer.reconfirmation_requested_at = now
            offer.save(update_fields=["reconfirmation_requested_at"])
            sent += 1
    return sent


def offers_withdraw_and_erase(*, sponsor: SponsorProfile, by: User) -> None:
    """For account deletion: withdraw every open offer and erase what could identify a person."""
    for offer in HousingOffer.objects.filter(sponsor=sponsor):
        if OFFER_WORKFLOW.exists(offer.status, Status.WITHDRAWN):
            offer_transition(offer=offer, to=Status.WITHDRAWN, by=by, note="")
        for photo in offer.photos.all():
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        offer.photos.all().delete()
        offer.transitions.update(note="")
        # The evidence of the visits (photos of the home, documents) goes from storage and database;
        # the typed results and reasons stay (they say nothing about the person).
        # (their files leave storage after commit: `housing.evidence.evidence_forget`).
        InspectionFile.objects.filter(inspection__offer=offer).delete()
        offer.inspections.update(notes="", other_reason="")
        HousingOffer.objects.filter(pk=offer.pk).update(street_address="", description="", floor=None)
