"""The extension runs on the real stack: PostgreSQL, Solr 9.10.1 and Redis.

Each test here fails when its service is down; none of them is mocked.
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
import sqlalchemy
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

import ckan.lib.redis
import ckan.model as model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields


ROOT = pathlib.Path(__file__).resolve().parents[3]


def _port(url: str) -> int:
    return urllib.parse.urlsplit(url).port


def _stack_env() -> dict:
    """stack.sh's environment for the stack these tests run against: the
    repository's .stack and the ports of the test configuration."""
    return {
        **os.environ,
        "STACK_DIR": str(ROOT / ".stack"),
        "PG_PORT": str(_port(toolkit.config["sqlalchemy.url"])),
        "REDIS_PORT": str(_port(toolkit.config["ckan.redis.url"])),
        "SOLR_PORT": str(_port(toolkit.config["solr_url"])),
        "CKAN_PYTHON": sys.executable,
        # Short single checks, so that a stopped service costs seconds.
        "STACK_HEALTH_TIMEOUT": "1",
    }


# Where each service's process id is kept, and the program it must be.
SERVICE_PIDS = {
    "postgresql": ("postgres/postmaster.pid", "postgres"),
    "redis": ("redis/redis.pid", "redis-server"),
    "solr": ("solr/solr.pid", "java"),
}


def _service_pid(service: str) -> int:
    pidfile, program = SERVICE_PIDS[service]
    pid = int((ROOT / ".stack" / pidfile).read_text().split()[0])
    assert pathlib.Path(f"/proc/{pid}/comm").read_text().strip() == program
    return pid


def _process_state(pid: int) -> str:
    return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _stack_start(wait_seconds: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "stack" / "stack.sh"), "start"],
        env={**_stack_env(), "STACK_WAIT": str(wait_seconds)},
        capture_output=True, text=True, timeout=120,
    )


def _await_stack_healthy():
    for _ in range(60):
        status = subprocess.run([str(ROOT / "stack" / "stack.sh"), "status"], env=_stack_env(), capture_output=True)
        if status.returncode == 0:
            return
        time.sleep(0.5)
    pytest.fail("the stack did not answer again after SIGCONT")


def test_a_slow_solr_is_waited_for_not_restarted():
    # SIGSTOP makes the tests' own Solr slow for a few seconds, like a loaded
    # machine does; `start` must reuse it, as a running portal depends on it.
    pid = _service_pid("solr")
    resume = threading.Timer(3, os.kill, (pid, signal.SIGCONT))
    os.kill(pid, signal.SIGSTOP)
    try:
        resume.start()
        started = _stack_start(wait_seconds=30)
    finally:
        resume.cancel()
        os.kill(pid, signal.SIGCONT)
        _await_stack_healthy()

    assert started.returncode == 0, started.stderr
    assert f"Solr: process {pid} is alive (state T) but does not answer" in started.stderr
    assert f"Solr: answers again (process {pid})" in started.stderr
    assert _service_pid("solr") == pid


@pytest.mark.parametrize(("service", "name"), [("postgresql", "PostgreSQL"), ("redis", "Redis"), ("solr", "Solr")])
def test_a_silent_service_fails_start_loudly_and_keeps_running(service, name):
    pid = _service_pid(service)
    os.kill(pid, signal.SIGSTOP)
    try:
        started = _stack_start(wait_seconds=2)
        state_after = _process_state(pid)
    finally:
        os.kill(pid, signal.SIGCONT)
        _await_stack_healthy()

    assert started.returncode == 1
    assert f"ERROR: {name}: process {pid} (state T) is alive but has not answered for 2 s" in started.stderr
    assert "It is not restarted" in started.stderr
    assert state_after == "T"
    assert _service_pid(service) == pid


def _solr_system_info() -> dict:
    # solr_url names the core; the node's system info lives one level up.
    base = toolkit.config["solr_url"].rsplit("/", 1)[0]
    with urllib.request.urlopen(f"{base}/admin/info/system?wt=json", timeout=10) as response:
        return json.load(response)


def test_solr_is_the_real_solr_9_10_1():
    info = _solr_system_info()
    assert info["lucene"]["solr-spec-version"] == "9.10.1"


def test_postgresql_is_the_database():
    assert model.Session.get_bind().dialect.name == "postgresql"
    version = model.Session.execute(sqlalchemy.text("select version()")).scalar()
    assert version.startswith("PostgreSQL")


def test_redis_answers():
    connection = ckan.lib.redis.connect_to_redis()
    assert connection.ping() is True


def test_the_smtp_server_keeps_what_ckans_mailer_sends_in_the_maildir():
    from ckan.lib import mailer

    folder = ROOT / ".stack" / "mail" / "new"
    before = set(folder.iterdir())
    mailer.mail_recipient("Provmottagare", "prov@stack.example", "Stackprov åäö", "Kommer det fram?")
    [path] = set(folder.iterdir()) - before
    text = path.read_text("utf-8")
    assert "X-RcptTo: prov@stack.example" in text and "X-Peer: ('127.0.0.1'" in text


@pytest.mark.usefixtures("with_plugins")
def test_dataset_created_through_the_api_is_found_by_solr(organization, sysadmin):
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="cykelrakningar",
        **dataset_fields(
            title_translated={"sv": "Cykelräkningar"},
            notes_translated={"sv": "Antal cyklister per timme, token ZQXJ41."},
        ),
        owner_org=organization["id"],
    )

    result = helpers.call_action("package_search", q="ZQXJ41")

    assert result["count"] == 1
    assert result["results"][0]["id"] == dataset["id"]
    # The hit comes from Solr's index, not from the database.
    indexed = helpers.call_action("package_search", fq=f'id:"{dataset["id"]}"', fl="index_id")
    assert indexed["results"][0]["index_id"]


@pytest.mark.usefixtures("with_plugins")
def test_dataset_is_listed_in_the_dcat_catalogue(app, organization):
    dataset = factories.Dataset(name="parkeringsplatser", owner_org=organization["id"], **dataset_fields())

    response = app.get("/catalog.rdf")

    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="xml")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert URIRef(f"{toolkit.config['ckan.site_url']}/dataset/{dataset['id']}") in datasets


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestPagesAnswerInSwedish:
    def test_home_page(self, app):
        response = app.get("/")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert '<html lang="sv"' in body
        # CKAN's own Swedish catalogue, so the page is really rendered in Swedish.
        assert "Organisationer" in body

    def test_search_page(self, app):
        response = app.get("/dataset/")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert '<html lang="sv"' in body
        assert "Sök datamängder …" in body

    def test_dataset_page(self, app, organization):
        factories.Dataset(
            name="badplatser",
            owner_org=organization["id"],
            **dataset_fields(title_translated={"sv": "Badplatser", "en": "Bathing sites"}),
        )
        response = app.get("/dataset/badplatser")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert '<html lang="sv"' in body
        assert "Badplatser" in body
        assert "Organisation" in body

    def test_footer_shows_the_support_address_in_swedish(self, app):
        body = app.get("/").get_data(as_text=True)
        assert "Frågor om öppna data? Kontakta oss:" in body
        assert "mailto:support.digitalakanaler@goteborg.se" in body

    def test_english_is_offered(self, app):
        body = app.get("/en/").get_data(as_text=True)
        assert '<html lang="en"' in body
        assert "Questions about open data? Contact us:" in body
