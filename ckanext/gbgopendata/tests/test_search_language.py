"""Search in Swedish and English: Swedish texts are stemmed and their
compounds split (stack/solr/schema_additions.xml and its word list), English
texts stemmed, and a search on a Swedish page asks the Swedish field, one on
an /en/ page the English one, besides CKAN's `text`. Through the stack's real
Solr, with datasets created through the action API."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    reset_database,
)

ACCIDENTS_SV = "Trafikolyckor i Göteborg 2025"
ACCIDENTS_EN = "Traffic accidents in Gothenburg 2025"
CYCLING_SV = "Cykelräkningar 2025"
CYCLING_EN = "Bicycle counts 2025"
AIR_SV = "Luftkvalitet vid Femman"
# Found only when the search is not allowed to: private, confidentiality
# level 1, its title a compound that "olyckor" reaches only through the split.
CANARY_SV = "Skyddsolyckor hos kanariefågelföreningen"


@pytest.fixture(scope="module")
def catalogue(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    reset_database(reset_db, migrate_db_for)
    reset_index()
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    other = factories.Organization(
        name="miljoforvaltningen",
        **organization_fields(title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}),
    )
    editor = organization_member(organization, "editor")
    outsider = organization_member(other, "editor")

    def create(name, sv, en, notes_sv, notes_en, owner=organization, **fields):
        return helpers.call_action(
            "package_create",
            context={"user": editor["name"] if owner is organization else outsider["name"], "ignore_auth": False},
            name=name,
            owner_org=owner["id"],
            **dataset_fields(
                title_translated={"sv": sv, "en": en},
                notes_translated={"sv": notes_sv, "en": notes_en},
                **fields,
            ),
        )

    create(
        "trafikolyckor-2025", ACCIDENTS_SV, ACCIDENTS_EN,
        "Polisrapporterade olyckor på kommunens gator.", "Accidents on the city's streets reported by the police.",
        tags_translated={"sv": ["olycksstatistik"], "en": ["road safety"]},
    )
    create(
        "cykelrakningar-2025", CYCLING_SV, CYCLING_EN,
        "Antal cyklister per timme vid mätpunkterna.", "Cyclists per hour at the counting points.",
    )
    create(
        "luftkvalitet-femman", AIR_SV, "Air quality at Femman",
        "Öppna data om luftens halter av kvävedioxid.", "Open data on nitrogen dioxide in the air.",
        owner=other,
    )
    canary = helpers.call_action(
        "package_create",
        context={"user": editor["name"], "ignore_auth": False},
        name="skyddsolyckor",
        owner_org=organization["id"],
        private=True,
        title_translated={"sv": CANARY_SV, "en": "Protective incidents"},
        notes_translated={"sv": "Intern sammanställning.", "en": "Internal summary."},
        **{**OPEN_CLASSIFICATION, "confidentiality_level": "1"},
    )
    return {"editor": editor, "outsider": outsider, "canary": canary}


def _titles_of_the_page(app, path, query):
    response = app.get(path, query_string={"q": query})
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.select_one(".dataset-heading").get_text(" ", strip=True) for item in page.select(".dataset-item")]


def _titles_found(query, user=None, **parameters):
    context = {"user": user["name"], "ignore_auth": False} if user else {"ignore_auth": False}
    result = helpers.call_action("package_search", context=context, q=query, rows=50, **parameters)
    return sorted(dataset["title_translated"]["sv"] for dataset in result["results"])


SWEDISH_CASES = [
    ("olyckor", ACCIDENTS_SV),
    ("olycka", ACCIDENTS_SV),
    ("trafikolyckor", ACCIDENTS_SV),
    ("trafikolycka", ACCIDENTS_SV),
    ("cykel", CYCLING_SV),
    ("räkningar", CYCLING_SV),
    ("cykelräkning", CYCLING_SV),
    # A keyword's part and the organisation's Swedish name's part
    # ("Trafikkontoret"), neither of them a word of CKAN's `text`.
    ("statistik", ACCIDENTS_SV),
    ("kvalitet", AIR_SV),
]


@pytest.mark.parametrize(("query", "title"), SWEDISH_CASES)
def test_swedish_words_find_what_a_swedish_user_expects(catalogue, app, query, title):
    assert _titles_found(query) == [title]
    assert _titles_of_the_page(app, "/dataset/", query) == [title]


def test_the_organisations_swedish_name_is_searched_on_swedish_pages(catalogue, app):
    # "kontor" is only in "Trafikkontoret", the organisation's Swedish name;
    # "trafik" there too, and in "Trafikolyckor".
    for query in ("kontor", "trafik"):
        assert sorted(_titles_of_the_page(app, "/dataset/", query)) == sorted([ACCIDENTS_SV, CYCLING_SV])


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("accidents", ACCIDENTS_EN),
        ("accident", ACCIDENTS_EN),
        ("traffic accident", ACCIDENTS_EN),
        ("bicycle counts", CYCLING_EN),
        ("bicycle count", CYCLING_EN),
        ("counted", CYCLING_EN),
    ],
)
def test_english_words_find_what_an_english_user_expects_on_english_pages(catalogue, app, query, title):
    assert _titles_of_the_page(app, "/en/dataset/", query) == [title]


def test_the_organisations_english_name_is_searched_on_english_pages(catalogue, app):
    # In no text of the datasets themselves, nor in CKAN's `text` (which
    # holds the organisation's slug only).
    assert _titles_of_the_page(app, "/en/dataset/", "environments") == ["Air quality at Femman"]
    assert _titles_of_the_page(app, "/dataset/", "environments") == []


@pytest.mark.parametrize(
    "query",
    [
        # Parts shorter than four letters are never split off: "kol" is in
        # "trafikolyckor", "dat" (what "data" stems to) in many compounds.
        "kol",
        "ola",
        # Nothing of the catalogue, in either language.
        "badplatser",
    ],
)
def test_compound_splitting_finds_no_false_friends(catalogue, app, query):
    assert _titles_found(query) == []
    assert _titles_of_the_page(app, "/dataset/", query) == []


def test_data_finds_only_the_dataset_that_says_data(catalogue, app):
    assert _titles_found("data") == [AIR_SV]
    assert _titles_of_the_page(app, "/dataset/", "data") == [AIR_SV]


@pytest.mark.parametrize("query", ["olyckor", "föreningen", "kanariefågelföreningen"])
def test_the_language_fields_never_find_a_dataset_the_searcher_may_not_see(catalogue, app, query):
    # The canary is found by the split only ("olyckor") or by its words.
    assert CANARY_SV in _titles_found(query, catalogue["editor"], include_private=True)
    assert CANARY_SV not in _titles_found(query)
    assert CANARY_SV not in _titles_found(query, catalogue["outsider"], include_private=True)
    for path in ("/dataset/", "/en/dataset/"):
        response = app.get(path, query_string={"q": query})
        assert "skyddsolyckor" not in response.get_data(as_text=True).lower()


def test_a_fielded_query_is_still_taken(catalogue):
    assert _titles_found("name:cykelrakningar-2025") == [CYCLING_SV]
