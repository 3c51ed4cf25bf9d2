"""Training's part in a sponsor's data export and account deletion (`sponsorship.privacy`), registered
from `training.apps`: certificates, enrolments, completed modules and event registrations
(`training.selectors.training_export`, `training.services.training_person_erase`)."""

from portal.models import User
from sponsorship.models import SponsorProfile
from sponsorship.privacy import SponsorErasure, SponsorPart, sponsor_part_register
from training.selectors import training_export
from training.services import training_person_erase


def _export(user: User, profile: SponsorProfile | None, emails: list[str]) -> dict:
    return training_export(user=user, emails=emails)


def _erase(erasure: SponsorErasure) -> None:
    erased = training_person_erase(user=erasure.user, emails=erasure.emails)
    erasure.erased.add(erased)
    # Holders' names and registrations' names and addresses identify the person anywhere in the audit log.
    erasure.identifiers += erased.values


def register() -> None:
    sponsor_part_register(SponsorPart(name="training", export=_export, erase=_erase))
