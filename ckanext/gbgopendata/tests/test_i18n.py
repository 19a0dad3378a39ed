"""Every message of the extension exists in Swedish and English."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
try:
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # Babel before 2.14 (CKAN 2.11 pins one) calls it parse_mapping
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ckan.lib.extract import extract_ckan

PACKAGE = Path(__file__).resolve().parents[1]
PROJECT = PACKAGE.parents[1]
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-gbgopendata"


def _messages_in_source() -> set[str]:
    with open(PROJECT / "babel.cfg", encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    # Older Babel finds the "ckan" extractor only through pkg_resources,
    # which current setuptools no longer ships: hand it the function.
    method_map = [(pattern, extract_ckan if method == "ckan" else method) for pattern, method in method_map]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT), method_map, options_map
    ):
        # Plural messages come as tuples; the singular is their msgid.
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(language: str):
    with open(I18N / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


def test_the_extension_has_messages_to_translate():
    assert "Questions about open data? Contact us:" in _messages_in_source()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_message_is_translated(language):
    catalog = _catalog(language)
    missing = sorted(
        message
        for message in _messages_in_source()
        if message not in catalog or not catalog[message].string or catalog[message].fuzzy
    )
    assert missing == [], f"messages without a {language} translation (run make i18n-extract): {missing}"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    po = _catalog(language)
    with open(I18N / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo_file:
        mo = read_mo(mo_file)
    def entries(catalog):
        # Plural messages have tuple ids and list translations.
        return {
            m.id if isinstance(m.id, str) else tuple(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalog
            if m.id
        }

    assert entries(po) == entries(mo)


def test_swedish_translation_is_swedish():
    catalog = _catalog("sv")
    assert catalog["Questions about open data? Contact us:"].string == "Frågor om öppna data? Kontakta oss:"


# --- Pages: one language per page ------------------------------------------------
#
# The main pages are rendered in Swedish and in English; a Swedish page may not
# show an English UI string (CKAN's catalogue msgids, English-only words), an
# English page not a Swedish one, nor the Swedish text of content that has
# English (page_language.py explains the detector).

from ckan.tests import factories  # noqa: E402

from ckanext.gbgopendata.tests import page_language  # noqa: E402
from ckanext.gbgopendata.tests.helpers import (  # noqa: E402
    dataset_fields,
    organization_fields,
    organization_member,
    resource_fields,
)

SWEDISH_CONTENT = (
    "Trafikkontoret",
    "Trafikkontoret sköter stadens gator.",
    "Cykelräkningar",
    "Antal cyklister per dag.",
    "cykelstråk",
    "räkning",
    "Räkningar per dag.",
)


@pytest.fixture
def bilingual_pages(clean_db, clean_index):
    """A public dataset with a distribution, everything in both languages,
    and an editor of its organisation."""
    organization = factories.Organization(
        name="trafikkontoret",
        **organization_fields(
            description_translated={
                "sv": "Trafikkontoret sköter stadens gator.",
                "en": "The Urban Transport Administration runs the streets.",
            }
        ),
    )
    dataset = factories.Dataset(
        owner_org=organization["id"],
        **dataset_fields(
            name="cykelrakningar",
            title_translated={"sv": "Cykelräkningar", "en": "Bicycle counts"},
            notes_translated={"sv": "Antal cyklister per dag.", "en": "Cyclists per day."},
            tags_translated={"sv": ["cykelstråk", "räkning"], "en": ["cycle path", "count"]},
        ),
    )
    resource = factories.Resource(package_id=dataset["id"], **resource_fields(
        name_translated={"sv": "Räkningar", "en": "Counts"},
        description_translated={"sv": "Räkningar per dag.", "en": "Counts per day."},
        description="",
    ))
    editor = organization_member(organization, "editor")
    return {"dataset": dataset, "resource": resource, "organization": organization, "editor": editor}


def _pages(data):
    name, org = data["dataset"]["name"], data["organization"]["name"]
    resource = f"/dataset/{name}/resource/{data['resource']['id']}"
    return [
        # (path, as the editor?, expected status)
        ("/", False, 200),
        ("/dataset/", False, 200),
        (f"/dataset/{name}", False, 200),
        (resource, False, 200),
        ("/organization/", False, 200),
        (f"/organization/{org}", False, 200),
        ("/user/login", False, 200),
        ("/dataset/no-such-dataset", False, 404),
        ("/dataset/new", False, 403),
        ("/dataset/new", True, 200),
        (f"/dataset/edit/{name}", True, 200),
        (f"/dataset/{name}/resource/new", True, 200),
        (f"{resource}/edit", True, 200),
    ]


def _get(app, path, status, user=None):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(path, headers=headers, status=status)
    return response.body


def test_swedish_pages_show_no_english(app, bilingual_pages):
    found = {}
    for path, as_editor, status in _pages(bilingual_pages):
        html = _get(app, path, status, bilingual_pages["editor"] if as_editor else None)
        english = page_language.english_strings(html)
        if english:
            found[path] = sorted(set(english))
    assert not found, "\n".join(f"{path}: {texts}" for path, texts in found.items())


def test_english_pages_show_no_swedish(app, bilingual_pages):
    found = {}
    for path, as_editor, status in _pages(bilingual_pages):
        html = _get(app, "/en" + path, status, bilingual_pages["editor"] if as_editor else None)
        swedish = page_language.swedish_strings(html, also=SWEDISH_CONTENT)
        if swedish:
            found[path] = sorted(set(swedish))
    assert not found, "\n".join(f"{path}: {texts}" for path, texts in found.items())


def test_the_english_page_shows_english_keywords_and_organisation(app, bilingual_pages):
    html = _get(app, f"/en/dataset/{bilingual_pages['dataset']['name']}", 200)
    assert "cycle path" in html and "vocab_tags_en=cycle+path" in html
    assert "Urban Transport Administration" in html
    search = _get(app, "/en/dataset/", 200)
    assert "vocab_tags_en=count" in search and "Urban Transport Administration" in search
    swedish_search = _get(app, "/dataset/?tags=cykelstr%C3%A5k", 200)
    assert "Cykelräkningar" in swedish_search


def test_the_detector_finds_the_other_language():
    """The checks above can fail: CKAN's untranslated messages and
    English-only words are found in a Swedish page, Swedish UI text and
    content in an English one; a name marked as another language is not."""
    page = (
        '<html lang="sv"><body><a title="Skip to main content">x</a><p>Username or Email</p>'
        '<p>Status: active</p><p>Datamängder</p><option lang="en">English</option></body></html>'
    )
    assert page_language.english_strings(page) == ["Username or Email", "Status: active", "Skip to main content"]
    english = '<html lang="en"><body><p>Logga in</p><p>Trafikkontoret</p><p>Datasets</p></body></html>'
    assert page_language.swedish_strings(english, also=("Trafikkontoret",)) == ["Logga in", "Trafikkontoret"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_home_page_is_the_citys_in_both_languages(app, bilingual_pages, lang):
    """gbgopendata_theme: text logo, introduction, themes as entry points,
    newest datasets, the footer's metadata licence (no ODbL, no CKAN
    placeholder)."""
    html = _get(app, "/" if lang == "sv" else "/en/", 200)
    name = "Göteborgs Stads öppna data" if lang == "sv" else "City of Gothenburg open data"
    assert f'class="gbgopendata-logo"' in html and name in html
    assert ("Sök bland datamängderna" if lang == "sv" else "Search the datasets") in html
    assert "/dataset/?vocab_theme=http://publications.europa.eu/resource/authority/data-theme/TRAN" in html
    assert ("Cykelräkningar" if lang == "sv" else "Bicycle counts") in html
    assert ("CC0 1.0 Universell" if lang == "sv" else "CC0 1.0 Universal") in html
    assert "support.digitalakanaler@goteborg.se" in html
    for placeholder in ("Välkommen till CKAN", "Welcome to CKAN", "Placeholder", "Open Database License", "ckan-logo"):
        assert placeholder not in html


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(
    "lang, expected", [("sv", "Inga datamängder har publicerats ännu."), ("en", "No datasets have been published yet.")]
)
def test_an_empty_catalogues_home_page_says_so(app, lang, expected):
    html = _get(app, "/" if lang == "sv" else "/en/", 200)
    assert html.count(expected) == 2  # newest, and most used or latest updated


@pytest.mark.parametrize(
    "lang, expected",
    [("sv", "28 november 2026 21:36"), ("en", "November 28, 2026, 21:36")],
)
def test_dates_with_hours_are_written_the_visitors_way(app, lang, expected):
    """Swedish: "28 november 2026 21:36", not CKAN's "november 28, 2026,
    21:36 (UTC)" (h.render_datetime, as the activity pages use it); English
    without the offset too, in local time as the Swedish page."""
    import datetime

    from ckan.plugins.toolkit import h

    # CKAN's i18n middleware puts the page's language into the environ.
    with app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": lang, "CKAN_LANG_IS_DEFAULT": lang == "sv"}):
        assert h.render_datetime(datetime.datetime(2026, 11, 28, 21, 36), with_hours=True) == expected
        assert h.render_datetime("2026-11-28T21:36:00", with_hours=True) == expected


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Stockholm")
def test_swedish_times_are_in_the_display_timezone_as_the_date_is(app):
    """23:36 UTC on 28 November is 00:36 on 29 November in Göteborg: date and
    time both in ckan.display_timezone."""
    import datetime

    from ckan.plugins.toolkit import h

    with app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": "sv", "CKAN_LANG_IS_DEFAULT": True}):
        assert h.render_datetime(datetime.datetime(2026, 11, 28, 23, 36), with_hours=True) == "29 november 2026 00:36"
    with app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": "en", "CKAN_LANG_IS_DEFAULT": False}):
        assert h.render_datetime(datetime.datetime(2026, 11, 28, 23, 36), with_hours=True) == "November 29, 2026, 00:36"
