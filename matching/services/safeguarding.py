"""Safeguarding concerns about sponsors: any caseworker raises one; an open high-severity one suspends the
sponsor from matching."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.access import can_handle_concerns
from matching.models import Placement, SafeguardingConcern
from matching.services.proposals import ProposalError
from portal.models import User
from sponsorship.models import SponsorProfile


def concern_raise(
    *, sponsor: SponsorProfile, by: User, severity: str, note: str, placement: Placement | None = None
) -> SafeguardingConcern:
    """Any caseworker can raise a concern; an open high-severity one suspends the sponsor from matching."""
    if not can_handle_concerns(by):
        raise PermissionDenied
    concern = SafeguardingConcern(sponsor=sponsor, placement=placement, severity=severity, note=note, raised_by=by)
    concern.full_clean()
    concern.save()
    return concern


def concern_close(*, concern: SafeguardingConcern, by: User, note: str) -> SafeguardingConcern:
    if not can_handle_concerns(by):
        raise PermissionDenied
    if concern.closed_at:
        raise ProposalError(_("This concern is already closed."))
    concern.closed_at = timezone.now()
    concern.closed_by = by
    concern.closing_note = note
    concern.save()
    return concern
