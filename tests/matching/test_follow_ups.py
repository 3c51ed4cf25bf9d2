"""Follow-up questionnaires after 1, 3 and 6 months of a placement, for the household and for the sponsor:
made with the placement, recorded with typed answers, queued when due (within the organisation)."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import FollowUp
from matching.selectors import follow_ups_due
from matching.services.placements import follow_up_record, placement_end, proposal_confirm
from tests.helpers import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(proposal_at, caseworker):
    """`placed(days_ago, household=None)`: a placement whose move-in was `days_ago` days ago."""

    def make(days_ago: int, **walk):
        proposal = proposal_at("meeting", **walk)
        return proposal_confirm(
            proposal=proposal,
            by=proposal.household.caseworker,
            move_in_date=timezone.localdate() - datetime.timedelta(days=days_ago),
            agreed_months=12,
        )

    return make


def test_a_placement_gets_six_follow_ups_none_done(placed):
    placement = placed(0)

    rows = set(placement.follow_ups.values_list("respondent", "milestone", "done_on"))

    assert rows == {(respondent, months, None) for respondent in ("household", "sponsor") for months in (1, 3, 6)}


def test_follow_ups_due_lists_both_respondents_of_the_readers_organisation(
    placed, household_factory, other_caseworker, superuser, caseworker
):
    ours = placed(40)  # the 1-month questionnaires are due
    theirs = placed(40, household=household_factory(caseworker=other_caseworker))
    placed(5)  # nothing due yet

    due = list(follow_ups_due(caseworker))

    assert [(f.placement_id, f.respondent, f.milestone) for f in due] == [
        (ours.pk, "household", 1),
        (ours.pk, "sponsor", 1),
    ]
    assert {f.placement_id for f in follow_ups_due(other_caseworker)} == {theirs.pk}
    assert {f.placement_id for f in follow_ups_due(superuser)} == {ours.pk, theirs.pk}
    # Within a week: the 1-month questionnaires of a placement that moved in 25 days ago.
    soon = placed(25)
    assert soon.pk not in {f.placement_id for f in follow_ups_due(caseworker)}
    assert soon.pk in {f.placement_id for f in follow_ups_due(caseworker, within_days=7)}


def test_a_recorded_follow_up_or_an_ended_placement_leaves_the_queue(placed, caseworker):
    placement = placed(40)
    household_one = placement.follow_ups.get(respondent="household", milestone=1)

    follow_up_record(follow_up=household_one, by=caseworker, note="", rating=5)
    assert [f.respondent for f in follow_ups_due(caseworker)] == ["sponsor"]

    placement_end(
        placement=placement,
        by=caseworker,
        end_date=timezone.localdate() - datetime.timedelta(days=35),
        outcome="conflict",
    )
    assert not follow_ups_due(caseworker).exists()


def test_follow_up_record_stores_the_typed_answers(placed, caseworker):
    follow_up = placed(40).follow_ups.get(respondent="sponsor", milestone=1)

    follow_up_record(
        follow_up=follow_up,
        by=caseworker,
        note="The family is friendly.",
        rating=4,
        housing_condition="adequate",
        relationship="good",
        integration_steps=["work", "language_course"],
        done_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    follow_up.refresh_from_db()
    assert (follow_up.rating, follow_up.housing_condition, follow_up.relationship, follow_up.integration_steps) == (
        4,
        "adequate",
        "good",
        ["work", "language_course"],
    )
    assert (follow_up.done_on, follow_up.done_by) == (timezone.localdate() - datetime.timedelta(days=1), caseworker)


@pytest.mark.parametrize(
    "answers",
    [
        {"integration_steps": ["school", "astrology"]},
        {"integration_steps": ["school", "school"]},
        {"housing_condition": "palatial"},
        {"relationship": "married"},
        {"done_on": datetime.date.today() + datetime.timedelta(days=3)},
    ],
)
def test_follow_up_record_refuses_answers_not_in_the_lists(placed, caseworker, answers):
    follow_up = placed(40).follow_ups.get(respondent="household", milestone=1)

    with pytest.raises(ValidationError):
        follow_up_record(follow_up=follow_up, by=caseworker, note="", rating=3, **answers)

    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.done_on, stored.rating, stored.integration_steps) == (None, None, [])


def test_another_organisations_caseworker_cannot_record_or_open_a_follow_up(placed, other_caseworker):
    follow_up = placed(40).follow_ups.get(respondent="household", milestone=1)

    with pytest.raises(PermissionDenied):
        follow_up_record(follow_up=follow_up, by=other_caseworker, note="", rating=3)
    response = client_of(other_caseworker).get(reverse("admin:matching_followup_change", args=[follow_up.pk]))

    assert response.status_code == HTTPStatus.FOUND  # the admin's "does not exist" redirect
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None


def test_caseworker_records_a_questionnaire_in_the_admin(placed, caseworker):
    follow_up = placed(40).follow_ups.get(respondent="household", milestone=1)
    url = reverse("admin:matching_followup_change", args=[follow_up.pk])
    client = client_of(caseworker)
    assert client.get(url).status_code == HTTPStatus.OK

    response = client.post(
        url,
        {
            "rating": "5",
            "housing_condition": "good",
            "relationship": "very_good",
            "integration_steps": ["school", "health_care"],
            "note": "All well.",
            "done_on": "",
            "_save": "Save",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    follow_up.refresh_from_db()
    assert (follow_up.rating, follow_up.integration_steps, follow_up.done_on, follow_up.done_by) == (
        5,
        ["school", "health_care"],
        timezone.localdate(),
        caseworker,
    )


def test_admin_list_of_follow_ups_due_is_the_selectors(placed, household_factory, other_caseworker, caseworker):
    ours = placed(40)
    placed(40, household=household_factory(caseworker=other_caseworker))

    response = client_of(caseworker).get(reverse("admin:matching_followup_changelist") + "?state=due")

    assert response.status_code == HTTPStatus.OK
    listed = {row.pk for row in response.context["cl"].result_list}
    assert listed == {f.pk for f in follow_ups_due(caseworker)}
    assert {FollowUp.objects.get(pk=pk).placement_id for pk in listed} == {ours.pk}


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("lt", ["Po 1 mėnesio", "Rėmėjas", "Kalbos kursai", "Reikia remonto"]),
        ("bg", ["След 1 месец", "Спонсор", "Езиков курс", "Нуждае се от ремонт"]),
    ],
)
def test_questionnaire_labels_are_translated(language, labels):
    with translation.override(language):
        shown = [
            str(FollowUp.Milestone.ONE_MONTH.label),
            str(FollowUp.Respondent.SPONSOR.label),
            str(FollowUp.IntegrationStep.LANGUAGE_COURSE.label),
            str(FollowUp.HousingCondition.NEEDS_REPAIRS.label),
        ]
    assert shown == labels


def test_a_questionnaire_dated_in_the_future_gets_the_forms_error(placed, caseworker):
    follow_up = placed(40).follow_ups.get(respondent="sponsor", milestone=1)
    url = reverse("admin:matching_followup_change", args=[follow_up.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = client_of(caseworker).post(url, {"rating": "3", "done_on": tomorrow, "_save": "Save"})

    assert response.status_code == HTTPStatus.OK
    assert "done_on" in response.context["adminform"].form.errors
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None
