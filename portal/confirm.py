"""The confirmation step of a destructive action (withdraw an offer, cancel an enrolment, remove a photo).

The button of such an action is a link to a GET page that says what will happen and, where the service
records one, asks for a reason; its form posts back with `confirm=yes`. A POST without it changes
nothing and redirects to the confirmation page (so an old one-click form, or a replayed request, cannot act).
Works without JavaScript.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

CONFIRM_VALUE = "yes"
REASON_MAX_LENGTH = 1000


class ConfirmForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, required=True)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
    )

    def __init__(self, *args, with_reason: bool = False, reason_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("confirm", CONFIRM_VALUE)
        if not with_reason:
            del self.fields["reason"]
        elif reason_help:
            self.fields["reason"].help_text = reason_help


@dataclass
class Confirmation:
    """What the confirmation page says: its title, what will happen, the buttons' labels and targets."""

    title: str
    consequences: list[str]
    confirm_label: str
    cancel_url: str
    with_reason: bool = False
    reason_help: str = ""
    object_label: str = ""


def confirm_then(request: HttpRequest, confirmation: Confirmation, act: Callable[[str], HttpResponse]) -> HttpResponse:
    """GET: the confirmation page. POST without `confirm=yes`: nothing happens, back to that page.
    POST confirmed: `act(reason)` (the reason is "" where none is asked), whose response is returned."""
    if request.method == "POST":
        if request.POST.get("confirm") != CONFIRM_VALUE:
            return redirect(request.path)
        form = ConfirmForm(request.POST, with_reason=confirmation.with_reason, reason_help=confirmation.reason_help)
        if form.is_valid():
            return act(form.cleaned_data.get("reason", "").strip())
    else:
        form = ConfirmForm(with_reason=confirmation.with_reason, reason_help=confirmation.reason_help)
    return render(request, "portal/confirm.html", {"confirmation": confirmation, "form": form})
