"""Who may see and do what in mediation: proposals, placements and their records belong to the
household's organisation; a sponsor sees the proposals sent to their own offers. One predicate per
question, one scoped-queryset helper per model. Whether a user may work on a household's mediation is
`sponsorship.access.can_handle_household`: the same people who handle the household's case."""

from django.db.models import Q, QuerySet

from housing.access import offers_for
from matching.models import FollowUp, MatchProposal, Placement, SafeguardingConcern, UnmatchedHousehold
from portal.access import is_caseworker, organisation_scoped
from portal.workflow import Role
from sponsorship.access import can_handle_household

# What a sponsor sees of the proposals for their offers: never the ones still under the caseworkers'
# review (proposed, approved), nor one withdrawn before or after it reached them.
SPONSOR_VISIBLE = [
    MatchProposal.Status.SENT,
    MatchProposal.Status.SPONSOR_ACCEPTED,
    MatchProposal.Status.SPONSOR_DECLINED,
    MatchProposal.Status.BENEFICIARY_ACCEPTED,
    MatchProposal.Status.BENEFICIARY_DECLINED,
    MatchProposal.Status.MEETING,
    MatchProposal.Status.CONFIRMED,
    MatchProposal.Status.EXPIRED,
]
HOUSEHOLD = "household__organisation"


def proposals_for(user, *, as_sponsor: bool = False) -> QuerySet[MatchProposal]:
    """The proposals this user may see: for staff, those of their organisation's households (every one
    for admins); for a sponsor, those sent to their own offers (`SPONSOR_VISIBLE`). `as_sponsor`: the
    sponsor's view whoever asks (the sponsor's pages, where staff are sponsors like anyone else)."""
    if is_caseworker(user) and not as_sponsor:
        return organisation_scoped(MatchProposal.objects.all(), user, path=HOUSEHOLD)
    return MatchProposal.objects.filter(offer__in=offers_for(user, as_sponsor=True), status__in=SPONSOR_VISIBLE)


def placements_for(user) -> QuerySet[Placement]:
    """The placements this user may see: those of their organisation's households (every one for admins)."""
    return organisation_scoped(Placement.objects.all(), user, path=HOUSEHOLD)


def follow_ups_for(user) -> QuerySet[FollowUp]:
    """The follow-ups of the placements this user may see."""
    return organisation_scoped(FollowUp.objects.all(), user, path=f"placement__{HOUSEHOLD}")


def unmatched_for(user) -> QuerySet[UnmatchedHousehold]:
    """A matching run's households without a proposal, as this user may see them: their organisation's."""
    return organisation_scoped(UnmatchedHousehold.objects.all(), user, path=HOUSEHOLD)


def concerns_for(user) -> QuerySet[SafeguardingConcern]:
    """The safeguarding concerns this user may see: those about a placement belong to the household's
    organisation; those about a sponsor alone concern every caseworker who may propose the sponsor's
    offers (every organisation's). Nobody else sees any."""
    if not is_caseworker(user):
        return SafeguardingConcern.objects.none()
    return SafeguardingConcern.objects.filter(Q(placement__isnull=True) | Q(placement__in=placements_for(user)))


def can_handle_concerns(user) -> bool:
    """Any caseworker raises a safeguarding concern about a sponsor (or closes one): sponsors are
    shared by every organisation."""
    return is_caseworker(user)


def can_run_matching(user) -> bool:
    """Caseworkers start matching runs (the permission is the Caseworkers group's, `portal.roles`)."""
    return is_caseworker(user) and user.has_perm("matching.add_matchingrun")


def proposal_role(proposal: MatchProposal, user) -> str:
    """Who `user` is for the proposal's workflow: a caseworker of the household's organisation (or an
    admin), the offer's sponsor, the system (reminder and expiry jobs, `None`), or anyone else."""
    if user is None:
        return Role.SYSTEM
    if can_handle_household(user, proposal.household):
        return Role.CASEWORKER
    if proposal.offer.sponsor.user_id == user.pk:
        return Role.SPONSOR
    return Role.OTHER
