"""The organisation's "Om" page (issue 12, item 11): labels and values in the
visitor's language, the publisher type by its label, the orgnr as
212000-1355; no raw dict or URI, no empty row."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from ckanext.gbgopendata.tests.helpers import LOCAL_AUTHORITY, organization_fields


@pytest.fixture
def department(clean_db, clean_index):
    return factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(
            title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"},
            description_translated={"sv": "Ansvarar för miljötillsyn.", "en": "Responsible for environmental supervision."},
            homepage="https://goteborg.se/miljo",
        ),
    )


def _about(app, prefix: str) -> dict[str, str]:
    page = BeautifulSoup(app.get(f"{prefix}/organization/about/miljoforvaltningen").get_data(as_text=True), "html.parser")
    rows = page.select("dl.gbgopendata-organization-about > div")
    return {" ".join(row.dt.get_text(" ", strip=True).split()): " ".join(row.dd.get_text(" ", strip=True).split())
            for row in rows}


@pytest.mark.usefixtures("with_plugins")
def test_the_about_page_in_swedish(app, department):
    rows = _about(app, "")
    assert rows == {
        "Namn": "Miljöförvaltningen",
        "Organisationsnummer": "212000-1355",
        "Typ av utgivare": "Lokal myndighet/kommun",
        "Beskrivning": "Ansvarar för miljötillsyn.",
        "Webbplats": "https://goteborg.se/miljo",
    }


@pytest.mark.usefixtures("with_plugins")
def test_the_about_page_in_english(app, department):
    rows = _about(app, "/en")
    assert rows["Name"] == "Environment Administration"
    assert rows["Organisation number"] == "212000-1355"
    assert rows["Publisher type"] == "Local authority"
    assert rows["Description"] == "Responsible for environmental supervision."
    assert not any(LOCAL_AUTHORITY in value or "{" in value for value in rows.values())
    # Fields left empty (e-mail, logo) have no row.
    assert "E-mail" not in rows and "Logo" not in rows
