"""The harvester end to end through ckanext-harvest's real queues (the
stack's Redis): a DCAT-AP-SE document served by a loopback HTTP server the
test starts, a harvest source and jobs created by action, the gather and
fetch consumers run in-process until their queues are empty (as
`ckan harvester gather-consumer`/`fetch-consumer` would, in burst)."""
from __future__ import annotations

import http.server
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
