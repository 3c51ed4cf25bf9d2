from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MatchProposal


class SponsorAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Yes, I can host this household")), ("decline", _("No, I decline"))],
        widget=forms.RadioSelect,
    )
    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"), choices=[("", "—"), *MatchProposal.DeclineReason.choices], required=False
    )
    note = forms.CharField(label=_("Anything to add"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("answer") == "decline" and not data.get("decline_reason"):
            self.add_error("decline_reason", _("Choose the reason for declining."))
        return data
