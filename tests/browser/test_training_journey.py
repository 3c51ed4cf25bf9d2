"""A sponsor enrols in a full session, waits on the list, and gets the seat when someone cancels."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Language
from tests.helpers import sign_in
from training.models import Enrolment, Module, Programme, Session
from training.services import enrolment_cancel, session_enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enrol_wait_and_get_promoted(page, live_server, user_factory):
    language = Language.objects.get_or_create(code="lt", defaults={"name_en": "Lithuanian"})[0]
    programme = Programme.objects.create(
        slug="basics", title_en="Sponsor basics", description_en="Basics.", audience="sponsors"
    )
    module = Module.objects.create(programme=programme, position=1, title_en="Welcome", duration_minutes=60)
    starts = timezone.now() + datetime.timedelta(days=5)
    session = Session.objects.create(
        programme=programme,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        registration_deadline=starts - datetime.timedelta(days=1),
        place="Kaunas",
        language=language,
        capacity=1,
    )
    session.modules.set([module])
    first = user_factory(email="first@example.org")
    session_enrol(session=session, user=first)
    user_factory(email="me@example.org", language="en")

    sign_in(page, live_server.url, "me@example.org", "correct-horse-battery")
    page.goto(f"{live_server.url}/en/training/sessions/{session.pk}/")
    assert page.locator("#seats").inner_text() == "1 of 1 seats taken"
    page.get_by_role("button", name="Enrol").click()
    page.get_by_text("you are on the waiting list").wait_for()
    assert page.locator("#enrolment-status").inner_text() == "On the waiting list"

    enrolment_cancel(enrolment=Enrolment.objects.get(user=first), by=first)
    page.reload()
    assert page.locator("#enrolment-status").inner_text() == "Enrolled"
    page.goto(f"{live_server.url}/en/notifications/")
    assert page.get_by_text("A seat is free: you are enrolled").is_visible()
