"""Link checks (quality/links.py) against real HTTP servers the test starts
on loopback, through CKAN's real queue and worker (`ckan jobs worker`'s
Worker, which forks a work horse that reads the configuration): each
outcome stored, the portal's User-Agent, no request to an address that is
not allowed (also behind a redirect), the per-host rate limit, the
re-check of a changed URL, and `ckan gbgopendata check-links`."""
from __future__ import annotations

import datetime
import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.quality import kept, links
from ckanext.gbgopendata.quality.scoring import LinkCheck
from ckanext.gbgopendata.tests.dcat_fixtures import minimal_dataset
from ckanext.gbgopendata.tests.helpers import derived_ini, free_port
from ckanext.gbgopendata.tests.test_dcat_kept import _clear_jobs, reconfigured, run_jobs  # noqa: F401 (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

SLEEP_SECONDS = 2.5
SHORT_TIMEOUT = "0.8"
USER_AGENT = "Goteborgs Stads dataportal lankkontroll (+http://test.ckan.net)"


class LoopbackSite:
    """An HTTP server in a thread of the test; every request it got is kept
    (method, path, User-Agent, time)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _handle(self) -> None:
                site.requests.append({"method": self.command, "path": self.path,
                                      "user_agent": self.headers.get("User-Agent"), "at": time.monotonic()})
                path = self.path.split("?", 1)[0]
                if path == "/ok":
                    self._answer(200, b"a;b\n1;2\n", {"Content-Type": "text/csv"})
                elif path == "/moved":
                    self._answer(301, headers={"Location": "/ok"})
                elif path == "/missing":
                    self._answer(404)
                elif path == "/broken":
                    self._answer(500)
                elif path == "/no-head":
                    self._answer(405 if self.command == "HEAD" else 200, b"{}" * 10_000)
                elif path == "/slow":
                    time.sleep(SLEEP_SECONDS)
                    self._answer(200)
                elif path == "/to-localhost":
                    self._answer(302, headers={"Location": f"http://localhost:{site.port}/ok"})
                elif path == "/wms":
                    self._answer(200 if self.command == "GET" else 500, b"<WMS_Capabilities/>")
                else:
                    self._answer(404)

            do_GET = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [request["path"] for request in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    server = LoopbackSite()
    yield server
    server.close()


@pytest.fixture
def rescored(monkeypatch, tmp_path):
    """kept.rescore_urls replaced by a recorder (the forked work horse
    writes what it was called with to a file)."""
    record = tmp_path / "rescored.jsonl"

    def recorder(urls):
        with record.open("a", encoding="utf-8") as file:
            file.write(json.dumps(sorted(urls)) + "\n")
        return 0

    monkeypatch.setattr(kept, "rescore_urls", recorder)
    _clear_jobs()

    def calls() -> list[list[str]]:
        return [json.loads(line) for line in record.read_text("utf-8").splitlines()] if record.exists() else []

    return calls


@pytest.fixture
def loopback_allowed(reconfigured):
    reconfigured(**{
        "ckanext.gbgopendata.link_check_allowed_hosts": "127.0.0.1",
        "ckanext.gbgopendata.link_check_timeout": SHORT_TIMEOUT,
        "ckanext.gbgopendata.link_check_host_interval": "0",
    })
    return reconfigured


def _rows() -> dict[str, dict]:
    with model.meta.engine.connect() as connection:
        return {row["url"]: dict(row) for row in connection.execute(sa.select(gbg_model.link_check)).mappings()}


def _queued_urls() -> list[list[str]]:
    return [job.args[0] for job in ckan_jobs.get_queue().jobs if job.func_name == links.JOB]


def test_each_outcome_is_stored_by_the_worker(site, rescored, loopback_allowed):
    closed = f"http://127.0.0.1:{free_port()}/ok"
    urls = {
        "ok": site.url("/ok"), "moved": site.url("/moved"), "missing": site.url("/missing"),
        "broken": site.url("/broken"), "no_head": site.url("/no-head"), "slow": site.url("/slow"),
        "closed": closed, "wms": site.url("/wms?SERVICE=WMS&REQUEST=GetCapabilities"),
        "ftp": "ftp://ftp.example.org/data.csv", "unknown_name": "http://no-such-host.invalid/data.csv",
    }
    before = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert links.request_checks(urls.values()) == len(urls)
    # asked for, not checked: nothing was requested of the server yet
    assert site.requests == []
    assert all(row["requested_at"] and row["checked_at"] is None for row in _rows().values())
    assert links.results([urls["ok"]])[urls["ok"]] == LinkCheck(urls["ok"], ok=None)
    # asked again before a worker took them: not asked twice
    assert links.request_checks(urls.values()) == 0
    run_jobs()

    rows = _rows()
    expected = {
        "ok": (True, 200, "ok", "HEAD"), "moved": (True, 200, "ok", "HEAD"), "missing": (False, 404, "http_error", "HEAD"),
        "broken": (False, 500, "http_error", "HEAD"), "no_head": (True, 200, "ok", "GET"),
        "slow": (False, None, "timeout", "HEAD"), "closed": (False, None, "refused", "HEAD"),
        "wms": (True, 200, "ok", "GET"), "ftp": (False, None, "invalid", None),
        "unknown_name": (False, None, "dns", "HEAD"),
    }
    for key, (ok, status, outcome, method) in expected.items():
        row = rows[urls[key]]
        assert (row["ok"], row["status"], row["outcome"], row["method"]) == (ok, status, outcome, method), key
        assert row["checked_at"] >= before, key
    assert rows[urls["moved"]]["final_url"] == site.url("/ok")
    assert rows[urls["slow"]]["elapsed_ms"] < SLEEP_SECONDS * 1000
    assert rows[urls["ok"]]["host"] == "127.0.0.1"
    # HEAD refused, then one GET; an OGC service is asked with GET only
    assert [r["method"] for r in site.requests if r["path"] == "/no-head"] == ["HEAD", "GET"]
    assert [r["method"] for r in site.requests if r["path"].startswith("/wms")] == ["GET"]
    assert {r["user_agent"] for r in site.requests} == {USER_AGENT}
    # what the scoring reads
    shown = links.results(urls.values())
    assert shown[urls["moved"]].ok is True and shown[urls["missing"]].status == 404
    assert shown[urls["slow"]].outcome == "timeout" and shown[urls["slow"]].checked_at is not None
    # the datasets naming them are rescored with the checked URLs
    assert sorted(url for call in rescored() for url in call) == sorted(urls.values())


def test_a_private_address_is_never_asked_unless_allowed(site, rescored, reconfigured):
    reconfigured(**{"ckanext.gbgopendata.link_check_allowed_hosts": "",
                    "ckanext.gbgopendata.link_check_host_interval": "0"})
    url = site.url("/ok")
    links.request_checks([url])
    run_jobs()
    row = _rows()[url]
    assert (row["ok"], row["status"], row["outcome"]) == (False, None, "not_allowed")
    assert site.requests == []


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://172.16.0.1:8080/", "http://192.168.1.1/",
    "http://100.64.0.1/", "http://0.0.0.0:5000/", "http://224.0.0.1/", "http://240.0.0.1/", "http://[::1]/",
    "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost:5000/api/action/status_show",
])
def test_no_private_or_reserved_address_is_asked(url, reconfigured):
    reconfigured(**{"ckanext.gbgopendata.link_check_allowed_hosts": "", "ckanext.gbgopendata.link_check_host_interval": "0"})
    result = links.probe(url)
    assert (result.result.ok, result.result.outcome, result.result.status) == (False, "not_allowed", None)
    assert result.elapsed_ms < 500  # refused before connecting


@pytest.mark.parametrize("url", ["ftp://ftp.example.org/a.csv", "file:///etc/passwd", "gopher://x/", "http:///nohost", "not a url"])
def test_only_web_addresses_are_asked(url):
    assert links.check(url).outcome == "invalid"


def test_a_redirect_to_an_address_not_allowed_is_not_followed(site, rescored, loopback_allowed):
    # 127.0.0.1 is allowed; "localhost" is the same loopback under another name, not allowed
    url = site.url("/to-localhost")
    links.request_checks([url])
    run_jobs()
    row = _rows()[url]
    assert (row["ok"], row["outcome"]) == (False, "not_allowed")
    assert site.paths() == ["/to-localhost"]


def test_the_connected_peer_is_checked_whatever_the_name_resolved_to(site, reconfigured, monkeypatch):
    """DNS rebinding: the name's addresses looked public when checked, the
    connection reached loopback; it is closed before a request is sent."""
    reconfigured(**{"ckanext.gbgopendata.link_check_allowed_hosts": "", "ckanext.gbgopendata.link_check_host_interval": "0"})
    monkeypatch.setattr(links, "_resolve_and_check", lambda host, port: None)
    result = links.check(site.url("/ok"))
    assert (result.ok, result.outcome) == (False, "not_allowed")
    assert site.requests == []


def test_two_urls_of_one_host_are_not_asked_within_the_interval(site, rescored, reconfigured):
    reconfigured(**{"ckanext.gbgopendata.link_check_allowed_hosts": "127.0.0.1",
                    "ckanext.gbgopendata.link_check_host_interval": "1",
                    "ckanext.gbgopendata.link_check_concurrency": "4"})
    links.request_checks([site.url("/ok?a=1"), site.url("/ok?b=2")])
    run_jobs()
    times = sorted(request["at"] for request in site.requests)
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95
    assert all(row["ok"] for row in _rows().values()), _rows()
    # elapsed is the server's time, not the wait for the host's turn
    assert all(row["elapsed_ms"] < 900 for row in _rows().values()), _rows()


def test_a_changed_url_is_checked_and_a_checked_one_is_not_asked_again(site, rescored, loopback_allowed):
    old, new = site.url("/ok?v=1"), site.url("/ok?v=2")
    links.request_checks([old])
    run_jobs()
    # the dataset's URL changed: the new one has no row, so it is unchecked and asked for
    assert links.request_checks([old, new]) == 1
    assert _queued_urls() == [[new]]
    run_jobs()
    assert links.results([new])[new].ok is True
    assert links.request_checks([old, new]) == 0
    assert links.request_checks([old, new], only_unchecked=False) == 2
    run_jobs()
    # a link that failed is asked again by the next save (its fix, or a publication)
    broken = site.url("/missing")
    links.request_checks([broken])
    run_jobs()
    assert links.results([broken])[broken].ok is False
    assert links.request_checks([old, new, broken]) == 1
    assert _queued_urls() == [[broken]]


def test_a_save_never_checks_in_its_request(site, rescored, loopback_allowed, organization, sysadmin):
    helpers.call_action("package_create", context={"user": sysadmin["name"]}, owner_org=organization["id"],
                        **minimal_dataset(resources=[{"url": site.url("/ok"), "format": "text/csv"}]))
    assert site.requests == []


def _world(site, organization, sysadmin) -> dict[str, str]:
    urls = {"ok": site.url("/ok"), "moved": site.url("/moved"), "missing": site.url("/missing")}
    context = {"user": sysadmin["name"]}
    helpers.call_action("package_create", context=dict(context), owner_org=organization["id"], **minimal_dataset(
        name="parkering", resources=[{"url": urls["ok"], "download_url": urls["moved"], "format": "text/csv"}]))
    helpers.call_action("package_create", context=dict(context), owner_org=organization["id"], **minimal_dataset(
        name="cyklar", resources=[{"url": urls["missing"], "format": "text/csv"}]))
    deleted = helpers.call_action("package_create", context=dict(context), owner_org=organization["id"],
                                  **minimal_dataset(name="borta", resources=[{"url": site.url("/gone"), "format": "text/csv"}]))
    helpers.call_action("package_delete", context=dict(context), id=deleted["id"])
    return urls


def _checked(url: str, days_ago: float) -> links.Probe:
    at = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(days=days_ago)
    return links.Probe(LinkCheck(url, ok=True, status=200, outcome="ok", checked_at=at), method="HEAD")


def test_the_command_asks_for_the_unchecked_the_old_and_all(site, rescored, loopback_allowed, organization, sysadmin, cli, tmp_path):
    from ckan.cli.cli import ckan as ckan_command

    urls = _world(site, organization, sysadmin)
    assert links.all_urls() == sorted(urls.values())
    links.store([_checked(urls["ok"], 10), _checked(urls["missing"], 1)])

    # default: the URLs never checked
    result = cli.invoke(ckan_command, ["gbgopendata", "check-links", "--no-wait"])
    assert result.exit_code == 0, result.output
    assert _queued_urls() == [[urls["moved"]]]
    run_jobs()
    assert _rows()[urls["moved"]]["ok"] is True

    # --older-than: also those checked before that
    result = cli.invoke(ckan_command, ["gbgopendata", "check-links", "--older-than", "5", "--no-wait"])
    assert result.exit_code == 0, result.output
    assert _queued_urls() == [[urls["ok"]]]
    run_jobs()
    assert _rows()[urls["ok"]]["checked_at"] > _checked(urls["ok"], 0.01).result.checked_at
    assert _rows()[urls["missing"]]["ok"] is True  # not asked: checked a day ago

    # --all, waiting: a process of its own, while the worker runs here
    ini = derived_ini(tmp_path / "links.ini", **{
        "ckanext.gbgopendata.link_check_allowed_hosts": "127.0.0.1", "ckanext.gbgopendata.link_check_host_interval": "0"})
    command = subprocess.Popen(
        [sys.executable, str(Path(sys.executable).parent / "ckan"), "-c", str(ini), "gbgopendata", "check-links", "--all"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while command.poll() is None and time.monotonic() < deadline:
        run_jobs()
        time.sleep(0.2)
    out, err = command.communicate(timeout=30)
    assert command.returncode == 0, out + err
    rows = _rows()
    assert rows[urls["missing"]]["ok"] is False and rows[urls["missing"]]["status"] == 404
    assert all(rows[url]["checked_at"] > _checked(url, 0.01).result.checked_at for url in urls.values())
    # in the portal's language: the progress bar (its label, on a pipe), the counts, the failure
    assert "Länkkontroller" in err
    assert "Länkar i katalogen: 3. Begärda kontroller: 3." in out
    assert "Kontrollerade: 3. Misslyckade: 1." in out
    assert f"{urls['missing']}: http_error 404" in out
    assert site.url("/gone") not in rows


# --- the demo: files the portal hosts, checked on a machine without internet ---------------


def test_the_demos_hosted_files_pass_their_link_checks_without_internet(portal_server, rescored, reconfigured, tmp_path):
    """load-demo (a process of its own, with the live portal's configuration)
    uploads the demo's files to CKAN's file store and asks for the link
    checks; the worker checks them against the live portal (its own host is
    allowed): the public datasets' files answer 200, with their real byte
    size; links the demo cannot reach are stored as they answered."""
    from ckanext.gbgopendata import cli as gbg_cli

    reconfigured(**{"ckan.site_url": portal_server.url, "ckanext.gbgopendata.link_check_host_interval": "0"})
    loaded = subprocess.run(
        [sys.executable, str(Path(sys.executable).parent / "ckan"), "-c", str(portal_server.derived_ini_path),
         "gbgopendata", "load-demo", "--admin-password-file", str(tmp_path / "password")],
        capture_output=True, text=True, timeout=300,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    demo = {dataset["name"]: dataset for dataset in gbg_cli._demo_data()["datasets"]}
    shown = {name: helpers.call_action("package_show", context={"ignore_auth": True, "user": ""}, id=name) for name in demo}
    hosted, external = [], []
    for name, dataset in shown.items():
        for resource in dataset["resources"]:
            assert resource.get("download_url"), (name, resource.get("name"))
            if resource["url_type"] == "upload":
                content = (Path(gbg_cli.__file__).parent / "demo" / "files" / resource["url"].rsplit("/", 1)[-1]).read_bytes()
                assert int(resource["size"]) == len(content)
                assert resource["url"].startswith(portal_server.url + f"/dataset/{dataset['id']}/resource/")
                assert resource["download_url"].startswith(portal_server.url + f"/dataset/{name}/resource/")
                hosted.append((dataset, resource, content))
            else:
                external.append(resource)
    assert len(hosted) == 9 and len(external) == 3
    # asked for by load-demo, not checked by it
    assert len([url for call in _queued_urls() for url in call]) == len(links.all_urls()) == 23
    assert not any(row["checked_at"] for row in _rows().values())

    run_jobs()
    rows = _rows()
    for dataset, resource, content in hosted:
        for url in (resource["url"], resource["download_url"]):
            row = rows[url]
            if dataset["private"]:
                # what a harvester sees of a dataset not yet public: not found
                assert (row["ok"], row["status"]) == (False, 404), url
            else:
                assert (row["ok"], row["status"], row["outcome"]) == (True, 200, "ok"), url
    public_files = [resource for dataset, resource, _ in hosted if not dataset["private"]]
    assert len(public_files) == 7
    with urllib.request.urlopen(public_files[0]["download_url"], timeout=10) as response:
        assert response.read() == next(c for _, r, c in hosted if r is public_files[0])
    # the links the demo cannot reach: checked, and stored as they answered (never a guess)
    for resource in external:
        for url in (resource["url"], resource["download_url"]):
            assert rows[url]["checked_at"] and rows[url]["outcome"] in links.OUTCOMES
            assert rows[url]["outcome"] != "not_allowed"


@pytest.mark.parametrize("option, value", [
    ("ckanext.gbgopendata.link_check_timeout", "ten"),
    ("ckanext.gbgopendata.link_check_timeout", "0"),
    ("ckanext.gbgopendata.link_check_concurrency", "100"),
    ("ckanext.gbgopendata.link_check_host_interval", "-1"),
])
def test_a_link_check_setting_that_cannot_be_used_stops_the_start_naming_it(option, value):
    from ckan.plugins import toolkit

    from ckanext.gbgopendata import settings

    with pytest.raises(settings.SettingsError, match=option.replace(".", r"\.")):
        settings.build({**toolkit.config, option: value}, lambda path: None)
