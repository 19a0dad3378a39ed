"""Data services (dcat:DataService, schemas/dataservice.yaml): written by
action and through the form in Swedish and English, linked to datasets and
from distributions, gated by the same classification rule, hidden as a
missing one, served in /datasets/dcat (SHACL-valid) and parsed back."""
from __future__ import annotations

import re
import secrets

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.dcat import kept, shacl
from ckanext.gbgopendata.dcat.parsing import Parser
from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    resource_fields,
)

SITE = "http://test.ckan.net"
CC0 = "CC0-1.0"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
HVD = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
HVD_METEOROLOGICAL = "http://data.europa.eu/bna/c_164e0bf5"
ENDPOINT = "https://goteborg.se/api/luftkvalitet/v1"
OPENAPI = "https://goteborg.se/api/luftkvalitet/v1/openapi.json"
DOCS = "https://goteborg.se/api/luftkvalitet/dokumentation"
WMS = "http://www.opengeospatial.org/standards/wms"
CONTACT = {"name": "Miljöförvaltningen", "email": "miljo@goteborg.se", "kind": "Organization"}


def _service_fields(**overrides):
    fields = {
        "type": "dataservice",
        "title_translated": {"sv": "Luftkvalitets-API", "en": "Air quality API"},
        "notes_translated": {"sv": "Mätvärden för luftkvalitet.", "en": "Air quality readings."},
        "endpoint_url": ENDPOINT,
        "license_id": CC0,
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields


def _errors(error: toolkit.ValidationError) -> dict:
    return error.error_dict


@pytest.fixture
def world(clean_db, clean_index, with_plugins, app):
    organization = factories.Organization(name="miljoforvaltningen", **organization_fields())
    other = factories.Organization(name="stadsledningskontoret", **organization_fields(orgnr="212000-1355"))
    editor = organization_member(organization, "editor")
    outsider = organization_member(other, "editor")
    context = {"user": editor["name"]}
    dataset = helpers.call_action(
        "package_create", context=dict(context), owner_org=organization["id"], name="luftkvalitet",
        license_id=CC0, private=False, contact=[CONTACT],
        resources=[resource_fields(url="https://goteborg.se/opendata/luft.csv")], **dataset_fields())
    hidden = helpers.call_action(
        "package_create", context={"user": outsider["name"]}, owner_org=other["id"], name="hemlig",
        private=True, **dict(dataset_fields(), confidentiality_level="1"))
    return {"org": organization, "other": other, "editor": editor, "outsider": outsider, "dataset": dataset,
            "hidden": hidden, "context": context, "app": app}


def _api(world, action, user="editor", lang="sv", **data):
    """The action through the API as `user` (so its auth and its language):
    the result, or the ValidationError's dict (409)."""
    response = world["app"].post(f"/{lang}/api/3/action/{action}", json=data,
                                 headers={"Authorization": world[user]["token"]})
    body = response.json
    if response.status_code == 409:
        return {"errors": body["error"]}
    assert response.status_code == 200, response.get_data(as_text=True)
    return body["result"]


def _create_service(world, **overrides):
    fields = _service_fields(owner_org=world["org"]["id"], **overrides)
    return helpers.call_action("package_create", context=dict(world["context"]), **fields)


# --- by action ------------------------------------------------------------------------------


def test_a_service_is_created_and_edited_by_action(world):
    service = _create_service(
        world, name="luftkvalitet-api", private=False, serves_dataset=["luftkvalitet"],
        endpoint_description=[OPENAPI], contact=[CONTACT], conforms_to=[WMS], access_rights=PUBLIC,
        tags_translated={"sv": ["luft"], "en": ["air"]})
    assert service["type"] == "dataservice"
    assert service["endpoint_url"] == ENDPOINT
    # a dataset named by its name is stored by id
    assert service["serves_dataset"] == [world["dataset"]["id"]]
    assert service["endpoint_description"] == [OPENAPI]
    assert service["contact"][0]["email"] == CONTACT["email"]
    assert service["resources"] == []

    edited = helpers.call_action("package_patch", context=dict(world["context"]), id=service["id"],
                                 endpoint_url="https://goteborg.se/api/luftkvalitet/v2")
    assert edited["endpoint_url"] == "https://goteborg.se/api/luftkvalitet/v2"
    assert helpers.call_action("package_show", id=service["id"])["serves_dataset"] == [world["dataset"]["id"]]


def test_an_endpoint_url_is_required_and_must_be_a_web_address(world):
    with pytest.raises(toolkit.ValidationError) as missing:
        _create_service(world, endpoint_url="")
    assert "endpoint_url" in _errors(missing.value)
    with pytest.raises(toolkit.ValidationError) as wrong:
        _create_service(world, endpoint_url="ftp://goteborg.se/api")
    assert "endpoint_url" in _errors(wrong.value)


def test_a_service_has_no_distributions(world):
    answer = _api(world, "package_create", **_service_fields(owner_org=world["org"]["id"], resources=[resource_fields()]))
    assert answer["errors"]["resources"] == [
        "En datatjänst har inga distributioner: ange dess adress som ändpunkt"]


def test_a_hidden_dataset_is_refused_as_a_served_dataset_like_a_missing_one(world):
    answers = []
    for reference in (world["hidden"]["name"], world["hidden"]["id"], "saknas-" + secrets.token_hex(3)):
        answer = _api(world, "package_create", **_service_fields(owner_org=world["org"]["id"], serves_dataset=[reference]))
        answers.append(answer["errors"]["serves_dataset"][0].replace(reference, "<ref>"))
    assert answers == ["<ref> är ingen datamängd i katalogen som du kan se"] * 3
    english = _api(world, "package_create", lang="en",
                   **_service_fields(owner_org=world["org"]["id"], serves_dataset=["saknas"]))
    assert english["errors"]["serves_dataset"] == ["saknas is no dataset of the catalogue that you may see"]
    # nor may a service serve a service
    other = _create_service(world, name="annan-tjanst")
    answer = _api(world, "package_create", **_service_fields(owner_org=world["org"]["id"], serves_dataset=[other["id"]]))
    assert "serves_dataset" in answer["errors"]


def test_a_distribution_names_its_access_service(world):
    service = _create_service(world, name="luftkvalitet-api")
    resource = helpers.call_action("resource_create", context=dict(world["context"]),
                                   package_id=world["dataset"]["id"], access_service="luftkvalitet-api",
                                   **resource_fields(url="https://goteborg.se/api/luftkvalitet/v1/matningar"))
    assert resource["access_service"] == service["id"]
    # a dataset is no service; a hidden service is refused as a missing one
    hidden_service = helpers.call_action("package_create", context={"user": world["outsider"]["name"]},
                                         **_service_fields(owner_org=world["other"]["id"], name="dold-tjanst",
                                                           private=True))
    for reference in (world["dataset"]["id"], hidden_service["id"], "saknas"):
        answer = _api(world, "resource_create", package_id=world["dataset"]["id"], access_service=reference,
                      **resource_fields())
        assert answer["errors"]["access_service"] == [f"{reference} är ingen datatjänst i katalogen som du kan se"]


def test_a_high_value_service_needs_a_category_documentation_and_a_contact_point(world):
    errors = _api(world, "package_create", **_service_fields(owner_org=world["org"]["id"],
                                                              applicable_legislation=[HVD]))["errors"]
    assert errors["hvd_category"] and errors["documentation"] == [
        "En särskilt värdefull datatjänst (HVD) behöver dokumentation"]
    assert errors["contact"] == ["En särskilt värdefull datatjänst (HVD) behöver en kontaktuppgift"]
    service = _create_service(world, applicable_legislation=[HVD], hvd_category=[HVD_METEOROLOGICAL],
                              documentation=[DOCS], contact=[CONTACT])
    assert service["documentation"] == [DOCS]


# --- the publication rule ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unclassified_or_confidential_service_cannot_be_public(world, app, lang):
    expected = {
        "sv": ("Endast information med konfidentialitetsnivå 0", "nivå 0"),
        "en": ("Only information at confidentiality level 0", "level 0"),
    }[lang]
    unclassified = _service_fields(owner_org=world["org"]["id"], private=False)
    for name in ("confidentiality_level", "integrity_level", "availability_level"):
        unclassified.pop(name)
    confidential = _service_fields(owner_org=world["org"]["id"], private=False, confidentiality_level="1")
    for fields in (unclassified, confidential):
        response = app.post(f"/{lang}/api/3/action/package_create", json=fields,
                            headers={"Authorization": world["editor"]["token"]})
        assert response.status_code == 409, response.get_data(as_text=True)
        error = response.json["error"]
        assert "confidentiality_level" in error
        assert expected[1] in " ".join(error["confidentiality_level"])
    # private it may be saved, and made public once classified at level 0
    service = _create_service(world, private=True, confidentiality_level="1")
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("package_patch", context=dict(world["context"]), id=service["id"], private=False)
    public = helpers.call_action("package_patch", context=dict(world["context"]), id=service["id"],
                                 confidentiality_level="0", private=False)
    assert public["private"] is False


def test_a_hidden_service_answers_like_a_missing_one_byte_for_byte(world, app):
    hidden = helpers.call_action("package_create", context={"user": world["outsider"]["name"]},
                                 **_service_fields(owner_org=world["other"]["id"], name="dold-tjanst", private=True,
                                                   confidentiality_level="1"))
    missing = {"id": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "name": "saknas-tjanst"}
    for headers in ({}, {"Authorization": world["editor"]["token"]}):
        for path in ("/dataservice/{}", "/dataservice/edit/{}", "/en/dataservice/{}"):
            answers = []
            for reference in (hidden["name"], hidden["id"], missing["name"], missing["id"]):
                response = app.get(path.format(reference), headers=headers, follow_redirects=False)
                body = response.get_data(as_text=True).replace(reference, "<ref>")
                body = re.sub(r'(name="_csrf_token" (?:content|value)=")[^"]*', r"\1<token>", body)
                answers.append((response.status_code, body))
            assert answers[0][0] == 404
            assert answers[0] == answers[1] == answers[2] == answers[3], path
        shown = app.post("/api/3/action/package_show", json={"id": hidden["id"]}, headers=headers)
        absent = app.post("/api/3/action/package_show", json={"id": missing["id"]}, headers=headers)
        assert shown.status_code == absent.status_code == 404
        assert shown.get_data() == absent.get_data()


# --- /datasets/dcat ---------------------------------------------------------------------------


def _document(app, fmt="rdf"):
    response = app.get(f"/datasets/dcat?format={fmt}")
    assert response.status_code == 200
    return shacl.parse_document(response.get_data(as_text=True), response.mimetype)


@pytest.fixture
def served(world):
    """A public HVD service serving the public dataset, whose distribution
    is reached through it; a private service serving it too."""
    service = _create_service(
        world, name="luftkvalitet-api", private=False, serves_dataset=["luftkvalitet"], endpoint_description=[OPENAPI], contact=[CONTACT], conforms_to=[WMS],
        access_rights=PUBLIC, documentation=[DOCS], applicable_legislation=[HVD], hvd_category=[HVD_METEOROLOGICAL],
        tags_translated={"sv": ["luft"], "en": ["air"]})
    private = _create_service(world, name="intern-tjanst", private=True, serves_dataset=["luftkvalitet"],
                              endpoint_url="https://intern.goteborg.se/api")
    resource = helpers.call_action("resource_create", context=dict(world["context"]),
                                   package_id=world["dataset"]["id"], access_service=service["id"],
                                   **resource_fields(url=ENDPOINT + "/matningar", format="application/json"))
    hidden_link = helpers.call_action("resource_create", context=dict(world["context"]),
                                      package_id=world["dataset"]["id"], access_service=private["id"],
                                      **resource_fields(url="https://goteborg.se/opendata/luft-intern.csv"))
    return {**world, "service": service, "private_service": private, "resource": resource,
            "hidden_link": hidden_link}


def _uri(kind, package_id):
    return URIRef(f"{SITE}/{kind}/{package_id}")


@pytest.mark.parametrize("fmt", ["rdf", "ttl", "jsonld"])
def test_a_public_service_is_a_dcat_data_service_of_the_catalogue(app, served, fmt):
    graph = _document(app, fmt)
    service = _uri("dataservice", served["service"]["id"])
    dataset = _uri("dataset", served["dataset"]["id"])
    assert set(graph.subjects(RDF.type, DCAT.DataService)) == {service}
    assert set(graph.objects(URIRef(SITE), DCAT.service)) == {service}
    # ckanext-dcat's own URI of it agrees (IDCATURIGenerator)
    from ckanext.dcat.utils import dataset_uri
    assert dataset_uri(served["service"]) == str(service)
    assert service not in set(graph.objects(URIRef(SITE), DCAT.dataset))
    assert (service, DCAT.endpointURL, URIRef(ENDPOINT)) in graph
    assert set(graph.objects(service, DCTERMS.title)) == {Literal("Luftkvalitets-API", lang="sv"),
                                                          Literal("Air quality API", lang="en")}
    assert (service, DCAT.endpointDescription, URIRef(OPENAPI)) in graph
    assert set(graph.objects(service, DCAT.servesDataset)) == {dataset}
    assert (service, DCTERMS.license, URIRef("http://creativecommons.org/publicdomain/zero/1.0/")) in graph
    assert (service, DCTERMS.accessRights, URIRef(PUBLIC)) in graph
    assert (service, FOAF.page, URIRef(DOCS)) in graph
    contact = graph.value(service, DCAT.contactPoint)
    assert contact is not None and graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == \
        URIRef("mailto:" + CONTACT["email"])
    distribution = URIRef(f"{SITE}/dataset/{served['dataset']['id']}/resource/{served['resource']['id']}")
    assert (distribution, DCAT.accessService, service) in graph
    # the private service is never named, nor the link to it
    private = _uri("dataservice", served["private_service"]["id"])
    assert not list(graph.triples((private, None, None))) and not list(graph.triples((None, None, private)))
    hidden_link = URIRef(f"{SITE}/dataset/{served['dataset']['id']}/resource/{served['hidden_link']['id']}")
    assert graph.value(hidden_link, DCAT.accessService) is None
    assert served["private_service"]["id"] not in app.get(f"/datasets/dcat?format={fmt}").get_data(as_text=True)


def test_a_served_dataset_that_becomes_private_is_no_longer_named(app, served):
    dataset = _uri("dataset", served["dataset"]["id"])
    service = _uri("dataservice", served["service"]["id"])
    assert (service, DCAT.servesDataset, dataset) in _document(app)
    helpers.call_action("package_patch", context=dict(served["context"]), id=served["dataset"]["id"], private=True)
    graph = _document(app)
    assert service in set(graph.subjects(RDF.type, DCAT.DataService))
    assert not list(graph.triples((None, None, dataset)))
    # and a service made private leaves the catalogue with its links
    helpers.call_action("package_patch", context=dict(served["context"]), id=served["dataset"]["id"], private=False)
    helpers.call_action("package_patch", context=dict(served["context"]), id=served["service"]["id"], private=True)
    graph = _document(app)
    assert not list(graph.triples((service, None, None))) and not list(graph.triples((None, None, service)))


def test_a_changed_link_changes_the_documents_etag(app, served):
    before = app.get("/datasets/dcat?format=ttl").headers["ETag"]
    helpers.call_action("package_patch", context=dict(served["context"]), id=served["service"]["id"],
                        serves_dataset=[])
    after = app.get("/datasets/dcat?format=ttl")
    assert after.headers["ETag"] != before
    graph = shacl.parse_document(after.get_data(as_text=True), after.mimetype)
    assert graph.value(_uri("dataservice", served["service"]["id"]), DCAT.servesDataset) is None


@pytest.mark.parametrize("shapes", ["se", "eu"])
def test_the_catalogue_with_a_service_passes_the_shapes(app, served, shapes):
    graph = _document(app)
    assert set(graph.subjects(RDF.type, DCAT.DataService))
    assert [r.line() for r in shacl.violations(shacl.validate(graph, shapes))] == []


def test_the_shapes_catch_a_service_without_endpoint_or_hvd_documentation(app, served):
    service = _uri("dataservice", served["service"]["id"])
    graph = _document(app)
    graph.remove((service, DCAT.endpointURL, None))
    assert {r.path for r in shacl.violations(shacl.validate(graph, "se"))} == {str(DCAT.endpointURL)}
    graph = _document(app)
    graph.remove((service, FOAF.page, None))
    assert [r.focus for r in shacl.violations(shacl.validate(graph, "se"))] == [str(service)]


# --- parsing (harvest-in) ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rdf", "ttl", "jsonld"])
def test_a_service_round_trips_through_the_document(app, served, fmt):
    graph = _document(app, fmt)
    parser = Parser(graph)
    parsed = parser.service(_uri("dataservice", served["service"]["id"]))
    stored = helpers.call_action("package_show", id=served["service"]["id"])
    expected = {key: stored[key] for key in (
        "type", "title_translated", "notes_translated", "endpoint_url", "endpoint_description", "conforms_to",
        "documentation", "hvd_category", "applicable_legislation", "access_rights", "license_id", "owner_org",
        "serves_dataset", "tags_translated")}
    expected["contact"] = [{key: value for key, value in contact.items() if value} for contact in stored["contact"]]
    # its identity in this catalogue: the node's URI and its id as dct:identifier
    expected.update(uri=str(_uri("dataservice", stored["id"])), identifier=stored["id"])
    assert parsed == expected
    # a distribution's dcat:accessService gives its access_service
    distributions = [parser.distribution(node) for node in graph.objects(
        _uri("dataset", served["dataset"]["id"]), DCAT.distribution)]
    assert [d.get("access_service") for d in distributions if d.get("access_service")] == [served["service"]["id"]]


def test_a_parsed_service_is_stored_as_it_was(app, served):
    """The parsed dict is a dataservice the catalogue takes as it is."""
    graph = _document(app)
    parsed = Parser(graph).service(_uri("dataservice", served["service"]["id"]))
    # Without the source identity, which is the import's to set and unique.
    parsed.pop("uri"), parsed.pop("identifier")
    copy = helpers.call_action("package_create", context=dict(served["context"]), name="kopia",
                               **dict(parsed, **OPEN_CLASSIFICATION))
    assert copy["endpoint_url"] == ENDPOINT and copy["serves_dataset"] == [served["dataset"]["id"]]


# --- the form and the pages -------------------------------------------------------------------


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("lang, labels", [
    ("sv", ("Ändpunkt", "Beskrivning av ändpunkten", "Tillhandahåller datamängder", "Konfidentialitet",
            "Rotadressen till tjänsten, där den tar emot anrop.")),
    ("en", ("Endpoint URL", "Endpoint description", "Serves datasets", "Confidentiality",
            "The root address of the service, where it answers requests.")),
])
def test_the_form_creates_and_edits_a_service(world, app, lang, labels):
    headers = {"Authorization": world["editor"]["token"]}
    prefix = "" if lang == "sv" else "/en"
    form = app.get(f"{prefix}/dataservice/new", headers=headers)
    assert form.status_code == 200
    text = _page(form).get_text(" ", strip=True)
    for label in labels:
        assert label in text, label
    button = _page(form).select_one("form#dataset-edit button[name=save]")
    assert button["value"] == "go-metadata"
    assert button.get_text(strip=True) == {"sv": "Spara datatjänsten", "en": "Save the data service"}[lang]
    response = app.post(f"{prefix}/dataservice/new", headers=headers, follow_redirects=False, data={
        "title_translated-sv": "Luftkvalitets-API",
        "title_translated-en": "Air quality API",
        "notes_translated-sv": "Mätvärden.",
        "notes_translated-en": "Readings.",
        "endpoint_url": ENDPOINT,
        "endpoint_description": OPENAPI,
        "serves_dataset": "luftkvalitet",
        "owner_org": world["org"]["id"],
        "license_id": CC0,
        "contact-0-name": CONTACT["name"],
        "contact-0-email": CONTACT["email"],
        "contact-0-kind": "Organization",
        "confidentiality_level": "0",
        "integrity_level": "1",
        "availability_level": "1",
        "private": "True",
        "_ckan_phase": "dataset_new_1",
        "pkg_name": "",
        "save": "go-metadata",
    })
    assert response.status_code == 302, _page(response).select_one(".error-explanation")
    service = helpers.call_action("package_search", fq="dataset_type:dataservice", include_private=True)["results"]
    assert [s["endpoint_url"] for s in service] == [ENDPOINT]
    service = service[0]
    assert service["serves_dataset"] == [world["dataset"]["id"]] and service["state"] == "active"
    # no distribution's form: the creation ends on the service's checklist
    assert response.headers["Location"].endswith(f"/dataset/{service['name']}/checklist")

    edit = app.get(f"{prefix}/dataservice/edit/{service['name']}", headers=headers)
    assert edit.status_code == 200
    page = _page(edit)
    assert page.select_one("#field-endpoint_url")["value"] == ENDPOINT
    # an invalid endpoint is refused in the page's language, nothing saved
    refused = app.post(f"{prefix}/dataservice/edit/{service['name']}", headers=headers, data={
        **{i["name"]: i.get("value", "") for i in page.select("form#dataset-edit input[name]")
           if i.get("type") not in ("checkbox", "submit")},
        "endpoint_url": "goteborg.se/api", "save": ""})
    assert refused.status_code == 200
    message = {"sv": "Måste vara en fullständig webbadress", "en": "Must be an absolute web address"}[lang]
    assert message in _page(refused).get_text(" ", strip=True), _page(refused).get_text(" ", strip=True)[:4000]
    assert helpers.call_action("package_show", id=service["id"])["endpoint_url"] == ENDPOINT


def test_the_pages_link_a_dataset_to_its_services_and_a_distribution_to_its_access_service(app, served):
    page = _page(app.get(f"/dataset/{served['dataset']['name']}"))
    links = [a["href"] for a in page.select(".gbgopendata-data-services a")]
    # the private service is not shown to a visitor
    assert links == [f"/dataservice/{served['service']['name']}"]
    resource_page = _page(app.get(f"/dataset/{served['dataset']['name']}/resource/{served['resource']['id']}"))
    assert [a["href"] for a in resource_page.select("a.gbgopendata-access-service")] == [
        f"/dataservice/{served['service']['name']}"]
    hidden = _page(app.get(f"/dataset/{served['dataset']['name']}/resource/{served['hidden_link']['id']}"))
    assert hidden.select("a.gbgopendata-access-service") == []
    assert served["private_service"]["name"] not in str(hidden)
    # the service's page links the datasets it serves
    service_page = _page(app.get(f"/dataservice/{served['service']['name']}"))
    assert [a["href"] for a in service_page.select(".gbgopendata-served-datasets a")] == [
        f"/dataset/{served['dataset']['name']}"]
    assert ENDPOINT in service_page.get_text(" ", strip=True)
    # an editor of the organisation sees the private one too
    headers = {"Authorization": served["editor"]["token"]}
    page = _page(app.get(f"/dataset/{served['dataset']['name']}", headers=headers))
    assert len(page.select(".gbgopendata-data-services a")) == 2


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_resource_form_offers_the_organisations_services(app, served, lang):
    headers = {"Authorization": served["editor"]["token"]}
    prefix = "" if lang == "sv" else "/en"
    page = _page(app.get(f"{prefix}/dataset/{served['dataset']['name']}/resource/new", headers=headers))
    select = page.select_one("#field-access_service")
    assert {o["value"] for o in select.select("option")} == {"", served["service"]["id"],
                                                            served["private_service"]["id"]}
    label = page.select_one("label[for=field-access_service]").get_text(strip=True)
    assert label == {"sv": "Datatjänst", "en": "Data service"}[lang]


def test_every_service_page_answers_a_hidden_service_as_a_missing_one(world, app):
    """Every URL rule under /dataservice that names something, as in
    test_uniform_not_found.py for /dataset."""
    from ckanext.gbgopendata.logic import existence
    from ckanext.gbgopendata.tests import test_uniform_not_found as uniform

    hidden = helpers.call_action("package_create", context={"user": world["outsider"]["name"]},
                                 **_service_fields(owner_org=world["other"]["id"], name="dold-tjanst", private=True,
                                                   confidentiality_level="1"))
    values = {existence.DATASET: hidden["id"], "dataset name": hidden["name"],
              existence.RESOURCE: "0" * 8 + "-0000-4000-8000-" + "1" * 12,
              existence.RESOURCE_VIEW: "0" * 8 + "-0000-4000-8000-" + "2" * 12,
              existence.ACTIVITY: "0" * 8 + "-0000-4000-8000-" + "3" * 12}
    rules = []
    for rule in app.flask_app.url_map.iter_rules():
        arguments = set(rule.arguments) - set(rule.defaults or {})
        if rule.rule.startswith("/dataservice") and arguments:
            kinds = {a: {"id": existence.DATASET, "_id": existence.DATASET, "resource_id": existence.RESOURCE,
                         "view_id": existence.RESOURCE_VIEW, "activity_id": existence.ACTIVITY}[a]
                     for a in arguments - set(uniform._FIXED_ARGUMENTS)}
            rules.append((rule.rule, "GET" if "GET" in rule.methods else "POST", kinds))
    assert len(rules) > 10
    different = []
    for headers in ({}, {"Authorization": world["editor"]["token"]}):
        for rule, method, kinds in rules:
            answers = []
            for given in (values, uniform._missing()):
                url = uniform._url(rule, kinds, given, by_name=False)
                response = app.get(url, headers=headers, follow_redirects=False) if method == "GET" \
                    else app.post(url, headers=headers, follow_redirects=False)
                answers.append(uniform._answer(response, {kind: given[kind] for kind in kinds.values()}))
            if answers[0] != answers[1] or answers[0][0] != 404:
                different.append((rule, answers[0][0], answers[1][0]))
    assert different == []


def test_a_services_checklist_asks_for_its_endpoint_not_for_distributions():
    """rule.applicable_missing: the conditions on distributions do not apply
    to a service; its endpoint URL is asked instead, in sv and en (the
    assessment's automatic items, as the checklist asks them)."""
    from ckanext.gbgopendata import assessment, messages

    organisation = {"orgnr": "2120001355"}

    def asked(check, dataset):
        return assessment.automatic_missing(check, dataset, None, organisation)

    service = assessment.shape({"type": "dataservice", "title": "API", "notes": "Om API:t", "endpoint_url": ENDPOINT})
    assert asked("mandatory_metadata", service) == []
    assert asked("open_format", service) == []
    missing = asked("mandatory_metadata", dict(service, endpoint_url=None))
    assert [m.field for m in missing] == ["endpoint_url"]
    assert messages.render(missing[0].reason, "sv") == "Datatjänsten saknar ändpunkt."
    assert messages.render(missing[0].reason, "en") == "The data service has no endpoint URL."
    # a dataset still needs its distributions
    dataset = assessment.shape({"type": "dataset", "title": "Data", "notes": "Om datan"})
    assert [m.field for m in asked("mandatory_metadata", dataset)] == ["resources"]
    assert [m.field for m in asked("open_format", dataset)] == ["resources"]


def test_the_resource_form_keeps_a_service_of_another_organisation(app, served):
    """A distribution linked to a public service of another organisation
    shows it selected on its form, so saving the form keeps it."""
    other_service = helpers.call_action(
        "package_create", context={"user": served["outsider"]["name"]},
        **_service_fields(owner_org=served["other"]["id"], name="stadens-api", private=False))
    resource = helpers.call_action("resource_patch", context=dict(served["context"]), id=served["resource"]["id"],
                                   access_service=other_service["id"])
    headers = {"Authorization": served["editor"]["token"]}
    page = _page(app.get(f"/dataset/{served['dataset']['name']}/resource/{resource['id']}/edit", headers=headers))
    select = page.select_one("#field-access_service")
    assert select.select_one("option[selected]")["value"] == other_service["id"]
    assert other_service["id"] in {o["value"] for o in select.select("option")}


def test_the_quality_item_and_panel_are_not_asked_of_a_service(app, world):
    """The MQA score is of datasets and distributions: a service's checklist
    quality item is met whatever its score, and no panel shows a score."""
    from ckanext.gbgopendata import assessment, checklist, rule
    from ckanext.gbgopendata.checklist import automatic

    service = assessment.shape({"type": "dataservice", "endpoint_url": ENDPOINT})
    assert not rule.scored_by_mqa(service) and rule.scored_by_mqa(assessment.shape({"type": "dataset"}))
    rules = assessment.Rules(checklist=checklist.current(), open_licenses=(CC0,),
                             types_under_rule=frozenset({"dataset", "dataservice"}), quality_min_rating="excellent")
    facts = assessment.Facts(rules=rules, quality={"eu": "poor", "se": "poor"})
    assert assessment.automatic_missing(automatic.QUALITY_CHECK, service, facts) == []
    dataset = assessment.shape({"type": "dataset"})
    assert assessment.automatic_missing(automatic.QUALITY_CHECK, dataset, facts) != []

    created = _create_service(world, name="luftkvalitet-api")
    headers = {"Authorization": world["editor"]["token"]}
    for url in (f"/dataservice/edit/{created['name']}", f"/dataservice/{created['name']}",
                f"/dataset/{created['name']}/checklist"):
        response = app.get(url, headers=headers)
        assert response.status_code == 200, url
        assert not _page(response).select("#quality-heading"), url
    # a dataset's form has it
    assert _page(app.get(f"/dataset/edit/{world['dataset']['name']}", headers=headers)).select("#quality-heading")


@pytest.mark.parametrize("lang, word", [("sv", "distribution"), ("en", "distribution")])
def test_a_services_pages_offer_no_distributions(app, world, lang, word):
    created = _create_service(world, name="luftkvalitet-api")
    headers = {"Authorization": world["editor"]["token"]}
    prefix = "" if lang == "sv" else "/en"
    for url in (f"{prefix}/dataservice/{created['name']}", f"{prefix}/dataservice/edit/{created['name']}"):
        page = _page(app.get(url, headers=headers))
        assert not page.select(f"a[href*='/resource']"), url
        for choices in page.select("select, datalist, script, template"):  # vocabularies ("species distribution")
            choices.decompose()
        text = page.select_one("#content").get_text(" ", strip=True).lower()
        assert word not in text and "reorder resources" not in text, url
    # a dataset's edit page still has them
    page = _page(app.get(f"{prefix}/dataset/edit/{world['dataset']['name']}", headers=headers))
    assert page.select("a[href*='/resource']") and word in page.select_one("#content").get_text(" ", strip=True).lower()


FOREIGN = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

<https://example.org/catalog> a dcat:Catalog ; dcat:service <https://example.org/api/buses> ;
    dcat:dataset <https://example.org/dataset/buses> .
<https://example.org/api/buses> a dcat:DataService ;
    dcterms:title "Bussar API"@sv, "Bus API"@en ;
    dcat:endpointURL <https://api.example.org/buses> ;
    dcat:endpointDescription <https://api.example.org/buses/openapi.yaml> ;
    dcat:keyword "buss"@sv, "kollektivtrafik"@sv ;
    dcat:servesDataset <https://example.org/dataset/buses> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcat:contactPoint <https://example.org/contact> .
<https://example.org/contact> a vcard:Organization ; vcard:fn "Trafik" ; vcard:hasEmail <mailto:trafik@example.org> .
<https://example.org/dataset/buses> a dcat:Dataset ; dcterms:title "Bussar"@sv ;
    dcat:distribution <https://example.org/dataset/buses/gtfs> .
<https://example.org/dataset/buses/gtfs> a dcat:Distribution ; dcat:accessURL <https://api.example.org/buses/gtfs> ;
    dcat:accessService <https://example.org/api/buses> .
"""


def test_another_catalogues_service_is_parsed_with_its_links_as_uris(app, world):
    graph = Graph().parse(data=FOREIGN, format="turtle")
    parser = Parser(graph)
    [(ref, service)] = parser.services()
    assert ref == URIRef("https://example.org/api/buses")
    assert service == {
        "type": "dataservice",
        "uri": "https://example.org/api/buses",  # its identity in that catalogue
        "title_translated": {"sv": "Bussar API", "en": "Bus API"},
        "endpoint_url": "https://api.example.org/buses",
        "endpoint_description": ["https://api.example.org/buses/openapi.yaml"],
        "tags_translated": {"sv": ["buss", "kollektivtrafik"]},
        "license_id": "CC-BY-4.0",
        "access_rights": PUBLIC,
        "contact": [{"name": "Trafik", "email": "trafik@example.org", "kind": "Organization"}],
        # another catalogue's dataset: its URI, for the importer to map
        "serves_dataset": ["https://example.org/dataset/buses"],
    }
    distribution = parser.distribution(URIRef("https://example.org/dataset/buses/gtfs"))
    assert distribution["access_service"] == "https://example.org/api/buses"
