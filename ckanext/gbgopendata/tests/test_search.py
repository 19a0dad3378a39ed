"""Search facets show vocabulary labels in the visitor's language, never URIs."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
HVD = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
MOBILITY = "http://data.europa.eu/bna/c_b79e35eb"


@pytest.fixture
def hvd_dataset(organization):
    return factories.Dataset(
        owner_org=organization["id"],
        **dataset_fields(
            theme=[TRAN],
            applicable_legislation=[HVD],
            hvd_category=[MOBILITY],
            resources=[resource_fields(format="text/csv")],
        ),
    )


def _facet_texts(body: str) -> str:
    page = BeautifulSoup(body, "html.parser")
    return " ".join(section.get_text(" ", strip=True) for section in page.select("section.module-narrow, .facet"))


@pytest.mark.usefixtures("with_plugins")
def test_vocabulary_lists_are_searchable_facets(hvd_dataset):
    result = helpers.call_action(
        "package_search", fq=f'vocab_theme:"{TRAN}"', **{"facet.field": '["vocab_theme", "vocab_hvd_category"]'}
    )
    assert result["count"] == 1
    assert result["facets"]["vocab_theme"] == {TRAN: 1}
    assert result["facets"]["vocab_hvd_category"] == {MOBILITY: 1}


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("path", "labels"),
    [
        ("/dataset/", ["Kategorier", "Transport", "HVD-kategorier", "Rörlighet", "CSV"]),
        ("/en/dataset/", ["Themes", "Transport", "HVD categories", "Mobility", "CSV"]),
    ],
)
def test_search_page_facets_show_labels(app, hvd_dataset, path, labels):
    body = app.get(path).get_data(as_text=True)
    facets = _facet_texts(body)
    for label in labels:
        assert label in facets
    assert TRAN not in facets and MOBILITY not in facets and "text/csv" not in facets


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/dataset/", "Parkeringsplatser", "Kommunala parkeringsplatser."),
        ("/en/dataset/", "Parking spaces", "Municipal parking spaces."),
    ],
)
def test_search_results_are_in_the_visitors_language(app, hvd_dataset, path, title, description):
    page = BeautifulSoup(app.get(path).get_data(as_text=True), "html.parser")
    item = page.select_one(".dataset-item")
    assert title in item.get_text(" ", strip=True)
    assert description in item.get_text(" ", strip=True)


@pytest.mark.usefixtures("with_plugins")
def test_english_page_falls_back_to_swedish(app, organization):
    factories.Dataset(
        name="bara-svenska",
        owner_org=organization["id"],
        **dataset_fields(title_translated={"sv": "Bara svenska"}, notes_translated={"sv": "Endast på svenska."}),
    )
    body = app.get("/en/dataset/bara-svenska").get_data(as_text=True)
    assert "Bara svenska" in body
    assert "Endast på svenska." in body
