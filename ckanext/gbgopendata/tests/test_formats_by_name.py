"""Formats by name (issue 20, item 2): the publisher gives a distribution's
format as she knows it (a name from the list, a file extension, a common
name, an EU file-type code) or, as API callers always could, as a media
type; the portal stores the IANA media type, shows the name in the
visitor's language, and writes DCAT as before."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan import model
from ckan.tests import helpers

from ckanext.gbgopendata import vocabularies
from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.tests.dcat_fixtures import minimal_dataset
from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"

UNKNOWN_SV = (
    "Okänt format: ”foo”. Välj ett format i listan, eller skriv filändelsen (till exempel .csv)"
    " eller mediatypen (till exempel text/csv)."
)
UNKNOWN_EN = (
    "Unknown format: “foo”. Choose a format from the list, or type the file extension (for example .csv)"
    " or the media type (for example text/csv)."
)

# What a publisher may type for the Excel workbook format.
EXCEL_SPELLINGS = ["Excel", ".xlsx", "xlsx", "XLSX", XLSX, "Excel (.xlsx)", "  excel  ", ".XLSX"]

OTHER_SPELLINGS = [
    ("csv", "text/csv"),
    (".csv", "text/csv"),
    ("CSV", "text/csv"),
    ("Text/CSV", "text/csv"),
    ("geojson", "application/geo+json"),
    ("GeoJSON", "application/geo+json"),
    ("Shape", "application/x-shapefile"),
    ("shp", "application/x-shapefile"),
    ("Shapefile (Esri)", "application/x-shapefile"),
    ("gpkg", "application/geopackage+sqlite3"),
    ("GeoPackage", "application/geopackage+sqlite3"),
    ("kml", "application/vnd.google-earth.kml+xml"),
    ("Excel 97–2003 (.xls)", "application/vnd.ms-excel"),
    ("excel 97-2003 (.xls)", "application/vnd.ms-excel"),
    (".xls", "application/vnd.ms-excel"),
    ("XLS", "application/vnd.ms-excel"),
    ("Kalkylblad OpenDocument (.ods)", ODS),
    ("OpenDocument spreadsheet (.ods)", ODS),
    ("ods", ODS),
    ("pdf", "application/pdf"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("RDF_TURTLE", "text/turtle"),
    (".csv.zip", "text/csv+zip"),
    (FILE_TYPE + "GEOJSON", "application/geo+json"),
    # A media type outside the list is still accepted, as before.
    ("application/x-custom+json", "application/x-custom+json"),
]


def _package_count() -> int:
    return model.Session.query(model.Package).count()


def _create(user, organization, name="parkeringsplatser", **resource):
    return helpers.call_action(
        "package_create",
        context={"user": user["name"]},
        name=name,
        owner_org=organization["id"],
        **dataset_fields(resources=[resource_fields(**resource)]),
    )


def _stored_format(dataset) -> str:
    return helpers.call_action("package_show", id=dataset["id"])["resources"][0]["format"]


# --- the action API ------------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("typed", EXCEL_SPELLINGS)
def test_package_create_stores_the_media_type_of_every_spelling(sysadmin, organization, typed):
    created = _create(sysadmin, organization, format=typed)

    assert _stored_format(created) == XLSX


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("typed", EXCEL_SPELLINGS)
def test_resource_create_stores_the_media_type_of_every_spelling(sysadmin, organization, typed):
    created = _create(sysadmin, organization)

    resource = helpers.call_action(
        "resource_create",
        context={"user": sysadmin["name"]},
        package_id=created["id"],
        **resource_fields(url="https://goteborg.se/opendata/parkering.xlsx", format=typed),
    )

    assert resource["format"] == XLSX
    shown = helpers.call_action("package_show", id=created["id"])["resources"]
    assert [r["format"] for r in shown] == ["text/csv", XLSX]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("typed", "media_type"), OTHER_SPELLINGS)
def test_other_names_extensions_and_codes_are_understood(sysadmin, organization, typed, media_type):
    assert _stored_format(_create(sysadmin, organization, format=typed)) == media_type


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("prefix", "message"), [("", UNKNOWN_SV), ("/en", UNKNOWN_EN)])
def test_an_unknown_format_says_what_to_do_names_the_field_and_saves_nothing(
    app, sysadmin, organization, prefix, message
):
    headers = {"Authorization": sysadmin["token"]}
    payload = {"name": "parkeringsplatser", "owner_org": organization["id"],
               **dataset_fields(resources=[resource_fields(format="foo")])}
    before = _package_count()

    refused = app.post(f"{prefix}/api/action/package_create", json=payload, headers=headers, status=409).json

    assert refused["error"]["resources"] == [{"format": [message]}]
    assert _package_count() == before


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("prefix", "message"), [("", UNKNOWN_SV), ("/en", UNKNOWN_EN)])
def test_resource_create_refuses_an_unknown_format_in_the_request_language(
    app, sysadmin, organization, prefix, message
):
    created = _create(sysadmin, organization)
    headers = {"Authorization": sysadmin["token"]}

    refused = app.post(
        f"{prefix}/api/action/resource_create",
        json={"package_id": created["id"], **resource_fields(format="foo")},
        headers=headers,
        status=409,
    ).json

    assert refused["error"]["format"] == [message]
    assert len(helpers.call_action("package_show", id=created["id"])["resources"]) == 1


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("prefix", "message"), [("", "Välj ett format"), ("/en", "Choose a format")])
@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_format_asks_to_choose_one(app, sysadmin, organization, prefix, message, empty):
    headers = {"Authorization": sysadmin["token"]}
    payload = {"name": "parkeringsplatser", "owner_org": organization["id"],
               **dataset_fields(resources=[resource_fields(format=empty)])}

    refused = app.post(f"{prefix}/api/action/package_create", json=payload, headers=headers, status=409).json

    assert refused["error"]["resources"] == [{"format": [message]}]
    assert "Värde saknas" not in json.dumps(refused, ensure_ascii=False)
    assert _package_count() == 0


# --- the form ------------------------------------------------------------------------------


def _page(app, url, user) -> BeautifulSoup:
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _format_input(page: BeautifulSoup):
    field = page.select_one("input#field-format")
    assert field is not None
    label = page.select_one('label[for="field-format"]')
    assert label is not None and "Format" in label.get_text(" ", strip=True)
    options = [option["value"] for option in page.select(f"datalist#{field['list']} option")]
    return field, options


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("prefix", "names", "other_language"),
    [
        ("", ["CSV", "Excel (.xlsx)", "Excel 97–2003 (.xls)", "Kalkylblad OpenDocument (.ods)", "GeoJSON",
              "Shapefile (Esri)", "GeoPackage", "KML", "JSON", "XML", "PDF", "WMS-tjänst"],
         "OpenDocument spreadsheet (.ods)"),
        ("/en", ["CSV", "Excel (.xlsx)", "Excel 97–2003 (.xls)", "OpenDocument spreadsheet (.ods)", "GeoJSON",
                 "Shapefile (Esri)", "GeoPackage", "KML", "JSON", "XML", "PDF", "WMS service"],
         "Kalkylblad OpenDocument (.ods)"),
    ],
)
def test_the_distribution_form_offers_formats_by_name(app, sysadmin, organization, prefix, names, other_language):
    created = _create(sysadmin, organization)

    field, options = _format_input(_page(app, f"{prefix}/dataset/{created['name']}/resource/new", sysadmin))

    assert set(names) <= set(options)
    assert other_language not in options
    assert not set(options) & set(vocabularies.get_vocabulary("media-type").uris), "a media type is offered"
    assert len(options) == len(vocabularies.get_vocabulary("media-type"))
    assert options == sorted(options, key=str.casefold)
    assert field.get("value", "") == ""


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("prefix", "name"), [("", "Kalkylblad OpenDocument (.ods)"), ("/en", "OpenDocument spreadsheet (.ods)")])
def test_the_edit_form_shows_the_stored_format_by_name(app, sysadmin, organization, prefix, name):
    created = _create(sysadmin, organization, format=ODS)
    resource_id = created["resources"][0]["id"]

    field, _options = _format_input(_page(app, f"{prefix}/dataset/{created['name']}/resource/{resource_id}/edit", sysadmin))

    assert field["value"] == name


def _post_resource(app, user, dataset, fmt, prefix=""):
    return app.post(
        f"{prefix}/dataset/{dataset['name']}/resource/new",
        data={"id": "", "url": "https://goteborg.se/opendata/parkering.xlsx", "format": fmt,
              "name_translated-sv": "Parkeringsplatser (Excel)", "name_translated-en": "Parking spaces (Excel)",
              "save": "go-metadata"},
        headers={"Authorization": user["token"]},
        follow_redirects=False,
    )


@pytest.mark.usefixtures("with_plugins")
def test_a_name_typed_in_the_form_is_stored_as_the_media_type(app, sysadmin, organization):
    created = _create(sysadmin, organization)

    response = _post_resource(app, sysadmin, created, "Excel")

    assert response.status_code == 302
    assert [r["format"] for r in helpers.call_action("package_show", id=created["id"])["resources"]] == ["text/csv", XLSX]


def _errors(response) -> tuple[str, str]:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = " ".join(" ".join(e.get_text(" ", strip=True).split()) for e in page.select(".error-explanation"))
    field = page.select_one("input#field-format")
    return summary, field.get("value", "")


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("prefix", "typed", "expected"),
    [
        ("", "foo", "Format: " + UNKNOWN_SV),
        ("/en", "foo", "Format: " + UNKNOWN_EN),
        ("", "", "Format: Välj ett format"),
        ("/en", "", "Format: Choose a format"),
    ],
)
def test_the_form_names_the_field_and_keeps_what_was_typed(app, sysadmin, organization, prefix, typed, expected):
    created = _create(sysadmin, organization)

    response = _post_resource(app, sysadmin, created, typed, prefix)

    assert response.status_code == 200
    summary, value = _errors(response)
    assert expected in summary
    assert "Värde saknas" not in summary and "Missing value" not in summary
    assert value == typed
    assert len(helpers.call_action("package_show", id=created["id"])["resources"]) == 1


# --- what visitors see ---------------------------------------------------------------------


@pytest.fixture
def spreadsheet_dataset(sysadmin, organization):
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        owner_org=organization["id"],
        **minimal_dataset(
            name="parkeringsplatser",
            resources=[{"url": "https://goteborg.se/opendata/p.ods", "format": "ods"}],
        ),
    )


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("prefix", "name", "other"),
    [("", "Kalkylblad OpenDocument (.ods)", "OpenDocument spreadsheet (.ods)"),
     ("/en", "OpenDocument spreadsheet (.ods)", "Kalkylblad OpenDocument (.ods)")],
)
def test_the_dataset_page_shows_the_formats_name(app, spreadsheet_dataset, prefix, name, other):
    dataset_page = app.get(f"{prefix}/dataset/{spreadsheet_dataset['name']}").get_data(as_text=True)
    resource_id = spreadsheet_dataset["resources"][0]["id"]
    resource_page = app.get(f"{prefix}/dataset/{spreadsheet_dataset['name']}/resource/{resource_id}").get_data(as_text=True)

    for body in (dataset_page, resource_page):
        text = BeautifulSoup(body, "html.parser").select_one("main, #content, body").get_text(" ", strip=True)
        assert name in text
        assert other not in text
        assert ODS not in text


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("prefix", "name", "other"),
    [("", "Kalkylblad OpenDocument (.ods)", "OpenDocument spreadsheet (.ods)"),
     ("/en", "OpenDocument spreadsheet (.ods)", "Kalkylblad OpenDocument (.ods)")],
)
def test_search_shows_the_formats_name_in_its_facet_and_list(
    app, sysadmin, organization, spreadsheet_dataset, prefix, name, other
):
    helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        owner_org=organization["id"],
        **minimal_dataset(name="cykelrakningar", resources=[{"url": "https://goteborg.se/c.csv", "format": "csv"}]),
    )
    page = BeautifulSoup(app.get(f"{prefix}/dataset/").get_data(as_text=True), "html.parser")
    facets = " ".join(s.get_text(" ", strip=True) for s in page.select("section.module-narrow, .facet"))
    items = {
        item.select_one("a")["href"].rstrip("/").rsplit("/", 1)[-1]: item.get_text(" ", strip=True)
        for item in page.select(".dataset-item")
    }

    assert name in facets and "CSV" in facets
    assert name in items["parkeringsplatser"] and name not in items["cykelrakningar"]
    assert other not in facets + " ".join(items.values())
    assert ODS not in facets + " ".join(items.values())
    # The facet filters by the stored media type.
    link = next(a["href"] for a in page.select("section.module-narrow a, .facet a") if name in a.get_text())
    filtered = BeautifulSoup(app.get(link).get_data(as_text=True), "html.parser")
    assert [i.select_one("a")["href"].rstrip("/").rsplit("/", 1)[-1] for i in filtered.select(".dataset-item")] == [
        "parkeringsplatser"
    ]
    assert helpers.call_action("package_search", fq=f'res_format:"{ODS}"')["count"] == 1


# --- DCAT ----------------------------------------------------------------------------------


def _distribution_formats(app) -> set[tuple[str, str, str]]:
    response = app.get("/datasets/dcat?format=xml")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="xml")
    return {
        (str(graph.value(ref, DCAT.accessURL)), str(graph.value(ref, DCTERMS.format)), str(graph.value(ref, DCAT.mediaType)))
        for ref in graph.subjects(RDF.type, DCAT.Distribution)
    }


@pytest.mark.usefixtures("with_plugins")
def test_the_open_catalogue_writes_a_named_format_as_its_stored_media_type(app, sysadmin, organization):
    def publish(name, fmt):
        helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            owner_org=organization["id"],
            **minimal_dataset(name=name, resources=[{"url": f"https://goteborg.se/opendata/{name}.xlsx", "format": fmt}]),
        )

    publish("by-media-type", XLSX)
    publish("by-name", "Excel")
    publish("by-extension", ".xlsx")

    assert _distribution_formats(app) == {
        (f"https://goteborg.se/opendata/{name}.xlsx", FILE_TYPE + "XLSX", IANA + XLSX)
        for name in ("by-media-type", "by-name", "by-extension")
    }


# --- the table behind it -------------------------------------------------------------------


def test_no_spelling_means_two_formats():
    meanings: dict[str, set[str]] = {}
    for media_type, code in formats.EU_FILE_TYPES.items():
        meanings.setdefault(formats._name_key(code), set()).add(media_type)
    for table in (formats.COMMON_NAMES, formats.FILE_EXTENSIONS):
        for media_type, spellings in table.items():
            for spelling in spellings:
                meanings.setdefault(formats._name_key(spelling), set()).add(media_type)
    for term in vocabularies.get_vocabulary("media-type"):
        for text in (term.label_sv, term.label_en, term.uri):
            meanings.setdefault(formats._name_key(text), set()).add(term.uri)

    assert {key: types for key, types in meanings.items() if len(types) > 1} == {}


def test_every_format_of_the_list_is_found_by_its_names_and_every_alias_is_of_the_list():
    media_types = set(vocabularies.get_vocabulary("media-type").uris)
    for term in vocabularies.get_vocabulary("media-type"):
        assert formats.media_type_of(term.label_sv) == term.uri
        assert formats.media_type_of(term.label_en.upper()) == term.uri
        assert formats.media_type_of(term.uri) == term.uri
    assert set(formats.FILE_EXTENSIONS) <= media_types
    assert set(formats.COMMON_NAMES) <= media_types
    assert formats.media_type_of("foo") is None
    assert formats.media_type_of("application/x-custom+json") is None


@pytest.mark.parametrize(("typed", "code"), [("Excel", "XLSX"), (".ods", "ODS"), ("Shape", "SHP"), ("csv.zip", "CSV")])
def test_the_eu_file_type_behind_a_named_format(typed, code):
    assert formats.file_type_of(formats.media_type_of(typed)) == code
    assert formats.eu_terms(formats.media_type_of(typed))["format"] == FILE_TYPE + code


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_a_publisher_types_excel_in_chromium_and_the_media_type_is_stored(live_server, browser, organization):
    from ckanext.gbgopendata.tests.browser import PASSWORD
    from ckanext.gbgopendata.tests.helpers import organization_member

    editor = organization_member(organization, "editor", password=PASSWORD, image_url="")
    created = _create(editor, organization)
    browser.login(editor["name"], PASSWORD)
    browser.goto(f"/dataset/{created['name']}/resource/new")
    browser.wait_for("form#resource-edit")

    # The browser itself ties the list to the field (no script): its options are the names.
    offered = browser.driver.execute_script(
        "return Array.from(document.getElementById('field-format').list.options, o => o.value);"
    )
    assert "Excel (.xlsx)" in offered and "Kalkylblad OpenDocument (.ods)" in offered and XLSX not in offered
    label = browser.driver.execute_script("return document.getElementById('field-format').labels[0].textContent;")
    assert "Format" in label

    def add(fmt):
        link = [button for button in browser.find_all("#resource-link-button") if button.is_displayed()]
        if link:
            link[0].click()
        browser.fill("#field-resource-url", "https://goteborg.se/opendata/parkering.xlsx")
        browser.fill("#field-format", fmt)
        browser.fill("#field-name_translated-sv", "Parkeringsplatser (Excel)")
        browser.click("form#resource-edit button[name=save][value=again]")
        browser.wait_for("form#resource-edit")

    add("foo")
    browser.screenshot("unknown-format")
    assert "Format: " + UNKNOWN_SV in " ".join(browser.visible_text().split())
    assert browser.find("#field-format").get_attribute("value") == "foo"

    add("Excel")
    browser.screenshot("excel-saved")
    stored = helpers.call_action("package_show", id=created["id"])["resources"]
    assert [r["format"] for r in stored] == ["text/csv", XLSX]
