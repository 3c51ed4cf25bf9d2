import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from housing import photos, services
from housing.forms import HousingOfferForm, OfferPhotosForm
from housing.models import HousingOffer
from housing.selectors import offer_get_for_user, offer_next_step
from portal.confirm import Confirmation, confirm_then
from portal.panels import panels_render
from sponsorship.selectors import sponsor_for_user


def _show_error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


STEPS = services.OFFER_STEPS
STEP_SLUGS = [step.slug for step in STEPS]


def _step_url(offer, slug: str) -> str:
    return reverse("housing:offer-edit-step", kwargs={"pk": offer.pk, "step": slug})


def _step_context(offer, slug: str) -> dict:
    """The step indicator: every step, the current one, and links once the draft exists."""
    index = STEP_SLUGS.index(slug)
    return {
        "step": STEPS[index],
        "step_number": index + 1,
        "step_total": len(STEPS),
        "steps": [
            {
                "number": number,
                "title": step.title,
                "current": step.slug == slug,
                "url": _step_url(offer, step.slug) if offer is not None and offer.pk else "",
            }
            for number, step in enumerate(STEPS, start=1)
        ],
        "first_step": index == 0,
        "last_step": index == len(STEPS) - 1,
    }


def _go(request, offer, slug: str):
    """Where a step's buttons lead, once it is saved: back, next, or (saving the draft) the offer."""
    index = STEP_SLUGS.index(slug)
    go = request.POST.get("go")
    if go == "back" and index > 0:
        return redirect(_step_url(offer, STEP_SLUGS[index - 1]))
    if go == "next" and index < len(STEPS) - 1:
        return redirect(_step_url(offer, STEP_SLUGS[index + 1]))
    messages.success(request, _("The offer is saved as a draft."))
    return redirect(offer.get_absolute_url())


def _offer_form_view(request, slug: str, offer=None):
    """One step of the offer form with fields: only its fields are saved, as a draft."""
    sponsor = sponsor_for_user(user=request.user)
    if sponsor is None:
        messages.info(request, _("Complete your sponsor profile before offering housing."))
        return redirect("sponsorship:profile")
    initial = {"municipality": offer.municipality.slug} if offer and offer.municipality else None
    form = HousingOfferForm(request.POST or None, instance=offer, initial=initial, step=slug)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in services.EDITABLE_FIELDS if key in form.cleaned_data}
        languages = form.cleaned_data.get("host_languages")
        try:
            saved = services.offer_save(
                sponsor=sponsor,
                offer=offer,
                data=data,
                host_languages=None if languages is None else list(languages),
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
            return _go(request, saved, slug)
    context = {"form": form, "offer": offer, **_step_context(offer, slug)}
    return render(request, "housing/offer_form.html", context)


def _photos_add(request, offer, uploads: list) -> bool:
    """Add the uploaded photos, each on its own; tell which were added and why others were not.
    True when every file was taken."""
    saved, refused = photos.offer_photos_add(offer=offer, uploads=uploads, by=request.user)
    if saved:
        messages.success(
            request,
            ngettext("The photo is added.", "%(count)s photos are added.", len(saved)) % {"count": len(saved)},
        )
    for name, reason in refused:
        messages.error(request, _("“%(name)s” is not added: %(reason)s") % {"name": name, "reason": reason})
    return not refused


def _offer_photos_step(request, offer):
    form = OfferPhotosForm(request.POST or None, request.FILES or None)
    form.fields["photo"].required = False
    if request.method == "POST":
        uploads = form.cleaned_data["photo"] if form.is_valid() else []
        if not _photos_add(request, offer, uploads) or request.POST.get("go") == "upload":
            return redirect(_step_url(offer, "photos"))
        return _go(request, offer, "photos")
    context = {"photo_form": form, "offer": offer, **_step_context(offer, "photos")}
    return render(request, "housing/offer_form.html", context)


def _review_rows(offer) -> list[dict]:
    """The review step: each step's answers, and what is missing, with links to the fields."""
    problems = services.offer_problems(offer)
    labels = HousingOfferForm().fields
    rows = []
    for step in STEPS:
        if not step.fields:
            continue
        answers = []
        for name in step.fields:
            value = getattr(offer, name)
            if name == "host_languages":
                value = ", ".join(language.name for language in value.all())
            elif HousingOffer._meta.get_field(name).choices:
                value = getattr(offer, f"get_{name}_display")()
            elif isinstance(value, bool):
                value = _("Yes") if value else _("No")
            elif isinstance(value, datetime.date):
                value = date_format(value, "DATE_FORMAT")
            answers.append({"label": labels[name].label, "value": "–" if value in (None, "") else value})
        url = _step_url(offer, step.slug)
        rows.append(
            {
                "title": step.title,
                "url": url,
                "answers": answers,
                "problems": [
                    {"label": labels[name].label, "reason": reason, "url": f"{url}#id_{name}"}
                    for name, reason in problems
                    if name in step.fields
                ],
            }
        )
    return rows


def _offer_review_step(request, offer):
    if request.method == "POST":
        return _go(request, offer, "review")
    rows = _review_rows(offer)
    context = {
        "offer": offer,
        "review": rows,
        "problem_count": sum(len(row["problems"]) for row in rows),
        **_step_context(offer, "review"),
    }
    return render(request, "housing/offer_form.html", context)


@login_required
def offer_create(request):
    return _offer_form_view(request, STEP_SLUGS[0])


@login_required
def offer_edit(request, pk: int):
    offer = offer_get_for_user(user=request.user, pk=pk)
    return redirect(_step_url(offer, STEP_SLUGS[0]))


@login_required
def offer_edit_step(request, pk: int, step: str):
    offer = offer_get_for_user(user=request.user, pk=pk)
    if step not in STEP_SLUGS:
        raise Http404
    if offer.status != offer.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(offer.get_absolute_url())
    if step == "photos":
        return _offer_photos_step(request, offer)
    if step == "review":
        return _offer_review_step(request, offer)
    return _offer_form_view(request, step, offer)


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
            "photo_form": OfferPhotosForm(),
            "next_step": offer_next_step(offer),
            # Where the offer stands on the sponsor's path (matching's panel), in place of `next_step`.
            "panels": panels_render(page="housing:offer-detail", request=request),
            "can_submit": offer.Status.SUBMITTED in steps,
            "can_reopen": offer.Status.DRAFT in steps,
            "can_withdraw": offer.Status.WITHDRAWN in steps,
        },
    )


def _photos_back_url(request, offer) -> str:
    """Back to the photos: the form's photos step (`back=step`, posted or in the query), or the offer's page."""
    back = request.POST.get("back") or request.GET.get("back")
    if back == "step" and offer.status == offer.Status.DRAFT:
        return _step_url(offer, "photos")
    return offer.get_absolute_url() + "#photos"


def _photos_back(request, offer):
    return redirect(_photos_back_url(request, offer))


@login_required
@require_POST
def offer_photo_add(request, pk: int):
    offer = offer_get_for_user(user=request.user, pk=pk)
    form = OfferPhotosForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
    else:
        _photos_add(request, offer, form.cleaned_data["photo"])
    return _photos_back(request, offer)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_photo_delete(request, pk: int, photo_pk: int):
    """Remove a photo, after a confirmation page (GET; a POST without `confirm` comes back to it)."""
    offer = offer_get_for_user(user=request.user, pk=pk)
    photo = get_object_or_404(offer.photos, pk=photo_pk)
    back = _photos_back_url(request, offer)

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


@login_required
@require_POST
def offer_photo_move(request, pk: int, photo_pk: int):
    """Move a photo up (towards the cover, the first) or down."""
    offer = offer_get_for_user(user=request.user, pk=pk)
    photo = get_object_or_404(offer.photos, pk=photo_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Move the photo up or down."))
    try:
        photos.offer_photo_move(photo=photo, up=direction == "up", by=request.user)
    except ValidationError as error:
        _show_error(request, error)
    else:
        messages.success(request, _("The order of the photos is changed."))
    return _photos_back(request, offer)


def _action(service, success: str, refused_url=None):
    @login_required
    @require_POST
    def view(request, pk: int):
        offer = offer_get_for_user(user=request.user, pk=pk)
        try:
            service(offer=offer, by=request.user)
        except ValidationError as error:
            _show_error(request, error)
            if refused_url and (url := refused_url(offer)):
                return redirect(url)
        else:
            messages.success(request, _(success))
        return redirect(offer.get_absolute_url())

    return view


offer_submit = _action(
    services.offer_submit,
    gettext_noop("The offer is submitted. A caseworker will contact you to visit."),
    # A draft that cannot be submitted yet: its review lists what is missing, with links.
    refused_url=lambda offer: _step_url(offer, "review") if offer.status == offer.Status.DRAFT else None,
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
