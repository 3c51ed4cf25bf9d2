import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.panels import panels_render
from sponsorship.forms import AccountDeleteForm, GroupMemberInviteForm, SponsorProfileForm
from sponsorship.models import SponsorProfile
from sponsorship.selectors import consent_current, sponsor_for_user, sponsor_persons
from sponsorship.services import (
    group_invitation_accept,
    group_member_invite,
    sponsor_erase,
    sponsor_export,
    sponsor_profile_save,
)


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def dashboard(request):
    sponsor = sponsor_for_user(user=request.user)
    if sponsor is None:
        messages.info(request, _("Tell us about yourself first: complete your sponsor profile."))
        return redirect("sponsorship:profile")
    context = {
        "sponsor": sponsor,
        "persons": sponsor_persons(sponsor=sponsor),
        # The sponsor's path (what blocks matching, the next step), the offers, the proposals that reached
        # them and the training: panels of the higher apps.
        "panels": panels_render(page="sponsorship:dashboard", request=request),
    }
    return render(request, "sponsorship/dashboard.html", context)


@login_required
def profile(request):
    sponsor = sponsor_for_user(user=request.user)
    consent = consent_current()
    consent_required = sponsor is None or sponsor.consent_text_id != consent.pk
    form = SponsorProfileForm(
        request.POST or None,
        instance=sponsor,
        consent_required=consent_required,
        user=request.user,
        initial={"municipality": sponsor.municipality.slug} if sponsor else None,
    )
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields if key != "languages"}
        try:
            sponsor_profile_save(
                user=request.user,
                data=data,
                languages=list(form.cleaned_data["languages"]),
                consent=form.cleaned_data["consent"],
                language_code=get_language(),
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your sponsor profile is saved."))
            return redirect("sponsorship:dashboard")
    return render(
        request,
        "sponsorship/profile_form.html",
        {"form": form, "sponsor": sponsor, "consent": consent, "consent_required": consent_required},
    )


@login_required
def group(request):
    sponsor = sponsor_for_user(user=request.user)
    if sponsor is None or sponsor.kind != SponsorProfile.Kind.COMMUNITY_GROUP:
        raise PermissionDenied
    form = GroupMemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group_member_invite(sponsor=sponsor, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("sponsorship:group")
    return render(
        request,
        "sponsorship/group.html",
        {"sponsor": sponsor, "form": form, "persons": sponsor_persons(sponsor=sponsor)},
    )


@login_required
def invitation(request, token: str):
    if request.method == "POST":
        try:
            person = group_invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        messages.success(
            request, _("You have joined the group %(group)s.") % {"group": person.sponsor.organisation_name}
        )
        return redirect("home")
    return render(request, "sponsorship/invitation.html", {"token": token})


@login_required
def data_export(request):
    data = sponsor_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-sponsor-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sponsor_erase(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "sponsorship/account_delete.html", {"form": form})
