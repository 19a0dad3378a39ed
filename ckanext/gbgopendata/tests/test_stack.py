"""The extension runs on the real stack: PostgreSQL, Solr 9.10.1 and Redis.

Each test here fails when its service is down; none of them is mocked.
"""
from __future__ import annotations

import json
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
        assert "Sök dataset..." in body

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
