import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from portal.models import User


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_prints_working_credentials(settings, capsys, client):
    settings.DEBUG = True
    call_command("demo_setup")
    call_command("demo_setup")
    out = capsys.readouterr().out
    assert User.objects.count() == 4
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 4
    for email in ("admin@example.org", "caseworker@example.org", "sponsor@example.org", "group@example.org"):
        assert email in out
        assert client.login(email=email, password=settings.DEMO_PASSWORD)
    assert User.objects.get(email="admin@example.org").is_superuser
    caseworker = User.objects.get(email="caseworker@example.org")
    assert caseworker.is_staff and not caseworker.is_superuser
    assert caseworker.groups.filter(name="Caseworkers").exists()
    sponsor = User.objects.get(email="sponsor@example.org")
    assert not sponsor.is_staff and sponsor.groups.filter(name="Sponsors").exists()


@pytest.mark.django_db
def test_demo_setup_refuses_to_run_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_setup")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_setup_populates_sponsors_and_offers_once(settings, tmp_path, capsys, django_capture_on_commit_callbacks):
    from housing.models import HousingOffer
    from projects.seeding import content_seed
    from sponsorship.models import SponsorProfile

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    content_seed()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_setup")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_setup")
    statuses = sorted(
        HousingOffer.objects.filter(sponsor__user__email="sponsor@example.org").values_list("status", flat=True)
    )
    assert statuses == ["available", "available", "draft", "occupied", "reserved", "submitted"]
    assert SponsorProfile.objects.get(user__email="sponsor@example.org").status == "verified"
    group = SponsorProfile.objects.get(user__email="group@example.org")
    assert group.status == "pending" and group.persons.filter(accepted_at__isnull=True).count() == 1
    proposed = HousingOffer.objects.get(sponsor__user__email="sponsor@example.org", status="reserved")
    assert proposed.photos.count() == 1
    # Mediation: the caseworker's households, one proposed to the sponsor; another organisation's one.
    from allauth.mfa.utils import is_mfa_enabled

    from matching.models import MatchProposal
    from sponsorship.models import Household

    caseworker = User.objects.get(email="caseworker@example.org")
    assert caseworker.organisation.slug == "iom-lithuania" and is_mfa_enabled(caseworker)
    assert Household.objects.count() == 6
    assert Household.objects.filter(organisation=caseworker.organisation).count() == 5
    assert MatchProposal.objects.get(run__isnull=True, household__head_name="Olena Demo").status == "sent"
    # Matching: one run (not repeated by the second demo_setup) proposed homes with explanations, said
    # why the household needing step-free access got none, and told the caseworker.
    from matching.models import MatchingRun, UnmatchedHousehold
    from portal.models import Notification

    run = MatchingRun.objects.get()
    assert run.status == "done" and run.proposals_created == 2
    assert all(p.explanation["criteria"] for p in MatchProposal.objects.filter(run=run))
    assert UnmatchedHousehold.objects.get(run=run, household__head_name="Yusuf Demo").reason == "step_free"
    assert Notification.objects.filter(user=caseworker, code="matching.run_proposals", params__run=run.pk).count() == 1
    # Counselling: a household with its mentor, notes and meetings on its timeline, one still to arrange.
    from sponsorship.households.selectors import meetings_to_arrange

    family = Household.objects.get(head_name="Olena Demo")
    assert family.mentor == caseworker
    assert sorted(family.notes.values_list("kind", flat=True)) == ["consultation", "phone_call"]
    assert [meeting.household for meeting in meetings_to_arrange(caseworker)] == [family]
    # Every queue of the caseworker's start page holds something.
    from portal.queues import admin_queues, capped_counts

    queues = admin_queues()
    counts = dict(zip([q.key for q in queues], capped_counts([q.rows(caseworker) for q in queues]), strict=True))
    assert len(counts) >= 9 and all(count >= 1 for count, _capped in counts.values()), counts
    # A placed household's timeline: a note, a meeting held, its sponsor's 1-month answers and its own due.
    from sponsorship.households.timeline import household_timeline

    placed = Household.objects.get(head_name="Nadia Demo")
    assert placed.status == "housed"
    assert placed.notes.count() == 1 and placed.meetings.get().status == "held"
    follow_ups = placed.placements.get().follow_ups
    assert follow_ups.filter(done_on__isnull=False, respondent="sponsor", milestone=1, rating=4).exists()
    assert follow_ups.filter(done_on__isnull=True, respondent="household", milestone=1).exists()
    kinds = {entry.kind for entry in household_timeline(household=placed)["entries"]}
    assert len(kinds) >= 4, kinds  # notes, meetings, follow-ups and the proposal's steps at least
