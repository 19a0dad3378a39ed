"""The web form: an organisation editor creates a complete DCAT-AP-SE dataset
with two distributions through the Swedish form, and reads it back."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

THEME_TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
WEEKLY = "http://publications.europa.eu/resource/authority/frequency/WEEKLY"




def _form_errors(response) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " | ".join(e.get_text(" ", strip=True) for e in page.select(".error-explanation, .error-block"))


def _form_page(app, url, user):
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.usefixtures("with_plugins")
def test_editor_creates_a_dataset_with_two_distributions_through_the_form(app, editor, organization):
    headers = {"Authorization": editor["token"]}
    page = _form_page(app, "/dataset/new", editor)
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset.gbgopendata-form-group > legend")]
    assert legends[:3] == ["Obligatoriskt", "Rekommenderat", "Valfritt"]

    response = app.post(
        "/dataset/new",
        data={
            "title_translated-sv": "Parkeringsplatser",
            "title_translated-en": "Parking spaces",
            "name": "parkeringsplatser",
            "notes_translated-sv": "Kommunala parkeringsplatser med taxa.",
            "notes_translated-en": "Municipal parking spaces with fees.",
            "owner_org": organization["id"],
            "tags_translated-sv": "parkering, trafik",
            "tags_translated-en": "parking",
            "theme": THEME_TRAN,
            "access_rights": PUBLIC,
            "frequency": WEEKLY,
            "contact-0-name": "Trafikkontoret",
            "contact-0-email": "trafikkontoret@goteborg.se",
            "contact-0-kind": "Organization",
            "spatial_coverage-0-uri": "http://sws.geonames.org/2711533",
            "temporal_start": "2020-01-01",
            "issued": "2021-03-01",
            "private": "True",
            "_ckan_phase": "dataset_new_1",
            "pkg_name": "",
            "save": "continue",
        },
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 302, _form_errors(response)
    assert "/dataset/parkeringsplatser/resource/new" in response.headers["Location"]
    resource_page = _form_page(app, "/dataset/parkeringsplatser/resource/new", editor)
    resource_legends = [
        legend.get_text(strip=True) for legend in resource_page.select("fieldset.gbgopendata-form-group > legend")
    ]
    assert resource_legends == ["Obligatoriskt", "Rekommenderat", "Valfritt"]
    # The formats are offered by their Swedish names, not by media type.
    offered = [option["value"] for option in resource_page.select("datalist#vocabulary-media-type option")]
    assert "CSV" in offered and "Kalkylblad OpenDocument (.ods)" in offered
    assert "text/csv" not in offered

    for index, (media_type, url) in enumerate(
        [("text/csv", "https://goteborg.se/p.csv"), ("application/json", "https://goteborg.se/p.json")]
    ):
        response = app.post(
            "/dataset/parkeringsplatser/resource/new",
            data={
                "id": "",
                "url": url,
                "format": media_type,
                "name_translated-sv": f"Parkeringsplatser {index}",
                "name_translated-en": f"Parking spaces {index}",
                "save": "again" if index == 0 else "go-metadata",
            },
            headers=headers,
            follow_redirects=False,
        )
        assert response.status_code == 302, _form_errors(response)

    dataset = helpers.call_action("package_show", context={"user": editor["name"]}, id="parkeringsplatser")
    assert dataset["state"] == "active"
    assert dataset["title_translated"] == {"sv": "Parkeringsplatser", "en": "Parking spaces"}
    assert dataset["tags_translated"] == {"sv": ["parkering", "trafik"], "en": ["parking"]}
    assert dataset["theme"] == [THEME_TRAN]
    assert dataset["contact"][0]["email"] == "trafikkontoret@goteborg.se"
    assert dataset["spatial_coverage"] == [{"uri": "http://sws.geonames.org/2711533"}]
    assert [r["format"] for r in dataset["resources"]] == ["text/csv", "application/json"]

    # Read back: labels, not URIs, in the visitor's language.
    swedish = app.get("/dataset/parkeringsplatser", headers=headers).get_data(as_text=True)
    assert "Transport" in swedish and THEME_TRAN not in BeautifulSoup(swedish, "html.parser").get_text()
    assert "Veckovis" in swedish
    formats = [label.get_text(strip=True) for label in BeautifulSoup(swedish, "html.parser").select(".format-label")]
    assert formats == ["CSV", "JSON"]
    english = app.get("/en/dataset/parkeringsplatser", headers=headers).get_data(as_text=True)
    assert "Parking spaces" in english
    assert "Weekly" in english


@pytest.mark.usefixtures("with_plugins")
def test_form_errors_name_the_field_and_keep_nothing(app, editor, organization):
    response = app.post(
        "/dataset/new",
        data={
            "title_translated-en": "Only English",
            "name": "bara-engelska",
            "notes_translated-sv": "Beskrivning.",
            "owner_org": organization["id"],
            "save": "continue",
        },
        headers={"Authorization": editor["token"]},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Svensk text krävs" in body
    assert helpers.call_action("package_search", q="name:bara-engelska", include_private=True)["count"] == 0


@pytest.mark.usefixtures("with_plugins")
def test_the_form_shows_the_metadata_quality_instead_of_a_count_of_empty_fields(app, editor):
    page = _form_page(app, "/dataset/new", editor)
    assert page.select_one(".gbgopendata-recommended-count") is None
    region = page.select_one("#quality [aria-live=polite]")
    assert region["data-gbgopendata-quality-preview"] == "/dataset/kvalitet/forhandsgranska"
    assert "Metadatakvalitet" in region.get_text()
