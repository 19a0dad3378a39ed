"""The admins' quality page in Debian's chromium (tests/browser.py), in
Swedish and English: the figures, the inline SVG as the browser draws it,
the CSV behind the page's link (fetched with the admin's session), no
request to a third party and no text of the other language."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest
from ckan.tests import factories

from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import PASSWORD, trafikkontoret_publishers
from ckanext.gbgopendata.tests.quality_admin_fixtures import (  # noqa: F401 (fixtures)
    DATASETS,
    _stand_in_server_process,
    stand_in_server,
)

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def live_server(stand_in_server):
    return stand_in_server


FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: "same-origin"})
  .then(async r => done([r.status, r.headers.get("Content-Type"), r.headers.get("Content-Disposition"),
                         Array.from(new Uint8Array(await r.arrayBuffer()))]))
  .catch(e => done([0, String(e), "", []]));
"""


def _csv_behind_the_link(browser):
    href = browser.find("#csv-export").get_attribute("href")
    status, content_type, disposition, data = browser.driver.execute_async_script(FETCH, href)
    assert status == 200, (status, content_type)
    assert content_type == "text/csv; charset=utf-8" and disposition.startswith("attachment;")
    body = bytes(data)
    assert body.startswith(b"\xef\xbb\xbf")
    return href, body.decode("utf-8-sig")


def _other_hosts(urls, server_url):
    own = urlsplit(server_url).netloc
    return sorted({url for url in urls if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own})


def test_the_catalogues_quality_page_and_its_csv_in_swedish_and_english(live_server, browser, organization):
    factories.Sysadmin(name="kvalitetsadmin", password=PASSWORD, fullname="Karin Systemadministratör", image_url="")
    browser.login("kvalitetsadmin", PASSWORD)
    browser.requested_urls()

    browser.goto("/ckan-admin/kvalitet")
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("kvalitet-sv")
    text = browser.visible_text()
    assert "Metadatakvalitet" in text and "De svagaste datamängderna" in text
    assert browser.find('.gbg-quality-means [data-variant="eu"] .gbg-quality-mean-rating').text == "Bra"
    assert page_language.english_strings(browser.driver.page_source) == []
    # the charts are drawn: each bar has its size on the screen, a fuller bucket a taller bar
    for variant, buckets in (("eu", 17), ("se", 16)):
        bars = browser.find_all(f"#gbg-quality-histogram-{variant} rect.gbg-bar")
        assert len(bars) == buckets
        heights = {int(bar.get_attribute("data-count")): bar.rect["height"] for bar in bars}
        assert heights[0] == 0 and heights[max(heights)] > heights[1] > 0
    # the scope switch
    browser.click('.gbg-quality-scope a[data-scope="all"]')
    assert browser.path == "/ckan-admin/kvalitet?scope=all"
    assert len(browser.find_all(".gbg-quality-weakest tr[data-dataset]")) == len(DATASETS)
    href, body = _csv_behind_the_link(browser)
    assert href.endswith("/ckan-admin/kvalitet.csv?scope=all")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:5] == ["Datamängd", "Titel", "Organisation", "Poäng, data.europa.eu", "Betyg, data.europa.eu"]
    assert {row[0] for row in rows[1:]} == {d[0] for d in DATASETS}

    browser.goto("/en/ckan-admin/kvalitet")
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("kvalitet-en")
    assert "Metadata quality" in browser.visible_text() and "The weakest datasets" in browser.visible_text()
    assert page_language.swedish_strings(browser.driver.page_source, also=tuple(d[1] for d in DATASETS)) == []
    _href, body = _csv_behind_the_link(browser)
    rows = list(csv.reader(io.StringIO(body), delimiter=","))
    assert rows[0][:5] == ["Dataset", "Title", "Organization", "Score, data.europa.eu", "Rating, data.europa.eu"]
    assert {row[0]: row[1] for row in rows[1:]}["parkering"] == "Parking spaces"

    assert _other_hosts(browser.requested_urls(), live_server.url) == []


def test_an_organisations_admin_finds_the_quality_tab(live_server, browser, organization):
    _editor, admin = trafikkontoret_publishers(organization)
    browser.login(admin["name"], PASSWORD)
    browser.goto(f"/organization/{organization['name']}")
    browser.click(f'a[href="/organization/{organization["name"]}/kvalitet"]')
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("organisation-kvalitet-sv")
    assert browser.path == f"/organization/{organization['name']}/kvalitet"
    assert page_language.english_strings(browser.driver.page_source) == []
    _href, body = _csv_behind_the_link(browser)
    assert body.splitlines()[0].startswith("Datamängd;Titel;Organisation;")
