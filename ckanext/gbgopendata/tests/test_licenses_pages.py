"""The licence in the web form and on the dataset page."""
from __future__ import annotations


import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import resource_fields
from ckanext.gbgopendata.tests.licence_helpers import CC0, CC_BY, CC0_EXPLANATION_SV, CC_BY_EXPLANATION_SV, CC_BY_EXPLANATION_EN, OPEN_CLASSIFICATION, _create


# --- the web pages ----------------------------------------------------------------------------




def _page(app, url: str, user: dict | None = None) -> BeautifulSoup:
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, headers=headers)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _licence_field(page: BeautifulSoup):
    field = page.select_one("fieldset#field-license_id")
    assert field is not None
    return field


@pytest.mark.usefixtures("with_plugins")
class TestForm:
    def test_the_swedish_form_offers_the_two_presets_with_explanations_and_hides_the_rest(self, app, editor):
        field = _licence_field(_page(app, "/dataset/new", editor))

        main = [radio["value"] for radio in field.find_all("input", type="radio") if not radio.find_parent("details")]
        assert main == ["CC0-1.0", "CC-BY-4.0"]
        assert field.find(id="field-license_id-CC0-1.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC-BY-4.0").has_attr("checked")
        assert "CC0 1.0 Universell (Fri från upphovsrätt)" in field.get_text()
        assert "Erkännande 4.0 Internationell (CC BY 4.0)" in field.get_text()
        assert field.find(id="license-explanation-CC0-1.0").get_text(" ", strip=True).startswith(CC0_EXPLANATION_SV)
        assert CC_BY_EXPLANATION_SV in field.find(id="license-explanation-CC-BY-4.0").get_text()

        more = field.select_one("details.gbgopendata-more-licenses")
        assert more.summary.get_text(strip=True) == "Visa fler licenser"
        assert not more.has_attr("open")
        hidden = [radio["value"] for radio in more.find_all("input", type="radio")]
        assert hidden == ["CC-BY-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0"]
        assert "Rekommenderas inte" in more.get_text()
        assert "Inte tillåten för en offentlig datamängd" in more.get_text()

    def test_the_english_form_speaks_english(self, app, editor):
        field = _licence_field(_page(app, "/en/dataset/new", editor))

        text = field.get_text(" ", strip=True)
        assert "CC0 1.0 Universal (Public Domain Dedication)" in text
        assert "Attribution 4.0 International (CC BY 4.0)" in text
        assert CC_BY_EXPLANATION_EN in text
        assert field.select_one("details summary").get_text(strip=True) == "Show more licences"
        assert "CC0 1.0 Universell" not in text

    @pytest.mark.ckan_config("ckanext.gbgopendata.default_license", "CC-BY-4.0")
    def test_the_configured_default_is_preselected(self, app, editor):
        field = _licence_field(_page(app, "/dataset/new", editor))

        assert field.find(id="field-license_id-CC-BY-4.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC0-1.0").has_attr("checked")

    def test_editing_a_dataset_with_another_licence_opens_more_licences(self, app, editor, organization):
        dataset = _create(editor, organization, license_id="CC-BY-NC-4.0", private=True)

        field = _licence_field(_page(app, f"/dataset/edit/{dataset['name']}", editor))

        assert field.select_one("details.gbgopendata-more-licenses").has_attr("open")
        assert field.find(id="field-license_id-CC-BY-NC-4.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC0-1.0").has_attr("checked")

    def test_the_form_saves_the_chosen_licence(self, app, editor, organization):
        response = app.post(
            "/dataset/new",
            data={
                "title_translated-sv": "Cykelflöden",
                "name": "cykelfloden",
                "notes_translated-sv": "Cyklar per timme.",
                "owner_org": organization["id"],
                "license_id": "CC-BY-4.0",
                **OPEN_CLASSIFICATION,
                "private": "True",
                "save": "continue",
            },
            headers={"Authorization": editor["token"]},
            follow_redirects=False,
        )

        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        shown = helpers.call_action("package_show", context={"user": editor["name"]}, id="cykelfloden")
        assert shown["license_id"] == "CC-BY-4.0"

    def test_the_distribution_form_offers_the_datasets_licence_first(self, app, editor, organization):
        dataset = _create(editor, organization, license_id="CC0-1.0", resources=[resource_fields()])

        page = _page(app, f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}/edit", editor)

        options = page.select("select#field-license option")
        assert options[0]["value"] == "" and options[0].get_text(strip=True) == "Samma som datamängdens licens"
        assert [option["value"] for option in options[1:3]] == [CC0, CC_BY]
        assert options[0].has_attr("selected")


@pytest.mark.usefixtures("with_plugins")
class TestDatasetPage:
    def test_a_cc_by_dataset_shows_its_licence_and_how_to_credit_it(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC-BY-4.0")

        swedish = _page(app, "/dataset/parkeringsplatser").select_one("section.license")
        english = _page(app, "/en/dataset/parkeringsplatser").select_one("section.license")

        link = swedish.find("a", href=CC_BY)
        assert link.get_text(strip=True) == "Erkännande 4.0 Internationell (CC BY 4.0)"
        assert "Ange källa: Trafikkontoret, Parkeringsplatser" in swedish.get_text(" ", strip=True)
        assert english.find("a", href=CC_BY).get_text(strip=True) == "Attribution 4.0 International (CC BY 4.0)"
        assert "Credit the source: Urban Transport Administration, Parking spaces" in english.get_text(" ", strip=True)

    def test_a_cc0_dataset_needs_no_credit(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC0-1.0")

        section = _page(app, "/dataset/parkeringsplatser").select_one("section.license")

        assert section.find("a", href=CC0).get_text(strip=True) == "CC0 1.0 Universell (Fri från upphovsrätt)"
        assert CC0_EXPLANATION_SV in section.get_text(" ", strip=True)
        assert "Ange källa" not in section.get_text()

    def test_a_distribution_page_shows_the_inherited_or_own_licence(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC0-1.0",
            resources=[resource_fields(), resource_fields(url="https://goteborg.se/karta.png", license=CC_BY)],
        )
        inherited, own = dataset["resources"]

        inherited_page = _page(app, f"/dataset/{dataset['name']}/resource/{inherited['id']}").get_text(" ", strip=True)
        own_page = _page(app, f"/dataset/{dataset['name']}/resource/{own['id']}").get_text(" ", strip=True)

        assert "CC0 1.0 Universell (Fri från upphovsrätt) (datamängdens licens)" in inherited_page
        assert "Ange källa" not in inherited_page
        assert "Erkännande 4.0 Internationell (CC BY 4.0)" in own_page
        assert "Ange källa: Trafikkontoret, Parkeringsplatser" in own_page

    def test_the_licence_facet_shows_titles_in_the_visitors_language(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC-BY-4.0")

        swedish = _page(app, "/dataset/")
        english = _page(app, "/en/dataset/")

        # The whole title is the facet's label (CKAN cut it to "Erkännande 4.0…").
        def facet_label(page):
            link = page.find("a", href=lambda href: href and "license_id=CC-BY-4.0" in href)
            return link.get_text(" ", strip=True)

        assert "Erkännande 4.0 Internationell (CC BY 4.0)" in facet_label(swedish)
        assert "Attribution 4.0 International (CC BY 4.0)" in facet_label(english)
        assert "…" not in facet_label(swedish)
