"""The quality's actions over the action API: gbg_quality_show (those who
may edit the dataset), gbg_quality_preview (the form's live score, nothing
saved, bad input scoring as missing), gbg_quality_summary (sysadmins; an
organisation's admins for it); a hidden dataset answers as a missing one."""
from __future__ import annotations

import statistics
import time
import uuid

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.gbgopendata.quality import kept
from ckanext.gbgopendata.tests.counting import counting
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member
from ckanext.gbgopendata.tests.test_dcat_kept import _clear_jobs, run_jobs
from ckanext.gbgopendata.tests.test_quality_kept import clear_link_checks

SHOW_KEYS = {"package_id", "built_at", "current", "variants", "improvements", "links", "compliance"}
SUMMARY_KEYS = {"datasets", "assessed", "mean", "lowest", "ratings", "indicators", "weakest", "histogram"}


@pytest.fixture
def people(clean_db, clean_index, with_plugins):
    _clear_jobs()
    clear_link_checks()
    trafik = factories.Organization(name="trafikkontoret", **organization_fields())
    miljo = factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}),
    )
    sysadmin = factories.SysadminWithToken()
    roles = {
        "editor": organization_member(trafik, "editor"),
        "admin": organization_member(trafik, "admin"),
        "member": organization_member(trafik, "member"),
        "outsider": organization_member(miljo, "editor"),
        "other_admin": organization_member(miljo, "admin"),
    }

    def create(**fields):
        return helpers.call_action("package_create", context={"user": sysadmin["name"]}, owner_org=trafik["id"], **fields)

    public = create(**minimal_dataset())
    draft = create(**minimal_dataset(name="utkast", private=True))
    full = create(**complete_dataset())
    run_jobs()
    return {"trafik": trafik, "miljo": miljo, "sysadmin": sysadmin, **roles,
            "public": public, "draft": draft, "full": full}


def _get(app, action, user=None, status=200, lang=None, **params):
    headers = {"Authorization": user["token"]} if user else {}
    if lang:
        headers["Accept-Language"] = lang
    return app.get(f"/api/3/action/{action}", params=params, headers=headers, status=status)


def _post(app, action, payload, user=None, status=200, lang=None):
    headers = {"Authorization": user["token"]} if user else {}
    if lang:
        headers["Accept-Language"] = lang
    return app.post(f"/api/3/action/{action}", json=payload, headers=headers, status=status)


# --- gbg_quality_show ------------------------------------------------------------------------


def test_show_gives_the_kept_score_in_both_variants_to_those_who_may_edit(app, people):
    for role in ("editor", "admin", "sysadmin"):
        result = _get(app, "gbg_quality_show", people[role], id=people["full"]["name"], lang="en").json["result"]
        assert set(result) == SHOW_KEYS and result["package_id"] == people["full"]["id"] and result["current"] is True
        row = model.Session.execute(sa.select(kept.table).where(kept.table.c.package_id == people["full"]["id"])).first()
        for variant in ("eu", "se"):
            shown = result["variants"][variant]
            assert shown["total"] == getattr(row, f"{variant}_total") == sum(i["points"] for i in shown["indicators"])
            assert shown["rating"] == getattr(row, f"{variant}_rating")
            assert sum(d["points"] for d in shown["dimensions"]) == shown["total"]
            assert sum(d["maximum"] for d in shown["dimensions"]) == shown["maximum"]
        gains = [max(i["gain"].values()) for i in result["improvements"]]
        assert gains == sorted(gains, reverse=True) and all(gain > 0 for gain in gains)
        assert {link["url"] for link in result["links"]} == set(row.urls)
    # a private draft: its editors see its score
    assert _get(app, "gbg_quality_show", people["editor"], id=people["draft"]["id"]).json["result"]["variants"]


def test_show_is_refused_to_members_outsiders_and_anonymous_visitors(app, people):
    dataset = people["public"]
    for user in (None, people["member"], people["outsider"], people["other_admin"]):
        response = _get(app, "gbg_quality_show", user, id=dataset["id"], status=403)
        assert "variants" not in response.get_data(as_text=True)


def test_a_hidden_dataset_answers_as_a_missing_one_byte_for_byte(app, people):
    hidden = people["draft"]["id"]
    missing = str(uuid.uuid4())
    for user in (None, people["outsider"]):
        for action, call in (
            ("gbg_quality_show", lambda ref: _get(app, "gbg_quality_show", user, id=ref, status=404)),
            ("gbg_quality_preview", lambda ref: _post(app, "gbg_quality_preview", {"id": ref}, user, status=404)),
        ):
            answers = [call(ref).get_data(as_text=True).replace(ref, "<id>") for ref in (hidden, missing)]
            assert answers[0] == answers[1], action
            assert "Not Found Error" in answers[0]


def test_show_of_a_current_record_reads_it_in_a_few_statements(app, people):
    with app.flask_app.test_request_context():
        kept.show(people["full"]["id"], "en")  # current
        with counting() as counts:
            kept.show(people["full"]["id"], "en")
    print(f"gbg_quality_show of a current record: {len(counts.sql)} SQL statements")
    assert len(counts.sql) <= 3, counts.report()


# --- gbg_quality_preview ---------------------------------------------------------------------


def test_preview_scores_the_form_as_given_and_saves_nothing(app, people):
    dataset = people["public"]
    stored = _get(app, "gbg_quality_show", people["editor"], id=dataset["id"]).json["result"]
    before = (model.Package.get(dataset["id"]).metadata_modified,
              model.Session.execute(sa.select(kept.table.c.built_at).where(kept.table.c.package_id == dataset["id"])).scalar())
    form = {  # the dataset form's fields: no distributions (the stored ones count)
        "id": dataset["id"], "name": dataset["name"], "owner_org": people["trafik"]["id"],
        "title_translated": dataset["title_translated"], "notes_translated": dataset["notes_translated"],
        "license_id": dataset["license_id"], "confidentiality_level": "0", "integrity_level": "1",
        "availability_level": "1", "tags_translated": {"sv": ["parkering"], "en": ["parking"]},
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
    }
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        result = _post(app, "gbg_quality_preview", form, people["editor"], lang="en").json["result"]
        timings.append(time.perf_counter() - started)
    print(f"gbg_quality_preview over HTTP: median {statistics.median(timings) * 1000:.0f} ms")
    assert result["preview"] is True and set(result) == SHOW_KEYS | {"preview"}
    for key in ("keyword", "theme"):
        old = next(i for i in stored["variants"]["eu"]["indicators"] if i["key"] == key)
        new = next(i for i in result["variants"]["eu"]["indicators"] if i["key"] == key)
        assert old["state"] == "unmet" and new["state"] == "met"
        assert result["variants"]["eu"]["total"] - stored["variants"]["eu"]["total"] >= new["points"] > 0
    assert {link["url"] for link in result["links"]} == {r["url"] for r in dataset["resources"]}  # the stored distributions
    model.Session.remove()
    after = (model.Package.get(dataset["id"]).metadata_modified,
             model.Session.execute(sa.select(kept.table.c.built_at).where(kept.table.c.package_id == dataset["id"])).scalar())
    assert after == before  # nothing saved, nothing rebuilt


def test_preview_scores_invalid_fields_as_missing_and_never_fails(app, people):
    dataset = people["public"]
    base = {"id": dataset["id"], "tags_translated": {"sv": ["parkering"]}}
    valid = _post(app, "gbg_quality_preview", base, people["editor"]).json["result"]
    for bad in (
        {"temporal_start": "not a date"},
        {"theme": ["not a theme"]},
        {"tags_translated": 7},
        {"resources": "a text"},
        {"resources": [{"url": 5}]},
        {"contact": [{"email": "not an address"}]},
        {"name": "x" * 500},
        {"unknown_field": "value"},
    ):
        response = _post(app, "gbg_quality_preview", {**base, **bad}, people["editor"], status=None)
        assert response.status_code in (200, 409), (bad, response.status_code, response.get_data(as_text=True)[:300])
        if response.status_code == 200:
            result = response.json["result"]
            assert set(result["variants"]) == {"eu", "se"}
            if "tags_translated" not in bad:
                keyword = next(i for i in result["variants"]["eu"]["indicators"] if i["key"] == "keyword")
                assert keyword["state"] == "met", bad
        else:
            assert response.json["error"]["__type"] == "Validation Error"
    assert valid["variants"]["eu"]["total"] > 0


def test_preview_of_a_new_dataset_needs_the_right_to_create_in_its_organisation(app, people):
    new = {"owner_org": people["trafik"]["id"], "title_translated": {"sv": "Ny"},
           "tags_translated": {"sv": ["ny"]},
           "resources": [{"url": "https://goteborg.se/opendata/ny.csv", "format": "text/csv"}]}
    result = _post(app, "gbg_quality_preview", new, people["editor"]).json["result"]
    assert result["package_id"] is None
    assert next(i for i in result["variants"]["eu"]["indicators"] if i["key"] == "keyword")["state"] == "met"
    assert [link["url"] for link in result["links"]] == ["https://goteborg.se/opendata/ny.csv"]
    for user in (None, people["member"], people["outsider"]):
        _post(app, "gbg_quality_preview", new, user, status=403)
    # as little as an organisation (a form just opened), or one that does not exist (sysadmins pass auth)
    assert _post(app, "gbg_quality_preview", {"owner_org": people["trafik"]["id"]}, people["editor"]).json["result"]
    assert _post(app, "gbg_quality_preview", {"owner_org": "abc"}, people["sysadmin"]).json["result"]["variants"]
    assert _post(app, "gbg_quality_preview", {"title_translated": {"sv": "Ny"}}, people["editor"], status=409).json[
        "error"]["owner_org"]
    assert model.Session.query(model.Package).count() == 3  # nothing created


def test_preview_is_refused_to_those_who_may_not_edit(app, people):
    for user in (None, people["member"], people["outsider"]):
        _post(app, "gbg_quality_preview", {"id": people["public"]["id"]}, user, status=403)


# --- gbg_quality_summary ---------------------------------------------------------------------


def test_the_summary_gives_the_catalogues_figures_to_sysadmins(app, people):
    result = _get(app, "gbg_quality_summary", people["sysadmin"], lang="en").json["result"]
    assert SUMMARY_KEYS <= set(result)
    rows = model.Session.execute(sa.select(kept.table)).all()
    open_ids = {people["public"]["id"], people["full"]["id"]}
    assert result["datasets"] == result["assessed"] == 2
    open_rows = [row for row in rows if row.package_id in open_ids]
    for variant in ("eu", "se"):
        totals = [getattr(row, f"{variant}_total") for row in open_rows]
        assert result["mean"][variant] == pytest.approx(sum(totals) / len(totals), abs=0.05)
        assert result["lowest"][variant] == min(totals)
        assert sum(result["ratings"][variant].values()) == 2
        assert sum(result["histogram"][variant]) == 2
        for total in totals:
            assert result["histogram"][variant][total // 25] >= 1
    weakest = result["weakest"]
    assert [w["id"] for w in weakest] == [r.package_id for r in sorted(open_rows, key=lambda r: r.eu_total)]
    assert weakest[0]["organization"] == "Urban Transport Administration"
    keyword = next(i for i in result["indicators"] if i["key"] == "keyword")
    assert keyword["share"] == {"eu": 0.5, "se": 0.5}  # the complete dataset has keywords, the minimal one not
    # every active dataset: the private draft too
    everything = _get(app, "gbg_quality_summary", people["sysadmin"], scope="all").json["result"]
    assert everything["datasets"] == everything["assessed"] == 3


def test_an_organisations_summary_is_for_its_admins_and_sysadmins(app, people):
    trafik, miljo = people["trafik"], people["miljo"]
    for user in ("admin", "sysadmin"):
        result = _get(app, "gbg_quality_summary", people[user], organization_id=trafik["name"], scope="all").json["result"]
        assert result["datasets"] == 3
    assert _get(app, "gbg_quality_summary", people["other_admin"], organization_id=miljo["id"]).json["result"]["datasets"] == 0
    for user in (None, people["editor"], people["member"], people["other_admin"]):
        _get(app, "gbg_quality_summary", user, organization_id=trafik["id"], status=403)
    for user in (None, people["editor"], people["admin"]):  # the catalogue: sysadmins only
        _get(app, "gbg_quality_summary", user, status=403)
    _get(app, "gbg_quality_summary", people["sysadmin"], organization_id="no-such-organisation", status=404)
    refused = _get(app, "gbg_quality_summary", people["sysadmin"], scope="everything", status=409).json["error"]
    assert "scope" in refused


def test_the_summary_rebuilds_stale_records_and_leaves_the_rest_to_a_job(app, people, monkeypatch):
    from ckan.lib import jobs as ckan_jobs

    _clear_jobs()
    monkeypatch.setattr(kept, "QUALITY_VERSION", "next")  # every record stale
    monkeypatch.setattr(kept, "SUMMARY_INLINE_LIMIT", 1)
    result = _get(app, "gbg_quality_summary", people["sysadmin"], scope="all").json["result"]
    assert result["stale"] == 2
    assert [job.func_name for job in ckan_jobs.get_queue().jobs] == ["ckanext.gbgopendata.jobs.refresh_quality"]
    model.Session.remove()
    assert len(kept.stale(scope="all")) == 2
    from ckanext.gbgopendata import jobs

    jobs.refresh_quality()
    assert kept.stale(scope="all") == []


def test_the_rows_behind_the_csv_hold_every_assessed_dataset_with_its_indicators(app, people):
    with app.flask_app.test_request_context():
        kept.summary(None, "all", "en")
        entries = kept.rows(None, "all", "en")
    assert {e["id"] for e in entries} == {people[k]["id"] for k in ("public", "draft", "full")}
    assert [e["eu_total"] for e in entries] == sorted(e["eu_total"] for e in entries)
    for entry in entries:
        for variant in ("eu", "se"):
            assert sum(entry["indicators"][variant].values()) == entry[f"{variant}_total"]
    assert "dcat_ap_compliance" in entries[0]["indicators"]["eu"] and "dcat_ap_compliance" not in entries[0]["indicators"]["se"]
