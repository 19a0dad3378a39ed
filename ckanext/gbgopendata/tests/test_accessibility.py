"""Accessibility basics of the publisher's pages (issue 20, item 8), through
CKAN's test app in Swedish and English: every input of a repeating field
("Följer standard", "Dokumentation") has its own label, the dataset form has
an h1, and on the dataset pages the page's h1 comes before the sidebar's h2
headings. test_browser_axe.py runs axe-core on the pages as drawn."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

pytestmark = pytest.mark.usefixtures("with_plugins")

LABELS = {
    "sv": {"conforms_to": "Följer standard", "documentation": "Dokumentation", "new": "Skapa datamängd",
           "edit": "Redigera metadata", "resource_conforms_to": "Länkade scheman",
           "new_distribution": "Lägg till distribution", "edit_distribution": "Redigera distribution"},
    "en": {"conforms_to": "Conforms to", "documentation": "Documentation", "new": "Create Dataset",
           "edit": "Edit metadata", "resource_conforms_to": "Linked schemas",
           "new_distribution": "Add distribution", "edit_distribution": "Edit distribution"},
}
PREFIX = {"sv": "", "en": "/en"}


def _page(app, url, user) -> BeautifulSoup:
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _label_of(page, element) -> str:
    label = page.find("label", attrs={"for": element.get("id")}) if element.get("id") else None
    return " ".join(label.get_text(" ").split()) if label else ""


def _headings(page) -> list[str]:
    return [heading.name for heading in page.select("h1, h2, h3, h4, h5, h6")]


@pytest.fixture
def dataset(editor, organization):
    return helpers.call_action(
        "package_create", context={"user": editor["name"]}, name="parkering", owner_org=organization["id"],
        conforms_to=["https://example.org/standard-1", "https://example.org/standard-2"],
        documentation=["https://goteborg.se/parkering/dokumentation"],
        resources=[resource_fields(conforms_to=["https://example.org/csv-schema"])], **dataset_fields(),
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_input_of_a_repeating_field_has_its_own_label(app, editor, dataset, lang):
    for url in (f"{PREFIX[lang]}/dataset/new", f"{PREFIX[lang]}/dataset/edit/{dataset['name']}",
                f"{PREFIX[lang]}/dataset/{dataset['name']}/resource/new"):
        page = _page(app, url, editor)
        fields = ("conforms_to",) if "/resource/" in url else ("conforms_to", "documentation")
        for field in fields:
            inputs = page.select(f'input[name="{field}"]')
            assert inputs, (url, field)
            base = LABELS[lang][("resource_" if "/resource/" in url else "") + field]
            # the field's label names the first, a hidden label each further one
            assert [_label_of(page, element) for element in inputs] == [base] + [
                f"{base} {number}" for number in range(2, len(inputs) + 1)], (url, field)
            assert all(len(page.find_all("label", attrs={"for": element["id"]})) == 1 for element in inputs)
        if url.endswith("/edit/parkering"):
            assert len(page.select('input[name="conforms_to"]')) == 2


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_dataset_and_distribution_forms_have_one_h1(app, editor, dataset, organization, lang):
    draft = helpers.call_action("package_create", context={"user": editor["name"]}, name="utkast", state="draft",
                                owner_org=organization["id"], private=True, **dataset_fields())
    resource = dataset["resources"][0]["id"]
    for url, heading in ((f"{PREFIX[lang]}/dataset/new", LABELS[lang]["new"]),
                         (f"{PREFIX[lang]}/dataset/edit/{dataset['name']}", LABELS[lang]["edit"]),
                         # while the dataset is created, and for a dataset already saved
                         (f"{PREFIX[lang]}/dataset/{draft['name']}/resource/new", LABELS[lang]["new_distribution"]),
                         (f"{PREFIX[lang]}/dataset/{dataset['name']}/resource/new", LABELS[lang]["new_distribution"]),
                         (f"{PREFIX[lang]}/dataset/{dataset['name']}/resource/{resource}/edit",
                          LABELS[lang]["edit_distribution"])):
        page = _page(app, url, editor)
        assert [" ".join(h1.get_text(" ").split()) for h1 in page.select("h1")] == [heading], url
        assert _headings(page)[0] == "h1", url


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_on_the_dataset_pages_the_h1_comes_before_the_sidebars_headings(app, editor, dataset, lang):
    resource = dataset["resources"][0]["id"]
    for url in (f"/dataset/{dataset['name']}", f"/dataset/edit/{dataset['name']}", f"/dataset/{dataset['name']}/resource/new",
                f"/dataset/{dataset['name']}/resource/{resource}"):
        page = _page(app, PREFIX[lang] + url, editor)
        headings = _headings(page)
        assert headings.count("h1") == 1 and headings[0] == "h1", (url, headings)
        sidebar = page.select_one("aside.secondary")
        assert sidebar is not None and sidebar.select("h2"), url
        # one sidebar, after the primary content, drawn on the left on a wide screen
        assert len(page.select("aside.secondary")) == 1
        assert "order-md-first" in sidebar["class"]
        assert sidebar.find_previous_sibling("div", class_="primary") is not None, url
