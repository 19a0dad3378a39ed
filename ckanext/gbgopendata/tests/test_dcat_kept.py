"""The kept open catalogue (dcat/kept.py) behind /datasets/dcat: the same
graph as the profile's, fresh after every kind of change, consistent while
datasets change during a fetch, conditional requests, HEAD and gzip, jobs,
the rebuild command, and the same bytes from every worker process."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.lib import redis as ckan_redis
from ckan.tests import factories, helpers

from ckanext.gbgopendata import settings
from ckanext.gbgopendata.dcat import kept
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset
from ckanext.gbgopendata.tests.helpers import free_port, organization_fields

SITE = "http://test.ckan.net"
PARSERS = {"xml": "xml", "ttl": "turtle", "jsonld": "json-ld"}


def _clear_jobs() -> None:
    for queue in ckan_jobs.get_all_queues():
        queue.empty()
    connection = ckan_redis.connect_to_redis()
    for key in connection.scan_iter("gbgopendata:job:*"):
        connection.delete(key)


def run_jobs() -> None:
    """CKAN's own worker, as `ckan jobs worker` runs it, until the queue is empty."""
    ckan_jobs.Worker().work(burst=True)


@pytest.fixture
def catalogue_world(clean_db, clean_index, with_plugins):
    _clear_jobs()
    trafik = factories.Organization(name="trafikkontoret", **organization_fields())
    miljo = factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}),
    )
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": False}

    def act(action, **data):
        return helpers.call_action(action, context=dict(context), **data)

    shown = [
        act("package_create", owner_org=trafik["id"], **complete_dataset()),
        act("package_create", owner_org=trafik["id"], **minimal_dataset(name="cykelrakningar", license_id="CC-BY-4.0")),
        act("package_create", owner_org=miljo["id"], **minimal_dataset(name="luftkvalitet")),
    ]
    private = act("package_create", owner_org=trafik["id"], **minimal_dataset(name="privat-hemlig", private=True))
    return {"act": act, "shown": shown, "private": private, "trafik": trafik, "miljo": miljo}


def _fetch(app, fmt="xml", **headers):
    return app.get(f"/datasets/dcat?format={fmt}", headers=headers)


def _graph(response, fmt="xml") -> Graph:
    return Graph().parse(data=response.get_data(as_text=True), format=PARSERS[fmt])


def _datasets(graph: Graph) -> set[str]:
    return {str(ref).rsplit("/", 1)[-1] for ref in graph.subjects(RDF.type, DCAT.Dataset)}


def _ids(*datasets) -> set[str]:
    return {dataset["id"] for dataset in datasets}


def _title(graph: Graph, dataset) -> set[str]:
    return {str(t) for t in graph.objects(URIRef(f"{SITE}/dataset/{dataset['id']}"), DCTERMS.title)}


# --- the same graph as the profile's ---------------------------------------------------------


def _profile_graph(app, datasets) -> Graph:
    """What ckanext-dcat's own serializer makes of the same datasets with the
    configured profile, in one graph (the way its /catalog endpoints build it)."""
    from ckanext.dcat.processors import RDFSerializer

    from ckanext.gbgopendata.logic import visibility

    with app.flask_app.test_request_context():
        serializer = RDFSerializer(profiles=["dcat_ap_se"])
        catalogue_ref = serializer.graph_from_catalog({"_no_dates": True})
        for dataset in datasets:
            shown = helpers.call_action("package_show", context={"ignore_auth": True, "user": ""}, id=dataset["id"])
            ref = serializer.graph_from_dataset(visibility.strip_internal_fields(shown))
            serializer.g.add((catalogue_ref, DCAT.dataset, ref))
        graph = Graph()
        for triple in serializer.g:
            graph.add(triple)
    return graph


@pytest.mark.parametrize("fmt", ["xml", "ttl", "jsonld"])
def test_the_document_is_the_profiles_graph(app, catalogue_world, fmt):
    served = _graph(_fetch(app, fmt), fmt)
    expected = _profile_graph(app, catalogue_world["shown"])
    catalogue_ref = URIRef(SITE)
    # the catalogue's dates are the kept document's (ckanext-dcat's own
    # come from a search): compared on their own
    for predicate in (DCTERMS.issued, DCTERMS.modified):
        assert len(list(served.objects(catalogue_ref, predicate))) == 1
        served.remove((catalogue_ref, predicate, None))
    assert set(served) - set(expected) == set()
    assert set(expected) - set(served) == set()


# --- fresh after every change ------------------------------------------------------------------


def test_a_committed_change_is_in_the_next_response(app, catalogue_world):
    act, shown = catalogue_world["act"], catalogue_world["shown"]
    assert _datasets(_graph(_fetch(app))) == _ids(*shown)
    act("package_patch", id=shown[1]["id"], title_translated={"sv": "Cykelräkningar 2026", "en": "Cycle counts 2026"})
    assert "Cykelräkningar 2026" in _title(_graph(_fetch(app)), shown[1])


@pytest.mark.parametrize("change", ["unpublish", "raise_confidentiality", "delete", "purge"])
def test_a_dataset_leaving_the_open_catalogue_is_absent_from_the_next_response(app, catalogue_world, change):
    act, gone = catalogue_world["act"], catalogue_world["shown"][1]
    first = _fetch(app)
    assert gone["id"] in _datasets(_graph(first))
    if change == "unpublish":
        act("package_patch", id=gone["id"], private=True)
    elif change == "raise_confidentiality":
        act("package_patch", id=gone["id"], confidentiality_level="1")
    elif change == "delete":
        act("package_delete", id=gone["id"])
    else:
        act("dataset_purge", id=gone["id"])
    second = _fetch(app)
    assert second.status_code == 200
    assert gone["id"] not in second.get_data(as_text=True)
    assert _datasets(_graph(second)) == _ids(*catalogue_world["shown"]) - {gone["id"]}
    # the validators move on: a harvester holding the first copy gets the new one
    assert second.headers["ETag"] != first.headers["ETag"]
    assert _fetch(app, **{"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert _fetch(app, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200 or (
        second.headers["Last-Modified"] == first.headers["Last-Modified"]  # same second: ETag decides
    )
    if change == "purge":
        assert model.Session.execute(
            sa.select(sa.func.count()).select_from(kept.fragment_table).where(kept.fragment_table.c.package_id == gone["id"])
        ).scalar() == 0


def test_a_dataset_moved_to_another_organisation_is_absent_from_the_next_response(app, catalogue_world):
    """A move withdraws the information owner's approval, so the dataset is
    private until the new organisation publishes it."""
    act, moved = catalogue_world["act"], catalogue_world["shown"][1]
    assert moved["id"] in _datasets(_graph(_fetch(app)))
    result = act("package_patch", id=moved["id"], owner_org=catalogue_world["miljo"]["id"])
    assert result["private"] is True
    assert _datasets(_graph(_fetch(app))) == _ids(*catalogue_world["shown"]) - {moved["id"]}


def test_an_organisation_rename_is_rebuilt_by_a_job_while_the_old_fragment_is_served(app, catalogue_world):
    act, trafik = catalogue_world["act"], catalogue_world["trafik"]
    _fetch(app)  # every fragment built
    _clear_jobs()
    act("organization_patch", id=trafik["id"],
        title_translated={"sv": "Stadsmiljöförvaltningen", "en": "Urban Environment Administration"})
    creator = URIRef(f"{SITE}/organization/{trafik['id']}")
    names = {str(name) for name in _graph(_fetch(app)).objects(creator, FOAF.name)}
    assert "Stadsmiljöförvaltningen" not in names and "Trafikkontoret" in names  # served until rebuilt
    assert [job.func_name for job in ckan_jobs.get_queue().jobs] == ["ckanext.gbgopendata.jobs.rebuild_organization"]
    run_jobs()
    names = {str(name) for name in _graph(_fetch(app)).objects(creator, FOAF.name)}
    assert names == {"Stadsmiljöförvaltningen", "Urban Environment Administration"}


@pytest.fixture
def reconfigured():
    """Changes CKAN's configuration and re-reads our settings from it, as a
    restarted process (and the worker's job processes, which load the
    environment afresh) would; restored afterwards."""
    from ckan.plugins import toolkit

    from ckanext.gbgopendata.checklist import in_force

    missing = object()
    saved: dict = {}

    def change(**options):
        for key, value in options.items():
            saved.setdefault(key, toolkit.config.get(key, missing))
            toolkit.config[key] = value
        settings.configure(toolkit.config, in_force.at_start)

    yield change
    for key, value in saved.items():
        if value is missing:
            toolkit.config.pop(key, None)
        else:
            toolkit.config[key] = value
    settings.configure(toolkit.config, in_force.at_start)


def test_a_licence_setting_change_rebuilds_in_the_background(app, catalogue_world, reconfigured):
    """CC BY 4.0 no longer configured open: the fragments built under the old
    setting are served until a job has rebuilt them, then the datasets
    under CC BY are out."""
    by_dataset = catalogue_world["shown"][1]
    _fetch(app)
    _clear_jobs()
    reconfigured(**{settings.OPEN_LICENSES: "CC0-1.0"})
    assert by_dataset["id"] in _datasets(_graph(_fetch(app)))
    assert [job.func_name for job in ckan_jobs.get_queue().jobs] == ["ckanext.gbgopendata.jobs.refresh_catalogue"]
    run_jobs()
    under_cc0 = {d["id"] for d in catalogue_world["shown"] if d["license_id"] == "CC0-1.0"}
    assert under_cc0 and _datasets(_graph(_fetch(app))) == under_cc0


def test_a_new_profile_version_rebuilds_every_fragment_in_the_background(app, catalogue_world, monkeypatch):
    _fetch(app)
    _clear_jobs()
    before = model.Session.execute(sa.select(kept.fragment_table.c.stamp)).scalars().all()
    monkeypatch.setattr(kept, "PROFILE_VERSION", "next")
    assert _datasets(_graph(_fetch(app))) == _ids(*catalogue_world["shown"])  # old fragments served
    run_jobs()
    model.Session.remove()
    after = model.Session.execute(sa.select(kept.fragment_table.c.stamp)).scalars().all()
    assert set(before) != set(after) and set(after) == {kept.stamp()}


def test_a_save_asks_for_one_job_and_the_job_builds_the_fragment(app, catalogue_world, monkeypatch):
    act, dataset = catalogue_world["act"], catalogue_world["shown"][2]
    _fetch(app)
    _clear_jobs()
    for n in range(3):  # a burst of saves: one job
        act("package_patch", id=dataset["id"], version=f"1.{n}")
    assert [job.args for job in ckan_jobs.get_queue().jobs] == [[dataset["id"]]]
    run_jobs()
    built = []
    monkeypatch.setattr(kept, "build", lambda *args, **kwargs: built.append(args) or pytest.fail("built on read"))
    graph = _graph(_fetch(app))
    assert str(graph.value(URIRef(f"{SITE}/dataset/{dataset['id']}"), DCAT.version)) == "1.2"
    assert built == []


# --- consistent while datasets change ---------------------------------------------------------------


def test_a_fetch_running_while_datasets_change_is_one_moment_of_the_catalogue(app, catalogue_world, monkeypatch):
    """Streamed one fragment per round trip: a dataset made private, and one
    made public, after the fetch began change nothing in it."""
    act, shown, private = catalogue_world["act"], catalogue_world["shown"], catalogue_world["private"]
    monkeypatch.setattr(kept, "FETCH_SIZE", 1)
    with app.flask_app.test_request_context():
        kept.refresh()
        snapshot = kept.Snapshot()
        pieces = snapshot.document("ttl")
        text = next(pieces) + next(pieces)  # the header and the first fragment
        act("package_patch", id=private["id"], private=False)
        act("package_patch", id=shown[2]["id"], private=True)
        act("package_patch", id=shown[1]["id"], title_translated={"sv": "Ändrad under hämtningen", "en": "Changed"})
        text = (text + b"".join(pieces)).decode("utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert _datasets(graph) == _ids(*shown)
    assert "Ändrad under hämtningen" not in text
    assert private["id"] not in text
    later = _graph(_fetch(app))
    assert _datasets(later) == _ids(shown[0], shown[1], private)


# --- HTTP for harvesters --------------------------------------------------------------------------


def test_conditional_requests_head_and_gzip(app, catalogue_world, monkeypatch):
    first = _fetch(app)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Content-Type"] == "application/rdf+xml; charset=utf-8"
    assert "Set-Cookie" not in first.headers
    assert {"Accept", "Accept-Encoding"} <= {part.strip() for part in first.headers["Vary"].split(",")}

    # a 304 reads no fragment
    monkeypatch.setattr(kept, "assemble", lambda *args, **kwargs: pytest.fail("assembled for a 304"))
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'}, {"If-Modified-Since": last_modified}):
        response = _fetch(app, **headers)
        assert response.status_code == 304, headers
        assert response.get_data() == b""
        assert response.headers["ETag"] == etag
    head = app.flask_app.test_client().head("/datasets/dcat?format=xml")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == etag and head.headers["Content-Type"] == first.headers["Content-Type"]
    monkeypatch.undo()

    zipped = _fetch(app, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == first.get_data()
    assert zipped.headers["ETag"] != etag  # another representation, another strong validator
    assert _fetch(app, **{"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code == 304
    for fmt, mimetype in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
        response = _fetch(app, fmt)
        assert response.headers["Content-Type"] == f"{mimetype}; charset=utf-8"
        assert response.headers["ETag"] not in (etag, zipped.headers["ETag"])

    # an unchanged catalogue keeps its validators; a change moves them
    assert _fetch(app).headers["ETag"] == etag
    catalogue_world["act"]("package_patch", id=catalogue_world["shown"][0]["id"], version="3.0")
    assert _fetch(app, **{"If-None-Match": etag}).status_code == 200


def test_a_304_costs_the_same_statements_whatever_the_catalogue_size(app, catalogue_world):
    from ckanext.gbgopendata.tests.counting import counting

    etag = _fetch(app).headers["ETag"]
    with counting() as small:
        assert _fetch(app, **{"If-None-Match": etag}).status_code == 304
    act, trafik = catalogue_world["act"], catalogue_world["trafik"]
    for n in range(5):
        act("package_create", owner_org=trafik["id"], **minimal_dataset(name=f"fler-{n}"))
    etag = _fetch(app).headers["ETag"]
    with counting() as large:
        assert _fetch(app, **{"If-None-Match": etag}).status_code == 304
    assert len(large.sql) == len(small.sql) <= 8, large.report()


# --- the shared nodes ------------------------------------------------------------------------------


def test_a_subject_described_two_ways_is_written_once_with_both(app, catalogue_world):
    """The catalogue's licence document (no title) and the datasets' (with
    titles and types) are one node in the document."""
    import json

    document = json.loads(_fetch(app, "jsonld").get_data(as_text=True))
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))
    cc0 = next(node for node in document["@graph"] if node["@id"] == "http://creativecommons.org/publicdomain/zero/1.0/")
    assert str(DCTERMS.title) in cc0 and str(DCTERMS.LicenseDocument) in cc0["@type"]


# --- the rebuild command -------------------------------------------------------------------------------


def test_rebuild_catalog_recreates_everything_derived(app, catalogue_world, cli):
    from ckan.cli.cli import ckan

    _fetch(app)
    # stale rows of every kind: an outdated stamp, an unnamed node, a dataset now private
    model.Session.execute(kept.fragment_table.update().values(stamp="old", xml="<broken/>"))
    model.Session.execute(kept.node_table.insert().values(key="unnamed", subject="urn:x", ntriples="", xml="", ttl="", jsonld=""))
    model.Session.commit()
    catalogue_world["act"]("package_patch", id=catalogue_world["shown"][2]["id"], private=True)

    result = cli.invoke(ckan, ["gbgopendata", "rebuild-catalog"])
    assert result.exit_code == 0, result.output
    assert "2 fragments built" in result.output or "2 fragment" in result.output
    model.Session.remove()
    rows = model.Session.execute(sa.select(kept.fragment_table.c.package_id, kept.fragment_table.c.stamp, kept.fragment_table.c.xml)).all()
    assert {row[0] for row in rows} == _ids(*catalogue_world["shown"][:2])
    assert {row[1] for row in rows} == {kept.stamp()}
    assert all("<broken/>" not in row[2] for row in rows)
    assert model.Session.execute(sa.select(sa.func.count()).select_from(kept.node_table).where(kept.node_table.c.key == "unnamed")).scalar() == 0


# --- every worker the same bytes ---------------------------------------------------------------------


def _serve(ini: str, port: int) -> subprocess.Popen:
    root = Path(__file__).resolve().parents[3]
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--chdir", str(root),
         "deploy.wsgi:application"],
        env=dict(os.environ, CKAN_INI=ini), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _wait_for(server: subprocess.Popen, port: int) -> None:
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=5)
            return
        except OSError:
            if server.poll() is not None:
                pytest.fail("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
            if time.time() > deadline:
                pytest.fail("gunicorn did not answer within 120 s")
            time.sleep(0.5)


def test_two_worker_processes_serve_the_same_bytes(app, catalogue_world, ckan_config):
    """Two gunicorn processes, as two workers or two machines: the same
    document and validators from each, no session cookie."""
    expected = _fetch(app)
    ini = str(ckan_config["__file__"])
    ports = [free_port(), free_port()]
    servers = [_serve(ini, port) for port in ports]
    try:
        answers = []
        for server, port in zip(servers, ports):
            _wait_for(server, port)
            for _ in range(2):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/datasets/dcat?format=xml", timeout=60) as response:
                    answers.append((response.read(), response.headers["ETag"], response.headers.get("Set-Cookie")))
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    # (the test app's own settings may have been changed by other tests: its
    # document is compared as the datasets it holds)
    assert len({answer[0] for answer in answers}) == 1
    assert len({answer[1] for answer in answers}) == 1
    assert {answer[2] for answer in answers} == {None}
    assert _datasets(Graph().parse(data=answers[0][0].decode(), format="xml")) == _datasets(_graph(expected))


def test_a_rebuild_of_an_unchanged_dataset_gives_the_same_bytes_in_any_process(app, catalogue_world, ckan_config):
    """The fragment's bytes do not depend on the process's hash seed: a
    rebuild elsewhere keeps the digest, so the ETag does not move."""
    dataset = catalogue_world["shown"][0]
    script = (
        "import sys, hashlib\n"
        "from ckan.cli import CKANConfigLoader\n"
        "from ckan.config.middleware import make_app\n"
        "app = make_app(CKANConfigLoader(sys.argv[1]).get_config())\n"
        "with app._wsgi_app.test_request_context():\n"
        "    from ckanext.gbgopendata.dcat import kept\n"
        "    fragment = kept.build(kept._stored(sys.argv[2]))\n"
        "    print(fragment.digest)\n"
    )
    ini = str(ckan_config["__file__"])
    digests = {
        subprocess.run([sys.executable, "-c", script, ini, dataset["id"]], env=dict(os.environ, PYTHONHASHSEED=seed),
                       capture_output=True, text=True, check=True).stdout.split()[-1]
        for seed in ("1", "2")
    }
    assert len(digests) == 1
