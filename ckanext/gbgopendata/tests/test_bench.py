"""The benchmark's seeding (bench/seed.py): datasets cloned in SQL, with
their template's Solr document, are datasets to CKAN (the bench itself checks
that /datasets/dcat holds them all). It relies on CKAN's
indexer internals (`logic.index_update_package`, the index module's
`make_connection`); this test catches their change."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset
from ckanext.gbgopendata.tests.helpers import organization_fields

SEED = Path(__file__).resolve().parents[3] / "bench" / "seed.py"


def _seed_module():
    spec = importlib.util.spec_from_file_location("bench_seed", SEED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_cloned_datasets_are_shown_found_and_rendered(app):
    seed = _seed_module()
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    sysadmin = factories.Sysadmin()
    title = complete_dataset()["title_translated"]
    template = helpers.call_action(
        "package_create", context={"user": sysadmin["name"], "ignore_auth": False},
        **complete_dataset(name=seed.template_name(0), owner_org=organization["id"],
                           title_translated={lang: f"{text} {seed.template_title_token(0)}" for lang, text in title.items()}),
    )
    clones = seed.clone_rows([template["id"]], 1, 3)
    seed.index_clones(clones, seed.template_documents([template["id"]]),
                      toolkit.config["solr_url"].rstrip("/"), toolkit.config["ckan.site_id"])

    found = app.get("/api/3/action/package_search?rows=10").json["result"]
    assert found["count"] == 3
    clone = {d["name"]: d for d in found["results"]}[seed.template_name(2)]
    shown = app.get(f"/api/3/action/package_show?id={seed.template_name(2)}").json["result"]
    assert shown["id"] == clone["id"] != template["id"]
    assert shown["title_translated"]["sv"].endswith(seed.template_title_token(2))
    assert len(shown["resources"]) == 3
    assert not {r["id"] for r in shown["resources"]} & {r["id"] for r in template["resources"]}
    assert {r["id"] for r in clone["resources"]} == {r["id"] for r in shown["resources"]}
    assert app.get(f"/dataset/{seed.template_name(2)}").status_code == 200
