from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.models import HousingOffer, Inspection
from housing.services import EDITABLE_FIELDS
from projects.models import Language, Municipality

_COSTS = EDITABLE_FIELDS.index("cost")


class DateInput(forms.DateInput):
    input_type = "date"


class HousingOfferForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), to_field_name="slug", required=False
    )
    host_languages = forms.ModelMultipleChoiceField(
        label=_("Languages spoken by the host"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = HousingOffer
        # The sponsor's editable fields (one list, in `housing.services`), with the host languages before the costs.
        fields = [*EDITABLE_FIELDS[:_COSTS], "host_languages", *EDITABLE_FIELDS[_COSTS:]]
        widgets = {
            "available_from": DateInput(),
            "available_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Most homes host one household: an empty field means one.
        self.fields["max_households"].required = False

    def clean_max_households(self):
        return self.cleaned_data.get("max_households") or 1

    def clean_available_from(self):
        value = self.cleaned_data.get("available_from")
        if value and value < timezone.localdate() and value != self.initial.get("available_from"):
            raise forms.ValidationError(_("This date is in the past."))
        return value

    def clean_available_until(self):
        value = self.cleaned_data.get("available_until")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("This date is in the past."))
        return value


class OfferPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG, PNG or WebP)"))


class InspectionForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    safety = forms.BooleanField(label=_("Safe"), required=False)
    heating = forms.BooleanField(label=_("Heating works"), required=False)
    water_sanitation = forms.BooleanField(label=_("Water and sanitation"), required=False)
    smoke_detector = forms.BooleanField(label=_("Smoke detector"), required=False)
    matches_description = forms.BooleanField(label=_("Matches the description"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=Inspection.Result.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes (reasons when it fails)"), required=False, widget=forms.Textarea)
