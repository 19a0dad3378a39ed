"""The harvester end to end through ckanext-harvest's real queues (the
stack's Redis): a DCAT-AP-SE document served by a loopback HTTP server the
test starts, a harvest source and jobs created by action, the gather and
fetch consumers run in-process until their queues are empty (as
`ckan harvester gather-consumer`/`fetch-consumer` would, in burst)."""
from __future__ import annotations

import http.server
import json
import threading

import pytest

from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member

ORGNR = "2120001355"
PUBLISHER = f"http://dataportal.se/organisation/SE{ORGNR}"
UNKNOWN_PUBLISHER = "http://dataportal.se/organisation/SE5560000001"


def _dataset(number: int, title: str, url: str, publisher: str = PUBLISHER) -> str:
    return f"""
<https://example.org/dataset/{number}> a dcat:Dataset ;
    dct:title "{title}"@sv ;
    dct:description "Beskrivning av {title}."@sv ;
    dct:publisher <{publisher}> ;
    dcat:distribution <https://example.org/distribution/{number}> .
<https://example.org/distribution/{number}> a dcat:Distribution ;
    dcat:accessURL <{url}> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <http://creativecommons.org/licenses/by/4.0/> .
"""


def _document(*datasets: str) -> str:
    refs = " , ".join(f"<https://example.org/dataset/{n}>" for n in range(1, 10)
                      if f"<https://example.org/dataset/{n}> a dcat:Dataset" in "".join(datasets))
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.org/catalog> a dcat:Catalog ;
    dct:title "Katalog"@sv ;
    dcat:dataset {refs} .
<{PUBLISHER}> a foaf:Organization ; foaf:name "Trafikkontoret"@sv .
""" + "".join(datasets)


FIRST = _document(
    _dataset(1, "Parkeringsplatser", "https://example.org/parkering.csv"),
    _dataset(2, "Laddstolpar", "https://example.org/laddstolpar.csv"),
    _dataset(3, "Cykelpumpar", "https://example.org/cykelpumpar.csv", UNKNOWN_PUBLISHER),
)
# The second run: dataset 1 changed, dataset 2 gone, dataset 3 as it was.
SECOND = _document(
    _dataset(1, "Parkeringsplatser i centrum", "https://example.org/parkering-2.csv"),
    _dataset(3, "Cykelpumpar", "https://example.org/cykelpumpar.csv", UNKNOWN_PUBLISHER),
)


TRUSTED = ('{"trusted_open_data": true, "trusted_by": "someone-else",'
           ' "classification": {"integrity_level": "1", "availability_level": "2"}}')


class _Catalogue:
    """A loopback HTTP server serving one Turtle document, changeable."""

    def __init__(self) -> None:
        self.document = FIRST
        catalogue = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = catalogue.document.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/catalog.ttl"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def catalogue():
    served = _Catalogue()
    yield served
    served.close()


@pytest.fixture
def queues(with_plugins):
    from ckanext.harvest import queue

    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    gather.queue_purge(queue=queue.get_gather_queue_name())
    fetch.queue_purge(queue=queue.get_fetch_queue_name())
    return gather, fetch


@pytest.fixture
def city(clean_db, clean_index, with_plugins):
    """The publisher's organisation (by its orgnr), the source's own
    organisation and a sysadmin."""
    organization = factories.Organization(name="trafikkontoret", **organization_fields(orgnr="212000-1355"))
    own = factories.Organization(name="goteborg-energi", **organization_fields(
        title_translated={"sv": "Göteborg Energi AB"}, orgnr="556362-6794"))
    return organization, own, factories.Sysadmin()


def _source(user: dict, url: str, owner_org: str, **fields) -> dict:
    return helpers.call_action(
        "harvest_source_create", {"user": user["name"]},
        name="stadens-katalog", title="Stadens katalog", url=url, source_type="dcat_ap_se", owner_org=owner_org,
        **fields,
    )


def _run(queues, sysadmin: dict, source: dict) -> dict:
    """One job, its gather and fetch run from the real queues until they are
    empty, then the job finished (harvest_jobs_run): its report."""
    from ckanext.harvest import queue

    gather, fetch = queues
    context = {"user": sysadmin["name"]}
    job = helpers.call_action("harvest_job_create", context, source_id=source["id"], run=True)
    gathered = 0
    while True:
        reply = gather.basic_get(queue=queue.get_gather_queue_name())
        if reply[2] is None:
            break
        queue.gather_callback(gather, *reply)
        gathered += 1
    assert gathered == 1
    while True:
        reply = fetch.basic_get(queue=queue.get_fetch_queue_name())
        if reply[2] is None:
            break
        queue.fetch_callback(fetch, *reply)
    helpers.call_action("harvest_jobs_run", context, source_id=source["id"])
    return helpers.call_action("harvest_job_show", context, id=job["id"])


def _harvested(source: dict) -> dict[str, dict]:
    """The datasets of the source, by their source URI, read as the site user."""
    from ckanext.harvest.model import HarvestObject

    site = {"user": toolkit.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    found = {}
    for guid, package_id in (model.Session.query(HarvestObject.guid, HarvestObject.package_id)
                             .filter(HarvestObject.harvest_source_id == source["id"])
                             .filter(HarvestObject.current == True)):  # noqa: E712
        dataset = toolkit.get_action("package_show")(site, {"id": package_id})
        if dataset["state"] == "active":
            found[guid] = dataset
    return found


def test_a_catalogue_harvested_twice_through_the_queues(city, catalogue, queues):
    organization, own, sysadmin = city
    source = _source(sysadmin, catalogue.url, own["id"])

    job = _run(queues, sysadmin, source)
    assert job["status"] == "Finished"
    assert job["stats"] == {"added": 3, "updated": 0, "not modified": 0, "errored": 0, "deleted": 0}
    datasets = _harvested(source)
    assert sorted(datasets) == [f"https://example.org/dataset/{n}" for n in (1, 2, 3)]
    for dataset in datasets.values():
        assert dataset["private"] is True
        assert dataset["type"] == "dataset"
        assert not dataset.get("confidentiality_level")
    # The publisher's orgnr picks the organisation; a publisher that is no
    # organisation of the portal: the source's.
    assert [datasets[f"https://example.org/dataset/{n}"]["owner_org"] for n in (1, 2, 3)] == [
        organization["id"], organization["id"], own["id"]]
    first = datasets["https://example.org/dataset/1"]
    assert first["title_translated"]["sv"] == "Parkeringsplatser"
    assert first["name"] == "parkeringsplatser"
    assert [r["url"] for r in first["resources"]] == ["https://example.org/parkering.csv"]
    assert first["license_id"] == "CC-BY-4.0"
    third_modified = datasets["https://example.org/dataset/3"]["metadata_modified"]

    catalogue.document = SECOND
    job = _run(queues, sysadmin, source)
    assert job["stats"] == {"added": 0, "updated": 1, "not modified": 1, "errored": 0, "deleted": 1}
    datasets = _harvested(source)
    assert sorted(datasets) == ["https://example.org/dataset/1", "https://example.org/dataset/3"]
    first = datasets["https://example.org/dataset/1"]
    assert first["title_translated"]["sv"] == "Parkeringsplatser i centrum"
    assert first["name"] == "parkeringsplatser"  # the address stays
    assert [r["url"] for r in first["resources"]] == ["https://example.org/parkering-2.csv"]
    assert first["private"] is True
    assert datasets["https://example.org/dataset/3"]["metadata_modified"] == third_modified
    gone = model.Package.get("laddstolpar")
    assert gone is not None and gone.state == "deleted"


def test_a_harvested_dataset_stays_private_while_unclassified(city, catalogue, queues):
    organization, own, sysadmin = city
    source = _source(sysadmin, catalogue.url, own["id"])
    _run(queues, sysadmin, source)
    dataset = _harvested(source)["https://example.org/dataset/1"]
    with pytest.raises(toolkit.ValidationError) as refused:
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=dataset["id"], private=False)
    assert "confidentiality_level" in refused.value.error_dict and "extras" not in refused.value.error_dict
    assert model.Package.get(dataset["id"]).private is True
    # Edited in the portal as any dataset (ckanext-harvest's extras in the
    # index are no fields of the dataset).
    shown = helpers.call_action("package_show", {"user": sysadmin["name"]}, id=dataset["id"])
    assert not shown.get("extras")
    found = helpers.call_action("package_search", {"user": sysadmin["name"]}, q="*:*", include_private=True)
    assert found["count"] == 3 and not [d for d in found["results"] if d.get("extras")]
    helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=dataset["id"],
                        notes_translated={"sv": "Ny beskrivning.", "en": "A new description."})
    helpers.call_action("package_update", {"user": sysadmin["name"]}, **dict(shown, title_translated={
        "sv": "Parkeringsplatser", "en": "Parking spaces"}))


def test_a_dataset_the_portal_refuses_is_listed_with_its_reason(city, catalogue, queues):
    organization, own, sysadmin = city
    catalogue.document = _document(
        _dataset(1, "Parkeringsplatser", "https://example.org/parkering.csv"),
        _dataset(2, "Laddstolpar", "not a URL"),
    )
    source = _source(sysadmin, catalogue.url, own["id"])
    job = _run(queues, sysadmin, source)
    assert job["stats"]["added"] == 1 and job["stats"]["errored"] == 1
    report = helpers.call_action("harvest_job_report", {"user": sysadmin["name"]}, id=job["id"])
    errors = [error["message"] for errors in report["object_errors"].values() for error in errors["errors"]]
    assert len(errors) == 1
    # By field and in both languages, not CKAN's "Package resource(s) invalid".
    assert errors[0].startswith("Laddstolpar: inte sparad, portalen avvisade den: resources 1 url: Måste vara ")
    assert " / Laddstolpar: not stored, the portal refused it: resources 1 url: Must be " in errors[0]


# --- harvest sources: sysadmins only, never in the catalogue ----------------------------------


def test_only_a_sysadmin_writes_harvest_sources_and_marks_one_trusted(city, catalogue):
    organization, own, sysadmin = city
    admin = organization_member(own, "admin")
    before = model.Session.query(model.Package).count()
    with pytest.raises(toolkit.ValidationError) as refused:
        _source(admin, catalogue.url, own["id"], config='{"trusted_open_data": true}')
    assert refused.value.error_dict["config"] == [
        "Bara en systemadministratör får markera en skördningskälla som en betrodd källa till öppna data "
        "(trusted_open_data)"]
    with pytest.raises(toolkit.ValidationError) as refused:
        _source(admin, catalogue.url, own["id"])
    assert "harvest" in refused.value.error_dict["type"][0]
    assert model.Session.query(model.Package).count() == before
    with pytest.raises(toolkit.ValidationError) as refused:  # without its datasets' levels
        _source(sysadmin, catalogue.url, own["id"], config='{"trusted_open_data": true}')
    assert "integrity_level" in refused.value.error_dict["config"][0]
    trusted = _source(sysadmin, catalogue.url, own["id"], config=TRUSTED)
    assert model.Package.get(trusted["id"]).private is True
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("harvest_source_patch", {"user": admin["name"]}, id=trusted["id"], title="Annan")


def test_a_harvest_source_is_seen_by_sysadmins_only(app, city, catalogue):
    from ckan.lib.search import rebuild

    organization, own, sysadmin = city
    source = _source(sysadmin, catalogue.url, own["id"])
    # Even stored public (past the actions, as before the harvester), a source
    # is labelled for no one.
    model.Package.get(source["id"]).private = False
    model.repo.commit()
    rebuild(source["id"])
    admin = organization_member(own, "admin")
    sysadmin_headers = {"Authorization": factories.SysadminWithToken()["token"]}
    # The action API offers none of ckanext-harvest's actions.
    response = app.post("/api/3/action/harvest_source_list", json={}, headers=sysadmin_headers, expect_errors=True)
    assert response.status_code == 400
    for headers in ({}, {"Authorization": admin["token"]}):
        response = app.post("/api/3/action/package_show", json={"id": source["id"]}, headers=headers,
                            expect_errors=True)
        assert response.status_code == 404
        for query in ({"q": "*:*", "include_private": True}, {"fq": "dataset_type:harvest"}):
            found = app.post("/api/3/action/package_search", json=query, headers=headers).json["result"]
            assert found["count"] == 0
        for path in ("/harvest", f"/harvest/{source['name']}", f"/harvest/{source['name']}/job",
                     f"/dataset/{source['name']}"):
            assert app.get(path, headers=headers, expect_errors=True).status_code == 404
    for query in ("", "?format=ttl"):
        served = app.get("/datasets/dcat" + query).get_data(as_text=True)
        assert source["id"] not in served and catalogue.url not in served and "Stadens katalog" not in served
    assert app.get("/harvest", headers=sysadmin_headers).status_code == 200
    assert "Stadens katalog" in app.get(f"/harvest/{source['name']}", headers=sysadmin_headers).get_data(as_text=True)


def test_the_command_line_as_the_readme_gives_it(city, catalogue, cli):
    from ckan.cli.cli import ckan as ckan_command

    organization, own, sysadmin = city
    created = cli.invoke(ckan_command, ["harvester", "source", "create", "stadens-katalog", catalogue.url,
                                        "dcat_ap_se", "Stadens katalog", "true", own["name"], "MANUAL"])
    assert created.exit_code == 0, created.output
    assert "Created new harvest source" in created.output
    ran = cli.invoke(ckan_command, ["harvester", "run-test", "stadens-katalog"])
    assert ran.exit_code == 0, ran.output
    model.Session.remove()
    source = {"id": model.Package.get("stadens-katalog").id}
    datasets = _harvested(source)
    assert len(datasets) == 3 and all(d["private"] for d in datasets.values())
    assert model.Package.get("stadens-katalog").private is True


@pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True)
def test_a_dataset_without_an_organisation_is_an_error_not_a_dataset(city, catalogue, queues):
    organization, own, sysadmin = city
    catalogue.document = _document(
        _dataset(1, "Parkeringsplatser", "https://example.org/parkering.csv"),
        _dataset(2, "Laddstolpar", "https://example.org/laddstolpar.csv", UNKNOWN_PUBLISHER),
    )
    source = _source(sysadmin, catalogue.url, None)  # a site where sources may have no organisation
    job = _run(queues, sysadmin, source)
    assert (job["stats"]["added"], job["stats"]["errored"]) == (1, 1)
    assert [d["owner_org"] for d in _harvested(source).values()] == [organization["id"]]
    report = helpers.call_action("harvest_job_report", {"user": sysadmin["name"]}, id=job["id"])
    [error] = [error["message"] for errors in report["object_errors"].values() for error in errors["errors"]]
    assert error.startswith("Laddstolpar: inte sparad. Dess utgivare har inget organisationsnummer")
    assert " / Laddstolpar: not stored. Its publisher has no organisation number" in error


def test_the_entryscape_catalogue_is_harvested_with_its_identity_series_and_service(app, city, catalogue, queues):
    """The EntryScape-style document of test_import_catalog, harvested: each
    package keeps its source URI and identifier, the series and the service
    come in with the datasets and are linked; the service's served dataset,
    harvested after it, is linked on the next run, which changes nothing else."""
    from pathlib import Path

    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    from ckanext.gbgopendata.dcat import losses
    from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION

    organization, own, sysadmin = city
    document = (Path(__file__).parent / "data" / "entryscape-catalog.ttl").read_text("utf-8")
    catalogue.document = document
    source = _source(sysadmin, catalogue.url, own["id"])
    store = "https://goteborg.entryscape.net/store/6/resource/"
    air, series, api = store + "10", store + "40", store + "50"

    job = _run(queues, sysadmin, source)
    assert job["stats"]["added"] == 5 and job["stats"]["errored"] == 0, job
    harvested = _harvested(source)
    assert {uri: d["type"] for uri, d in harvested.items() if uri in (series, api)} == {
        series: "dataset_series", api: "dataservice"}
    for uri, dataset in harvested.items():
        assert dataset["uri"] == uri and dataset["private"] is True
    assert harvested[air]["identifier"] == "b3c1a7e2-5f0d-4c1e-9a77-0c3e7d1f2a10"
    assert harvested[air]["in_series"] == harvested[series]["id"]
    distribution = next(r for r in harvested[air]["resources"] if r["url"].endswith("/api"))
    assert distribution["access_service"] == harvested[api]["id"]
    assert distribution["uri"] == store + "14"
    assert harvested[store + "30"]["license_id"] == ""  # no licence invented

    job = _run(queues, sysadmin, source)
    from ckanext.harvest.model import HarvestObjectError
    errors = [e.message for e in model.Session.query(HarvestObjectError)]
    assert job["stats"]["updated"] == 1 and job["stats"]["not modified"] == 4, (job, errors)  # the service's link
    harvested = _harvested(source)
    assert harvested[api]["serves_dataset"] == [harvested[air]["id"]]

    # Published, /datasets/dcat says back what the source said of them.
    context = {"user": sysadmin["name"], "ignore_auth": False}
    for uri in (series, api, air):
        helpers.call_action("package_patch", context=dict(context), id=harvested[uri]["id"], private=False,
                            **OPEN_CLASSIFICATION)
    served = Graph().parse(data=app.get("/datasets/dcat?format=ttl").get_data(as_text=True), format="turtle")
    original = Graph().parse(data=document, format="turtle")
    for uri in (series, api, air):
        ref = URIRef(uri)
        assert served.value(ref, DCTERMS.identifier) == original.value(ref, DCTERMS.identifier)
        lost = losses.statements(original, ref) - losses.statements(served, ref)
        assert not lost, [losses.describe(original, path, value) for path, value in lost]
    assert (URIRef(api), DCAT.servesDataset, URIRef(air)) in served


def test_a_trusted_sources_datasets_are_published_and_the_history_says_why(city, catalogue, queues):
    """A sysadmin marks the source trusted (giving the datasets' integrity
    and availability levels): its new datasets are classified at
    confidentiality 0, their checklist confirmed in the sysadmin's name with
    the source named, and published, each through the rule; one the rule
    refuses (no licence) stays private and its reason is on the job page."""
    from ckanext.gbgopendata.logic.harvest_sources import source_config

    organization, own, sysadmin = city
    catalogue.document = _document(
        _dataset(1, "Parkeringsplatser", "https://example.org/parkering.csv"),
        _dataset(2, "Laddstolpar", "https://example.org/laddstolpar.csv").replace(
            "    dct:license <http://creativecommons.org/licenses/by/4.0/> .", "    ."),
    )
    source = _source(sysadmin, catalogue.url, own["id"], config=TRUSTED)
    from ckanext.harvest.model import HarvestSource

    config = source_config(HarvestSource.get(source["id"]).config)
    assert config["trusted_by"] == model.User.get(sysadmin["name"]).id  # the server's, not the request's
    job = _run(queues, sysadmin, source)
    datasets = _harvested(source)
    published = datasets["https://example.org/dataset/1"]
    assert published["private"] is False
    assert (published["confidentiality_level"], published["integrity_level"], published["availability_level"]) == (
        "0", "1", "2")
    shown = helpers.call_action("gbg_checklist_show", {"user": sysadmin["name"]}, id=published["id"])
    comments = json.dumps(shown, ensure_ascii=False)
    assert "betrodda källan" in comments and "Stadens katalog" in comments
    refused = datasets["https://example.org/dataset/2"]
    assert refused["private"] is True and refused["license_id"] == ""
    from ckanext.harvest.model import HarvestObjectError

    errors = " ".join(e.message for e in model.Session.query(HarvestObjectError))
    assert "Inte publicerad från den betrodda källan" in errors and "license_id" in errors, errors
    assert job["stats"]["added"] == 2
