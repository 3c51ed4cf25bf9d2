from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from housing import photos, services
from housing.forms import HousingOfferForm, OfferPhotoForm
from housing.selectors import offer_get_for_user, offer_next_step
from portal.confirm import Confirmation, confirm_then
from sponsorship.selectors import sponsor_for_user


def _show_error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _offer_form_view(request, offer=None):
    sponsor = sponsor_for_user(user=request.user)
    if sponsor is None:
        messages.info(request, _("Complete your sponsor profile before offering housing."))
        return redirect("sponsorship:profile")
    initial = {"municipality": offer.municipality.slug} if offer and offer.municipality else None
    form = HousingOfferForm(request.POST or None, instance=offer, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in services.EDITABLE_FIELDS}
        try:
            saved = services.offer_save(
                sponsor=sponsor,
                offer=offer,
                data=data,
                host_languages=list(form.cleaned_data["host_languages"]),
                language_code=get_language(),
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The offer is saved as a draft."))
            return redirect(saved.get_absolute_url())
    return render(request, "housing/offer_form.html", {"form": form, "offer": offer})


@login_required
def offer_create(request):
    return _offer_form_view(request)


@login_required
def offer_edit(request, pk: int):
    offer = offer_get_for_user(user=request.user, pk=pk)
    if offer.status != offer.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(offer.get_absolute_url())
    return _offer_form_view(request, offer)


@login_required
def offer_detail(request, pk: int):
    offer = offer_get_for_user(user=request.user, pk=pk)
    # The buttons are the steps the workflow lets this person take now.
    steps = services.OFFER_WORKFLOW.steps_for(offer, request.user)
    return render(
        request,
        "housing/offer_detail.html",
        {
            "offer": offer,
            "photo_form": OfferPhotoForm(),
            "next_step": offer_next_step(offer),
            "can_submit": offer.Status.SUBMITTED in steps,
            "can_reopen": offer.Status.DRAFT in steps,
            "can_withdraw": offer.Status.WITHDRAWN in steps,
        },
    )


@login_required
@require_POST
def offer_photo_add(request, pk: int):
    offer = offer_get_for_user(user=request.user, pk=pk)
    form = OfferPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
    else:
        try:
            photos.offer_photo_add(offer=offer, upload=form.cleaned_data["photo"], by=request.user)
        except ValidationError as error:
            _show_error(request, error)
        else:
            messages.success(request, _("The photo is added."))
    return redirect(offer.get_absolute_url() + "#photos")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_photo_delete(request, pk: int, photo_pk: int):
    """Remove a photo, after a confirmation page (GET; a POST without `confirm` comes back to it)."""
    offer = offer_get_for_user(user=request.user, pk=pk)
    photo = get_object_or_404(offer.photos, pk=photo_pk)
    back = offer.get_absolute_url() + "#photos"

    def act(reason: str):
        try:
            photos.offer_photo_delete(photo=photo, by=request.user)
        except ValidationError as error:
            _show_error(request, error)
        else:
            messages.success(request, _("The photo is removed."))
        return redirect(back)

    confirmation = Confirmation(
        title=_("Remove this photo?"),
        object_label=str(offer),
        consequences=[_("The photo is deleted from the offer and from the portal. This cannot be undone.")],
        confirm_label=_("Remove the photo"),
        cancel_url=back,
    )
    return confirm_then(request, confirmation, act)


def _action(service, success: str):
    @login_required
    @require_POST
    def view(request, pk: int):
        offer = offer_get_for_user(user=request.user, pk=pk)
        try:
            service(offer=offer, by=request.user)
        except ValidationError as error:
            _show_error(request, error)
        else:
            messages.success(request, _(success))
        return redirect(offer.get_absolute_url())

    return view


offer_submit = _action(
    services.offer_submit, gettext_noop("The offer is submitted. A caseworker will contact you to visit.")
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_withdraw(request, pk: int):
    """Withdraw an offer, after a confirmation page that asks why (the reason is the transition's note)."""
    offer = offer_get_for_user(user=request.user, pk=pk)
    if offer.Status.WITHDRAWN not in services.OFFER_WORKFLOW.steps_for(offer, request.user):
        messages.error(request, _("This offer cannot be withdrawn now."))
        return redirect(offer.get_absolute_url())

    def act(reason: str):
        try:
            services.offer_withdraw(offer=offer, by=request.user, note=reason)
        except ValidationError as error:
            _show_error(request, error)
        else:
            messages.success(request, _("The offer is withdrawn."))
        return redirect(offer.get_absolute_url())

    confirmation = Confirmation(
        title=_("Withdraw this offer?"),
        object_label=str(offer),
        consequences=[
            _("The offer is no longer available for matching; any open proposal for it ends."),
            _("This is final: the offer stays in your list as withdrawn. To offer a home again, create a new offer."),
        ],
        confirm_label=_("Withdraw the offer"),
        cancel_url=offer.get_absolute_url(),
        with_reason=True,
        reason_help=_("Kept in the offer's history and seen by the caseworkers."),
    )
    return confirm_then(request, confirmation, act)


offer_reconfirm = _action(services.offer_reconfirm, gettext_noop("Thank you: the offer is confirmed."))
offer_reopen = _action(
    services.offer_reopen, gettext_noop("The offer is a draft again: update its dates and submit it.")
)
