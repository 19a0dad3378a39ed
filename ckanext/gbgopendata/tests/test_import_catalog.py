"""`ckan gbgopendata import-catalog`: moving a DCAT-AP-SE catalogue in the
EntryScape style into the portal, in every syntax, with nothing lost: the
dry run stores nothing, the run keeps each dataset's identifier and URI
(written back unchanged by /datasets/dcat), downloadURLs, addresses and
places' names, invents no licence, and a second run changes nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.dcat import losses
from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION, organization_fields
from ckanext.gbgopendata.tests.session_app import reconfigure

DOCUMENT = Path(__file__).parent / "data" / "entryscape-catalog.ttl"
STORE = "https://goteborg.entryscape.net/store/6/resource/"
AIR, BATHING, PARKING, SERIES, API = (STORE + n for n in ("10", "20", "30", "40", "50"))


def rdf_json(graph: Graph) -> str:
    """RDF/JSON (W3C's RDF 1.1 JSON Alternate Serialization), which rdflib cannot write."""
    document: dict = {}

    def name(term):
        return f"_:{term}" if isinstance(term, BNode) else str(term)

    for s, p, o in graph:
        if isinstance(o, Literal):
            value = {"type": "literal", "value": str(o)}
            if o.language:
                value["lang"] = o.language
            elif o.datatype:
                value["datatype"] = str(o.datatype)
        else:
            value = {"type": "bnode" if isinstance(o, BNode) else "uri", "value": name(o)}
        document.setdefault(name(s), {}).setdefault(str(p), []).append(value)
    return json.dumps(document, ensure_ascii=False)


def source() -> Graph:
    return Graph().parse(DOCUMENT, format="turtle")


SYNTAXES = {
    "turtle": ("ttl", lambda g: g.serialize(format="turtle")),
    "xml": ("rdf", lambda g: g.serialize(format="xml")),
    "json-ld": ("jsonld", lambda g: g.serialize(format="json-ld")),
    "rdf-json": ("rj", rdf_json),
}


@pytest.fixture
def city(clean_db, clean_index, with_plugins):
    """Göteborgs Stad's department (orgnr 212000-1355) and a sysadmin."""
    organization = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    return organization, factories.Sysadmin()


def _actions(output: str) -> list[str]:
    """The action column of the command's table, a row per dataset."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---")) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        if not line.startswith(" "):
            rows.append(line.split("  ")[0].strip())
    return rows


def _import(cli, tmp_path, *options, text=None):
    """Runs the command on the EntryScape document (or `text`) as a Turtle file."""
    path = tmp_path / "catalog.ttl"
    path.write_text(DOCUMENT.read_text("utf-8") if text is None else text, "utf-8")
    return cli.invoke(ckan_command, ["gbgopendata", "import-catalog", str(path), *options])


def _stored(uri):
    from ckanext.gbgopendata.logic import source_identity

    dataset_id = source_identity.find(None, uri)
    return helpers.call_action("package_show", id=dataset_id) if dataset_id else None


def _publish(dataset_id, sysadmin):
    helpers.call_action("package_patch", context={"user": sysadmin["name"], "ignore_auth": False},
                        id=dataset_id, private=False, **OPEN_CLASSIFICATION)


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_the_catalogue_comes_in_and_goes_out_with_nothing_lost(app, city, tmp_path, cli, syntax):
    organization, sysadmin = city
    suffix, write = SYNTAXES[syntax]
    path = tmp_path / f"catalog.{suffix}"
    path.write_text(write(source()), "utf-8")

    # The dry run: a table of what would happen, nothing stored.
    result = cli.invoke(ckan_command, ["gbgopendata", "import-catalog", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert _actions(result.output) == ["skulle skapas"] * 5, result.output
    assert "inte bevarat" not in result.output, result.output  # the series it brings counts as kept
    assert "b3c1a7e2-5f0d-4c1e-9a77-0c3e7d1f2a10" in result.output
    assert model.Session.query(model.Package).filter_by(type="dataset").count() == 0

    result = cli.invoke(ckan_command, ["gbgopendata", "import-catalog", str(path)])
    assert result.exit_code == 0, result.output
    assert _actions(result.output) == ["skapad"] * 5, result.output
    assert "inte bevarat" not in result.output, result.output  # nothing the portal cannot hold

    air, bathing, parking, series = _stored(AIR), _stored(BATHING), _stored(PARKING), _stored(SERIES)
    assert series["type"] == "dataset_series" and air["in_series"] == series["id"] and series["private"]
    api = _stored(API)
    assert api["type"] == "dataservice" and api["serves_dataset"] == [air["id"]] and api["private"]
    assert next(r for r in air["resources"] if r["url"].endswith("/api"))["access_service"] == api["id"]
    assert all(d["private"] for d in (air, bathing, parking))  # they arrive private
    assert air["owner_org"] == organization["id"]
    assert air["identifier"] == "b3c1a7e2-5f0d-4c1e-9a77-0c3e7d1f2a10"
    csv = next(r for r in air["resources"] if r["url"].endswith(".csv"))
    assert csv["download_url"] == csv["url"] == "https://data.goteborg.se/luft/timvarden.csv"
    assert air["contact"][0]["street_address"] == "Box 7012"
    assert air["spatial_coverage"] == [{"uri": "http://sws.geonames.org/2711537", "label_sv": "Göteborg",
                                        "label_en": "Gothenburg"}]
    assert parking["license_id"] == ""  # none given, none invented

    # Published, /datasets/dcat says back everything the source said of them.
    for dataset in (series, api, air, bathing):
        _publish(dataset["id"], sysadmin)
    served = Graph().parse(data=app.get("/datasets/dcat?format=ttl").get_data(as_text=True), format="turtle")
    original = source()
    for uri, cls in ((AIR, DCAT.Dataset), (BATHING, DCAT.Dataset), (SERIES, DCAT.DatasetSeries),
                     (API, DCAT.DataService)):
        ref = URIRef(uri)
        assert (ref, RDF.type, cls) in served
        assert served.value(ref, DCTERMS.identifier) == original.value(ref, DCTERMS.identifier)
        lost = losses.statements(original, ref) - losses.statements(served, ref)
        assert not lost, [losses.describe(original, path, value) for path, value in lost]


def test_a_second_run_changes_nothing_and_a_third_updates_what_changed(city, tmp_path, cli):
    assert _import(cli, tmp_path).exit_code == 0
    before = {uri: _stored(uri)["metadata_modified"] for uri in (AIR, BATHING, PARKING, SERIES, API)}
    resource_id = _stored(BATHING)["resources"][0]["id"]

    again = _import(cli, tmp_path)
    assert again.exit_code == 0, again.output
    assert _actions(again.output) == ["oförändrad"] * 5, again.output
    assert {uri: _stored(uri)["metadata_modified"] for uri in before} == before
    assert model.Session.query(model.Package).filter_by(state="active").count() == 5

    changed = DOCUMENT.read_text("utf-8").replace('"Badplatser"@sv', '"Badplatser i Göteborg"@sv').replace(
        'dcat:keyword "bad"@sv', 'dcat:keyword "badplats"@sv').replace(
        "<https://data.goteborg.se/bad/badplatser.geojson> ;\n    dcat:downloadURL",
        "<https://data.goteborg.se/bad/v2.geojson> ;\n    dcat:downloadURL")
    dry = _import(cli, tmp_path, "--dry-run", text=changed)
    assert sorted(_actions(dry.output)) == ["oförändrad"] * 4 + ["skulle uppdateras"], dry.output
    assert _stored(BATHING)["title_translated"]["sv"] == "Badplatser"
    third = _import(cli, tmp_path, text=changed)
    assert sorted(_actions(third.output)) == ["oförändrad"] * 4 + ["uppdaterad"], third.output
    bathing = _stored(BATHING)
    assert bathing["title_translated"]["sv"] == "Badplatser i Göteborg"
    assert bathing["tags_translated"] == {"sv": ["badplats"]} and [t["name"] for t in bathing["tags"]] == ["badplats"]
    [resource] = bathing["resources"]
    assert resource["url"] == "https://data.goteborg.se/bad/v2.geojson" and resource["id"] == resource_id
    assert _stored(AIR)["metadata_modified"] == before[AIR]
    # Its id, name and distribution ids stay: the same dataset, updated.
    assert _stored(BATHING)["id"] and _stored(BATHING)["name"] == "badplatser"


def test_an_imported_dataset_is_never_public_until_the_rule_allows(city, tmp_path, cli):
    _, sysadmin = city
    _import(cli, tmp_path)
    parking = _stored(PARKING)
    context = {"user": sysadmin["name"], "ignore_auth": False}
    with pytest.raises(toolkit.ValidationError):  # unclassified
        helpers.call_action("package_patch", context=dict(context), id=parking["id"], private=False)
    with pytest.raises(toolkit.ValidationError) as error:  # classified, but without a licence
        helpers.call_action("package_patch", context=dict(context), id=parking["id"], private=False,
                            **OPEN_CLASSIFICATION)
    assert "license_id" in str(error.value.error_dict) or "private" in error.value.error_dict
    assert _stored(PARKING)["private"] is True


def test_a_publisher_without_an_organisation_is_refused_until_mapped(city, tmp_path, cli):
    organization, _ = city
    text = DOCUMENT.read_text("utf-8").replace('"212000-1355"', '"556362-6794"')  # Göteborg Energi: no organisation
    refused = _import(cli, tmp_path, text=text)
    assert refused.exit_code == 1
    assert _actions(refused.output) == ["vägrad"] * 5 and "--organization-map" in refused.output, refused.output
    assert model.Session.query(model.Package).filter_by(type="dataset").count() == 0
    mapped = _import(cli, tmp_path, "--organization-map", f"5563626794={organization['name']}", text=text)
    assert mapped.exit_code == 0 and _actions(mapped.output) == ["skapad"] * 5, mapped.output


def test_what_the_schema_cannot_hold_is_left_out_and_said(city, tmp_path, cli):
    # HOURLY is in the EU's list but not in DCAT-AP-SE's, which the schema holds.
    result = _import(cli, tmp_path, text=DOCUMENT.read_text("utf-8").replace("frequency/DAILY>", "frequency/HOURLY>"))
    assert result.exit_code == 0, result.output
    assert "utelämnat: frequency" in result.output, result.output
    assert "inte bevarat: dcterms:accrualPeriodicity" in result.output, result.output
    assert "frequency" not in _stored(AIR)  # the rest of the dataset is stored
    assert _stored(AIR)["title_translated"]["sv"] == "Luftkvalitet i Göteborg"


def test_the_identity_is_the_import_s_and_a_sysadmin_s_only(city, tmp_path, cli):
    organization, _ = city
    _import(cli, tmp_path)
    air = _stored(AIR)
    editor = factories.User()
    helpers.call_action("organization_member_create", id=organization["id"], username=editor["name"], role="editor")
    context = {"user": editor["name"], "ignore_auth": False}
    for field, value in (("identifier", "something-else"), ("uri", BATHING)):
        with pytest.raises(toolkit.ValidationError) as error:
            helpers.call_action("package_patch", context=dict(context), id=air["id"], **{field: value})
        assert field in error.value.error_dict
    # An editor's save that does not name them keeps them.
    helpers.call_action("package_patch", context=dict(context), id=air["id"], version="2")
    assert (_stored(AIR)["identifier"], _stored(AIR)["uri"]) == (air["identifier"], AIR)
    # Two datasets never share one, not even by a sysadmin's hand.
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as error:
        helpers.call_action("package_patch", context={"user": sysadmin["name"], "ignore_auth": False},
                            id=air["id"], uri=BATHING)
    assert "uri" in error.value.error_dict


@pytest.mark.parametrize("style", ["eu", "se"])
@pytest.mark.parametrize("syntax, fmt", [("turtle", "ttl"), ("xml", "xml"), ("json-ld", "jsonld")])
def test_a_dataset_moved_out_and_back_in_is_served_as_the_same_graph(app, city, tmp_path, cli, ckan_config,
                                                                     monkeypatch, syntax, fmt, style):
    """The portal's own document, imported after the dataset is gone, gives
    back an isomorphic graph: same URIs, identifier and every statement. Only
    the catalogue's dates, which are its datasets' times of creation and
    change here, may differ."""
    from rdflib.compare import isomorphic, graph_diff, to_isomorphic

    from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset

    organization, sysadmin = city
    monkeypatch.setitem(ckan_config, "ckanext.gbgopendata.dcat_format_style", style)  # EU or DIGG's formats
    reconfigure(ckan_config)
    contact = dict(complete_dataset()["contact"][0], street_address="Köpmansgatan 20", postal_code="411 13",
                   locality="Göteborg", country_name="Sverige")
    stored = helpers.call_action(
        "package_create", context={"user": sysadmin["name"]}, owner_org=organization["id"],
        **complete_dataset(contact=[contact], spatial_coverage=[
            {"uri": "http://sws.geonames.org/2711533"},
            {"uri": "http://sws.geonames.org/2711537", "label_sv": "Göteborg", "label_en": "Gothenburg"}]))

    def served() -> Graph:
        graph = Graph().parse(data=app.get(f"/datasets/dcat?format={fmt}").get_data(as_text=True), format=syntax)
        for catalogue in graph.subjects(RDF.type, DCAT.Catalog):
            for date in (DCTERMS.issued, DCTERMS.modified):
                graph.remove((catalogue, date, None))
        return graph

    before = served()
    path = tmp_path / f"catalog.{fmt}"
    path.write_text(before.serialize(format=syntax), "utf-8")
    helpers.call_action("dataset_purge", context={"user": sysadmin["name"]}, id=stored["id"])

    result = cli.invoke(ckan_command, ["gbgopendata", "import-catalog", str(path)])
    assert result.exit_code == 0 and _actions(result.output) == ["skapad"], result.output
    assert "inte bevarat" not in result.output and "utelämnat" not in result.output, result.output
    moved = _stored(f"{toolkit.config['ckan.site_url'].rstrip('/')}/dataset/{stored['id']}")
    assert moved["id"] != stored["id"] and moved["identifier"] == stored["id"]
    _publish(moved["id"], sysadmin)

    after = served()
    if not isomorphic(before, after):
        _, only_before, only_after = graph_diff(to_isomorphic(before), to_isomorphic(after))
        pytest.fail(f"lost: {sorted(only_before)}\nadded: {sorted(only_after)}")


def test_the_dataset_page_shows_where_it_came_from_in_one_language(app, city, tmp_path, cli):
    _import(cli, tmp_path)
    sysadmin = factories.SysadminWithToken()
    name = _stored(AIR)["name"]
    for prefix, labels, other in (("", ("Identifierare i källan", "URI i källan"), "Source identifier"),
                                  ("/en", ("Source identifier", "Source URI"), "Identifierare i källan")):
        page = app.get(f"{prefix}/dataset/{name}", headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
        assert all(label in page for label in labels) and other not in page
        assert "b3c1a7e2-5f0d-4c1e-9a77-0c3e7d1f2a10" in page and AIR in page


def test_every_form_dcat_ap_se_allows_comes_in_and_only_a_time_of_day_is_not_kept(city, tmp_path, cli):
    """DIGG's recommended example with every form (test_dcat_parse.EVERY_FORM):
    deprecated properties and vocabularies, blank nodes, untagged texts and
    variant URIs are read into their current forms, which is no loss; the
    time of day of an issued date is, as the schema stores dates."""
    from ckanext.gbgopendata.tests.test_dcat_parse import EVERY_FORM

    path = tmp_path / "every-form.ttl"
    path.write_text(EVERY_FORM, "utf-8")
    result = cli.invoke(ckan_command, ["gbgopendata", "import-catalog", str(path)])
    assert result.exit_code == 0 and _actions(result.output) == ["skapad"], result.output
    not_kept = [line.strip() for line in result.output.splitlines() if "inte bevarat" in line]
    assert not_kept == ["inte bevarat: dcterms:issued: 2020-01-01T08:00:00^^http://www.w3.org/2001/XMLSchema#dateTime"]


def test_a_node_without_a_publisher_goes_to_the_default_organisation(city, tmp_path, cli):
    """DIGG's recommended example's data service names no publisher: refused
    by name, then brought in with --default-organization, and the
    distribution that names it keeps its access service."""
    organization, _ = city
    text = DOCUMENT.read_text("utf-8").replace(
        "    dcterms:publisher <https://goteborg.entryscape.net/store/6/resource/2> ;\n"
        "    dcat:endpointURL", "    dcat:endpointURL")
    refused = _import(cli, tmp_path, "--dry-run", text=text)
    assert "skulle vägras" in _actions(refused.output) and "--default-organization" in refused.output
    result = _import(cli, tmp_path, "--default-organization", organization["name"], text=text)
    assert result.exit_code == 0 and _actions(result.output) == ["skapad"] * 5, result.output
    api = _stored(API)
    assert api["owner_org"] == organization["id"]
    assert next(r for r in _stored(AIR)["resources"] if r["url"].endswith("/api"))["access_service"] == api["id"]
