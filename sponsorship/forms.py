import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from projects.models import Language, Municipality
from sponsorship.models import SponsorPerson, SponsorProfile

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,25}$")


class SponsorProfileForm(forms.ModelForm):
    # The person's name, stored on their account (`sponsor_profile_save`); a group or organisation also
    # gives its own name (`organisation_name`).
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), to_field_name="slug"
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages spoken"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(label=_("I agree to the processing of my data as described above."), required=False)

    class Meta:
        model = SponsorProfile
        fields = ["kind", "organisation_name", "municipality", "country", "languages", "phone", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 5, "maxlength": 3000})}
        help_texts = {
            "organisation_name": _("For a community group, agency, municipality or organisation: its name."),
            "motivation": _("Why would you like to become a sponsor? Write in any language."),
        }

    field_order = ["first_name", "last_name", "kind", "organisation_name"]

    def __init__(self, *args, consent_required: bool = True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
        self.consent_required = consent_required
        self.fields["consent"].required = consent_required
        self.fields["country"].choices = [(code, countries.name(code)) for code in settings.SPONSOR_COUNTRIES]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number with digits, spaces and an optional leading +."))
        return phone

    def clean_first_name(self):
        return self._name("first_name")

    def clean_last_name(self):
        return self._name("last_name")

    def _name(self, field: str) -> str:
        value = " ".join(self.cleaned_data[field].split())
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value

    def clean_motivation(self):
        motivation = self.cleaned_data["motivation"]
        if len(motivation) > 3000:
            raise forms.ValidationError(_("Keep the motivation under 3000 characters."))
        return motivation


class GroupMemberInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role in the group"), choices=[(role.value, role.label) for role in SponsorPerson.GROUP_ROLES]
    )


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted and my offers withdrawn."),
        required=True,
    )


class DecisionForm(forms.Form):
    """A caseworker verifies or rejects a sponsor (in the admin)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify the sponsor")), ("reject", _("Reject the sponsor"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label=_("Notes for caseworkers"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for a rejection (the sponsor reads it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
