"""Pages of a lower app show the sections of the higher ones as registered panels (`portal.panels`): the
sponsor's page (sponsorship) their proposals, offers and training."""

from http import HTTPStatus

import pytest

from portal.panels import panels_for


def test_the_sponsor_page_panels_are_registered_in_their_order():
    names = [panel.name for panel in panels_for(page="sponsorship:dashboard")]
    assert names == ["path", "proposals", "offers", "training"]
    # The offers' cards are matching's (their next step from the sponsor's path), in housing's template.
    offers = next(panel for panel in panels_for(page="sponsorship:dashboard") if panel.name == "offers")
    assert offers.context.__module__ == "matching.apps" and offers.template == "housing/_sponsor_offers.html"
    assert [panel.name for panel in panels_for(page="housing:offer-detail")] == ["path"]


@pytest.mark.django_db
def test_the_sponsor_page_shows_the_higher_apps_panels_between_status_and_data(client, sponsor_factory, offer_factory):
    sponsor = sponsor_factory(email="panels@example.org")
    offer_factory(sponsor, street_address="Panelių g. 5")
    client.force_login(sponsor.user)

    response = client.get("/en/sponsor/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    headings = ["Your status", "Your path to hosting", "My housing offers", "My training", "My data"]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Complete the offer, add photos and submit it for inspection." in html  # the offer's next step
