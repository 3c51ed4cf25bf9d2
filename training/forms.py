import re

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Municipality


class EventRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), to_field_name="slug", required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name, email and municipality are used to organise this event and to contact me about it."
        ),
        required=True,
    )


# A certificate's code as printed (hexadecimal, see `training.models`), typed with or without spaces and
# dashes, in either case.
CERTIFICATE_CODE_RE = re.compile(r"^[0-9A-Z]{4,20}$")


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example 3F9A1C0B7E2D."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s\-]", "", self.cleaned_data["code"]).upper()
        if not CERTIFICATE_CODE_RE.match(code):
            raise forms.ValidationError(_("Enter the code as printed on the certificate: letters and digits."))
        return code
