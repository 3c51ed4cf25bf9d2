"""Who may do what in training: one predicate per question, asked by views and services alike."""

from portal.access import is_caseworker, is_signed_in
from training.models import Enrolment, Session


def can_train(user, session: Session) -> bool:
    """The session's trainer, or staff, marks who attended."""
    return is_caseworker(user) or (is_signed_in(user) and session.trainer_id == user.pk)


def can_cancel_enrolment(user, enrolment: Enrolment) -> bool:
    """The enrolled person, or staff, cancels an enrolment."""
    return is_caseworker(user) or (is_signed_in(user) and enrolment.user_id == user.pk)
