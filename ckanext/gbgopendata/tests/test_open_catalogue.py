"""The open catalogue is filtered in the search index: ckanext-dcat's pages
come back full, with the right totals, whoever asks and whatever context
ckanext-dcat hands on."""
from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

import ckan.model as model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION, dataset_fields

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
PUBLIC, HIDDEN = 7, 3


@pytest.fixture
def catalogue(organization, editor):
    context = {"user": editor["name"], "ignore_auth": False}
    for number in range(PUBLIC):
        helpers.call_action("package_create", context=dict(context), name=f"oppen-{number}",
                            owner_org=organization["id"], private=False, **dataset_fields())
    hidden = []
    for number in range(HIDDEN):
        # Stored public, then declassified past the action layer (as a
        # dataset stored before the rule): public flag, private labels.
        dataset = helpers.call_action("package_create", context=dict(context), name=f"dold-{number}",
                                      owner_org=organization["id"], private=False, **dataset_fields())
        pkg = model.Package.get(dataset["id"])
        for key in OPEN_CLASSIFICATION:
            del pkg.extras[key]
        model.repo.commit()
        search.rebuild(dataset["id"])
        hidden.append(dataset["id"])
    hidden.append(helpers.call_action("package_create", context=dict(context), name="privat",
                                      owner_org=organization["id"], private=True, **dataset_fields())["id"])
    return hidden


def _page(app, number: int, headers=None) -> rdflib.Graph:
    response = app.get(f"/catalog.ttl?page={number}", headers=headers or {})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


def _datasets(graph: rdflib.Graph) -> list[str]:
    return sorted(str(graph.value(s, rdflib.URIRef("http://purl.org/dc/terms/identifier")) or s)
                  for s in graph.subjects(RDF.type, DCAT.Dataset))


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "3")
@pytest.mark.parametrize("viewer", ["anonymous", "editor"])
def test_catalogue_pages_are_full_and_counted_right(app, catalogue, editor, viewer):
    headers = {"Authorization": editor["token"]} if viewer == "editor" else {}
    pages = [_page(app, number, headers) for number in (1, 2, 3)]
    assert [len(_datasets(page)) for page in pages] == [3, 3, 1]
    for page in pages:
        assert {int(total) for total in page.objects(None, HYDRA.totalItems)} == {PUBLIC}
    text = "".join(page.serialize(format="turtle") for page in pages)
    assert not [dataset_id for dataset_id in catalogue if dataset_id in text]


@pytest.mark.usefixtures("with_plugins")
def test_the_filter_holds_when_ckanext_dcat_passes_a_fresh_context(app, catalogue, editor, monkeypatch):
    """If ckanext-dcat stopped handing our context on to package_search, the
    catalogue would still hold only the open datasets, also for an editor of
    the organisation that owns the hidden ones."""
    from ckanext.dcat import logic as dcat_logic

    original = dcat_logic._search_ckan_datasets
    monkeypatch.setattr(
        dcat_logic, "_search_ckan_datasets",
        lambda context, data_dict: original({"user": editor["name"]}, data_dict),
    )
    graph = _page(app, 1, {"Authorization": editor["token"]})
    assert len(_datasets(graph)) == PUBLIC
    text = graph.serialize(format="turtle")
    assert not [dataset_id for dataset_id in catalogue if dataset_id in text]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("parameter", "value", "status"),
    [
        ("fq", "name:oppen-1", 200),
        ("fq", "*:*", 200),
        ("fq", "-name:oppen-1", 200),
        ("fq", "x)OR(*:*", 200),
        ("fq", "x) OR (*:*", 409),
        ("fq", "{!lucene}*:*", 409),
        ("q", "name:dold-1", 200),
        ("q", "dold OR oppen", 409),
        ("modified_since", "2000-01-01", 200),
        ("modified_since", "2000-01-01 12:00", 409),
    ],
)
def test_a_parameter_of_the_request_only_narrows_the_catalogue(app, catalogue, parameter, value, status):
    response = app.get("/catalog.ttl", query_string={parameter: value})
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert not [dataset_id for dataset_id in catalogue if dataset_id in text]
    if status == 409:
        assert parameter in text


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"profiles": "x" * 3000}, "profiles"),  # ckanext-dcat walked it character by character
        ({"profiles": True}, "profiles"),
        ({"profiles": ["euro_dcat_ap_3"]}, "profiles"),  # registered, not the catalogue's
        ({"format": [1]}, "format"),
        ({"format": {"x": 1}}, "format"),
        ({"page": [1]}, "page"),
        ({"page": {}}, "page"),
        ({"page": "1e9"}, "page"),
    ],
)
@pytest.mark.parametrize("action", ["dcat_catalog_search", "dcat_catalog_show"])
def test_dcat_actions_refuse_arguments_ckanext_dcat_cannot_take(app, action, arguments, field):
    response = app.post(f"/api/3/action/{action}", json=arguments)
    assert response.status_code == 409
    assert field in response.json["error"]


@pytest.mark.usefixtures("with_plugins")
def test_the_catalogues_own_profile_may_be_named(app, catalogue):
    response = app.get("/catalog.ttl?profiles=dcat_ap_se")
    assert response.status_code == 200
    assert app.get("/catalog.ttl?profiles=euro_dcat_ap_3").status_code == 409
