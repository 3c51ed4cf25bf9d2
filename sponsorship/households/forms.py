"""Caseworkers' forms about households (in the admin)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sponsorship.households import privacy
from sponsorship.households.models import HouseholdNote


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


# A date and time typed in the browser's own picker (`datetime-local`), read back in the same format.
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class HouseholdNoteForm(forms.Form):
    """A note on the household's timeline: what kind of contact, when, and what was said or done."""

    kind = forms.ChoiceField(label=_("Kind"), choices=HouseholdNote.Kind.choices)
    at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A note records what happened: the time cannot be in the future."))
        return at


class HouseholdMeetingForm(forms.Form):
    """A meeting with the household: without a date it waits in the queue of meetings to arrange."""

    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Leave empty if the meeting is still to be arranged."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    staff_attendees = forms.ModelMultipleChoiceField(
        label=_("Staff attending"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(
        label=_("Other attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("People without an account, by name or role: the household, the sponsor, an interpreter…"),
    )

    def __init__(self, *args, staff_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_attendees"].queryset = staff_choices
        self.fields["staff_attendees"].label_from_instance = lambda user: user.display_name
