"""The privacy notice, contact page and accessibility statement: seeded, editable, linked everywhere."""

import re
from http import HTTPStatus

import pytest

from projects.models import InfoPage
from projects.seeding import content_seed

ENTRANCE_PAGES = ["/{lang}/accounts/signup/", "/{lang}/accounts/login/", "/{lang}/accounts/password/reset/"]
PAGES = ["/{lang}/privacy/", "/{lang}/contact/", "/{lang}/accessibility/"]
# What an invented contact would look like: an email address, a phone number, a street address.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\+?\d[\d\s()-]{7,}\d")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
@pytest.mark.parametrize("pattern", PAGES)
def test_the_pages_render_in_every_language(client, seeded, pattern, lang):
    response = client.get(pattern.format(lang=lang))
    assert response.status_code == HTTPStatus.OK
    page = response.context["page"]
    html = response.content.decode()
    assert f"<h1>{page.title}</h1>" in html
    assert getattr(page, f"title_{lang}") == page.title


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_the_privacy_notice_covers_what_the_gdpr_asks(client, seeded, settings, lang):
    settings.RETENTION_CHECK_SCAN_DAYS = 123
    settings.RETENTION_CLOSED_CASE_MONTHS = 31
    html = client.get(f"/{lang}/privacy/").content.decode()
    if lang == "en":
        for article in ("Article 6(1)(b)", "Article 9(2)(a)", "Article 10"):
            assert article in html
    # The retention periods are the settings', listed by the retention schedule in the page's language.
    assert "123" in html and "31" in html
    assert 'class="retention-table"' in html
    expected = {
        "en": ["access", "rectification", "erasure", "restriction", "portability", "objection", "complaint"],
        "lt": ["susipažinti", "ištaisyti", "ištrinti", "apriboti", "perkeliamumas", "nesutikti", "skundą"],
        "bg": ["достъп", "коригиране", "изтриване", "ограничаване", "преносимост", "възражение", "жалба"],
    }[lang]
    expected.append(
        {
            "en": "State Data Protection Inspectorate",
            "lt": "Valstybinei duomenų apsaugos inspekcijai",
            "bg": "Държавната инспекция за защита на данните",
        }[lang]
    )
    for word in expected:
        assert word in html


@pytest.mark.django_db
def test_seeding_is_idempotent_and_invents_no_contacts(seeded):
    assert seeded.created["infopage"] == 3
    again = content_seed()
    assert again.created["infopage"] == 0 and again.updated["infopage"] == 0
    for page in InfoPage.objects.all():
        assert page.controller == page.dpo_contact == page.contact_email == page.contact_phone == ""
        assert page.postal_address == ""
        for code in ("lt", "en", "bg"):
            text = " ".join(getattr(page, f"{name}_{code}") for name in ("title", "intro", "body"))
            assert getattr(page, f"body_{code}").strip(), (page.kind, code)
            assert not EMAIL.search(text), (page.kind, code)
            assert not PHONE.search(text), (page.kind, code)


@pytest.mark.django_db
def test_an_update_seed_keeps_the_contacts_staff_entered(seeded):
    InfoPage.objects.filter(kind="contact").update(controller_en="Org", contact_email="info@example.org")
    content_seed(update=True)
    page = InfoPage.objects.get(kind="contact")
    assert page.controller_en == "Org" and page.contact_email == "info@example.org"


@pytest.mark.django_db
def test_missing_facts_are_flagged_to_staff_and_neutral_for_visitors(client, seeded, superuser):
    public = client.get("/en/privacy/").content.decode()
    assert "To be completed" not in public
    assert "contact the organisation running the scheme" in public
    client.force_login(superuser)
    staff = client.get("/en/privacy/").content.decode()
    assert "To be completed by the administrator:" in staff
    assert "data controller" in staff and "data protection officer" in staff
    page = InfoPage.objects.get(kind="privacy")
    assert f"/admin/projects/infopage/{page.pk}/change/" in staff


@pytest.mark.django_db
def test_an_edit_in_the_admin_shows_on_the_next_request_despite_the_page_cache(client, seeded, settings, superuser):
    settings.PAGE_CACHE_SECONDS = 600
    assert "Privacy notice" in client.get("/en/privacy/").content.decode()
    assert "Privacy notice" in client.get("/en/privacy/").content.decode()  # now from the cache
    page = InfoPage.objects.get(kind="privacy")
    admin = client.__class__()
    admin.force_login(superuser)
    data = {
        "kind": "privacy",
        **{
            f"{name}_{code}": getattr(page, f"{name}_{code}")
            for name in ("title", "intro", "body")
            for code in ("lt", "en", "bg")
        },
        "title_en": "How we protect your data",
        "controller_en": "The Example Organisation",
        "dpo_contact": "dpo@example.org",
    }
    response = admin.post(f"/en/admin/projects/infopage/{page.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    html = client.get("/en/privacy/").content.decode()
    assert "How we protect your data" in html
    assert "The data controller is The Example Organisation." in html
    assert 'href="mailto:dpo@example.org"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_the_footer_links_the_three_pages(client, seeded, lang):
    html = client.get(f"/{lang}/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for path in ("privacy", "contact", "accessibility"):
        assert f'href="/{lang}/{path}/"' in footer


def _has_privacy_note(html: str, lang: str = "en") -> bool:
    return 'class="privacy-note"' in html and f'href="/{lang}/privacy/"' in html and f'href="/{lang}/contact/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ENTRANCE_PAGES)
@pytest.mark.parametrize("lang", ["en", "lt"])
def test_sign_up_and_sign_in_link_the_privacy_notice_and_the_contact_page(client, path, lang):
    html = client.get(path.format(lang=lang)).content.decode()
    assert _has_privacy_note(html, lang)


@pytest.mark.django_db
def test_forms_that_collect_personal_data_link_the_privacy_notice(client, sponsor_factory, event_factory):
    sponsor = sponsor_factory()
    client.force_login(sponsor.user)
    for path in ("/en/sponsor/profile/", "/en/sponsor/delete/", "/en/sponsor/offers/new/"):
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert _has_privacy_note(response.content.decode()), path
    client.logout()
    event = event_factory()
    assert _has_privacy_note(client.get(f"/en/meetings/{event.slug}/").content.decode())


def test_staff_text_is_escaped_and_structured():
    from projects.templatetags.projects_text import structured_text

    html = structured_text("## Rights\n- access\n- <b>erasure</b>\n\nA line\nand another")
    assert html == (
        "<h2>Rights</h2>\n<ul><li>access</li><li>&lt;b&gt;erasure&lt;/b&gt;</li></ul>\n<p>A line<br>and another</p>"
    )


@pytest.mark.django_db
def test_the_sitemap_lists_the_pages(client, seeded):
    xml = client.get("/sitemap.xml").content.decode()
    for code in ("lt", "en", "bg"):
        for path in ("privacy", "contact", "accessibility"):
            assert f"<loc>http://testserver/{code}/{path}/</loc>" in xml
