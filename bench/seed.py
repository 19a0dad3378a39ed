"""Seeds a bench database: `python bench/seed.py INI N` (ours) or
`python bench/seed.py INI 0 --stock` (the stock configuration: a sysadmin and
an organisation only).

Ours: five organisations (the demo's, with orgnr) and TEMPLATES complete
DCAT-AP-SE datasets (3 distributions each, confidentiality 0, checklist
confirmed, published) through the real action API; then clones of them at the
SQL level up to N public datasets, and the clones' Solr documents from the
templates' ones. Creating 10,000 datasets one by one (package_create, the
checklist, publishing) takes the better part of an hour, and CKAN's own
indexing of them alone about 7 min (41 ms a dataset on 2 cores, measured
2026-12-03); cloning takes half a minute and gives rows CKAN reads as its own
(run.py checks package_show, the dataset page, package_search and the
catalogue on them).

Prints one JSON line: the API token, the organisation, what it took.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
import time
from typing import Any

import requests

TEMPLATES = 30
ORGANISATIONS = 5
BENCH_ADMIN = "bench-admin"
CLONE_BATCH = 2000


def template_name(number: int) -> str:
    return f"bench-{number:06d}"


def template_title_token(number: int) -> str:
    # Fixed width, so that "nr 000003" is never a part of another title.
    return f"nr {number:06d}"


def flask_app(ini: str):
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    return make_app(CKANConfigLoader(ini).get_config())._wsgi_app


def ensure_sysadmin_token() -> str:
    import ckan.model as model
    from ckan.plugins import toolkit

    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    if model.User.get(BENCH_ADMIN) is None:
        toolkit.get_action("user_create")(
            dict(context), {"name": BENCH_ADMIN, "email": "bench@localhost.localdomain", "password": "bench-" + "x" * 12}
        )
    user = model.User.get(BENCH_ADMIN)
    user.sysadmin = True
    model.Session.commit()
    return toolkit.get_action("api_token_create")(dict(context), {"user": BENCH_ADMIN, "name": "bench"})["token"]


def ensure_organisations(stock: bool) -> list[str]:
    import ckan.model as model
    from ckan.plugins import toolkit

    from ckanext.gbgopendata.cli import _demo_data

    names = []
    for organisation in _demo_data()["organizations"][:ORGANISATIONS]:
        if model.Group.get(organisation["name"]) is None:
            fields = organisation if not stock else {
                "name": organisation["name"], "title": organisation["title_translated"]["sv"],
            }
            toolkit.get_action("organization_create")({"user": BENCH_ADMIN}, dict(fields))
        names.append(organisation["name"])
    return names


def ensure_templates(organisations: list[str]) -> list[str]:
    """The complete public datasets the clones copy, through the action API
    as a publisher makes them: created private, checklist confirmed, published."""
    import ckan.model as model
    from ckan.plugins import toolkit

    from ckanext.gbgopendata import checklist
    from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset

    context = {"user": BENCH_ADMIN}
    confirmable = [item.id for item in checklist.current().items if not item.automatic]
    ids = []
    for number in range(TEMPLATES):
        name = template_name(number)
        pkg = model.Package.get(name)
        if pkg is None:
            title = complete_dataset()["title_translated"]
            dataset = complete_dataset(
                name=name,
                owner_org=organisations[number % len(organisations)],
                private=True,
                title_translated={lang: f"{text} {template_title_token(number)}" for lang, text in title.items()},
            )
            created = toolkit.get_action("package_create")(dict(context), dataset)
            toolkit.get_action("gbg_checklist_update")(
                dict(context), {"id": created["id"], "items": [{"id": item, "confirmed": True} for item in confirmable]}
            )
            toolkit.get_action("gbg_dataset_publish")(dict(context), {"id": created["id"]})
            pkg = model.Package.get(name)
        ids.append(pkg.id)
    return ids


# How a cloned row differs from its template's, per table: the columns that
# change (SQL over the template row `t` and the mapping row `m`), and the
# column that names the dataset.
CLONED_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "package": ("id", {
        "id": "m.new_id",
        "name": "m.new_name",
        "title": "replace(t.title, m.template_token, m.new_token)",
    }),
    "package_extra": ("package_id", {
        "id": "gen_random_uuid()::text",
        "package_id": "m.new_id",
        "value": "replace(t.value, m.template_token, m.new_token)",
    }),
    "resource": ("package_id", {
        "id": "gen_random_uuid()::text",
        "package_id": "m.new_id",
    }),
    "package_tag": ("package_id", {
        "id": "gen_random_uuid()::text",
        "package_id": "m.new_id",
    }),
    "member": ("table_id", {
        "id": "gen_random_uuid()::text",
        "table_id": "m.new_id",
    }),
    "gbgopendata_classification_change": ("package_id", {"package_id": "m.new_id"}),
    "gbgopendata_checklist_confirmation": ("package_id", {"package_id": "m.new_id"}),
    "gbgopendata_checklist_event": ("package_id", {"package_id": "m.new_id"}),
}


def clone_rows(template_ids: list[str], first: int, last: int) -> list[tuple]:
    """Clones number first..last-1 of the templates (round robin) in SQL;
    returns (template id, clone id, names, title tokens, resource ids) per clone."""
    import ckan.model as model

    connection = model.Session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE bench_clone (template_id text, template_name text, template_token text,"
        " new_id text, new_name text, new_token text) ON COMMIT DROP"
    )
    rows = []
    for number in range(first, last):
        template = number % len(template_ids)
        rows.append((template_ids[template], template_name(template), template_title_token(template),
                     template_name(number), template_title_token(number)))
    connection.exec_driver_sql(
        "INSERT INTO bench_clone SELECT template_id, template_name, template_token, gen_random_uuid()::text,"
        " new_name, new_token FROM unnest(%(t)s::text[], %(tn)s::text[], %(tt)s::text[], %(nn)s::text[], %(nt)s::text[])"
        " AS u(template_id, template_name, template_token, new_name, new_token)",
        {"t": [r[0] for r in rows], "tn": [r[1] for r in rows], "tt": [r[2] for r in rows],
         "nn": [r[3] for r in rows], "nt": [r[4] for r in rows]},
    )
    for table, (dataset_column, changes) in CLONED_TABLES.items():
        columns = [row[0] for row in connection.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %(t)s"
            " AND table_schema = 'public' AND is_generated = 'NEVER'"
            " AND (column_default IS NULL OR column_default NOT LIKE 'nextval%%') ORDER BY ordinal_position",
            {"t": table},
        )]
        if not columns:
            continue
        selected = ", ".join(changes.get(column, f"t.{column}") for column in columns)
        conditions = ["t.table_name = 'package'"] if table == "member" else []
        if "state" in columns:
            conditions.append("t.state = 'active'")
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selected}"
            f" FROM {table} t JOIN bench_clone m ON t.{dataset_column} = m.template_id{where}"
        )
    clones = connection.exec_driver_sql(
        "SELECT m.template_id, m.new_id, m.template_name, m.new_name, m.template_token, m.new_token,"
        " array_agg(tr.id ORDER BY tr.position), array_agg(nr.id ORDER BY nr.position)"
        " FROM bench_clone m JOIN resource tr ON tr.package_id = m.template_id AND tr.state = 'active'"
        " JOIN resource nr ON nr.package_id = m.new_id AND nr.position = tr.position"
        " GROUP BY 1, 2, 3, 4, 5, 6"
    ).fetchall()
    model.Session.commit()
    return clones


class CapturedSolr:
    """Stands in for CKAN's Solr connection while the templates are indexed:
    keeps the documents CKAN would send (the unstored fields too, such as
    permission_labels and text, which Solr cannot give back)."""

    def __init__(self) -> None:
        self.docs: list[dict[str, Any]] = []

    def add(self, docs, **_kwargs) -> None:
        self.docs.extend(docs)


def template_documents(template_ids: list[str]) -> dict[str, str]:
    """Each template's Solr document as CKAN builds it, serialised. Relies on
    two CKAN internals: `logic.index_update_package` and the index module's
    `make_connection` (a change breaks run.py's check that package_search
    counts N)."""
    from ckan import logic
    from ckan.lib.search import index as search_index

    captured = CapturedSolr()
    connect = search_index.make_connection
    search_index.make_connection = lambda *args, **kwargs: captured
    try:
        for template_id in template_ids:
            logic.index_update_package({"ignore_auth": True}, template_id, True)
    finally:
        search_index.make_connection = connect
    return {doc["id"]: json.dumps(doc, default=solr_value) for doc in captured.docs}


def solr_value(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    raise TypeError(type(value))


def index_clones(clones, templates: dict[str, str], solr_url: str, site_id: str) -> None:
    """The clones' Solr documents: their template's, with the ids, names and
    titles replaced (everywhere, also in the stored data_dict)."""
    session = requests.Session()
    batch = []
    for template_id, new_id, template_name_, new_name, template_token, new_token, old_resources, new_resources in clones:
        text = templates[template_id].replace(template_id, new_id).replace(template_name_, new_name)
        text = text.replace(template_token, new_token)
        for old, new in zip(old_resources, new_resources):
            text = text.replace(old, new)
        doc = json.loads(text)
        # CKAN's index_id: md5 of the dataset id and the site id.
        doc["index_id"] = hashlib.md5(f"{new_id}{site_id}".encode()).hexdigest()
        batch.append(doc)
        if len(batch) >= CLONE_BATCH:
            session.post(f"{solr_url}/update", json=batch).raise_for_status()
            batch = []
    if batch:
        session.post(f"{solr_url}/update", json=batch).raise_for_status()
    session.get(f"{solr_url}/update", params={"commit": "true"}).raise_for_status()


def seed(n: int) -> dict[str, Any]:
    import ckan.model as model
    from ckan.plugins import toolkit

    started = time.monotonic()
    token = ensure_sysadmin_token()
    organisations = ensure_organisations(stock=False)
    template_ids = ensure_templates(organisations)
    templates_done = time.monotonic()
    existing = model.Session.query(model.Package).filter(
        model.Package.name.like("bench-%"), model.Package.state == "active", model.Package.private.is_(False)
    ).count()
    sql_seconds = solr_seconds = 0.0
    if existing < n:
        clones = []
        for first in range(existing, n, CLONE_BATCH * 5):
            clones += clone_rows(template_ids, first, min(n, first + CLONE_BATCH * 5))
        sql_done = time.monotonic()
        sql_seconds = sql_done - templates_done
        index_clones(clones, template_documents(template_ids), toolkit.config["solr_url"].rstrip("/"), toolkit.config["ckan.site_id"])
        solr_seconds = time.monotonic() - sql_done
    return {
        "token": token, "organisation": organisations[0], "templates": len(template_ids),
        "template_seconds": round(templates_done - started, 1), "sql_seconds": round(sql_seconds, 1),
        "solr_seconds": round(solr_seconds, 1), "datasets": max(n, existing),
    }


def seed_stock() -> dict[str, Any]:
    token = ensure_sysadmin_token()
    return {"token": token, "organisation": ensure_organisations(stock=True)[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ini")
    parser.add_argument("n", type=int)
    parser.add_argument("--stock", action="store_true")
    args = parser.parse_args()
    app = flask_app(args.ini)
    with app.test_request_context():
        result = seed_stock() if args.stock else seed(args.n)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
