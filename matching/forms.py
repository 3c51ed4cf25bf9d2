from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.criteria import CRITERIA
from matching.models import FollowUp, MatchingPolicy, MatchProposal, Placement
from matching.services import proposals

S = MatchProposal.Status


class SponsorAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Yes, I can host this household")), ("decline", _("No, I decline"))],
        widget=forms.RadioSelect,
    )
    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"),
        choices=[("", "—"), *MatchProposal.DeclineReason.choices],
        required=False,
        help_text=_("Only when you decline."),
    )
    note = forms.CharField(label=_("Anything to add"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        """A reason is needed to decline (the service records one: `proposal_transition`); one chosen before
        accepting is ignored."""
        data = super().clean()
        if data.get("answer") == "decline" and not data.get("decline_reason"):
            self.add_error("decline_reason", _("Choose the reason for declining."))
        if data.get("answer") == "accept":
            data["decline_reason"] = ""
        return data


class ProposalStepForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"))
    decline_reason = forms.ChoiceField(
        label=_("Reason (when the household declines)"),
        choices=[("", "—"), *MatchProposal.DeclineReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note (required to withdraw)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    move_in_date = forms.DateField(
        label=_("Move-in date (to confirm)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreed_months = forms.IntegerField(label=_("Agreed duration in months (to confirm)"), required=False, min_value=1)

    def __init__(self, *args, proposal: MatchProposal, by, **kwargs):
        super().__init__(*args, **kwargs)
        # Exactly the steps the workflow lets this person take now.
        self.fields["to"].choices = [(to, S(to).label) for to in proposals.PROPOSAL_WORKFLOW.steps_for(proposal, by)]

    def clean(self):
        data = super().clean()
        if data.get("to") == S.CONFIRMED and not (data.get("move_in_date") and data.get("agreed_months")):
            raise forms.ValidationError(_("To confirm, give the move-in date and the agreed duration."))
        return data


class EndPlacementForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Placement.Outcome.choices)
    note = forms.CharField(label=_("About the outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = MatchingPolicy
        fields = [*(criterion.weight_field for criterion in CRITERIA), "waiting_full_days", "reference_rent", "note"]


class FollowUpForm(forms.ModelForm):
    """A follow-up questionnaire's answers: typed, for the pilot's evaluation (the note is the only free text)."""

    integration_steps = forms.MultipleChoiceField(
        label=_("Integration steps taken"),
        choices=FollowUp.IntegrationStep.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rating = forms.TypedChoiceField(
        label=_("Wellbeing and fit (1–5)"),
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1: very poor, 5: very good."),
    )

    class Meta:
        model = FollowUp
        fields = ["rating", "housing_condition", "relationship", "integration_steps", "note", "done_on"]
        widgets = {"done_on": admin_widgets.AdminDateWidget(), "note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"done_on": _("Today, if left empty.")}

    def clean_done_on(self):
        done_on = self.cleaned_data.get("done_on")
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be done in the future."))
        return done_on


# The proposal's page shows each next step as a button with the fields that step needs (`step_forms`);
# every button posts to the step view, which validates with `ProposalStepForm` and calls the services.
STEP_BUTTONS = {
    S.APPROVED: _("Approve"),
    S.SENT: _("Send to the sponsor"),
    S.BENEFICIARY_ACCEPTED: _("The household accepts"),
    S.BENEFICIARY_DECLINED: _("The household declines"),
    S.MEETING: _("Meeting arranged"),
    S.CONFIRMED: _("Confirm the placement"),
    S.WITHDRAWN: _("Withdraw"),
}
# field -> (label, required) of each step; steps not named here take an optional note.
STEP_FIELDS = {
    S.BENEFICIARY_DECLINED: {
        "decline_reason": (_("Why the household declines"), True),
        "note": (_("Details"), False),
    },
    S.WITHDRAWN: {"note": (_("Reason for withdrawing"), True)},
    S.CONFIRMED: {
        "move_in_date": (_("Move-in date"), True),
        "agreed_months": (_("Agreed duration in months"), True),
        "note": (_("Note (optional)"), False),
    },
}
OPTIONAL_NOTE = {"note": (_("Note (optional)"), False)}


def step_forms(*, proposal: MatchProposal, by) -> list[tuple[str, str, ProposalStepForm]]:
    """(step, button label, form) for each step `by` may take on the proposal now, in the workflow's order:
    the step as a hidden field and only the fields it needs, labelled for it (ids unique on the page)."""
    result = []
    for to in proposals.PROPOSAL_WORKFLOW.steps_for(proposal, by):
        form = ProposalStepForm(proposal=proposal, by=by, initial={"to": to}, auto_id=f"id_step_{to}_%s")
        form.fields["to"].widget = forms.HiddenInput()
        wanted = STEP_FIELDS.get(to, OPTIONAL_NOTE)
        for name in list(form.fields):
            if name != "to" and name not in wanted:
                del form.fields[name]
        for name, (label, required) in wanted.items():
            form.fields[name].label = label
            form.fields[name].required = required
        result.append((to, STEP_BUTTONS.get(to, S(to).label), form))
    return result
