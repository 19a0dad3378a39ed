"""What the admins see of the metadata quality, through CKAN's test app: the
catalogue's page (`/ckan-admin/kvalitet`) and an organisation's
(`/organization/<id>/kvalitet`), who sees them, their language, the inline
SVG of the scores' distribution, and the CSV (`…/kvalitet.csv`)."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import trafikkontoret_publishers
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member
from ckanext.gbgopendata.tests.quality_admin_fixtures import DATASETS, summary_stand_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "summary_stand_in")]

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "/ckan-admin/kvalitet"


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


@pytest.fixture
def other_organization(organization):
    return factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}),
    )


def _as(user):
    return {"Authorization": user["token"]} if user else {}


def _page(app, url, user, status=200):
    return BeautifulSoup(app.get(url, headers=_as(user), status=status).body, "html.parser")


def _names(page):
    return [row["data-dataset"] for row in page.select(".gbg-quality-weakest tr[data-dataset]")]


def _csv_rows(response, delimiter):
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for å, ä and ö
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_catalogue_page_shows_both_variants_means_indicators_and_the_weakest_first(app, sysadmin):
    page = _page(app, PAGE, sysadmin)
    assert page.h1.get_text(strip=True) == "Metadatakvalitet"
    public = [d for d in DATASETS if d[6]]
    eu = page.select_one('.gbg-quality-means [data-variant="eu"]')
    assert eu.select_one(".gbg-quality-mean").get_text() == str(round(sum(d[4] for d in public) / len(public), 1))
    assert eu.select_one(".gbg-quality-lowest").get_text() == "220"
    assert eu.select_one(".gbg-quality-mean-rating").get_text() == "Bra"
    se = page.select_one('.gbg-quality-means [data-variant="se"]')
    assert se.select_one(".gbg-quality-lowest").get_text() == "210" and "/ 375" in se.get_text()
    assert "6 av 7 datamängder är bedömda" in page.select_one(".gbg-quality-assessed").get_text()
    # the indicators grouped by dimension, in MQA's order, each with its share as a bar
    assert [body["data-dimension"] for body in page.select(".gbg-quality-indicators tbody")] == [
        "findability", "accessibility", "interoperability", "reusability", "contextuality"
    ]
    keyword = page.select_one('tr[data-indicator="temporal"]')
    assert keyword.th.get_text(strip=True) == "Tidsperiod"
    assert keyword.select_one('[data-variant="eu"] progress')["value"] == "25"
    assert "25 %" in keyword.select_one('[data-variant="eu"]').get_text()
    compliance = page.select_one('tr[data-indicator="dcat_ap_compliance"] [data-variant="se"]')
    assert compliance.select_one("progress") is None and "bedöms inte i den här varianten" in compliance.get_text()
    # the weakest first, each linked to its checklist and its edit form
    assert _names(page) == ["parkering", "laddplatser", "cykelraknare", "luftkvalitet", "badplatser", "skolor"]
    first = page.select_one(".gbg-quality-weakest tr[data-dataset]")
    assert first.find("a", href="/dataset/parkering/checklist").get_text() == "Parkeringsplatser"
    assert first.find("a", href="/dataset/edit/parkering").get_text() == "Redigera"
    assert "220 (Tillräcklig)" in first.select_one('[data-variant="eu"]').get_text(" ", strip=True)
    assert "Trafikkontoret" in first.get_text()


def test_the_scope_switch_shows_every_active_dataset(app, sysadmin):
    page = _page(app, PAGE + "?scope=all", sysadmin)
    assert _names(page)[:2] == ["utkast-vatten", "utkast-trad"] and len(_names(page)) == 8
    active = page.select_one(".gbg-quality-scope a.active")
    assert active["data-scope"] == "all" and active.get_text(strip=True) == "Alla datamängder"
    assert page.select_one('.gbg-quality-scope a[data-scope="open"]')["href"] == PAGE + "?scope=open"
    assert page.select_one("#csv-export")["href"] == PAGE + ".csv?scope=all"
    # an unknown scope is the default, as the publishing overview's filters
    assert len(_names(_page(app, PAGE + "?scope=x", sysadmin))) == 6


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_page_speaks_one_language(app, sysadmin, organization, lang):
    # the organisation described in both languages (the factory's text is random English)
    _editor, admin = trafikkontoret_publishers(organization)
    prefix = "" if lang == "sv" else "/en"
    for path, user in ((PAGE, sysadmin), (f"/organization/{organization['name']}/kvalitet", admin)):
        html = app.get(prefix + path, headers=_as(user), status=200).body
        if lang == "sv":
            assert page_language.english_strings(html) == []
        else:
            swedish = [d[1] for d in DATASETS] + ["Metadatakvalitet"]
            assert page_language.swedish_strings(html, also=tuple(swedish)) == []
            assert BeautifulSoup(html, "html.parser").h1.get_text(strip=True) == "Metadata quality"


def test_who_sees_the_quality_pages(app, organization, other_organization, admin, editor, sysadmin):
    member = organization_member(organization, "member")
    own = f"/organization/{organization['name']}/kvalitet"
    other = f"/organization/{other_organization['name']}/kvalitet"
    for url in (own, own + ".csv"):
        for user, status in ((sysadmin, 200), (admin, 200), (editor, 403), (member, 403), (None, 403)):
            app.get(url, headers=_as(user), status=status)
    for url in (other, other + ".csv"):
        app.get(url, headers=_as(admin), status=403)
    for url in (PAGE, PAGE + ".csv"):
        for user, status in ((sysadmin, 200), (admin, 403), (editor, 403), (None, 403)):
            app.get(url, headers=_as(user), status=status)


def test_a_deleted_organisation_is_answered_as_a_missing_one(app, organization, admin, sysadmin):
    site_user = ckan_helpers.call_action("get_site_user")["name"]
    gone = factories.Organization(name="nedlagd", **organization_fields())
    ckan_helpers.call_action("organization_delete", context={"user": site_user}, id=gone["id"])
    for user in (sysadmin, admin):
        missing = app.get("/organization/finns-inte/kvalitet", headers=_as(user), status=404)
        deleted = app.get("/organization/nedlagd/kvalitet", headers=_as(user), status=404)
        assert BeautifulSoup(deleted.body, "html.parser").select_one("main, #content").get_text(" ", strip=True) == (
            BeautifulSoup(missing.body, "html.parser").select_one("main, #content").get_text(" ", strip=True)
        )
        app.get("/organization/nedlagd/kvalitet.csv", headers=_as(user), status=404)


def test_the_pages_are_tabs_of_the_admin_menu_and_the_organisation(app, organization, admin, editor, sysadmin):
    org_page = f"/organization/{organization['name']}"
    assert _page(app, org_page, admin).find("a", href=f"{org_page}/kvalitet")
    assert _page(app, org_page, sysadmin).find("a", href=f"{org_page}/kvalitet")
    assert _page(app, org_page, editor).find("a", href=f"{org_page}/kvalitet") is None
    assert _page(app, "/ckan-admin/publicering", sysadmin).find("a", href=PAGE)
    # on the quality page itself, the tab is the current one
    assert _page(app, f"{org_page}/kvalitet", admin).find("a", href=f"{org_page}/kvalitet")


def _svgs(html: str) -> dict[str, ET.Element]:
    """Each inline SVG of the page parsed as XML on its own (a malformed one fails here)."""
    found = {}
    for text in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        svg = ET.fromstring(text)
        found[svg.get("id")] = svg
    return found


def test_the_distribution_is_an_accessible_svg_with_a_bar_per_25_points_and_the_same_figures_as_a_table(app, sysadmin):
    from ckanext.gbgopendata.quality import kept
    from ckanext.gbgopendata.views import quality_chart

    with app.flask_app.test_request_context():
        histogram = kept.summary(None, "open")["histogram"]
    html = app.get(PAGE, headers=_as(sysadmin), status=200).body
    svgs = _svgs(html)
    assert set(svgs) == {"gbg-quality-histogram-eu", "gbg-quality-histogram-se"}
    for variant, svg in (("eu", svgs["gbg-quality-histogram-eu"]), ("se", svgs["gbg-quality-histogram-se"])):
        assert svg.get("role") == "img"
        labelled_by = svg.get("aria-labelledby").split()
        assert [svg.find(f"{SVG}title").get("id"), svg.find(f"{SVG}desc").get("id")] == labelled_by
        assert svg.find(f"{SVG}title").text == (
            "Poäng så som " + {"eu": "data.europa.eu", "se": "Sveriges dataportal"}[variant] + " bedömer dem"
        )
        bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "gbg-bar"]
        assert len(bars) == len(histogram[variant]) == {"eu": 17, "se": 16}[variant]
        assert [int(bar.get("data-count")) for bar in bars] == histogram[variant]
        assert bars[8].find(f"{SVG}title").text == f"200–224 poäng: {histogram[variant][8]} datamängder"
        # the rating bands behind the bars, named
        bands = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "gbg-band"]
        assert len(bands) == 4
        assert {text.text for text in svg.iter(f"{SVG}text")} >= {"Dålig", "Tillräcklig", "Bra", "Utmärkt"}
        # an empty bucket has no height, the fullest the whole plot's
        heights = {int(bar.get("data-count")): float(bar.get("height")) for bar in bars}
        assert heights[0] == 0 and heights[max(histogram[variant])] == quality_chart.HEIGHT - quality_chart.TOP - quality_chart.BOTTOM
    page = BeautifulSoup(html, "html.parser")
    table = page.select(".gbg-quality-histogram-table tbody tr")
    assert len(table) == 17
    assert [cell.get_text() for cell in table[8].find_all("td")] == [str(histogram["eu"][8]), str(histogram["se"][8])]
    assert table[16].find_all("td")[1].get_text() == "–"  # 400–424 is beyond Sveriges dataportal's 375
    ratings = {row["data-rating"]: [td.get_text() for td in row.find_all("td")] for row in page.select(".gbg-quality-ratings tbody tr")}
    assert ratings == {"excellent": ["1", "1"], "good": ["4", "4"], "sufficient": ["1", "1"], "bad": ["0", "0"]}


def test_the_rating_bands_are_the_scorings_ratings(with_catalogues):
    from ckanext.gbgopendata.views import quality_admin

    bands = quality_admin.rating_bands(405)
    assert [(band.start, band.end) for band in bands] == [(0, 120), (121, 220), (221, 350), (351, 405)]


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Stockholm")
def test_the_csv_has_a_row_per_dataset_with_both_totals_ratings_and_each_indicators_points(app, sysadmin, organization, admin):
    rows = _csv_rows(app.get(PAGE + ".csv", headers=_as(sysadmin), status=200), ";")
    header = rows[0]
    assert header[:7] == [
        "Datamängd", "Titel", "Organisation", "Poäng, data.europa.eu", "Betyg, data.europa.eu",
        "Poäng, Sveriges dataportal", "Betyg, Sveriges dataportal",
    ]
    assert header[-2:] == ["Bedömd", "Adress"] and "Nyckelord, data.europa.eu" in header and "Följer DCAT-AP, Sveriges dataportal" in header
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_name) == {d[0] for d in DATASETS if d[6]}
    parking = by_name["parkering"]
    assert parking["Titel"] == "Parkeringsplatser" and parking["Organisation"] == "Trafikkontoret"
    assert (parking["Poäng, data.europa.eu"], parking["Betyg, data.europa.eu"]) == ("220", "Tillräcklig")
    assert parking["Nyckelord, data.europa.eu"] == "30" and parking["Följer DCAT-AP, Sveriges dataportal"] == ""
    assert parking["Adress"].endswith("/dataset/parkering")
    assert parking["Bedömd"] == "2026-01-16 00:30"  # 23:30 UTC, in the portal's time
    # every active dataset with scope=all; an organisation's admin gets its CSV
    assert len(_csv_rows(app.get(PAGE + ".csv?scope=all", headers=_as(sysadmin)), ";")) == 1 + len(DATASETS)
    response = app.get(f"/organization/{organization['name']}/kvalitet.csv", headers=_as(admin), status=200)
    assert 'filename="kvalitet-trafikkontoret-open.csv"' in response.headers["Content-Disposition"]


def test_the_english_csv(app, sysadmin):
    rows = _csv_rows(app.get("/en" + PAGE + ".csv", headers=_as(sysadmin), status=200), ",")
    assert rows[0][:5] == ["Dataset", "Title", "Organization", "Score, data.europa.eu", "Rating, data.europa.eu"]
    by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_name["parkering"]["Title"] == "Parking spaces" and by_name["parkering"]["Rating, data.europa.eu"] == "Sufficient"
    assert by_name["skolor"]["Rating, Sveriges dataportal"] == "Excellent"


def test_a_csv_cell_never_starts_a_formula(app, sysadmin, monkeypatch):
    from ckanext.gbgopendata.tests import quality_admin_fixtures

    formula = ("formel", "=HYPERLINK(\"http://example.org\")", "=x", "@Trafikkontoret", 100, 100, True)
    monkeypatch.setattr(quality_admin_fixtures, "DATASETS", (formula,))
    rows = _csv_rows(app.get(PAGE + ".csv", headers=_as(sysadmin), status=200), ";")
    assert rows[1][1:3] == ["'=HYPERLINK(\"http://example.org\")", "'@Trafikkontoret"]


def test_the_page_says_how_many_datasets_are_being_assessed_again(app, sysadmin, monkeypatch):
    from ckanext.gbgopendata.quality import kept

    assert _page(app, PAGE, sysadmin).select_one(".gbg-quality-stale") is None
    current = kept.summary
    monkeypatch.setattr(kept, "summary", lambda *args, **kwargs: {**current(*args, **kwargs), "stale": 3})
    note = _page(app, PAGE, sysadmin).select_one(".gbg-quality-stale").get_text(" ", strip=True)
    assert note == "3 datamängder har ändrats sedan de bedömdes; de bedöms igen i bakgrunden."
