"""Every text response says its charset (issue 20, item 4): a browser
guessing Latin-1 shows "Ã–ppna data frÃ¥n GÃ¶teborgs…" for ckanext-dcat's
Turtle, CKAN's API and the rest; and the footer's link to the whole
catalogue leads to the harvest endpoint /datasets/dcat, not to
ckanext-dcat's paged /catalog.ttl."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields


@pytest.fixture
def public_dataset(organization, editor):
    return helpers.call_action(
        "package_create", context={"user": editor["name"], "ignore_auth": False}, name="trafikolyckor",
        owner_org=organization["id"], private=False, resources=[resource_fields()], **dataset_fields(),
    )


SAMPLE = [
    "/",
    "/en/",
    "/dataset/",
    "/dataset/trafikolyckor",
    "/dataset/trafikolyckor.ttl",
    "/dataset/trafikolyckor.rdf",
    "/dataset/trafikolyckor.jsonld",
    "/catalog.ttl",
    "/catalog.xml",
    "/catalog.jsonld",
    "/datasets/dcat",
    "/datasets/dcat?format=ttl",
    "/api/3/action/package_show?id=trafikolyckor",
    "/api/3/action/status_show",
    "/api/3",
    "/api/2/util/tag/autocomplete?incomplete=tr",
    "/feeds/dataset.atom",
    "/robots.txt",
    "/finns-inte",
    "/gbgopendata/publisher.css",
    "/gbgopendata/classification-form.js",
]


# Pages of the publishers and the administrators (with a sysadmin's token).
SAMPLE_OF_PUBLISHERS = [
    "/organization/trafikkontoret/publicering?format=csv",
    "/organization/trafikkontoret/kvalitet.csv",
    "/ckan-admin/kvalitet.csv",
    "/ckan-admin/publicering?format=csv",
    "/dataset/trafikolyckor/checklist",
    "/api/3/action/gbg_checklist_show?id=trafikolyckor",
]


@pytest.mark.usefixtures("with_plugins")
def test_every_text_response_says_its_charset(app, public_dataset, sysadmin):
    without = {}
    for url, headers in [(url, {}) for url in SAMPLE] + [(url, {"Authorization": sysadmin["token"]})
                                                          for url in SAMPLE_OF_PUBLISHERS]:
        response = app.get(url, headers=headers, expect_errors=True)
        assert response.status_code == (404 if url == "/finns-inte" else 200), (url, response.status_code)
        content_type = response.headers.get("Content-Type", "")
        textual = content_type.startswith("text/") or "json" in content_type or "xml" in content_type \
            or "javascript" in content_type
        if textual and "charset=utf-8" not in content_type.replace(" ", "").lower():
            without[url] = (response.status_code, content_type)
    assert without == {}


@pytest.mark.usefixtures("with_plugins")
def test_the_turtle_of_a_dataset_reads_right_when_decoded_as_its_charset_says(app, public_dataset):
    response = app.get("/dataset/trafikolyckor.ttl")
    assert response.mimetype == "text/turtle"
    assert response.mimetype_params == {"charset": "utf-8"}
    assert public_dataset["title"] in response.get_data().decode(response.mimetype_params["charset"])


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_footer_leads_to_the_whole_catalogue_at_the_harvest_endpoint(app, prefix):
    page = BeautifulSoup(app.get(f"{prefix}/").get_data(as_text=True), "html.parser")
    text = {"": "Hela katalogen som DCAT-AP-SE", "/en": "The whole catalogue as DCAT-AP-SE"}[prefix]
    link = page.find("footer").find("a", string=text)
    assert link is not None
    assert link["href"] == "/datasets/dcat"
    assert app.get(link["href"]).status_code == 200
