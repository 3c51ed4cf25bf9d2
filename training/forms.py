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
