"""Dataset series (dcat:DatasetSeries, issue 21 item 5): the series type
under the same publication rule, datasets naming their series in
`in_series` (at most 50 a series, no series in a series), the pages, the
open catalogue's DCAT-AP-SE (with SHACL) and the parser's round trip."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from rdflib import URIRef
from rdflib.namespace import DCAT, RDF

from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    resource_fields,
)

SITE = "http://test.ckan.net"
CC0 = "CC0-1.0"
pytestmark = pytest.mark.usefixtures("with_plugins")


def _series_fields(**overrides):
    fields = {
        "type": "dataset_series",
        "title_translated": {"sv": "Luftkvalitet per år", "en": "Air quality by year"},
        "notes_translated": {"sv": "Årliga mätningar av luftkvaliteten.", "en": "Yearly air quality measurements."},
        "contact": [{"name": "Miljöförvaltningen", "email": "miljo@goteborg.se"}],
        "license_id": CC0,
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields


def _call(action, user=None, **data):
    # as the person (CKAN's call_action would ignore auth by default)
    context = {"user": user["name"], "ignore_auth": False} if user else {"ignore_auth": True, "user": ""}
    return helpers.call_action(action, context=context, **data)


def _series(user, organization, **overrides):
    return _call("package_create", user, owner_org=organization["id"], **_series_fields(**overrides))


def _dataset(user, organization, **overrides):
    fields = dataset_fields(owner_org=organization["id"], license_id=CC0, resources=[resource_fields()])
    fields.update(overrides)
    return _call("package_create", user, **fields)


def _errors(excinfo):
    return excinfo.value.error_dict


# --- the type and the rule -------------------------------------------------------------


def test_a_series_is_created_and_edited_by_action(editor, organization):
    series = _series(editor, organization, private=True)
    assert series["type"] == "dataset_series"
    assert series["name"] == "luftkvalitet-per-ar"
    assert series["resources"] == []
    updated = _call("package_patch", editor, id=series["id"], frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert updated["frequency"].endswith("/ANNUAL")
    assert updated["title_translated"]["sv"] == "Luftkvalitet per år"


def test_the_rule_gates_a_series_unclassified_cannot_be_public(editor, organization):
    fields = _series_fields(private=False)
    for name in OPEN_CLASSIFICATION:
        fields.pop(name)
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _call("package_create", editor, owner_org=organization["id"], **fields)
    assert "confidentiality_level" in _errors(excinfo)
    assert model.Session.query(model.Package).filter_by(type="dataset_series").count() == 0
    # private it may be, and it is then not public
    series = _call("package_create", editor, owner_org=organization["id"], **dict(fields, private=True))
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _call("package_patch", editor, id=series["id"], private=False)
    assert "confidentiality_level" in _errors(excinfo)


def test_a_classified_series_is_public_without_distributions(editor, organization):
    series = _series(editor, organization, private=False)
    assert series["private"] is False
    from ckanext.gbgopendata.logic import facts

    assert facts.standing(series) == ()


def test_a_series_with_distributions_may_not_be_public(editor, organization, with_catalogues):
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _series(editor, organization, private=False, resources=[resource_fields()])
    # the publication rule's reason, under "private" (the save asked to be public)
    assert "inga egna distributioner" in str(_errors(excinfo)["private"])  # Swedish, the default


def test_a_series_cannot_be_in_a_series(editor, organization):
    outer = _series(editor, organization, private=True)
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _series(editor, organization, private=True, title_translated={"sv": "Inre", "en": "Inner"}, in_series=outer["id"])
    assert "in_series" in _errors(excinfo)
    # nor is a dataset a series to be in
    dataset = _dataset(editor, organization, private=True)
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _dataset(editor, organization, private=True, title_translated={"sv": "Annan", "en": "Other"},
                 in_series=dataset["id"])
    assert "not a dataset series" in str(_errors(excinfo)["in_series"])


def test_a_dataset_names_its_series_and_a_hidden_series_is_a_missing_one(editor, organization):
    series = _series(editor, organization, private=True)
    member = _dataset(editor, organization, private=True, in_series=series["name"])
    assert member["in_series"] == series["id"]  # stored by id

    other_org = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    outsider = organization_member(other_org, "editor")
    fields = dataset_fields(owner_org=other_org["id"], title_translated={"sv": "Utanför", "en": "Outside"})
    with pytest.raises(toolkit.ValidationError) as hidden:
        _call("package_create", outsider, in_series=series["id"], **fields)
    with pytest.raises(toolkit.ValidationError) as missing:
        _call("package_create", outsider, in_series="0" * 8 + series["id"][8:], **fields)
    shown = str(hidden.value.error_dict["in_series"]).replace(series["id"], "X")
    assert shown == str(missing.value.error_dict["in_series"]).replace("0" * 8 + series["id"][8:], "X")


def test_the_fifty_first_dataset_is_refused_naming_the_field_and_the_rule(editor, organization):
    series = _series(editor, organization, private=True)
    for number in range(50):
        _dataset(editor, organization, private=True, name=f"matning-{number}",
                 title_translated={"sv": f"Mätning {number}", "en": f"Measurement {number}"}, in_series=series["id"])
    with pytest.raises(toolkit.ValidationError) as excinfo:
        _dataset(editor, organization, private=True, name="matning-50",
                 title_translated={"sv": "Mätning 50", "en": "Measurement 50"}, in_series=series["id"])
    message = str(_errors(excinfo)["in_series"])
    assert "50" in message and "DIGG" in message
    assert model.Package.get("matning-50") is None
    # a member saved again keeps its place
    again = _call("package_patch", editor, id="matning-3", version="2")
    assert again["in_series"] == series["id"]


# --- /datasets/dcat -------------------------------------------------------------------------


def _catalogue(app, fmt="ttl"):
    from ckanext.gbgopendata.dcat import shacl

    response = app.get(f"/datasets/dcat?format={fmt}")
    assert response.status_code == 200
    return shacl.parse_document(response.get_data(as_text=True), response.mimetype)


def _uri(dataset):
    return URIRef(f"{SITE}/dataset/{dataset['id']}")


@pytest.fixture
def published(editor, organization):
    """A public series with a public and a private member."""
    series = _series(editor, organization, private=False,
                     frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
                     temporal_start="2020-01-01",
                     spatial_coverage=[{"uri": "http://sws.geonames.org/2711533"}])
    public = _dataset(editor, organization, private=False, in_series=series["id"],
                      title_translated={"sv": "Luftkvalitet 2024", "en": "Air quality 2024"})
    private = _dataset(editor, organization, private=True, in_series=series["id"],
                       title_translated={"sv": "Luftkvalitet 2025", "en": "Air quality 2025"})
    return series, public, private


@pytest.mark.parametrize("fmt", ["xml", "ttl", "jsonld"])
def test_the_catalogue_holds_the_series_and_its_members_name_it(app, published, fmt):
    series, public, private = published
    graph = _catalogue(app, fmt)
    assert set(graph.subjects(RDF.type, DCAT.DatasetSeries)) == {_uri(series)}
    assert (_uri(series), RDF.type, DCAT.Dataset) not in graph
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {_uri(public)}
    assert set(graph.objects(_uri(public), DCAT.inSeries)) == {_uri(series)}
    assert (URIRef(SITE), DCAT.dataset, _uri(series)) in graph
    assert _uri(private) not in set(graph.subjects())
    from rdflib.namespace import DCTERMS

    assert {str(t) for t in graph.objects(_uri(series), DCTERMS.title)} == {"Luftkvalitet per år", "Air quality by year"}
    assert graph.value(_uri(series), DCTERMS.publisher) is not None
    assert graph.value(_uri(series), DCAT.contactPoint) is not None
    assert graph.value(_uri(series), DCTERMS.accrualPeriodicity) is not None
    assert graph.value(_uri(series), DCAT.distribution) is None


@pytest.mark.parametrize("shapes", ["se", "eu"])
def test_the_catalogue_with_a_series_passes_the_shapes(app, published, shapes):
    from ckanext.gbgopendata.dcat import shacl

    results = shacl.validate(_catalogue(app, "xml"), shapes)
    assert [r.line() for r in shacl.violations(results)] == []


def test_members_of_a_private_series_are_served_without_in_series(app, editor, published):
    series, public, private = published
    assert (_uri(public), DCAT.inSeries, _uri(series)) in _catalogue(app)
    _call("package_patch", editor, id=series["id"], private=True)
    graph = _catalogue(app)
    assert _uri(public) in set(graph.subjects(RDF.type, DCAT.Dataset))
    assert list(graph.objects(_uri(public), DCAT.inSeries)) == []
    assert _uri(series) not in set(graph.subjects())
    # the member itself did not change: its fragment was rebuilt because its series did
    assert _call("package_show", None, id=public["id"])["metadata_modified"] == public["metadata_modified"]
    _call("package_patch", editor, id=series["id"], private=False)
    assert (_uri(public), DCAT.inSeries, _uri(series)) in _catalogue(app)


def test_a_series_description_change_leaves_the_members_fragments_naming_it(app, editor, published):
    series, public, _ = published
    _catalogue(app)
    _call("package_patch", editor, id=series["id"],
          title_translated={"sv": "Luftkvalitet, årsvis", "en": "Air quality, yearly"})
    graph = _catalogue(app)
    from rdflib.namespace import DCTERMS

    assert (_uri(public), DCAT.inSeries, _uri(series)) in graph
    assert "Luftkvalitet, årsvis" in {str(t) for t in graph.objects(_uri(series), DCTERMS.title)}


# --- parsing --------------------------------------------------------------------------------


def test_the_parser_reads_the_series_and_the_membership_back(app, editor, published):
    from ckanext.gbgopendata.dcat import series as dcat_series
    from ckanext.gbgopendata.dcat.parsing import Parser

    series, public, _ = published
    graph = _catalogue(app, "xml")
    assert dcat_series.series_refs(graph) == [_uri(series)]
    parsed_series = Parser(graph).dataset(_uri(series))
    assert parsed_series["type"] == "dataset_series"
    assert "resources" not in parsed_series
    for key in ("title_translated", "notes_translated", "frequency", "temporal_start", "spatial_coverage",
                "license_id", "owner_org"):
        assert parsed_series[key] == series[key], key
    assert parsed_series["contact"][0]["email"] == series["contact"][0]["email"]
    parsed_member = Parser(graph).dataset(_uri(public))
    assert parsed_member["in_series"] == series["id"]
    assert "type" not in parsed_member

    # stored again: the parsed series is a valid series, the member names it
    # (without the source identity, which is the import's to set and unique)
    from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION as levels

    assert parsed_series["uri"] == str(_uri(series)) and parsed_series["identifier"] == series["id"]
    for parsed in (parsed_series, parsed_member):
        parsed.pop("uri"), parsed.pop("identifier")
        for resource in parsed.get("resources", []):
            resource.pop("uri", None)

    created = _call("package_create", editor, name="kopia", **dict(parsed_series, private=True, **levels))
    assert created["type"] == "dataset_series"
    member = _call("package_create", editor, name="kopia-medlem",
                   **dict(parsed_member, in_series=created["id"], private=True, **levels))
    assert member["in_series"] == created["id"]


def test_an_in_series_naming_no_series_of_the_catalogue_is_not_kept(app, published):
    from rdflib import Graph

    from ckanext.gbgopendata.dcat.parsing import Parser

    _, public, _ = published
    graph = _catalogue(app, "ttl")
    graph.remove((_uri(public), DCAT.inSeries, None))
    graph.add((_uri(public), DCAT.inSeries, URIRef("https://example.org/series/1")))
    assert "in_series" not in Parser(graph).dataset(_uri(public))
    assert isinstance(graph, Graph)


# --- forms and pages ------------------------------------------------------------------------


def _page(app, url, user=None, status=200):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, headers=headers)
    assert response.status_code == status, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _form_errors(response) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " | ".join(e.get_text(" ", strip=True) for e in page.select(".error-explanation, .error-block"))


SERIES_FORM = {
    "title_translated-sv": "Cykelräkningar per år",
    "title_translated-en": "Bicycle counts by year",
    "notes_translated-sv": "Årliga cykelräkningar i Göteborg.",
    "notes_translated-en": "Yearly bicycle counts in Gothenburg.",
    "contact-0-name": "Trafikkontoret",
    "contact-0-email": "trafikkontoret@goteborg.se",
    "contact-0-kind": "Organization",
    "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    "license_id": CC0,
    "private": "True",
    **OPEN_CLASSIFICATION,
    "save": "",
}


@pytest.mark.parametrize("prefix, heading, label", [("", "Skapa dataserie", "Titel"),
                                                     ("/en", "Create dataset series", "Title")])
def test_the_series_form_in_both_languages(app, editor, organization, prefix, heading, label):
    page = _page(app, f"{prefix}/dataset_series/new", editor)
    assert page.select_one("h1.gbg-form-heading").get_text(strip=True) == heading
    assert label in [lbl.get_text(" ", strip=True).split(" ")[0] for lbl in page.select("label")]
    assert not page.select("ol.stages")  # no distribution stage
    assert not page.select("[name=in_series]")  # a series is in no series
    response = app.post(f"{prefix}/dataset_series/new", data=dict(SERIES_FORM, owner_org=organization["id"]),
                        headers={"Authorization": editor["token"]}, follow_redirects=False)
    assert response.status_code == 302, _form_errors(response)
    assert response.headers["Location"].endswith("/dataset_series/cykelrakningar-per-ar")
    stored = _call("package_show", editor, id="cykelrakningar-per-ar")
    assert stored["type"] == "dataset_series" and stored["state"] == "active"
    assert stored["title_translated"] == {"sv": "Cykelräkningar per år", "en": "Bicycle counts by year"}

    edit = _page(app, f"{prefix}/dataset_series/edit/cykelrakningar-per-ar", editor)
    assert edit.select_one("[name=title_translated-en]")["value"] == "Bicycle counts by year"
    response = app.post(f"{prefix}/dataset_series/edit/cykelrakningar-per-ar",
                        data=dict(SERIES_FORM, owner_org=organization["id"], **{"title_translated-en": "Bike counts"}),
                        headers={"Authorization": editor["token"]}, follow_redirects=False)
    assert response.status_code == 302, _form_errors(response)
    assert _call("package_show", editor, id=stored["id"])["title_translated"]["en"] == "Bike counts"


@pytest.mark.parametrize("prefix, expected", [("", "Det finns ingen dataserie"), ("/en", "No dataset series")])
def test_the_dataset_form_offers_the_organisations_series_and_names_an_error_in_the_language(
        app, editor, organization, prefix, expected):
    series = _series(editor, organization, private=True)
    page = _page(app, f"{prefix}/dataset/new", editor)
    offered = {option["value"]: option.get_text(strip=True) for option in page.select("select[name=in_series] option")}
    assert offered[series["id"]].startswith("Luftkvalitet per år")
    assert offered[""] == ("Ingen serie" if not prefix else "No series")
    response = app.post(f"{prefix}/dataset/new", data={
        "title_translated-sv": "Felaktig serie", "notes_translated-sv": "Beskrivning.",
        "owner_org": organization["id"], "in_series": "finns-inte", "save": "continue",
        "_ckan_phase": "dataset_new_1", "pkg_name": "",
    }, headers={"Authorization": editor["token"]})
    assert response.status_code == 200
    assert expected in _form_errors(response)


def test_a_dataset_page_links_to_its_series_and_the_series_page_lists_what_the_viewer_may_see(
        app, editor, published):
    series, public, private = published
    dataset_page = _page(app, f"/dataset/{public['name']}")
    link = dataset_page.select_one(f'a[href$="/dataset_series/{series["name"]}"]')
    assert link is not None and link.get_text(strip=True) == "Luftkvalitet per år"

    anonymous = _page(app, f"/dataset_series/{series['name']}")
    listed = [a["href"] for a in anonymous.select("#series-datasets a")]
    assert listed == [f"/dataset/{public['name']}"]
    assert "Datamängder i serien" in anonymous.get_text()
    member_view = _page(app, f"/dataset_series/{series['name']}", editor)
    assert sorted(a["href"] for a in member_view.select("#series-datasets a")) == sorted(
        [f"/dataset/{public['name']}", f"/dataset/{private['name']}"])
    english = _page(app, f"/en/dataset_series/{series['name']}")
    assert "Datasets in the series" in english.get_text()


def test_a_hidden_series_answers_as_a_missing_one_byte_for_byte(app, editor, organization):
    from ckanext.gbgopendata.tests.test_uniform_not_found import _answer

    hidden = _series(editor, organization, private=True, confidentiality_level="1")
    other = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    outsider = organization_member(other, "editor")
    missing = {"id": "0" * 8 + hidden["id"][8:], "name": "saknas-serie"}
    for viewer in (None, outsider):
        headers = {"Authorization": viewer["token"]} if viewer else {}
        for template in ("/dataset_series/{}", "/dataset_series/edit/{}", "/dataset/{}", "/en/dataset_series/{}",
                         "/dataset_series/{}.ttl", "/api/3/action/package_show?id={}"):
            for key in ("id", "name"):
                answers = []
                for values in (hidden, missing):
                    response = app.get(template.format(values[key]), headers=headers, follow_redirects=False)
                    answers.append(_answer(response, {"x": values[key]}))
                assert answers[0] == answers[1], template
                assert answers[0][0] == 404, template


def test_a_series_has_a_checklist_and_a_quality_score_without_distributions(editor, organization, with_catalogues):
    """The checklist asks nothing of distributions of a series (rule.applicable_missing),
    as it does of a dataset; the kept quality score is built from its dcat:DatasetSeries graph."""
    series = _series(editor, organization, private=True)
    dataset = _dataset(editor, organization, private=True, resources=[])

    def items(package):
        return {item["id"]: item for item in _call("gbg_checklist_show", editor, id=package["id"])["items"]}

    of_dataset, of_series = items(dataset), items(series)
    assert "resources" in {m["field"] for m in of_dataset["mandatory_metadata"]["missing"]}
    assert of_dataset["open_format"]["done"] is False
    assert of_series["mandatory_metadata"]["done"] is True, of_series["mandatory_metadata"]
    assert of_series["open_format"]["done"] is True
    quality = _call("gbg_quality_show", editor, id=series["id"])
    assert set(quality["variants"]) == {"eu", "se"}


def _insert_member(connection, series_id, name):
    import json
    import uuid

    import sqlalchemy as sa

    package_id = str(uuid.uuid4())
    if "extras" in model.package_table.c:  # CKAN 2.12: extras in a JSONB column
        connection.execute(
            sa.text(
                "INSERT INTO package (id, name, state, type, private, metadata_created, metadata_modified, extras)"
                " VALUES (:id, :name, 'active', 'dataset', true, now(), now(), CAST(:extras AS jsonb))"
            ),
            {"id": package_id, "name": name, "extras": json.dumps({"in_series": series_id})},
        )
        return
    connection.execute(  # CKAN 2.11: a package_extra row
        sa.text("INSERT INTO package (id, name, state, type, private, metadata_created, metadata_modified)"
                " VALUES (:id, :name, 'active', 'dataset', true, now(), now())"),
        {"id": package_id, "name": name},
    )
    state = ", state" if "state" in model.package_extra_table.c else ""
    connection.execute(
        sa.text(f"INSERT INTO package_extra (id, package_id, key, value{state})"
                f" VALUES (:id, :package_id, 'in_series', :value{', :state' if state else ''})"),
        {"id": str(uuid.uuid4()), "package_id": package_id, "value": series_id, "state": "active"},
    )


def test_two_saves_taking_the_fiftieth_place_at_once_leave_fifty(editor, organization):
    """The series' row is locked while its members are counted: a save that
    counts while another request is adding the 50th member waits for it and
    is then refused (without the lock it would count 49 and make 51)."""
    import threading
    import time

    series = _series(editor, organization, private=True)
    with model.meta.engine.begin() as connection:
        for number in range(49):
            _insert_member(connection, series["id"], f"rad-{number}")
    other = model.meta.engine.connect()
    transaction = other.begin()
    import sqlalchemy as sa

    other.execute(sa.text("SELECT id FROM package WHERE id = :id FOR UPDATE"), {"id": series["id"]})
    _insert_member(other, series["id"], "rad-49")
    timer = threading.Timer(1.5, transaction.commit)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(toolkit.ValidationError) as excinfo:
            _dataset(editor, organization, private=True, name="rad-50",
                     title_translated={"sv": "Rad 50", "en": "Row 50"}, in_series=series["id"])
    finally:
        timer.join()
        other.close()
    assert time.monotonic() - started >= 1.4  # it waited for the other save
    assert "50" in str(_errors(excinfo)["in_series"])
    from ckanext.gbgopendata.logic import series as series_logic

    assert len(series_logic.member_ids(series["id"])) == 50


def test_a_deleted_series_is_named_by_no_member_and_its_members_stay(app, editor, organization, published):
    series, public, _ = published
    _call("package_delete", editor, id=series["id"])
    graph = _catalogue(app)
    assert _uri(public) in set(graph.subjects(RDF.type, DCAT.Dataset))
    assert list(graph.objects(_uri(public), DCAT.inSeries)) == []
    assert not list(graph.subjects(RDF.type, DCAT.DatasetSeries))
    for viewer in (None, editor):
        page = _page(app, f"/dataset/{public['name']}", viewer)
        assert not page.select('a[href*="/dataset_series/"]')
    # its edit form offers no deleted series: saved as it stands, the dataset leaves it
    form = _page(app, f"/dataset/edit/{public['name']}", editor)
    assert [o["value"] for o in form.select("select[name=in_series] option")] == [""]


def test_the_organisation_page_links_a_series_to_its_page(app, published, organization):
    series, _, _ = published
    page = _page(app, f"/organization/{organization['name']}")
    assert page.select_one(f'a[href="/dataset_series/{series["name"]}"]') is not None


SERIES_BROKEN = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/s1> a dcat:DatasetSeries ;
    dcterms:title "S1"@sv ; dcterms:description "S1"@sv ;
    dcat:inSeries <https://example.org/s2> ;
    dcat:distribution <https://example.org/d1> .
<https://example.org/s2> a dcat:DatasetSeries ; dcterms:title "S2"@sv ; dcterms:description "S2"@sv .
<https://example.org/ds> a dcat:Dataset ; dcterms:title "D"@sv ; dcterms:description "D"@sv ;
    dcat:inSeries <https://example.org/elsewhere> .
"""


def test_our_shapes_have_teeth_for_series():
    from rdflib import Graph

    from ckanext.gbgopendata.dcat import shacl

    graph = Graph().parse(data=SERIES_BROKEN, format="turtle")
    for number in range(51):
        graph.add((URIRef(f"https://example.org/m{number}"), DCAT.inSeries, URIRef("https://example.org/s2")))
    messages = {r.message for r in shacl.violations(shacl.validate(graph, "se"))}
    for expected in ("DatasetSeries: a dataset series is not in a dataset series (DIGG)",
                     "DatasetSeries: a dataset series has no distributions of its own",
                     "DatasetSeries: at most 50 datasets in a series (DIGG)",
                     "DatasetSeries: exactly one dcterms:publisher, a described agent with a URI",
                     "Dataset: dcat:inSeries names a dcat:DatasetSeries of the catalogue"):
        assert expected in messages, messages


def test_a_series_and_a_member_each_as_their_own_document(app, published):
    """ckanext-dcat's per-dataset pages (/dataset_series/<id>.ttl, /dataset/<id>.ttl) go through the same profile."""
    from ckanext.gbgopendata.dcat import shacl

    series, public, private = published
    response = app.get(f"/dataset_series/{series['name']}.ttl")
    assert response.status_code == 200
    graph = shacl.parse_document(response.get_data(as_text=True), response.mimetype)
    assert (_uri(series), RDF.type, DCAT.DatasetSeries) in graph
    response = app.get(f"/dataset/{public['name']}.ttl")
    assert response.status_code == 200
    graph = shacl.parse_document(response.get_data(as_text=True), response.mimetype)
    assert (_uri(public), DCAT.inSeries, _uri(series)) in graph
    assert app.get(f"/dataset/{private['name']}.ttl").status_code == 404
