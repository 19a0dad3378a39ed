"""The kept quality score (quality/kept.py): built by the dataset job from
the same graph as the DCAT fragment (never in the save's request), for
private drafts too, and rebuilt exactly when an input changes: the dataset,
the stamp, a newer link check of one of its URLs (rescore_urls)."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.gbgopendata import jobs
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.dcat import kept as dcat_kept
from ckanext.gbgopendata.quality import kept, links
from ckanext.gbgopendata.tests.counting import counting
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset
from ckanext.gbgopendata.tests.helpers import organization_fields
from ckanext.gbgopendata.tests.test_dcat_kept import _clear_jobs, run_jobs

ACCESS_URL = "https://goteborg.se/opendata/minimal.json"


def clear_link_checks() -> None:
    """The link checks are kept by URL, not by dataset: another test's stay."""
    model.Session.execute(gbg_model.link_check.delete())
    model.Session.commit()


@pytest.fixture
def world(clean_db, clean_index, with_plugins):
    _clear_jobs()
    clear_link_checks()
    trafik = factories.Organization(name="trafikkontoret", **organization_fields())
    sysadmin = factories.Sysadmin()

    def act(action, **data):
        return helpers.call_action(action, context={"user": sysadmin["name"], "ignore_auth": False}, **data)

    return {"act": act, "trafik": trafik}


def _row(package_id):
    model.Session.remove()
    return model.Session.execute(sa.select(kept.table).where(kept.table.c.package_id == package_id)).first()


def _modified(package_id):
    return model.Session.execute(
        sa.select(model.package_table.c.metadata_modified).where(model.package_table.c.id == package_id)
    ).scalar()


def _indicator(record_view, variant, key):
    return next(i for i in record_view["variants"][variant]["indicators"] if i["key"] == key)


def test_a_save_is_scored_by_the_job_not_in_the_request(app, world):
    act = world["act"]
    public = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    draft = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset(name="utkast", private=True))
    assert _row(public["id"]) is None and _row(draft["id"]) is None  # not in the save's request
    run_jobs()
    for dataset in (public, draft):  # a private draft is scored too: its publisher sees it while editing
        row = _row(dataset["id"])
        assert row is not None, dataset["name"]
        assert row.source_modified == _modified(dataset["id"])
        assert row.stamp == kept.stamp()
        assert row.urls == [ACCESS_URL]
        assert row.eu_total == row.result["scores"]["eu"]["total"] and row.se_total == row.result["scores"]["se"]["total"]
        assert row.eu_rating == row.result["scores"]["eu"]["rating"]
    # and again after an update
    before = _row(public["id"]).eu_total
    act("package_patch", id=public["id"], tags_translated={"sv": ["parkering"], "en": ["parking"]})
    assert _row(public["id"]).source_modified != _modified(public["id"])
    run_jobs()
    after = _row(public["id"])
    assert after.source_modified == _modified(public["id"])
    assert after.eu_total > before
    keyword = next(i for i in after.result["scores"]["eu"]["indicators"] if i["key"] == "keyword")
    assert keyword["state"] == "met" and keyword["points"] == keyword["maximum"] > 0


def test_the_dataset_job_builds_the_fragment_and_the_score_from_one_graph_and_asks_for_link_checks(app, world, monkeypatch):
    dataset = world["act"]("package_create", owner_org=world["trafik"]["id"], **complete_dataset())
    _clear_jobs()
    asked = []
    monkeypatch.setattr(links, "request_checks", lambda urls, **kw: asked.append(sorted(urls)) or len(urls))
    with counting("ckanext.gbgopendata.dcat.catalogue:Assembler.dataset_graph",
                  "ckanext.gbgopendata.quality.kept:build") as counts:
        jobs.rebuild_dataset(dataset["id"])
    assert counts.calls == {"ckanext.gbgopendata.dcat.catalogue:Assembler.dataset_graph": 1,
                            "ckanext.gbgopendata.quality.kept:build": 1}
    fragment = model.Session.execute(
        sa.select(dcat_kept.fragment_table.c.source_modified).where(dcat_kept.fragment_table.c.package_id == dataset["id"])
    ).scalar()
    row = _row(dataset["id"])
    assert fragment == row.source_modified == _modified(dataset["id"])
    urls = {r["url"] for r in dataset["resources"]} | {r["download_url"] for r in dataset["resources"] if r.get("download_url")}
    assert asked == [sorted(urls)] and row.urls == sorted(urls)


def test_the_open_catalogues_refresh_does_not_score(app, world):
    act = world["act"]
    dataset = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    _clear_jobs()  # no job: /datasets/dcat rebuilds the fragment itself
    with counting("ckanext.gbgopendata.quality.kept:build") as counts:
        response = app.get("/datasets/dcat?format=ttl")
    assert dataset["id"] in response.get_data(as_text=True)
    assert counts.calls["ckanext.gbgopendata.quality.kept:build"] == 0
    assert _row(dataset["id"]) is None


def test_a_record_is_stale_exactly_when_an_input_changes(app, world, monkeypatch):
    act = world["act"]
    dataset = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    run_jobs()
    assert kept.stale([dataset["id"]]) == []
    # the dataset changes
    act("package_patch", id=dataset["id"], version="2")
    _clear_jobs()
    assert kept.stale([dataset["id"]]) == [dataset["id"]]
    assert kept.show(dataset["id"], "en")["current"] is True  # rebuilt inline
    assert _row(dataset["id"]).source_modified == _modified(dataset["id"])
    assert kept.stale([dataset["id"]]) == []
    # the stamp changes: the scoring's version, or the profile's (the graph)
    monkeypatch.setattr(kept, "QUALITY_VERSION", "next")
    assert kept.stale([dataset["id"]]) == [dataset["id"]]
    kept.rebuild([dataset["id"]])
    assert kept.stale([dataset["id"]]) == []
    monkeypatch.setattr(dcat_kept, "PROFILE_VERSION", "next")
    assert kept.stale([dataset["id"]]) == [dataset["id"]]
    kept.rebuild([dataset["id"]])
    assert kept.stale([dataset["id"]]) == [] and _row(dataset["id"]).stamp == kept.stamp()
    # a link check of another URL changes nothing; one of its URLs, newer than the record, does
    _store_check("https://example.org/other.csv", True)
    assert kept.stale([dataset["id"]]) == []
    _store_check(ACCESS_URL, True)
    assert kept.stale([dataset["id"]]) == [dataset["id"]]


def _store_check(url, ok, status=200, checked_at=None):
    checked_at = checked_at or gbg_model._now()
    statement = sa.dialects.postgresql.insert(gbg_model.link_check).values(
        url=url, host=url.split("/")[2], ok=ok, status=status, outcome="ok" if ok else "http_error",
        requested_at=checked_at, checked_at=checked_at,
    )
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["url"], set_={"ok": ok, "status": status, "checked_at": checked_at},
    ))
    model.Session.commit()


def test_a_newer_link_check_rescores_the_datasets_naming_its_url(app, world):
    act = world["act"]
    named = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    other = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset(
        name="annan", resources=[{"url": "https://goteborg.se/opendata/annan.json", "format": "application/json"}],
    ))
    # the datasets' jobs, not the link checks they ask for: the links are not checked yet
    _clear_jobs()
    jobs.rebuild_dataset(named["id"])
    jobs.rebuild_dataset(other["id"])
    _clear_jobs()
    shown = kept.show(named["id"], "en")
    assert _indicator(shown, "eu", "access_url_status")["state"] == "unchecked"  # never a guess
    assert shown["links"] == [{"url": ACCESS_URL, "ok": None, "status": None, "outcome": None, "checked_at": None}]
    other_built = _row(other["id"]).built_at
    _store_check(ACCESS_URL, True)
    assert kept.rescore_urls([ACCESS_URL]) == 1
    row = _row(named["id"])
    assert row.built_at > other_built and _row(other["id"]).built_at == other_built  # only the one naming it
    shown = kept.show(named["id"], "en")
    access = _indicator(shown, "eu", "access_url_status")
    assert access["state"] == "met" and access["points"] == access["maximum"] > 0
    assert shown["links"][0]["ok"] is True and shown["links"][0]["status"] == 200
    assert kept.stale([named["id"]]) == []
    # a failed check later: the indicator is unmet, not unchecked
    _store_check(ACCESS_URL, False, status=404, checked_at=gbg_model._now() + datetime.timedelta(seconds=1))
    kept.rescore_urls([ACCESS_URL])
    assert _indicator(kept.show(named["id"], "en"), "eu", "access_url_status")["state"] == "unmet"


def test_an_organisation_edit_rescores_its_datasets_also_those_not_in_the_open_catalogue(app, world):
    act = world["act"]
    public = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    draft = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset(name="utkast", private=True))
    run_jobs()
    built = {d["id"]: _row(d["id"]).built_at for d in (public, draft)}
    _clear_jobs()
    jobs.rebuild_organization(world["trafik"]["id"])
    assert all(_row(i).built_at > at for i, at in built.items())


def test_a_purged_dataset_takes_its_record_with_it(app, world):
    act = world["act"]
    dataset = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    run_jobs()
    act("dataset_purge", id=dataset["id"])
    assert _row(dataset["id"]) is None


def test_rebuild_quality_rebuilds_the_stale_scores_or_all_of_them(app, world, cli, monkeypatch):
    from ckan.cli.cli import ckan

    act = world["act"]
    first = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset())
    second = act("package_create", owner_org=world["trafik"]["id"], **minimal_dataset(name="utkast", private=True))
    run_jobs()
    built = {d["id"]: _row(d["id"]).built_at for d in (first, second)}
    act("package_patch", id=first["id"], version="2")
    _clear_jobs()
    result = cli.invoke(ckan, ["gbgopendata", "rebuild-quality"])
    assert result.exit_code == 0, result.output
    assert "1 quality scores rebuilt" in result.output or "1 kvalitetspoäng" in result.output
    assert _row(first["id"]).built_at > built[first["id"]] and _row(second["id"]).built_at == built[second["id"]]
    result = cli.invoke(ckan, ["gbgopendata", "rebuild-quality", "--all"])
    assert result.exit_code == 0, result.output
    assert _row(second["id"]).built_at > built[second["id"]]
