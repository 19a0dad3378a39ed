"""Keywords (issue 12, item 2): one rule in the web form, the action API and
every later save. Swedish keywords (å, ä, ö, spaces, hyphens) are accepted;
a keyword CKAN's tags cannot hold ("gång/cykel", "<b>") is refused where it
is typed, with a message in the visitor's language, so adding a distribution
later never fails on it; a keyword stored before the rule gives a
validation error naming the field, never a 500."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

SWEDISH = ["gång- och cykelväg", "återvinning", "luftkvalitet", "väder 2024", "ö.k"]
REFUSED = ["gång/cykel", "<b>fet</b>", "a"]


def _api(app, action, user, **payload):
    return app.post(f"/api/action/{action}", json=payload, headers={"Authorization": user["token"]},
                    expect_errors=True)


def _new_dataset_form(app, user, organization, keywords, name="parkering"):
    return app.post(
        "/dataset/new",
        data={
            "title_translated-sv": "Parkeringsplatser",
            "name": name,
            "notes_translated-sv": "Kommunala parkeringsplatser.",
            "owner_org": organization["id"],
            "tags_translated-sv": keywords,
            "private": "True",
            "_ckan_phase": "dataset_new_1",
            "pkg_name": "",
            "save": "continue",
        },
        headers={"Authorization": user["token"]},
        follow_redirects=False,
    )


@pytest.mark.usefixtures("with_plugins")
def test_swedish_keywords_are_kept_by_the_form_and_a_distribution_can_be_added(app, editor, organization):
    response = _new_dataset_form(app, editor, organization, ", ".join(SWEDISH))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    response = app.post(
        "/dataset/parkering/resource/new",
        data={"id": "", "url": "https://goteborg.se/p.csv", "format": "text/csv", "save": "go-metadata"},
        headers={"Authorization": editor["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    stored = helpers.call_action("package_show", id="parkering")
    assert stored["tags_translated"]["sv"] == sorted(SWEDISH)
    assert sorted(tag["name"] for tag in stored["tags"]) == sorted(SWEDISH)
    assert len(stored["resources"]) == 1
    # Later saves through the API keep them.
    assert _api(app, "resource_create", editor, package_id="parkering", **resource_fields()).status_code == 200
    assert _api(app, "package_patch", editor, id="parkering", version="2").status_code == 200


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("keyword", REFUSED)
def test_a_keyword_the_rule_refuses_is_refused_by_the_form_with_a_message(app, editor, organization, keyword):
    response = _new_dataset_form(app, editor, organization, f"parkering, {keyword}")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one(".error-explanation").get_text(" ", strip=True)
    assert "Nyckelord" in summary and "tags_translated" not in summary
    assert "Nyckelord" in page.select_one("#field-tags_translated-sv").find_parent(class_="form-group").get_text()
    if "/" in keyword:
        assert "snedstreck (/)" in summary and "kommatecken" in summary
    assert model.Session.query(model.Package).filter_by(name="parkering").count() == 0


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("keyword", REFUSED)
def test_a_keyword_the_rule_refuses_is_refused_by_every_action(app, editor, organization, keyword):
    created = _api(app, "package_create", editor, name="parkering", owner_org=organization["id"], private=True,
                   **dataset_fields(tags_translated={"sv": [keyword]}))
    assert created.status_code == 409 and "tags_translated" in created.json["error"]
    dataset = helpers.call_action("package_create", context={"user": editor["name"]}, name="parkering",
                                  owner_org=organization["id"], private=True, **dataset_fields())
    for action, payload in (
        ("package_patch", {"id": dataset["id"], "tags_translated": {"sv": [keyword]}}),
        ("package_update", dict(dataset, tags_translated={"sv": [keyword]})),
        ("package_revise", {"match": {"id": dataset["id"]}, "update": {"tags_translated": {"sv": [keyword]}}}),
    ):
        response = _api(app, action, editor, **payload)
        assert response.status_code == 409, (action, response.get_data(as_text=True)[:300])
        assert "tags_translated" in json.dumps(response.json["error"]), action
    assert helpers.call_action("package_show", id=dataset["id"]).get("tags_translated") in (None, {})


@pytest.fixture
def dataset_with_a_keyword_from_before_the_rule(editor, organization):
    dataset = helpers.call_action("package_create", context={"user": editor["name"]}, name="gammal",
                                  owner_org=organization["id"], private=True, **dataset_fields())
    pkg = model.Package.get(dataset["id"])
    pkg.extras = dict(pkg.extras, tags_translated=json.dumps({"sv": ["gång/cykel"]}, ensure_ascii=False))
    pkg.add_tag_by_name("gång/cykel", autoflush=False)
    model.repo.commit()
    search.rebuild(dataset["id"])
    return dataset


@pytest.mark.usefixtures("with_plugins")
def test_adding_a_distribution_to_a_dataset_with_a_keyword_from_before_the_rule_names_the_keyword(
        app, editor, dataset_with_a_keyword_from_before_the_rule):
    dataset = dataset_with_a_keyword_from_before_the_rule
    response = app.post(
        f"/dataset/{dataset['name']}/resource/new",
        data={"id": "", "url": "https://goteborg.se/p.csv", "format": "text/csv", "save": "go-metadata"},
        headers={"Authorization": editor["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 200, response.status_code
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".error-explanation")
    assert " ".join(summary.select_one('li[data-field-label="tags_translated"]').get_text(" ", strip=True).split()).startswith(
        "Nyckelord: Nyckelordet gång/cykel: ett nyckelord kan inte innehålla snedstreck")
    api = _api(app, "resource_create", editor, package_id=dataset["id"], **resource_fields())
    assert api.status_code == 409 and "tags_translated" in api.json["error"]
    assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []


@pytest.mark.usefixtures("with_plugins")
def test_keywords_can_be_fewer_or_none_on_a_later_save(app, editor, organization):
    dataset = helpers.call_action("package_create", context={"user": editor["name"]}, name="parkering",
                                  owner_org=organization["id"], private=True,
                                  **dataset_fields(tags_translated={"sv": SWEDISH}))
    assert _api(app, "package_patch", editor, id=dataset["id"], tags_translated={"sv": ["återvinning"]}).status_code == 200
    assert [t["name"] for t in helpers.call_action("package_show", id=dataset["id"])["tags"]] == ["återvinning"]
    assert _api(app, "package_patch", editor, id=dataset["id"], tags_translated={}).status_code == 200
    assert helpers.call_action("package_show", id=dataset["id"])["tags"] == []


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("prefix, words", [("", "snedstreck"), ("/en", "slash")])
def test_the_form_names_a_refused_keyword_while_it_is_typed(app, editor, prefix, words):
    page = BeautifulSoup(app.get(f"{prefix}/dataset/new", headers={"Authorization": editor["token"]}).get_data(as_text=True),
                         "html.parser")
    for lang in ("sv", "en"):
        messages = json.loads(page.select_one(f"#field-tags_translated-{lang}")["data-gbgopendata-keywords"])
        assert words in messages["slash"] and "{tag}" in messages["other"]
    assert page.select_one('script[src$="/gbgopendata/keywords.js"]') is not None
