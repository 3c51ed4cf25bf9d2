"""Demo training programmes, sessions and an information meeting (called by `manage.py demo_setup`). Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import User
from projects.models import Language, Municipality, Resource
from training.models import Enrolment, Module, Programme, RecruitmentEvent, Session
from training.services import attendance_record, session_enrol


def _t(lt: str, en: str, bg: str, name: str) -> dict[str, str]:
    return {f"{name}_lt": lt, f"{name}_en": en, f"{name}_bg": bg}


@transaction.atomic
def demo_training_ensure(*, sponsor: User, group_lead: User, caseworker: User) -> None:
    """A required sponsor programme (the demo sponsor has its certificate), a staff programme, upcoming
    sessions (one nearly full, to try the waiting list) and an information meeting."""
    if Programme.objects.exists():
        return
    lithuanian = Language.objects.filter(code="lt").first()
    if lithuanian is None:
        return  # no seed content
    now = timezone.now()
    basics = Programme.objects.create(
        slug="sponsor-basics",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
        **_t("Rėmėjo pagrindai", "Sponsor basics", "Основи за спонсори", "title"),
        **_t(
            "Ką reiškia priimti tarptautinės apsaugos gavėjus, kaip bendradarbiauti su atvejo vadybininkais ir "
            "kur kreiptis pagalbos.",
            "What hosting beneficiaries of international protection involves, how to work with caseworkers and "
            "where to find help.",
            "Какво означава да приемете лица с международна закрила, как да работите със социалните работници "
            "и къде да потърсите помощ.",
            "description",
        ),
    )
    modules = [
        Module.objects.create(
            programme=basics,
            position=position,
            duration_minutes=minutes,
            **_t(lt, en, bg, "title"),
        )
        for position, minutes, (lt, en, bg) in [
            (1, 60, ("Bendruomenių rėmimas", "Community sponsorship", "Спонсорство от общността")),
            (2, 90, ("Būstas ir kasdienis gyvenimas", "Housing and daily life", "Жилище и ежедневие")),
            (
                3,
                45,
                (
                    "Kultūriniai skirtumai ir mediacija",
                    "Cultural differences and mediation",
                    "Културни различия и медиация",
                ),
            ),
        ]
    ]
    modules[0].materials.set(Resource.objects.filter(slug="spring-good-practice-adaptation-toolkit"))
    modules[1].materials.set(Resource.objects.filter(slug="unhcr-effective-inclusion-of-refugees"))
    staff = Programme.objects.create(
        slug="caseworker-mediation",
        audience=Programme.Audience.STAFF,
        **_t("Mediacija atvejo vadybininkams", "Mediation for caseworkers", "Медиация за социални работници", "title"),
        **_t(
            "Kaip susieti rėmėjus ir namų ūkius, vesti susitikimus ir stebėti apgyvendinimą.",
            "How to match sponsors and households, lead meetings and follow placements.",
            "Как да свързвате спонсори и домакинства, да водите срещи и да следите настаняванията.",
            "description",
        ),
    )
    Module.objects.create(
        programme=staff, position=1, duration_minutes=120, **_t("Mediacija", "Mediation", "Медиация", "title")
    )

    def session(programme, days: int, capacity: int) -> Session:
        starts = (now + datetime.timedelta(days=days)).replace(hour=16, minute=0, second=0, microsecond=0)
        created = Session.objects.create(
            programme=programme,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            registration_deadline=starts - datetime.timedelta(days=1),
            place="Kaunas, Laisvės al. 96",
            trainer=caseworker,
            language=lithuanian,
            capacity=capacity,
        )
        created.modules.set(programme.modules.all())
        return created

    past = session(basics, -30, 12)
    enrolment = Enrolment.objects.create(session=past, user=sponsor, status=Enrolment.Status.ENROLLED)
    attendance_record(enrolment=enrolment, attended=True, by=caseworker)
    nearly_full = session(basics, 10, 2)
    session_enrol(session=nearly_full, user=group_lead)
    session(basics, 24, 15)
    session(staff, 14, 10)
    starts = (now + datetime.timedelta(days=7)).replace(hour=18, minute=0, second=0, microsecond=0)
    RecruitmentEvent.objects.create(
        slug="information-meeting-kaunas",
        kind=RecruitmentEvent.Kind.INFORMATION,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Kaunas, Laisvės al. 96",
        municipality=Municipality.objects.filter(slug="kaunas-city").first(),
        capacity=40,
        **_t("Kaip tapti rėmėju?", "How to become a sponsor?", "Как да станете спонсор?", "title"),
        **_t(
            "Susitikimas su IOM ir Pabėgėlių priėmimo centru: kaip veikia bendruomenių rėmimas ir ko tikimasi "
            "iš rėmėjų.",
            "Meet IOM and the Refugee Reception Centre: how community sponsorship works and what is expected of "
            "sponsors.",
            "Среща с IOM и Центъра за приемане на бежанци: как работи спонсорството от общността и какво се "
            "очаква от спонсорите.",
            "description",
        ),
    )
