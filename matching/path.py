"""The sponsor's path, told truthfully: one selector for every page, email and notification about it.

`sponsor_path(user=...)` computes, for the user as a sponsor and for each of their offers, the steps
account → profile → checks → training → offer → inspection → available → proposal → placement, each
with its state (done, current, blocked, to do), what blocks it (the rules of
`sponsorship.selectors.sponsor_matching_blockers`, each on its step, and the offer's own state) and
what to do next, in words, with a link where there is one. It lives in the top layer because it reads
proposals and placements; the lower apps' pages get it through panels (`portal.panels`, registered in
`MatchingConfig.ready`) and the verification notice through its notification kind
(`matching.notification_kinds`). A fixed number of queries, whatever the number of offers.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from housing.access import offers_for
from housing.models import HousingOffer
from matching.models import MatchProposal
from matching.selectors import proposal_list_for_sponsor
from portal.formatting import datetime_display
from sponsorship.models import SponsorProfile
from sponsorship.selectors import VERIFICATION, sponsor_for_user, sponsor_matching_blockers_by_kind

DONE, CURRENT, BLOCKED, TODO = "done", "current", "blocked", "todo"
# The training requirement's name (`training.apps`); the other registered requirements (safeguarding)
# block on the checks' step.
TRAINING = "training"

S = MatchProposal.Status
O = HousingOffer.Status  # noqa: E741
# The proposals that tell where an offer is on the path: open ones the sponsor sees, and the placement.
_PATH_PROPOSALS = [S.SENT, S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED, S.MEETING, S.CONFIRMED]
# The offer on the dashboard's indicator is the one furthest along (a withdrawn one is left out).
_PROGRESS = [O.EXPIRED, O.DRAFT, O.SUBMITTED, O.INSPECTED, O.AVAILABLE, O.RESERVED, O.OCCUPIED]
_OFFER_FIELDS = (
    "kind",
    "status",
    "capacity",
    "available_from",
    "reconfirmation_requested_at",
    "created_at",
    *(f"municipality__name_{code}" for code in settings.MODELTRANSLATION_LANGUAGES),
)


def _labels() -> dict[str, str]:
    return {
        "account": pgettext("sponsor path", "Account"),
        "profile": pgettext("sponsor path", "Profile"),
        "checks": pgettext("sponsor path", "Checks"),
        "training": pgettext("sponsor path", "Training"),
        "offer": pgettext("sponsor path", "Housing offer"),
        "inspection": pgettext("sponsor path", "Inspection"),
        "available": pgettext("sponsor path", "Available"),
        "proposal": pgettext("sponsor path", "Proposal"),
        "placement": pgettext("sponsor path", "Placement"),
    }


def _state_labels() -> dict[str, str]:
    return {
        DONE: pgettext("sponsor path step", "Done"),
        CURRENT: pgettext("sponsor path step", "In progress"),
        BLOCKED: pgettext("sponsor path step", "Blocked"),
        TODO: pgettext("sponsor path step", "To do"),
    }


@dataclass
class NextStep:
    """What to do next, in words, and where (empty when there is no page for it)."""

    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Step:
    key: str
    state: str
    blockers: list[str] = field(default_factory=list)
    next: NextStep | None = None

    @property
    def label(self) -> str:
        return _labels()[self.key]

    @property
    def state_label(self) -> str:
        return _state_labels()[self.state]


@dataclass
class OfferPath:
    offer: HousingOffer
    steps: list[Step]
    next: NextStep
    proposal: MatchProposal | None = None
    answer_by: datetime.datetime | None = None
    can_be_matched: bool = False


@dataclass
class SponsorPath:
    """The sponsor's steps and each offer's; `steps` are the nine steps of the dashboard's indicator (the
    offer's part from the offer furthest along), `current` the key of the first step not done."""

    sponsor: SponsorProfile | None
    steps: list[Step]
    offers: list[OfferPath]
    blockers: list[str]
    proposals: list[MatchProposal]
    next: NextStep
    current: str = ""

    @property
    def ready(self) -> bool:
        """Nothing on the sponsor's side blocks matching (profile verified, checks, training)."""
        return self.sponsor is not None and not self.blockers

    @property
    def can_be_matched(self) -> bool:
        """Nothing blocks and an offer is available: a caseworker may propose a household for it."""
        return any(offer_path.can_be_matched for offer_path in self.offers)

    def offer_path(self, pk: int) -> OfferPath | None:
        return next((offer_path for offer_path in self.offers if offer_path.offer.pk == pk), None)


def proposal_answer_by(proposal: MatchProposal) -> datetime.datetime | None:
    """When an answer awaited on the proposal is due: it expires `PROPOSAL_EXPIRY_DAYS` after it started
    waiting (`matching.services.proposals.proposals_expire`)."""
    if proposal.status not in MatchProposal.AWAITING or proposal.awaiting_since is None:
        return None
    return proposal.awaiting_since + datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS)


def _date(moment: datetime.datetime) -> str:
    # The date and the time: a proposal expires to the minute, not at the end of that day.
    return datetime_display(moment)


def _sponsor_steps(sponsor: SponsorProfile | None, by_kind: dict[str, list[str]]) -> list[Step]:
    profile_url = reverse("sponsorship:profile")
    if sponsor is None:
        profile = Step("profile", CURRENT, next=NextStep(_("Complete your sponsor profile."), profile_url))
        return [Step("account", DONE), profile, Step("checks", TODO), Step("training", TODO)]
    if sponsor.status == SponsorProfile.Status.VERIFIED:
        profile = Step("profile", DONE)
    elif sponsor.status == SponsorProfile.Status.REJECTED:
        profile = Step(
            "profile",
            BLOCKED,
            blockers=[_("Your profile was not verified. Reason: %(reason)s") % {"reason": sponsor.rejection_reason}],
            next=NextStep(_("Update your profile or contact your caseworker."), profile_url),
        )
    else:
        profile = Step(
            "profile",
            CURRENT,
            blockers=list(by_kind.get(VERIFICATION, [])),
            next=NextStep(_("A caseworker will check your profile and contact you.")),
        )
    check_blockers = [
        blocker for kind, blockers in by_kind.items() if kind not in (VERIFICATION, TRAINING) for blocker in blockers
    ]
    checks = (
        Step(
            "checks",
            BLOCKED,
            blockers=check_blockers,
            next=NextStep(_("A caseworker records each check: give them the documents they ask for.")),
        )
        if check_blockers
        else Step("checks", DONE)
    )
    training_blockers = by_kind.get(TRAINING, [])
    training = (
        Step(
            "training",
            BLOCKED,
            blockers=list(training_blockers),
            next=NextStep(_("Enrol in a session of the required training."), reverse("training:programme-list")),
        )
        if training_blockers
        else Step("training", DONE)
    )
    return [Step("account", DONE), profile, checks, training]


def _offer_path(offer: HousingOffer, proposal: MatchProposal | None, blockers: list[str]) -> OfferPath:
    """One offer's five steps and its next step. `blockers`: what blocks the sponsor's matching."""
    url = offer.get_absolute_url()
    status = offer.status
    steps = {key: Step(key, TODO) for key in ("offer", "inspection", "available", "proposal", "placement")}
    answer_by = proposal_answer_by(proposal) if proposal else None
    can_be_matched = False
    next_step = NextStep("")
    if status == O.DRAFT:
        next_step = NextStep(_("Complete the offer, add photos and submit it for inspection."), url)
        steps["offer"] = Step("offer", CURRENT, next=next_step)
    else:
        steps["offer"] = Step("offer", DONE)
    if status == O.SUBMITTED:
        next_step = NextStep(_("A caseworker will contact you to visit the home."))
        steps["inspection"] = Step("inspection", CURRENT, next=next_step)
    elif status == O.INSPECTED:
        steps["inspection"] = Step("inspection", DONE)
        next_step = NextStep(_("The home passed its inspection: a caseworker will make the offer available."))
        steps["available"] = Step("available", CURRENT, next=next_step)
    elif status == O.EXPIRED:
        steps["inspection"] = Step("inspection", DONE)
        next_step = NextStep(_("The offer has expired: reopen it to change its dates."), url)
        steps["available"] = Step("available", BLOCKED, blockers=[_("The offer has expired.")], next=next_step)
    elif status == O.AVAILABLE:
        steps["inspection"] = Step("inspection", DONE)
        if offer.reconfirmation_requested_at:
            next_step = NextStep(_("Please confirm that the offer still stands."), url)
            steps["available"] = Step("available", CURRENT, next=next_step)
        elif blockers:
            next_step = NextStep(_("Your offer is available, but it cannot be matched until what is missing is done."))
            steps["available"] = Step("available", BLOCKED, blockers=list(blockers), next=next_step)
        else:
            can_be_matched = True
            steps["available"] = Step("available", DONE)
            next_step = NextStep(_("Your offer can be matched: a caseworker may propose a household for it."))
            steps["proposal"] = Step("proposal", CURRENT, next=next_step)
    elif status in (O.RESERVED, O.OCCUPIED):
        steps["inspection"] = Step("inspection", DONE)
        steps["available"] = Step("available", DONE)
        proposal_status = proposal.status if proposal else None
        if status == O.OCCUPIED or proposal_status == S.CONFIRMED:
            steps["proposal"] = Step("proposal", DONE)
            steps["placement"] = Step("placement", DONE)
            next_step = NextStep(_("The household lives in your home: your caseworker will follow up."))
        elif proposal_status == S.SENT and proposal is not None:
            proposal_url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})
            text = (
                _("A household is proposed for your offer: answer the proposal by %(date)s.")
                % {"date": _date(answer_by)}
                if answer_by
                else _("A household is proposed for your offer: answer the proposal.")
            )
            next_step = NextStep(text, proposal_url)
            steps["proposal"] = Step("proposal", CURRENT, next=next_step)
        elif proposal_status == S.SPONSOR_ACCEPTED:
            next_step = NextStep(_("You accepted the proposal: your caseworker now asks the household."))
            steps["proposal"] = Step("proposal", CURRENT, next=next_step)
        elif proposal_status in (S.BENEFICIARY_ACCEPTED, S.MEETING) and proposal is not None:
            steps["proposal"] = Step("proposal", DONE)
            proposal_url = reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})
            text = (
                _("Meet the household as arranged with your caseworker.")
                if proposal_status == S.MEETING
                else _("The household accepted: your caseworker will arrange a meeting with you.")
            )
            next_step = NextStep(text, proposal_url)
            steps["placement"] = Step("placement", CURRENT, next=next_step)
        else:
            next_step = NextStep(_("A household has been proposed: your caseworker will tell you more."))
            steps["proposal"] = Step("proposal", CURRENT, next=next_step)
    elif status == O.WITHDRAWN:
        next_step = NextStep(_("The offer is withdrawn."))
        steps["offer"] = Step("offer", BLOCKED, blockers=[_("The offer is withdrawn.")], next=next_step)
    return OfferPath(
        offer=offer,
        steps=list(steps.values()),
        next=next_step,
        proposal=proposal,
        answer_by=answer_by,
        can_be_matched=can_be_matched,
    )


def _next(sponsor, sponsor_steps: list[Step], offers: list[OfferPath]) -> NextStep:
    """The one thing to do next: an answer awaited from the sponsor comes first, then what they can do
    themselves, then what they wait for."""
    by_key = {step.key: step for step in sponsor_steps}
    live = [offer_path for offer_path in offers if offer_path.offer.status != O.WITHDRAWN]
    awaiting = [op for op in live if op.proposal is not None and op.proposal.status == S.SENT]
    if awaiting:
        return min(awaiting, key=lambda op: op.answer_by or timezone.now()).next
    if sponsor is None or by_key["profile"].state == BLOCKED:
        return by_key["profile"].next or NextStep("")
    if not live:
        return NextStep(_("Offer housing: describe the home you can offer."), reverse("housing:offer-create"))
    for status in (O.AVAILABLE, O.DRAFT, O.EXPIRED):
        for offer_path in live:
            if offer_path.offer.status == status and offer_path.next.url and not offer_path.can_be_matched:
                return offer_path.next
    for key in ("training", "profile", "checks"):
        if by_key[key].state in (CURRENT, BLOCKED) and by_key[key].next:
            return by_key[key].next  # type: ignore[return-value]
    for offer_path in live:
        if offer_path.can_be_matched:
            return offer_path.next
    return max(live, key=lambda op: _PROGRESS.index(op.offer.status)).next


def sponsor_path(*, user, today: datetime.date | None = None) -> SponsorPath:
    """The user's path as a sponsor (see the module's docstring)."""
    sponsor = sponsor_for_user(user=user)
    by_kind = sponsor_matching_blockers_by_kind(sponsor=sponsor, today=today) if sponsor is not None else {}
    blockers = [blocker for blockers in by_kind.values() for blocker in blockers]
    sponsor_steps = _sponsor_steps(sponsor, by_kind)
    offers = list(
        offers_for(user, as_sponsor=True).select_related("municipality").only(*_OFFER_FIELDS).order_by("-created_at")
    )
    # Every proposal that reached the sponsor (the sponsor's page lists them), newest first; read whatever
    # the offers' states, so that a page reads the same number of queries for each.
    proposal_list = proposal_list_for_sponsor(user=user) if offers else []
    proposals: dict[int, MatchProposal] = {}
    for proposal in reversed(proposal_list):  # the latest of each offer wins
        if proposal.status in _PATH_PROPOSALS:
            proposals[proposal.offer_id] = proposal
    offer_paths = [
        _offer_path(
            offer,
            proposals.get(offer.pk) if offer.status in (O.RESERVED, O.OCCUPIED) else None,
            blockers,
        )
        for offer in offers
    ]
    live = [offer_path for offer_path in offer_paths if offer_path.offer.status != O.WITHDRAWN]
    if live:
        leading = max(live, key=lambda op: _PROGRESS.index(op.offer.status))
        offer_steps = leading.steps
    else:
        offer_steps = [
            Step(
                "offer",
                CURRENT if sponsor is not None else TODO,
                next=NextStep(_("Offer housing: describe the home you can offer."), reverse("housing:offer-create")),
            ),
            *(Step(key, TODO) for key in ("inspection", "available", "proposal", "placement")),
        ]
    steps = [*sponsor_steps, *offer_steps]
    current = next((step.key for step in steps if step.state != DONE), "")
    return SponsorPath(
        sponsor=sponsor,
        steps=steps,
        offers=offer_paths,
        blockers=blockers,
        proposals=proposal_list,
        next=_next(sponsor, sponsor_steps, offer_paths),
        current=current,
    )


def sponsor_path_for_request(request: HttpRequest) -> SponsorPath:
    """`sponsor_path` of the signed-in user, computed once per request (the sponsor's page shows it in
    two panels: the indicator and the offers)."""
    path = getattr(request, "_sponsor_path", None)
    if path is None:
        path = sponsor_path(user=request.user)
        request._sponsor_path = path  # type: ignore[attr-defined]
    return path


def offer_path_context(request: HttpRequest) -> dict:
    """The offer page's panel: where the offer of the URL stands on the path (nothing for an offer that is
    not the reader's: the page itself answers 404 for it)."""
    match = request.resolver_match
    pk = match.kwargs.get("pk") if match else None
    path = sponsor_path_for_request(request)
    offer_path = path.offer_path(int(pk)) if pk is not None else None
    if offer_path is None:
        return {}
    current = next((step.key for step in offer_path.steps if step.state != DONE), "")
    return {"offer_path": offer_path, "offer_current": current, "sponsor_blocked": bool(path.blockers)}
