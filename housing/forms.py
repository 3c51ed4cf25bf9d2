from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.models import HousingOffer, Inspection, InspectionFailure
from housing.services import OFFER_STEPS, REQUIRED_TO_SUBMIT
from projects.models import Language, Municipality


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
        # The sponsor's editable fields, in the order of the form's steps (one list, in `housing.services`).
        fields = [name for step in OFFER_STEPS for name in step.fields]
        widgets = {
            "available_from": DateInput(),
            "available_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        }

    def __init__(self, *args, step: str | None = None, **kwargs):
        """`step`: the slug of one of `OFFER_STEPS`, to ask only for its fields (in its order)."""
        super().__init__(*args, **kwargs)
        # Most homes host one household: an empty field means one.
        self.fields["max_households"].required = False
        if step is not None:
            names = next(each.fields for each in OFFER_STEPS if each.slug == step)
            self.fields = {name: self.fields[name] for name in names if name in self.fields}
        # A draft may stay unfinished: these are marked, and checked when the offer is submitted.
        for name in REQUIRED_TO_SUBMIT:
            if name in self.fields:
                self.fields[name].required_to_submit = True
                self.fields[name].widget.attrs["aria-required"] = "true"

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos; each file is checked by `housing.photos.offer_photos_add`, on its own, so that
    one bad file does not keep the good ones out."""

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        # Only empty files (or none): nothing was chosen. An empty file among others is refused alone.
        if self.required and not any(getattr(upload, "size", 0) for upload in uploads):
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return uploads


class OfferPhotosForm(forms.Form):
    photo = PhotosField(
        label=_("Photos (JPEG, PNG or WebP)"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "data-previews": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = gettext(
            "You can choose several photos at once (an offer has at most %(count)s, each up to %(size)s MB). "
            "The first photo is the cover."
        ) % {"count": settings.OFFER_PHOTO_MAX_COUNT, "size": settings.OFFER_PHOTO_MAX_BYTES // (1024 * 1024)}


class MultipleFileField(forms.FileField):
    """Several files in one field (the checks of each file are the service's)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _item_field(label):
    return forms.ChoiceField(label=label, choices=Inspection.ItemResult.choices, widget=forms.RadioSelect)


class InspectionForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    safety = _item_field(_("Safe"))
    heating = _item_field(_("Heating works"))
    water_sanitation = _item_field(_("Water and sanitation"))
    smoke_detector = _item_field(_("Smoke detector"))
    matches_description = _item_field(_("Matches the description"))
    result = forms.ChoiceField(label=_("Result"), choices=Inspection.Result.choices, widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons why it did not pass"),
        choices=InspectionFailure.Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_reason = forms.CharField(label=_("Other reason"), max_length=500, required=False)
    reinspect_on = forms.DateField(
        label=_("Re-inspection date"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when the result is “Fixable: inspect again”."),
    )
    files = MultipleFileField(
        label=_("Photos and documents"),
        required=False,
        help_text=_("PDF documents or JPEG, PNG or WebP photos; at most 5 files of 8 MB each."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
