from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from matching import selectors
from matching.forms import SponsorAnswerForm
from matching.models import MatchProposal
from matching.path import proposal_answer_by, sponsor_path
from matching.services import proposals
from sponsorship.households.services import household_access_log


@login_required
def proposal_detail(request, pk: int):
    """A sponsor reads a proposal for their offer and answers it. Others get a 404."""
    proposal = get_object_or_404(selectors.proposals_for_sponsor(user=request.user), pk=pk)
    form = SponsorAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            proposals.proposal_transition(
                proposal=proposal,
                to=MatchProposal.Status.SPONSOR_ACCEPTED if accept else MatchProposal.Status.SPONSOR_DECLINED,
                by=request.user,
                note=form.cleaned_data["note"],
                decline_reason="" if accept else form.cleaned_data["decline_reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect("matching:proposal-detail", pk=proposal.pk)
    household_access_log(household=proposal.household, by=request.user)
    # The answer form is shown while the workflow lets this sponsor answer, with the date the proposal
    # expires unanswered; once answered, the page says what happens next (the sponsor's path).
    can_answer = proposals.PROPOSAL_WORKFLOW.may(proposal, MatchProposal.Status.SPONSOR_ACCEPTED, request.user)
    next_step = None
    if not can_answer:
        offer_path = sponsor_path(user=request.user).offer_path(proposal.offer_id)
        next_step = offer_path.next if offer_path else None
    context = {
        "proposal": proposal,
        "household": selectors.household_for_sponsor(proposal=proposal),
        "form": form,
        "can_answer": can_answer,
        "answer_by": proposal_answer_by(proposal) if can_answer else None,
        "next_step": next_step,
    }
    return render(request, "matching/proposal_detail.html", context)


@staff_member_required
def caseworker_dashboard(request):
    return render(request, "matching/caseworker_dashboard.html", selectors.caseworker_agenda(user=request.user))
