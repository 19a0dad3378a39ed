"""What the admins see of the metadata quality, through CKAN's test app: the
catalogue's page (`/ckan-admin/kvalitet`) and an organisation's
(`/organization/<id>/kvalitet`), who sees them, their language, the inline
SVG of the scores' distribution, and the CSV (`…/kvalitet.csv`). The
datasets are created through the action API and scored by the dataset jobs
(CKAN's worker); the figures shown are checked against the kept records
(`model.quality`) and what `gbg_quality_summary` and `kept.rows` answer."""
from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.quality import kept, scoring
from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import trafikkontoret_publishers
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member
from ckanext.gbgopendata.tests.test_dcat_kept import _clear_jobs
from ckanext.gbgopendata.tests.test_quality_kept import clear_link_checks

pytestmark = [pytest.mark.usefixtures("with_plugins")]

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "/ckan-admin/kvalitet"
SV_RATINGS = {"excellent": "Utmärkt", "good": "Bra", "sufficient": "Tillräcklig", "bad": "Dålig"}
EN_RATINGS = {"excellent": "Excellent", "good": "Good", "sufficient": "Sufficient", "bad": "Bad"}

# (name, Swedish title, English title): the open catalogue's three, then a private draft
OPEN = (
    ("parkeringsplatser", "Parkeringsplatser", "Parking spaces"),
    ("laddplatser", "Laddplatser för elbilar", "Charging points for electric cars"),
    ("luftkvalitet", "Luftkvalitet", "Air quality"),
)
DRAFT = ("utkast-vatten", "Vattenledningar", "Water mains")
SWEDISH_TITLES = tuple(title for _name, title, _en in (*OPEN, DRAFT))


def score_the_saved_datasets() -> None:
    """CKAN's worker, as `ckan jobs worker` runs it, for the jobs the saves
    queued (each dataset's DCAT fragment and kept score); the link checks
    those jobs ask for are then dropped: goteborg.se is not reachable from
    here, and a link never checked scores as unchecked."""
    waiting = len(ckan_jobs.get_queue().jobs)
    assert waiting > 0
    ckan_jobs.Worker().work(burst=True, max_jobs=waiting)
    _clear_jobs()


def create_dataset(sysadmin, organization, **fields):
    return ckan_helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                    owner_org=organization["id"], **fields)


@pytest.fixture
def other_organization(organization):
    return factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}),
    )


@pytest.fixture
def catalogue(organization, other_organization, sysadmin):
    """Two of Trafikkontoret's datasets and one of Miljöförvaltningen's in
    the open catalogue, a private draft of Trafikkontoret's, all scored."""
    _clear_jobs()
    clear_link_checks()
    (full, _sv, _en), (charging, charging_sv, charging_en), (air, air_sv, air_en) = OPEN
    create_dataset(sysadmin, organization, **complete_dataset(name=full))
    create_dataset(sysadmin, organization, **minimal_dataset(
        name=charging, title_translated={"sv": charging_sv, "en": charging_en},
        resources=[{"url": "https://goteborg.se/opendata/laddplatser.json", "format": "application/json"}],
    ))
    create_dataset(sysadmin, other_organization, **minimal_dataset(
        name=air, title_translated={"sv": air_sv, "en": air_en},
        tags_translated={"sv": ["luft"], "en": ["air"]},
        resources=[{"url": "https://goteborg.se/opendata/luft.json", "format": "application/json"}],
    ))
    name, sv, en = DRAFT
    create_dataset(sysadmin, organization, **minimal_dataset(
        name=name, title_translated={"sv": sv, "en": en}, private=True,
        resources=[{"url": "https://goteborg.se/opendata/vatten.json", "format": "application/json"}],
    ))
    score_the_saved_datasets()
    return stored_records()


def stored_records(names=None):
    """The kept records (`model.quality`) by dataset name."""
    model.Session.remove()
    package = model.package_table
    query = sa.select(package.c.name, kept.table).join(kept.table, kept.table.c.package_id == package.c.id)
    records = {row.name: row for row in model.Session.execute(query)}
    return records if names is None else {name: records[name] for name in names}


def open_records(records):
    return [records[name] for name, _sv, _en in OPEN]


def weakest_first(records):
    return [row.name for row in sorted(records, key=lambda row: (row.eu_total, row.se_total, row.name))]


def indicator(record, variant, key):
    return next((i for i in record.result["scores"][variant]["indicators"] if i["key"] == key), None)


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


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


def _summary(sysadmin, **data):
    return ckan_helpers.call_action("gbg_quality_summary", context={"user": sysadmin["name"]}, **data)


def test_the_catalogue_page_shows_both_variants_means_indicators_and_the_weakest_first(app, sysadmin, catalogue):
    page = _page(app, PAGE, sysadmin)
    assert page.h1.get_text(strip=True) == "Metadatakvalitet"
    records = open_records(catalogue)
    for variant in ("eu", "se"):
        totals = [getattr(row, f"{variant}_total") for row in records]
        card = page.select_one(f'.gbg-quality-means [data-variant="{variant}"]')
        mean = round(sum(totals) / len(totals), 1)
        assert card.select_one(".gbg-quality-mean").get_text() == str(mean)
        assert card.select_one(".gbg-quality-lowest").get_text() == str(min(totals))
        assert card.select_one(".gbg-quality-mean-rating").get_text() == SV_RATINGS[scoring.rating(int(round(mean)))]
        assert f"/ {records[0].result['scores'][variant]['maximum']}" in card.get_text()
    assert "/ 405" in page.select_one('.gbg-quality-means [data-variant="eu"]').get_text()
    assert "/ 375" in page.select_one('.gbg-quality-means [data-variant="se"]').get_text()
    assert "3 av 3 datamängder är bedömda" in page.select_one(".gbg-quality-assessed").get_text()
    # the indicators grouped by dimension, in MQA's order, each with its share as a bar
    assert [body["data-dimension"] for body in page.select(".gbg-quality-indicators tbody")] == [
        "findability", "accessibility", "interoperability", "reusability", "contextuality"
    ]
    for key, label in (("keyword", "Nyckelord"), ("temporal", "Tidsperiod")):
        row = page.select_one(f'tr[data-indicator="{key}"]')
        assert row.th.get_text(strip=True) == label
        met = sum(indicator(record, "eu", key)["state"] == scoring.MET for record in records)
        percent = round(met / len(records) * 100)
        assert row.select_one('[data-variant="eu"] progress')["value"] == str(percent)
        assert f"{percent} %" in row.select_one('[data-variant="eu"]').get_text()
    # the complete dataset has keywords and a period, the charging points neither
    assert page.select_one('tr[data-indicator="keyword"] [data-variant="eu"] progress')["value"] == "67"
    assert page.select_one('tr[data-indicator="temporal"] [data-variant="eu"] progress')["value"] == "33"
    compliance = page.select_one('tr[data-indicator="dcat_ap_compliance"] [data-variant="se"]')
    assert compliance.select_one("progress") is None and "bedöms inte i den här varianten" in compliance.get_text()
    # the weakest first, each linked to its checklist and its edit form
    assert _names(page) == weakest_first(records)
    assert _names(page)[-1] == "parkeringsplatser"
    row = page.select_one('.gbg-quality-weakest tr[data-dataset="laddplatser"]')
    assert row.find("a", href="/dataset/laddplatser/checklist").get_text() == "Laddplatser för elbilar"
    assert row.find("a", href="/dataset/edit/laddplatser").get_text() == "Redigera"
    charging = catalogue["laddplatser"]
    assert f"{charging.eu_total} ({SV_RATINGS[charging.eu_rating]})" in row.select_one('[data-variant="eu"]').get_text(" ", strip=True)
    assert f"{charging.se_total} ({SV_RATINGS[charging.se_rating]})" in row.select_one('[data-variant="se"]').get_text(" ", strip=True)
    assert "Trafikkontoret" in row.get_text()
    assert "Miljöförvaltningen" in page.select_one('.gbg-quality-weakest tr[data-dataset="luftkvalitet"]').get_text()
    # the action's figures are the page's
    summary = _summary(sysadmin)
    assert [entry["name"] for entry in summary["weakest"]] == _names(page)
    assert summary["mean"]["eu"] == float(page.select_one('[data-variant="eu"] .gbg-quality-mean').get_text())


def test_the_scope_switch_shows_every_active_dataset(app, sysadmin, catalogue):
    page = _page(app, PAGE + "?scope=all", sysadmin)
    assert _names(page) == weakest_first(catalogue.values()) and "utkast-vatten" in _names(page)
    assert "4 av 4 datamängder är bedömda" in page.select_one(".gbg-quality-assessed").get_text()
    active = page.select_one(".gbg-quality-scope a.active")
    assert active["data-scope"] == "all" and active.get_text(strip=True) == "Alla datamängder"
    assert page.select_one('.gbg-quality-scope a[data-scope="open"]')["href"] == PAGE + "?scope=open"
    assert page.select_one("#csv-export")["href"] == PAGE + ".csv?scope=all"
    # an unknown scope is the default, as the publishing overview's filters
    assert sorted(_names(_page(app, PAGE + "?scope=x", sysadmin))) == sorted(name for name, _sv, _en in OPEN)


def test_an_organisations_page_shows_its_own_datasets(app, organization, admin, catalogue):
    page = _page(app, f"/organization/{organization['name']}/kvalitet?scope=all", admin)
    assert _names(page) == weakest_first(catalogue[name] for name in ("parkeringsplatser", "laddplatser", "utkast-vatten"))
    assert "3 av 3 datamängder är bedömda" in page.select_one(".gbg-quality-assessed").get_text()
    own = [catalogue["parkeringsplatser"], catalogue["laddplatser"]]
    open_page = _page(app, f"/organization/{organization['name']}/kvalitet", admin)
    assert open_page.select_one('[data-variant="eu"] .gbg-quality-lowest').get_text() == str(min(r.eu_total for r in own))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_page_speaks_one_language(app, sysadmin, organization, catalogue, lang):
    # the organisation described in both languages (the factory's text is random English)
    _editor, admin = trafikkontoret_publishers(organization)
    prefix = "" if lang == "sv" else "/en"
    for path, user in ((PAGE + "?scope=all", sysadmin), (f"/organization/{organization['name']}/kvalitet?scope=all", admin)):
        html = app.get(prefix + path, headers=_as(user), status=200).body
        page = BeautifulSoup(html, "html.parser")
        assert _names(page)  # the datasets' titles are on the page, in its language
        if lang == "sv":
            assert page_language.english_strings(html) == []
            assert "Vattenledningar" in page.get_text()
        else:
            assert page_language.swedish_strings(html, also=(*SWEDISH_TITLES, "Metadatakvalitet")) == []
            # (CKAN 2.11's organisation pages have the organisation's name as an h1 too)
            assert "Metadata quality" in [h1.get_text(strip=True) for h1 in page.find_all("h1")]
            assert "Water mains" in page.get_text()


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


def _histogram(records, variant):
    """Datasets per 25 points, up to the variant's maximum, from the kept records."""
    maximum = records[0].result["scores"][variant]["maximum"]
    counts = [0] * (maximum // 25 + 1)
    for record in records:
        counts[getattr(record, f"{variant}_total") // 25] += 1
    return counts


def test_the_distribution_is_an_accessible_svg_with_a_bar_per_25_points_and_the_same_figures_as_a_table(app, sysadmin, catalogue):
    from ckanext.gbgopendata.views import quality_chart

    records = open_records(catalogue)
    histogram = {variant: _histogram(records, variant) for variant in ("eu", "se")}
    assert _summary(sysadmin)["histogram"] == histogram
    html = app.get(PAGE, headers=_as(sysadmin), status=200).body
    svgs = _svgs(html)
    assert set(svgs) == {"gbg-quality-histogram-eu", "gbg-quality-histogram-se"}
    plot_height = quality_chart.HEIGHT - quality_chart.TOP - quality_chart.BOTTOM
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
        for index, bar in enumerate(bars):
            count = histogram[variant][index]
            start = index * 25
            noun = "datamängd" if count == 1 else "datamängder"
            assert bar.find(f"{SVG}title").text == f"{start}–{start + 24} poäng: {count} {noun}"
            # an empty bucket has no height, the fullest the whole plot's, the others in proportion
            assert float(bar.get("height")) == pytest.approx(plot_height * count / max(histogram[variant]), abs=0.15)
        # the rating bands behind the bars, named
        bands = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "gbg-band"]
        assert len(bands) == 4
        assert {text.text for text in svg.iter(f"{SVG}text")} >= {"Dålig", "Tillräcklig", "Bra", "Utmärkt"}
    page = BeautifulSoup(html, "html.parser")
    table = page.select(".gbg-quality-histogram-table tbody tr")
    assert len(table) == 17
    for index, row in enumerate(table[:16]):
        assert [cell.get_text() for cell in row.find_all("td")] == [str(histogram["eu"][index]), str(histogram["se"][index])]
    assert table[16].find_all("td")[1].get_text() == "–"  # 400–424 is beyond Sveriges dataportal's 375
    ratings = {row["data-rating"]: [td.get_text() for td in row.find_all("td")] for row in page.select(".gbg-quality-ratings tbody tr")}
    assert ratings == {
        rating: [str(sum(getattr(record, f"{variant}_rating") == rating for record in records)) for variant in ("eu", "se")]
        for rating in scoring.RATINGS
    }


def test_the_rating_bands_are_the_scorings_ratings(with_catalogues):
    from ckanext.gbgopendata.views import quality_admin

    bands = quality_admin.rating_bands(405)
    assert [(band.start, band.end) for band in bands] == [(0, 120), (121, 220), (221, 350), (351, 405)]


CSV_HEADER = [
    "Datamängd", "Titel", "Organisation", "Poäng, data.europa.eu", "Betyg, data.europa.eu",
    "Poäng, Sveriges dataportal", "Betyg, Sveriges dataportal",
]


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Stockholm")
def test_the_csv_has_a_row_per_dataset_with_both_totals_ratings_and_each_indicators_points(
        app, sysadmin, organization, admin, catalogue):
    rows = _csv_rows(app.get(PAGE + ".csv", headers=_as(sysadmin), status=200), ";")
    header = rows[0]
    assert header[:7] == CSV_HEADER
    assert header[-2:] == ["Bedömd (svensk tid)", "Adress"] and "Nyckelord, data.europa.eu" in header and "Följer DCAT-AP, Sveriges dataportal" in header
    # the weakest first, as kept.rows gives them
    assert [row[0] for row in rows[1:]] == weakest_first(open_records(catalogue))
    with app.flask_app.test_request_context():
        entries = {entry["name"]: entry for entry in kept.rows(None, "open", "sv")}
    labels = {entry["key"]: entry["label"] for entry in _summary(sysadmin)["indicators"]}
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_name) == set(entries) == {name for name, _sv, _en in OPEN}
    for (name, title, _en), organisation in zip(OPEN, ("Trafikkontoret", "Trafikkontoret", "Miljöförvaltningen")):
        record, line = catalogue[name], by_name[name]
        assert (line["Titel"], line["Organisation"]) == (title, organisation)
        for variant, grader in (("eu", "data.europa.eu"), ("se", "Sveriges dataportal")):
            assert line[f"Poäng, {grader}"] == str(getattr(record, f"{variant}_total"))
            assert line[f"Betyg, {grader}"] == SV_RATINGS[getattr(record, f"{variant}_rating")]
            # each indicator's points as kept; empty where the variant has no such indicator
            for key, label in labels.items():
                kept_indicator = indicator(record, variant, key)
                assert line[f"{label}, {grader}"] == ("" if kept_indicator is None else str(kept_indicator["points"])), (name, key)
                assert entries[name]["indicators"][variant].get(key) == (kept_indicator or {}).get("points")
        assert line["Adress"] == f"http://test.ckan.net/dataset/{name}"
        # the record's time (UTC) in the portal's
        built = record.built_at.replace(tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
        assert line["Bedömd (svensk tid)"] == built.strftime("%Y-%m-%d %H:%M")
    parking = by_name["parkeringsplatser"]
    assert parking["Nyckelord, data.europa.eu"] == "30" and parking["Följer DCAT-AP, Sveriges dataportal"] == ""
    assert by_name["laddplatser"]["Nyckelord, data.europa.eu"] == "0"
    # every active dataset with scope=all; an organisation's admin gets its CSV, of its datasets
    assert len(_csv_rows(app.get(PAGE + ".csv?scope=all", headers=_as(sysadmin)), ";")) == 1 + 4
    response = app.get(f"/organization/{organization['name']}/kvalitet.csv", headers=_as(admin), status=200)
    assert 'filename="kvalitet-trafikkontoret-open.csv"' in response.headers["Content-Disposition"]
    assert sorted(row[0] for row in _csv_rows(response, ";")[1:]) == ["laddplatser", "parkeringsplatser"]


def test_the_english_csv(app, sysadmin, catalogue):
    rows = _csv_rows(app.get("/en" + PAGE + ".csv", headers=_as(sysadmin), status=200), ",")
    assert rows[0][:5] == ["Dataset", "Title", "Organization", "Score, data.europa.eu", "Rating, data.europa.eu"]
    assert rows[0][-2:] == ["Assessed (UTC)", "Address"] and "Keywords, data.europa.eu" in rows[0]
    by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    for name, _sv, title in OPEN:
        record = catalogue[name]
        assert by_name[name]["Title"] == title
        assert by_name[name]["Rating, data.europa.eu"] == EN_RATINGS[record.eu_rating]
        assert by_name[name]["Rating, Sveriges dataportal"] == EN_RATINGS[record.se_rating]
    assert by_name["parkeringsplatser"]["Organization"] == "Urban Transport Administration"
    assert by_name["luftkvalitet"]["Organization"] == "Environment Administration"


def _assessed_at(name, moment):
    model.Session.execute(
        sa.update(gbg_model.quality)
        .where(gbg_model.quality.c.package_id == model.Package.get(name).id)
        .values(built_at=moment)
    )
    model.repo.commit()


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Stockholm")
def test_the_csv_times_are_swedish_summer_and_winter_time(app, sysadmin, catalogue):
    # Stored UTC: in Göteborg 1 hour later in winter (CET), 2 in summer (CEST).
    _assessed_at("parkeringsplatser", datetime.datetime(2027, 1, 15, 10, 30))
    _assessed_at("laddplatser", datetime.datetime(2027, 7, 1, 10, 30))
    for prefix, delimiter, column in (("", ";", "Bedömd (svensk tid)"), ("/en", ",", "Assessed (Swedish time)")):
        rows = _csv_rows(app.get(prefix + PAGE + ".csv", headers=_as(sysadmin), status=200), delimiter)
        by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
        assert by_name["parkeringsplatser"][column] == "2027-01-15 11:30"
        assert by_name["laddplatser"][column] == "2027-07-01 12:30"


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Zurich")
def test_the_csv_names_the_display_timezone_it_writes(app, sysadmin, catalogue):
    _assessed_at("laddplatser", datetime.datetime(2027, 7, 1, 10, 30))
    rows = _csv_rows(app.get(PAGE + ".csv", headers=_as(sysadmin), status=200), ";")
    assert rows[0][-2] == "Bedömd (Europe/Zurich)"
    by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_name["laddplatser"]["Bedömd (Europe/Zurich)"] == "2027-07-01 12:30"


def test_a_csv_cell_never_starts_a_formula(app, sysadmin):
    _clear_jobs()
    formulas = factories.Organization(
        name="formelkontoret", **organization_fields(title_translated={"sv": "@Formelkontoret", "en": "@Formula office"}),
    )
    create_dataset(sysadmin, formulas, **minimal_dataset(
        name="formel", title_translated={"sv": "=HYPERLINK(\"http://example.org\")", "en": "=x"},
    ))
    score_the_saved_datasets()
    assert set(stored_records()) == {"formel"}
    rows = _csv_rows(app.get(PAGE + ".csv", headers=_as(sysadmin), status=200), ";")
    assert rows[1][:3] == ["formel", "'=HYPERLINK(\"http://example.org\")", "'@Formelkontoret"]


def test_the_page_says_how_many_datasets_are_being_assessed_again(app, sysadmin, catalogue, monkeypatch):
    assert _page(app, PAGE, sysadmin).select_one(".gbg-quality-stale") is None
    # the scoring changes: every record is stale; the page rebuilds one, a job the rest
    monkeypatch.setattr(kept, "QUALITY_VERSION", "next")
    monkeypatch.setattr(kept, "SUMMARY_INLINE_LIMIT", 1)
    note = _page(app, PAGE, sysadmin).select_one(".gbg-quality-stale").get_text(" ", strip=True)
    assert note == "2 datamängder har ändrats sedan de bedömdes; de bedöms igen i bakgrunden."
    assert [job.func_name for job in ckan_jobs.get_queue().jobs] == ["ckanext.gbgopendata.jobs.refresh_quality"]
    assert len(kept.stale(scope="open")) == 2
