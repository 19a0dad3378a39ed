"""The benchmark's table (stdout) and docs/performance.md: figures, targets
(issue 18), met or missed and by how much, the machine and how to reproduce."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# The baseline, measured under `ckan run` on 2 cores before this work.
BASELINE = {
    1000: {"total": "7.3–13.4 s", "bytes": "11 MB"},
    10000: {"total": "63.8 s", "bytes": "111 MB", "memory": "+250 MB", "paged_ours": "84 s",
            "paged_stock": "126 s", "create": "1.62×", "update": "1.40×"},
}


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    import ckan

    return {"cores": os.cpu_count(), "cpu": model, "ram_gb": round(memory_kb / 1024 / 1024, 1),
            "ckan": ckan.__version__, "kernel": os.uname().release}


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def megabytes(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(N, what, figure, target, verdict) rows."""
    sizes = sorted(int(n) for n in results["sizes"])
    out = []
    stock_writes = results["stock_writes"]
    largest = sizes[-1]
    for n in sizes:
        f = figures_at(results, n)
        c = f["catalogue"]
        target = n == largest and n >= 10000
        whole = c["cold"]["total"]
        stock_sum = f["paged_stock"]["total"]
        ours_sum = f["paged_ours"]["total"]

        def verdict(ok: bool, missed_by: str) -> str:
            return ("met" if ok else f"MISSED by {missed_by}") if target else ""

        out.append((str(n), "/datasets/dcat whole document (first fetch)", seconds(whole), "< 3 s" if target else "",
                    verdict(whole < 3, seconds(whole - 3))))
        out.append((str(n), "/datasets/dcat again (warm)", seconds(c["warm"]["total"]), "", ""))
        out.append((str(n), "time to first byte", seconds(c["cold"]["ttfb"]), "< 100 ms" if target else "",
                    verdict(c["cold"]["ttfb"] < 0.1, seconds(c["cold"]["ttfb"] - 0.1))))
        out.append((str(n), "bytes (RDF/XML)", megabytes(c["cold"]["bytes"]), "", ""))
        encoding = c["gzip"]["encoding"]
        out.append((str(n), "bytes with Accept-Encoding: gzip",
                    megabytes(c["gzip"]["bytes"]) + ("" if encoding == "gzip" else f" (not compressed; gzip -6 of the body: {megabytes(c['gzip_of_body_bytes'])})"),
                    "", ""))
        out.append((str(n), f"8 concurrent clients, slowest (median {seconds(c['concurrent']['median_total'])})",
                    seconds(c["concurrent"]["max_total"]), "each < 6 s" if target else "",
                    verdict(c["concurrent"]["max_total"] < 6, seconds(c["concurrent"]["max_total"] - 6))))
        cond = c["conditional"]
        if cond is None:
            out.append((str(n), "conditional GET", "no ETag, no Last-Modified", "304 < 50 ms" if target else "",
                        "MISSED: no validators, every GET is a full one" if target else ""))
        else:
            out.append((str(n), f"conditional GET ({', '.join(cond['validators'])})",
                        f"{cond['status']} in {seconds(cond['total'])}", "304 < 50 ms" if target else "",
                        verdict(cond["status"] == 304 and cond["total"] < 0.05,
                                seconds(cond["total"] - 0.05) if cond["status"] == 304 else f"status {cond['status']}")))
        m = c["memory"]
        out.append((str(n), "worker memory: largest worker before → peak",
                    f"{m['before_worker_mb']:.0f} → {m['peak_worker_mb']:.0f} MB (all {WORKERS_NOTE}: {m['before_sum_mb']:.0f} → {m['peak_sum_mb']:.0f} MB)",
                    "", ""))
        out.append((str(n), f"/catalog.rdf paged ({f['paged_ours']['pages']} pages) summed, our profile", seconds(ours_sum), "",
                    f"whole document {ours_sum / whole:.1f}× faster"))
        out.append((str(n), "/catalog.rdf paged summed, stock euro_dcat_ap_3", seconds(stock_sum),
                    "whole doc ≥ 40× faster" if target else "",
                    (verdict(stock_sum / whole >= 40, f"{40 - stock_sum / whole:.1f}× (is {stock_sum / whole:.1f}×)")
                     if target else f"whole document {stock_sum / whole:.1f}× faster")))
        if "rebuild_catalog_seconds" in f:
            out.append((str(n), "ckan gbgopendata rebuild-catalog", seconds(f["rebuild_catalog_seconds"]), "", ""))
        w = f["writes"]
        for action in ("create", "update"):
            ratio = w[action] / stock_writes[action]
            out.append((str(n), f"package_{action} median, ours vs stock ({w['count']} each)",
                        f"{seconds(w[action])} vs {seconds(stock_writes[action])} = {ratio:.2f}×",
                        "≤ 1.2×" if target else "", verdict(ratio <= 1.2, f"{ratio - 1.2:.2f}×")))
        checks = c["checks"]
        out.append((str(n), "checked: package_search count / dcat:Dataset in the document"
                    + (" / parsed by rdflib" if "datasets_parsed" in checks else ""),
                    " / ".join(str(checks[k]) for k in ("package_search", "datasets_in_document", "datasets_parsed") if k in checks)
                    + f" (package_show and page of {len(checks['samples'])} samples)", "", ""))
        s = f["seed"]
        out.append((str(n), "seeding (templates / SQL clones / Solr clones)",
                    f"{s['template_seconds']:.0f} / {s['sql_seconds']:.0f} / {s['solr_seconds']:.0f} s", "", ""))
    if len(sizes) > 1:
        small, large = (figures_at(results, n) for n in (sizes[0], sizes[-1]))
        growth = large["catalogue"]["memory"]["peak_worker_mb"] - small["catalogue"]["memory"]["peak_worker_mb"]
        target = sizes[0] <= 1000 and sizes[-1] >= 10000
        out.append((f"{sizes[0]}→{sizes[-1]}", "peak worker memory growth", f"{growth:+.0f} MB",
                    "< 50 MB" if target else "",
                    ("met" if growth < 50 else f"MISSED by {growth - 50:.0f} MB") if target else ""))
    return out


WORKERS_NOTE = "4 workers"


def figures_at(results: dict[str, Any], n: int) -> dict[str, Any]:
    return results["sizes"][n] if n in results["sizes"] else results["sizes"][str(n)]


def why(results: dict[str, Any]) -> list[str]:
    """Why a target is missed, where the figures themselves show it."""
    sizes = sorted(int(n) for n in results["sizes"])
    largest = sizes[-1]
    if largest < 10000:  # the targets are the at 10,000
        return []
    f = figures_at(results, largest)
    c = f["catalogue"]
    notes = []
    if c["cold"]["ttfb"] > 0.5 * c["cold"]["total"] and c["cold"]["ttfb"] >= 0.1:
        notes.append(f"Time to first byte is {c['cold']['ttfb'] / c['cold']['total']:.1%} of the whole fetch: the "
                     "document is built in full before its first byte is sent, not streamed.")
    elif c["cold"]["ttfb"] >= 0.1:
        notes.append(f"Time to first byte is {seconds(c['cold']['ttfb'])} although the document is streamed: before "
                     "its headers, one aggregate query over every candidate dataset in the snapshot gives the "
                     "validators (the ETag is of the same moment as the body), and CKAN's own request handling "
                     "runs; the first fetch also finds PostgreSQL's cache cold.")
    if c["conditional"] is not None and c["conditional"]["status"] == 304 and c["conditional"]["total"] >= 0.05:
        notes.append(f"A 304 takes {seconds(c['conditional']['total'])}: it reads no fragment, but the validators come "
                     "from one pass over every candidate dataset in PostgreSQL (its cost grows with the catalogue, "
                     "about 35 ms of it at 10,000), plus CKAN's request handling. A validator kept by the writers "
                     "would be faster but would miss a write past the action layer.")
    if c["conditional"] is None:
        notes.append("The response has no ETag and no Last-Modified: a harvester cannot ask whether anything "
                     "changed, so every GET builds the whole document again.")
    elif c["conditional"]["status"] != 304:
        notes.append(f"A conditional GET with the response's own validators answers {c['conditional']['status']}, not 304.")
    if c["gzip"]["encoding"] != "gzip":
        notes.append(f"The server does not compress: gzip would send {megabytes(c['gzip_of_body_bytes'])} instead of "
                     f"{megabytes(c['cold']['bytes'])} (the clones repeat their 30 templates' texts, so real data "
                     "compresses less than this).")
    if c["concurrent"]["max_total"] >= 6:
        notes.append(f"8 concurrent clients on {WORKERS_NOTE} and 2 cores: each build is CPU-bound, so clients queue "
                     f"behind each other (slowest {seconds(c['concurrent']['max_total'])}, about "
                     f"{c['concurrent']['max_total'] / c['cold']['total']:.1f} single builds).")
    if len(sizes) > 1:
        growth = f["catalogue"]["memory"]["peak_worker_mb"] - figures_at(results, sizes[0])["catalogue"]["memory"]["peak_worker_mb"]
        if growth >= 50:
            notes.append(f"A worker's peak grows by {growth:.0f} MB from {sizes[0]} to {largest}: it holds the whole "
                         "document (and the datasets it is built from) in memory while building it.")
    ratio = f["paged_stock"]["total"] / c["cold"]["total"]
    if ratio < 40:
        notes.append(f"The whole document is {ratio:.1f}× faster than stock paging summed, not 40×: it is built from the "
                     "same per-dataset work as the pages (search, graph, serialisation for every dataset), so it "
                     "saves only the per-page overhead.")
    for action in ("create", "update"):
        r = f["writes"][action] / results["stock_writes"][action]
        if r > 1.2:
            at_first = figures_at(results, sizes[0])["writes"][action] / results["stock_writes"][action]
            notes.append(f"package_{action} is {r:.2f}× stock ({at_first:.2f}× at {sizes[0]}): the extension's "
                         "validators, the publication rule's assessment, the permission labels, the events and "
                         "the fragment job's enqueueing (about 3 ms) run on every save; the 2 cores are shared, "
                         "so the ratio moves by about 0.1 between runs.")
    return notes


def table(results: dict[str, Any]) -> str:
    header = ("N", "measure", "figure", "target", "verdict")
    lines = [header] + rows(results)
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines)


def write_markdown(results: dict[str, Any], path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Performance of the harvest endpoint",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand, rerun it.",
        "",
        f"Measured {results['date']} on {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Linux {m['kernel']},",
        f"CKAN {m['ckan']}, Python {results['python']}; the whole run took {results['duration_seconds'] / 60:.1f} min.",
        f"`ckan gbgopendata rebuild-catalog`: {'present, timed after seeding' if results['rebuild_catalog'] else 'not present in this version'}.",
        "",
        "The machine's 2 cores are shared with other work (other engineers' test runs): the figures",
        "are noisy, by tens of per cent between runs; the ratios are steadier than the absolute times.",
        "",
        "## Figures",
        "",
        "Targets (issue 18) apply at N = 10,000 under the production server.",
        "",
        "| N | measure | figure | target | verdict |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(cell.replace('|', '/') for cell in row)} |" for row in rows(results)]
    notes = why(results)
    if notes:
        lines += ["", "## Why targets are missed", ""] + [f"- {note}" for note in notes]
    lines += [
        "",
        "Baseline in the issue (served by `ckan run`, 2 cores): N = 1,000: 7.3–13.4 s, 11 MB; N = 10,000: 63.8 s,",
        "111 MB, +250 MB memory; paged /catalog.rdf summed 84 s (ours) / 126 s (stock euro_dcat_ap_3);",
        "package_create/update 1.62×/1.40× stock.",
        "",
        "## What is measured, how",
        "",
        "- **Server**: gunicorn, 4 workers, `deploy/wsgi.py` (`gunicorn -w 4 --timeout 300 deploy.wsgi:application`),",
        "  requests not logged. A plain HTTP client (`http.client`) on the same machine; time to first byte is the",
        "  first byte of the body. The first fetch after the server's start is the \"whole document\" figure.",
        "- **Data**: N public datasets across 5 organisations (the demo's, with orgnr), each a complete DCAT-AP-SE",
        "  dataset with 3 distributions (`tests/dcat_fixtures.complete_dataset`), classified with confidentiality 0,",
        "  its checklist confirmed and published. 30 templates go through the action API",
        "  (package_create, gbg_checklist_update, gbg_dataset_publish); the rest are clones of them in SQL",
        "  (package, extras, resources, tags, ownership, our classification/checklist rows) with their templates'",
        "  Solr documents (ids, names, titles replaced). The bench checks they are real to CKAN: package_show and",
        "  the dataset page of samples, package_search counts N, the document holds N `dcat:Dataset`",
        "  (at N ≤ 1,000 also parsed with rdflib).",
        "- **Time to first byte** is the first byte of the body; with a document built whole before it is sent it",
        "  is about the whole time.",
        "- **Memory**: RSS of the 4 workers from /proc every 50 ms, during the fetches of /datasets/dcat",
        "  (single, gzip, warm, conditional, 8 concurrent); growth is the largest worker's peak at 10,000 minus at 1,000.",
        "- **Paged catalogue**: ckanext-dcat's `/catalog.rdf?page=1…` (100 datasets a page) fetched one after the",
        "  other and summed, with our profile (the portal's configuration) and with stock `euro_dcat_ap_3`",
        f"  (plugins `{'activity scheming_datasets dcat'}`, ckanext-dcat's `dcat_ap_full.yaml`, same database and core).",
        f"- **Writes**: package_create then package_update of a complete private dataset over the action API (API",
        "  token of a sysadmin), 30 each after 2 not counted, median. Ours: the portal's plugins on the bench database",
        "  at that N; stock: `activity scheming_datasets dcat` with ckanext-dcat's `dcat_ap_full.yaml` on its own",
        "  database (ckan_bench_stock) and core, the same dataset in that schema's fields. Activity is in both, as",
        "  in the portal, so the ratio is the cost of our extension.",
        "",
        "## Reproduce",
        "",
        "```",
        "make serve            # once: installs, starts the stack (PostgreSQL, Redis, Solr)",
        "make bench            # BENCH_N=\"1000 10000\" by default; BENCH_N=200 to try it",
        "```",
        "",
        "The bench uses its own databases (`ckan_bench`, `ckan_bench_stock`), Solr cores (`bench`, `bench_stock`) and",
        "configurations (`.stack/bench/*.ini`), recreated at every run: the demo and the tests are untouched. It",
        "runs against the stack named by `PG_PORT`, `REDIS_PORT`, `SOLR_PORT` and `STACK_DIR` (as `stack/stack.sh`).",
        "Raw figures: `.stack/bench/results.json`.",
        "",
    ]
    path.write_text("\n".join(lines))
