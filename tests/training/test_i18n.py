"""Training and meeting pages carry no UI string left in English in Lithuanian and Bulgarian."""

from http import HTTPStatus

import pytest

from tests.i18n import SAME_IN_EVERY_LANGUAGE, visible_texts


@pytest.fixture
def demo_training(db, user_factory):
    from projects.seeding import content_seed
    from training.demo import demo_training_ensure

    content_seed()
    caseworker = user_factory(email="cw@example.org", is_staff=True, first_name="Case", last_name="Worker")
    demo_training_ensure(
        sponsor=user_factory(email="s@example.org", first_name="Sam", last_name="Sponsor"),
        group_lead=user_factory(email="g@example.org"),
        caseworker=caseworker,
    )
    return caseworker


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_training_pages_are_translated(client, demo_training, lang):
    from training.models import Certificate, Session

    session = Session.objects.filter(programme__slug="sponsor-basics").order_by("-starts_at").first()
    certificate = Certificate.objects.get()
    client.force_login(demo_training)
    paths = [
        "/training/",
        "/training/programmes/sponsor-basics/",
        f"/training/sessions/{session.pk}/",
        f"/training/sessions/{session.pk}/attendance/",
        "/meetings/",
        "/meetings/information-meeting-kaunas/",
        f"/training/certificates/{certificate.code}/",
        "/training/certificates/",
        "/training/certificates/?code=0000AAAA1111",
    ]
    for path in paths:
        texts = {}
        for code in ("en", lang):
            response = client.get(f"/{code}{path}")
            assert response.status_code == HTTPStatus.OK, path
            texts[code] = visible_texts(response.content.decode())
        same = (texts["en"] & texts[lang]) - SAME_IN_EVERY_LANGUAGE - {certificate.code}
        same = {
            t
            for t in same
            if not any(
                word in t
                for word in (
                    "Kaunas",
                    "Laisvės",
                    "Sam Sponsor",
                    "Case Worker",
                    "Europe/Vilnius",
                    "SPRING",
                    "UNHCR",
                    "cw@example.org",
                )
            )
        }
        assert same == set(), path
