"""The admins' quality page in Debian's chromium (tests/browser.py), in
Swedish and English: the figures, the inline SVG as the browser draws it,
the CSV behind the page's link (fetched with the admin's session), no
request to a third party and no text of the other language. The datasets
are created through the action API and scored by the dataset jobs, as in
test_quality_admin.py; the live server reads the kept records."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest
from ckan.tests import factories

from ckanext.gbgopendata.quality import scoring
from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import PASSWORD, trafikkontoret_publishers
from ckanext.gbgopendata.tests.test_quality_admin import (  # noqa: F401 (fixture)
    DRAFT,
    OPEN,
    SV_RATINGS,
    SWEDISH_TITLES,
    catalogue,
    other_organization,
    open_records,
)

pytestmark = pytest.mark.usefixtures("with_plugins")


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


def test_the_catalogues_quality_page_and_its_csv_in_swedish_and_english(live_server, browser, catalogue):
    records = open_records(catalogue)
    factories.Sysadmin(name="kvalitetsadmin", password=PASSWORD, fullname="Karin Systemadministratör", image_url="")
    browser.login("kvalitetsadmin", PASSWORD)
    browser.requested_urls()

    browser.goto("/ckan-admin/kvalitet")
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("kvalitet-sv")
    text = browser.visible_text()
    assert "Metadatakvalitet" in text and "De svagaste datamängderna" in text
    mean = round(sum(record.eu_total for record in records) / len(records), 1)
    assert browser.find('.gbg-quality-means [data-variant="eu"] .gbg-quality-mean').text == str(mean)
    assert browser.find('.gbg-quality-means [data-variant="eu"] .gbg-quality-mean-rating').text == (
        SV_RATINGS[scoring.rating(int(round(mean)))]
    )
    assert page_language.english_strings(browser.driver.page_source) == []
    # the charts are drawn: each bar has its size on the screen, a fuller bucket a taller bar
    for variant, buckets in (("eu", 17), ("se", 16)):
        bars = browser.find_all(f"#gbg-quality-histogram-{variant} rect.gbg-bar")
        assert len(bars) == buckets
        counts = [int(bar.get_attribute("data-count")) for bar in bars]
        assert sum(counts) == len(records)
        for bar, count in zip(bars, counts):
            if count == 0:
                assert bar.rect["height"] == 0
            else:  # drawn in proportion to the fullest bucket's
                assert bar.rect["height"] == pytest.approx(bars[counts.index(max(counts))].rect["height"] * count / max(counts), abs=1)
                assert bar.rect["height"] > 0
    # the scope switch
    browser.click('.gbg-quality-scope a[data-scope="all"]')
    assert browser.path == "/ckan-admin/kvalitet?scope=all"
    assert len(browser.find_all(".gbg-quality-weakest tr[data-dataset]")) == len(catalogue) == 4
    href, body = _csv_behind_the_link(browser)
    assert href.endswith("/ckan-admin/kvalitet.csv?scope=all")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:5] == ["Datamängd", "Titel", "Organisation", "Poäng, data.europa.eu", "Betyg, data.europa.eu"]
    assert {row[0] for row in rows[1:]} == set(catalogue)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[DRAFT[0]][1:4] == [DRAFT[1], "Trafikkontoret", str(catalogue[DRAFT[0]].eu_total)]

    browser.goto("/en/ckan-admin/kvalitet")
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("kvalitet-en")
    assert "Metadata quality" in browser.visible_text() and "The weakest datasets" in browser.visible_text()
    assert page_language.swedish_strings(browser.driver.page_source, also=SWEDISH_TITLES) == []
    _href, body = _csv_behind_the_link(browser)
    rows = list(csv.reader(io.StringIO(body), delimiter=","))
    assert rows[0][:5] == ["Dataset", "Title", "Organization", "Score, data.europa.eu", "Rating, data.europa.eu"]
    assert {row[0]: row[1] for row in rows[1:]} == {name: title for name, _sv, title in OPEN}

    assert _other_hosts(browser.requested_urls(), live_server.url) == []


def test_an_organisations_admin_finds_the_quality_tab(live_server, browser, organization, catalogue):
    _editor, admin = trafikkontoret_publishers(organization)
    browser.login(admin["name"], PASSWORD)
    browser.goto(f"/organization/{organization['name']}")
    browser.click(f'a[href="/organization/{organization["name"]}/kvalitet"]')
    browser.wait_for("svg.gbg-quality-histogram")
    browser.screenshot("organisation-kvalitet-sv")
    assert browser.path == f"/organization/{organization['name']}/kvalitet"
    assert page_language.english_strings(browser.driver.page_source) == []
    assert [row.get_attribute("data-dataset") for row in browser.find_all(".gbg-quality-weakest tr[data-dataset]")] == sorted(
        ("parkeringsplatser", "laddplatser"), key=lambda name: (catalogue[name].eu_total, catalogue[name].se_total, name))
    _href, body = _csv_behind_the_link(browser)
    assert body.splitlines()[0].startswith("Datamängd;Titel;Organisation;")
    assert sorted(row[0] for row in list(csv.reader(io.StringIO(body), delimiter=";"))[1:]) == ["laddplatser", "parkeringsplatser"]
