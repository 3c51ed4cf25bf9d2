"""The matching app's notification codes and how they read (see `portal.notifications`).

Parameters: "proposal" (the proposal's id) and "admin" (whether the recipient follows it in the admin,
as a caseworker, or on the sponsor's pages); a step also "status" (the status it reached), a reminder
"days" (the time to answer). A run's notice: "run" (the run's id) and "count" (the proposals for the
caseworker's households). Never a household's name or data: the link leads to the pages that check who
may read them."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import MatchProposal
from matching.path import BLOCKED, sponsor_path
from portal.notifications import NotificationKind, Params, notification_kind_register
from sponsorship.models import SponsorProfile
from sponsorship.notification_kinds import SPONSOR_VERIFIED

S = MatchProposal.Status

PROPOSAL_STEP = "matching.proposal_step"
PROPOSAL_REMINDER = "matching.proposal_reminder"
RUN_PROPOSALS = "matching.run_proposals"


def _proposal_link(params: Params) -> str:
    pk = int(params["proposal"])
    if params.get("admin"):
        return reverse("admin:matching_matchproposal_change", args=[pk])
    return reverse("matching:proposal-detail", kwargs={"pk": pk})


def _step_texts() -> dict[str, tuple[str, str]]:
    return {
        S.SENT: (_("New housing proposal"), _("A caseworker proposes a household for your offer. Please answer.")),
        S.SPONSOR_ACCEPTED: (_("The sponsor accepted"), _("The sponsor accepted the proposal. Ask the household.")),
        S.SPONSOR_DECLINED: (_("The sponsor declined"), _("The sponsor declined the proposal.")),
        S.BENEFICIARY_ACCEPTED: (_("The household accepted"), _("The household accepted. A meeting will be arranged.")),
        S.BENEFICIARY_DECLINED: (_("The household declined"), _("The household declined the proposal.")),
        S.MEETING: (_("Meeting arranged"), _("A meeting with the household has been arranged.")),
        S.CONFIRMED: (_("Placement confirmed"), _("The placement is confirmed.")),
        S.WITHDRAWN: (_("Proposal withdrawn"), _("The proposal was withdrawn.")),
        S.EXPIRED: (_("Proposal expired"), _("The proposal expired without an answer.")),
    }


def _step_text(params: Params, index: int) -> str:
    texts = _step_texts()
    status = params.get("status")
    if status in texts:
        return texts[status][index]
    return (_("Proposal updated"), "")[index]


def _run_body(params: Params) -> str:
    count = int(params["count"])
    return ngettext(
        "Matching proposed a home for %(count)s household you follow. Please review the proposal.",
        "Matching proposed homes for %(count)s households you follow. Please review the proposals.",
        count,
    ) % {"count": count}


def _run_link(params: Params) -> str:
    run = int(params["run"])
    return reverse("admin:matching_matchproposal_changelist") + f"?run__id__exact={run}&status__exact=proposed"


def _verified_load(params_list: list[Params]) -> list[Params]:
    """The sponsor's path now, for each verification notice (one sponsor per reader: the path is read once
    per sponsor on the page): what still blocks matching, and whether an offer can be matched."""
    ids = {int(params["sponsor"]) for params in params_list if params.get("sponsor")}
    sponsors = SponsorProfile.objects.filter(pk__in=ids, erased_at__isnull=True).select_related("user")
    paths = {sponsor.pk: sponsor_path(user=sponsor.user) for sponsor in sponsors if sponsor.user_id}
    loaded = []
    for params in params_list:
        path = paths.get(int(params.get("sponsor") or 0))
        if path is None:
            loaded.append(params)
            continue
        # The steps' names only: the details (a co-sponsor's check, a safeguarding hold) stay on the
        # signed-in sponsor page, never in an email.
        missing = [step.label for step in path.steps if step.state == BLOCKED and step.blockers]
        loaded.append({**params, "missing": missing, "matchable": path.can_be_matched})
    return loaded


def _verified_body(params: Params) -> str:
    """Says "can be matched" only when nothing blocks and an offer is available; otherwise what is missing."""
    if "missing" not in params:  # the sponsor's path is not known (an older notice, an erased profile)
        return _(
            "A caseworker has verified your sponsor profile. Your sponsor page shows what is still needed "
            "before your housing offers can be matched."
        )
    if params["missing"]:
        return _(
            "A caseworker has verified your sponsor profile. Before your housing offers can be matched, these "
            "steps are still missing: %(missing)s. Your sponsor page says what each one needs."
        ) % {"missing": ", ".join(params["missing"])}
    if params.get("matchable"):
        return _(
            "A caseworker has verified your sponsor profile. Nothing blocks matching: your available housing "
            "offers can be matched."
        )
    return _(
        "A caseworker has verified your sponsor profile. Nothing else is needed from you: an offer is matched "
        "once it has passed its inspection and is available."
    )


def register() -> None:
    # The sponsorship app's verification notice, told from the sponsor's path (it replaces the text that
    # sponsorship registers, as this app's `ready` runs after it).
    notification_kind_register(
        NotificationKind(
            code=SPONSOR_VERIFIED,
            title=lambda params: _("You are now a verified sponsor"),
            body=_verified_body,
            link=lambda params: reverse("sponsorship:dashboard"),
            load=_verified_load,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=PROPOSAL_STEP,
            title=lambda params: _step_text(params, 0),
            body=lambda params: _step_text(params, 1),
            link=_proposal_link,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=PROPOSAL_REMINDER,
            title=lambda params: _("A housing proposal is waiting for an answer"),
            body=lambda params: (
                _("Please answer within %(days)s days of receiving it; after that it expires.")
                % {"days": int(params["days"])}
            ),
            link=_proposal_link,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=RUN_PROPOSALS,
            title=lambda params: _("New housing proposals to review"),
            body=_run_body,
            link=_run_link,
        )
    )
