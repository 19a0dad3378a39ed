"""The harvest benchmark (`make bench`): seeds N complete datasets into a
database and Solr core of its own, serves them with the production server
(gunicorn, 4 workers, deploy/wsgi.py) and measures /datasets/dcat, ckanext-dcat's
paged /catalog.rdf (our profile and stock euro_dcat_ap_3) and
package_create/package_update with the extension versus stock CKAN. Prints a
table and writes docs/performance.md.

Environment: BENCH_N (default "1000 10000"), the stack's PG_PORT, REDIS_PORT,
SOLR_PORT, STACK_DIR (as stack/stack.sh), BENCH_WRITES (default 30).
The demo's and the tests' databases and cores are not touched: the bench uses
ckan_bench, ckan_bench_stock and the Solr cores bench, bench_stock.
"""
from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
import report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STACK_DIR = Path(os.environ.get("STACK_DIR", ROOT / ".stack"))
PG_PORT = int(os.environ.get("PG_PORT", 5433))
REDIS_PORT = int(os.environ.get("REDIS_PORT", 6380))
SOLR_PORT = int(os.environ.get("SOLR_PORT", 8983))
PYTHON = sys.executable
# The ckan script run by this interpreter, never by its #! line (a copied
# virtualenv's line names another one).
CKAN = (PYTHON, str(Path(PYTHON).parent / "ckan"))
BENCH_DIR = STACK_DIR / "bench"
SOLR = f"http://127.0.0.1:{SOLR_PORT}/solr"
WORKERS = 4
CLIENTS = 8
WRITES = int(os.environ.get("BENCH_WRITES", 30))
PAGE_SIZE = 100  # ckanext-dcat's default page size of /catalog.rdf

# The three configurations: ours (the portal's plugins), stock ckanext-dcat
# over the same data (its paged catalogue), stock for writes (its own database).
STOCK_PLUGINS = "activity scheming_datasets dcat"
STOCK_SETTINGS = {
    "ckan.plugins": STOCK_PLUGINS,
    "scheming.dataset_schemas": "ckanext.dcat.schemas:dcat_ap_full.yaml",
    "scheming.presets": "ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml",
    "ckanext.dcat.rdf.profiles": "euro_dcat_ap_3",
    "ckan.views.default_views": "",
}


def log(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=True, text=True, capture_output=True, cwd=ROOT, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- databases, cores, configurations -----------------------------------------

def recreate_database(name: str) -> None:
    import psycopg2

    # The stack's superuser reaches the cluster over loopback without a password.
    connection = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name} OWNER ckan_default ENCODING 'UTF8'")
    connection.close()


def solr_get(path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{SOLR}/{path}", timeout=120) as response:
        return json.load(response)


def recreate_core(name: str) -> None:
    """An empty Solr core with the portal's schema (the installed CKAN's
    plus stack/solr/schema_additions.xml) and word lists, laid out as
    stack/stack.sh lays out its cores, added to the running Solr."""
    import ckan

    cores = solr_get("admin/cores?action=STATUS&wt=json")["status"]
    if name in cores:
        solr_get(f"admin/cores?action=UNLOAD&core={name}&deleteInstanceDir=true&wt=json")
    home = STACK_DIR / "solr" / "home" / name
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(ROOT / "stack" / "solr" / "conf", home / "conf")
    subprocess.run(
        [sys.executable, str(ROOT / "stack" / "solr" / "build_schema.py"),
         str(Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"), str(home / "conf" / "schema.xml")],
        check=True,
    )
    solr_get(f"admin/cores?action=CREATE&name={name}&instanceDir={home}&wt=json")


def configuration(name: str, port: int, database: str, core: str, redis_db: int, settings: dict[str, str],
                  portal: bool) -> Path:
    ini = BENCH_DIR / f"{name}.ini"
    if not ini.exists():
        run(*CKAN, "generate", "config", str(ini))
    if portal:
        run(*CKAN, "config-tool", str(ini), "-f", str(ROOT / "stack" / "portal-settings.ini"))
    options = {
        "sqlalchemy.url": f"postgresql://ckan_default:pass@127.0.0.1:{PG_PORT}/{database}",
        "solr_url": f"{SOLR}/{core}",
        "ckan.redis.url": f"redis://127.0.0.1:{REDIS_PORT}/{redis_db}",
        "ckan.site_url": f"http://127.0.0.1:{port}",
        "ckan.storage_path": str(BENCH_DIR / f"storage-{name}"),
        "debug": "false",
        **settings,
    }
    run(*CKAN, "config-tool", str(ini), *[f"{key}={value}" for key, value in options.items()])
    # Requests are not logged: the log would be measured too.
    for section in ("logger_root", "logger_ckan", "logger_ckanext"):
        subprocess.run([*CKAN, "config-tool", str(ini), "-s", section, "level=WARNING"],
                       cwd=ROOT, capture_output=True)
    return ini


def init_database(ini: Path, ours: bool) -> None:
    run(*CKAN, "-c", str(ini), "db", "init")
    if ours:
        run(*CKAN, "-c", str(ini), "db", "upgrade", "-p", "gbgopendata")


def seed(ini: Path, n: int, stock: bool = False) -> dict[str, Any]:
    args = [PYTHON, str(ROOT / "bench" / "seed.py"), str(ini), str(n)] + (["--stock"] if stock else [])
    completed = subprocess.run(args, check=False, text=True, capture_output=True, cwd=ROOT)
    if completed.returncode:
        sys.stderr.write(completed.stderr[-5000:])
        raise SystemExit(f"seeding failed ({ini.name})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def has_rebuild_catalog(ini: Path) -> bool:
    completed = subprocess.run([*CKAN, "-c", str(ini), "gbgopendata", "--help"], cwd=ROOT,
                               capture_output=True, text=True)
    return "rebuild-catalog" in completed.stdout


# --- the production server ------------------------------------------------------------

class Server:
    """gunicorn with WORKERS workers serving deploy/wsgi.py with one configuration."""

    def __init__(self, ini: Path, port: int) -> None:
        self.ini, self.port = ini, port
        self.logfile = open(BENCH_DIR / f"gunicorn-{ini.stem}.log", "a")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "300",
             "--chdir", str(ROOT), "deploy.wsgi:application"],
            env=dict(os.environ, CKAN_INI=str(ini)), stdout=self.logfile, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited, see {self.logfile.name}")
            workers = measure.children(self.process.pid)
            try:
                if len(workers) == WORKERS and measure.fetch(port, "/api/3/action/status_show", timeout=10).status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            self.stop()
            raise SystemExit("gunicorn did not answer within 180 s")
        # Every worker loads the app at its start; one request each warms them.
        measure.concurrent(port, "/api/3/action/status_show", WORKERS * 2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.logfile.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --- what is measured ------------------------------------------------------------------

# A dataset typed as an element (rdflib's pretty-xml) or by rdf:type (ours).
DATASET_ELEMENT = re.compile(rb'<dcat:Dataset[\s>]|<rdf:type rdf:resource="http://www.w3.org/ns/dcat#Dataset"')


def check_real(server: Server, n: int, body: bytes) -> dict[str, Any]:
    """The clones are datasets to CKAN: shown, rendered, found, catalogued."""
    port = server.port
    found = json.loads(measure.fetch(port, "/api/3/action/package_search?rows=0", keep=True).body)["result"]["count"]
    names = [f"bench-{number:06d}" for number in sorted({0, 29, 30, n // 2, n - 1})]
    for name in names:
        shown = measure.fetch(port, f"/api/3/action/package_show?id={name}", keep=True)
        assert shown.status == 200 and json.loads(shown.body)["result"]["name"] == name, (name, shown.status)
        page = measure.fetch(port, f"/dataset/{name}")
        assert page.status == 200, (name, page.status)
    in_document = len(DATASET_ELEMENT.findall(body))
    checked = {"package_search": found, "datasets_in_document": in_document, "samples": names}
    if n <= 1000:
        import rdflib
        from rdflib.namespace import DCAT, RDF

        graph = rdflib.Graph().parse(data=body, format="xml")
        checked["datasets_parsed"] = len(set(graph.subjects(RDF.type, DCAT.Dataset)))
    assert found == n, checked
    assert in_document == n, checked
    assert checked.get("datasets_parsed", n) == n, checked
    return checked


def catalogue_figures(server: Server, n: int) -> dict[str, Any]:
    port = server.port
    figures: dict[str, Any] = {}
    with measure.MemorySampler(server.process.pid) as memory:
        before_worker, before_sum = memory.sample()
        cold = measure.fetch(port, "/datasets/dcat", keep=True)
        assert cold.status == 200, cold.status
        figures["cold"] = {"ttfb": cold.ttfb, "total": cold.total, "bytes": cold.size}
        gzipped = measure.fetch(port, "/datasets/dcat", {"Accept-Encoding": "gzip"})
        figures["gzip"] = {"ttfb": gzipped.ttfb, "total": gzipped.total, "bytes": gzipped.size,
                           "encoding": gzipped.headers.get("content-encoding", "identity")}
        warm = measure.fetch(port, "/datasets/dcat")
        figures["warm"] = {"ttfb": warm.ttfb, "total": warm.total, "bytes": warm.size}
        condition = {}
        if "etag" in cold.headers:
            condition["If-None-Match"] = cold.headers["etag"]
        if "last-modified" in cold.headers:
            condition["If-Modified-Since"] = cold.headers["last-modified"]
        if condition:
            conditional = [measure.fetch(port, "/datasets/dcat", condition) for _ in range(5)]
            figures["conditional"] = {"status": conditional[-1].status,
                                      "total": measure.median([c.total for c in conditional]),
                                      "validators": sorted(condition)}
        else:
            figures["conditional"] = None
        many = measure.concurrent(port, "/datasets/dcat", CLIENTS)
        assert all(f.status == 200 for f in many), [f.status for f in many]
        figures["concurrent"] = {"max_total": max(f.total for f in many), "median_total": measure.median([f.total for f in many]),
                                 "max_ttfb": max(f.ttfb for f in many)}
    figures["memory"] = {"before_worker_mb": before_worker / 1024, "before_sum_mb": before_sum / 1024,
                         "peak_worker_mb": memory.peak_worker_kb / 1024, "peak_sum_mb": memory.peak_sum_kb / 1024}
    import gzip

    figures["gzip_of_body_bytes"] = len(gzip.compress(cold.body, 6))
    figures["checks"] = check_real(server, n, cold.body)
    return figures


def paged_catalogue(server: Server, n: int) -> dict[str, Any]:
    """ckanext-dcat's /catalog.rdf, page by page, as a harvester pages it."""
    total = size = found = 0.0
    pages = math.ceil(n / PAGE_SIZE)
    for page in range(1, pages + 1):
        fetched = measure.fetch(server.port, f"/catalog.rdf?page={page}", keep=True)
        assert fetched.status == 200, (page, fetched.status)
        total += fetched.total
        size += fetched.size
        found += len(DATASET_ELEMENT.findall(fetched.body))
    return {"pages": pages, "total": total, "bytes": int(size), "datasets": int(found)}


def write_figures(server: Server, seeded: dict[str, Any], dataset: Any, change: Any, label: str) -> dict[str, Any]:
    """package_create then package_update of a complete dataset, WRITES times
    each over the action API (two of each first, not counted)."""
    creates, updates = [], []
    for number in range(WRITES + 2):
        name = f"benchwrite-{label}-{number:04d}"
        elapsed, created = measure.post_action(server.port, "package_create", dataset(name, seeded["organisation"]),
                                               seeded["token"])
        if number >= 2:
            creates.append(elapsed)
        elapsed, _ = measure.post_action(server.port, "package_update", change(created), seeded["token"])
        if number >= 2:
            updates.append(elapsed)
    return {"create": measure.median(creates), "update": measure.median(updates), "count": len(creates)}


def our_dataset(name: str, organisation: str) -> dict[str, Any]:
    from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset

    return complete_dataset(name=name, owner_org=organisation, private=True)


def our_change(created: dict[str, Any]) -> dict[str, Any]:
    return dict(created, notes_translated={"sv": "Ändrad beskrivning.", "en": "Changed description."})


def stock_dataset(name: str, organisation: str) -> dict[str, Any]:
    """The same dataset in ckanext-dcat's dcat_ap_full schema."""
    from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset

    ours = complete_dataset()
    return {
        "name": name, "owner_org": organisation, "private": True,
        "title": ours["title_translated"]["sv"], "notes": ours["notes_translated"]["sv"],
        "tag_string": ",".join(ours["tags_translated"]["sv"]),
        "contact": [{"name": c["name"], "email": c["email"], "url": c["url"]} for c in ours["contact"]],
        "license_id": "cc-by", "url": ours["url"], "issued": ours["issued"], "modified": ours["modified"],
        "version": ours["version"], "frequency": ours["frequency"], "provenance": ours["provenance"]["sv"],
        "temporal_coverage": [{"start": ours["temporal_start"], "end": ours["temporal_end"]}],
        "spatial_coverage": ours["spatial_coverage"], "access_rights": ours["access_rights"],
        "theme": ours["theme"], "language": ours["language"], "documentation": ours["documentation"],
        "conforms_to": ours["conforms_to"], "applicable_legislation": ours["applicable_legislation"],
        "resources": [
            {key: value for key, value in resource.items() if not key.endswith("_translated") and key != "status"}
            | {"name": resource.get("name_translated", {}).get("sv", "Distribution")}
            | ({"status": "http://purl.org/adms/status/Completed"} if "status" in resource else {})
            for resource in ours["resources"]
        ],
    }


def stock_change(created: dict[str, Any]) -> dict[str, Any]:
    return dict(created, notes="Ändrad beskrivning.")


# --- the run -----------------------------------------------------------------------------

def rerender() -> None:
    """`run.py --report`: the table and docs/performance.md again from the
    last run's results.json (after a change of the report, not of the figures)."""
    results = json.loads((BENCH_DIR / "results.json").read_text())
    print(report.table(results))
    report.write_markdown(results, ROOT / "docs" / "performance.md")


def main() -> None:
    if sys.argv[1:] == ["--report"]:
        return rerender()
    sizes = [int(n) for n in os.environ.get("BENCH_N", "1000 10000").split()]
    started = time.monotonic()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log(f"stack: pg {PG_PORT}, redis {REDIS_PORT}, solr {SOLR_PORT}; server port {port}; N = {sizes}")
    ours = configuration("ours", port, "ckan_bench", "bench", 5, {}, portal=True)
    # The same site id as ours: CKAN searches only its own site's documents.
    stock_catalogue = configuration("stock-catalogue", port, "ckan_bench", "bench", 6,
                                    dict(STOCK_SETTINGS, **{"ckan.site_id": "gbgopendata"}), portal=False)
    stock_write = configuration("stock-write", port, "ckan_bench_stock", "bench_stock", 7, STOCK_SETTINGS, portal=False)
    for database in ("ckan_bench", "ckan_bench_stock"):
        recreate_database(database)
    for core in ("bench", "bench_stock"):
        recreate_core(core)
    init_database(ours, ours=True)
    init_database(stock_write, ours=False)
    rebuild = has_rebuild_catalog(ours)
    results: dict[str, Any] = {"sizes": {}, "rebuild_catalog": rebuild}

    log("stock writes: seeding and measuring")
    stock_seeded = seed(stock_write, 0, stock=True)
    with Server(stock_write, port) as server:
        results["stock_writes"] = write_figures(server, stock_seeded, stock_dataset, stock_change, "stock")
    log(f"stock writes: {results['stock_writes']}")

    for n in sizes:
        figures: dict[str, Any] = {}
        log(f"N={n}: seeding")
        seeded = seed(ours, n)
        figures["seed"] = {k: seeded[k] for k in ("template_seconds", "sql_seconds", "solr_seconds")}
        log(f"N={n}: seeded {figures['seed']}")
        if rebuild:
            began = time.monotonic()
            run(*CKAN, "-c", str(ours), "gbgopendata", "rebuild-catalog")
            figures["rebuild_catalog_seconds"] = time.monotonic() - began
        with Server(ours, port) as server:
            log(f"N={n}: /datasets/dcat")
            figures["catalogue"] = catalogue_figures(server, n)
            log(f"N={n}: {json.dumps(figures['catalogue'])}")
            log(f"N={n}: /catalog.rdf paged, our profile")
            figures["paged_ours"] = paged_catalogue(server, n)
            log(f"N={n}: {figures['paged_ours']}")
            log(f"N={n}: package_create/update with the extension")
            figures["writes"] = write_figures(server, seeded, our_dataset, our_change, str(n))
            log(f"N={n}: {figures['writes']}")
        with Server(stock_catalogue, port) as server:
            log(f"N={n}: /catalog.rdf paged, stock euro_dcat_ap_3")
            figures["paged_stock"] = paged_catalogue(server, n)
            log(f"N={n}: {figures['paged_stock']}")
        results["sizes"][n] = figures

    results["duration_seconds"] = time.monotonic() - started
    results["machine"] = report.machine()
    results["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    results["python"] = platform.python_version()
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(report.table(results))
    report.write_markdown(results, ROOT / "docs" / "performance.md")
    log(f"done in {results['duration_seconds']:.0f} s; docs/performance.md written")


if __name__ == "__main__":
    main()
