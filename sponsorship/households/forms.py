"""Caseworkers' forms about households (in the admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sponsorship.households import privacy


class HouseholdEraseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (value, label) for value, label in privacy.ErasureReason.choices if value != privacy.ErasureReason.RETENTION
        ],
    )
    confirm = forms.BooleanField(
        label=_("I understand that the personal data is erased for good and cannot be restored."), required=True
    )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
