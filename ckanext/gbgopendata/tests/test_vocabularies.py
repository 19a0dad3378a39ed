"""The controlled vocabularies: the shipped CSVs match DIGG's DCAT-AP-SE 3.0.1
code lists, and the small API over them behaves as forms, validators and the
DCAT output expect. Pure tests: no CKAN app, no database."""
from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ckanext.gbgopendata import vocabularies
from ckanext.gbgopendata.vocabularies import (
    VOCABULARY_NAMES,
    Term,
    Vocabulary,
    get_vocabulary,
    normalise_uri,
    vocabulary_choices,
)

REPO = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(vocabularies.__file__).parent
SPEC = REPO / ".." / "shared" / "spec"
SHARED_CSV = SPEC / "dcat-ap-se-3.0.1-vocabularies.csv"
GENERATOR = REPO / "scripts" / "build_vocabularies.py"

# DCAT-AP-SE 3.0.1: dcterms:format must match this (RDForms pattern of the bundle).
MEDIA_TYPE = re.compile(r"^\w+\/[-.\w]+(?:\+[-.\w]+)?(\s*;\s*\w+=\w+)?$")

SIZES = {
    "data-theme": 13,
    "frequency": 22,
    "language": 95,
    "access-right": 3,
    "planned-availability": 4,
    "distribution-status": 4,
    "hvd-category": 96,
    "publisher-type": 11,
    "media-type": 40,
    "spatial": 3,
}

# Vocabulary -> the RDForms templates of the shared CSV its values come from.
TEMPLATES = {
    "data-theme": ["dcat:theme_ds"],
    "frequency": ["dcat:dcterms:accrualPeriodicity_da"],
    "language": ["dcat:dcterms:language_da"],
    "access-right": ["dcat:dcterms:accessRights"],
    "planned-availability": ["dcatap:availability"],
    "distribution-status": ["dcat:adms:status_di"],
    "hvd-category": ["dcatap:hvdCategory_ds"],
    "publisher-type": ["adms:publishertype"],
    "media-type": ["dcat:format-group_common_choices", "geodcat:dcterms:format-INSPIRE"],
}



def _shared_values(templates: list[str]) -> list[str]:
    with SHARED_CSV.open(encoding="utf-8", newline="") as handle:
        return [row["value"] for row in csv.DictReader(handle) if row["template_id"] in templates]


# --- the data ------------------------------------------------------------------------


def test_names_are_the_csv_files_of_the_package():
    assert sorted(path.stem for path in PACKAGE_DIR.glob("*.csv")) == sorted(VOCABULARY_NAMES)
    assert set(SIZES) == set(VOCABULARY_NAMES)


@pytest.mark.parametrize(("name", "size"), sorted(SIZES.items()))
def test_size(name, size):
    assert len(get_vocabulary(name)) == size
    assert len(set(get_vocabulary(name).uris)) == size


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_csv_is_utf8_with_exact_header(name):
    text = (PACKAGE_DIR / f"{name}.csv").read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0] == "uri,label_sv,label_en"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_values_equal_the_shared_code_list(name):
    shared = _shared_values(TEMPLATES[name])
    assert len(shared) == len(set(shared)), "the source itself repeats a value"
    assert set(get_vocabulary(name).uris) == set(shared)


def test_frequency_leaves_out_the_deprecated_cld_list():
    assert not any("purl.org/cld" in uri for uri in get_vocabulary("frequency").uris)


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_term_has_both_labels_and_no_label_repeats(name):
    terms = get_vocabulary(name).terms
    for term in terms:
        assert term.label_sv.strip() == term.label_sv and term.label_sv, term
        assert term.label_en.strip() == term.label_en and term.label_en, term
    for column in ("label_sv", "label_en"):
        labels = [getattr(term, column).casefold() for term in terms]
        assert len(labels) == len(set(labels)), f"{name}: repeated {column}"


@pytest.mark.parametrize("name", [n for n in VOCABULARY_NAMES if n != "media-type"])
def test_values_are_absolute_http_uris(name):
    for uri in get_vocabulary(name).uris:
        parts = urlsplit(uri)
        assert parts.scheme in ("http", "https") and parts.netloc, uri
        assert not re.search(r"\s", uri), uri


def test_media_types_match_the_dcat_ap_se_pattern():
    for value in get_vocabulary("media-type").uris:
        assert MEDIA_TYPE.match(value), value


def test_spatial_uses_canonical_geonames_uris():
    spatial = get_vocabulary("spatial")
    assert "http://sws.geonames.org/2661886" in spatial  # Sweden, the spec's example
    for uri in spatial.uris:
        assert re.fullmatch(r"http://sws\.geonames\.org/\d+", uri), uri
        assert normalise_uri(uri) == uri


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("frequency", "frequency/CONT", "frequency/NEVER"),
        ("access-right", "access-right/PUBLIC", "access-right/NON_PUBLIC"),
        ("planned-availability", "planned-availability/TEMPORARY", "planned-availability/STABLE"),
        ("distribution-status", "distribution-status/DEVELOP", "distribution-status/WITHDRAWN"),
        ("hvd-category", "bna/c_ac64a52d", "bna/c_883d0205"),  # Geospatial … last Mobility category
        ("data-theme", "data-theme/SOCI", "data-theme/TECH"),  # Befolkning … Vetenskap
        ("spatial", "2711533", "2661886"),  # Göteborg … Sverige
    ],
)
def test_form_order(name, first, last):
    uris = get_vocabulary(name).uris
    assert uris[0].endswith(first)
    assert uris[-1].endswith(last)


def test_committed_csvs_are_the_generator_output(monkeypatch):
    spec = importlib.util.spec_from_file_location("build_vocabularies", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the script loads.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    for name, rows in module.build().items():
        assert (PACKAGE_DIR / f"{name}.csv").read_text("utf-8") == module.render(rows), (
            f"{name}.csv is out of date: run scripts/build_vocabularies.py"
        )


# --- the API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "lang", "expected"),
    [
        (Term("u", "Miljö", "Environment"), "sv", "Miljö"),
        (Term("u", "Miljö", "Environment"), "en", "Environment"),
        (Term("u", "Miljö", "Environment"), "en_GB", "Environment"),
        (Term("u", "Miljö", "Environment"), "de", "Miljö"),
        (Term("u", "Miljö", "Environment"), "", "Miljö"),
        (Term("u", "Miljö", ""), "en", "Miljö"),
        (Term("u", "", "Environment"), "sv", "Environment"),
        (Term("u", "", "Environment"), "fi", "Environment"),
    ],
)
def test_term_label_and_fallback(term, lang, expected):
    assert term.label(lang) == expected


def test_vocabulary_lookup():
    themes = get_vocabulary("data-theme")
    envi = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
    assert envi in themes
    assert "http://example.org/nothing" not in themes
    assert themes.get(envi) == Term(envi, "Miljö", "Environment")
    assert themes.get("http://example.org/nothing") is None
    assert themes.label(envi) == "Miljö"
    assert themes.label(envi, "en") == "Environment"
    assert themes.label("http://example.org/nothing", "en") == "http://example.org/nothing"
    assert themes.uris == tuple(term.uri for term in themes)
    assert themes.name == "data-theme"


def test_media_type_labels_are_names_people_type():
    media = get_vocabulary("media-type")
    assert media.get("text/csv") == Term("text/csv", "CSV", "CSV")
    assert media.label("application/vnd.ogc.wms_xml", "sv") == "WMS-tjänst"


def test_choices_have_the_shape_scheming_accepts():
    choices = get_vocabulary("access-right").choices()
    assert choices[0] == {
        "value": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "label": {"sv": "Offentlig", "en": "Public"},
    }
    for choice in choices:
        assert set(choice) == {"value", "label"}
        assert set(choice["label"]) == {"sv", "en"}
    # Callers get their own list: changing it must not change the vocabulary.
    choices.clear()
    assert len(get_vocabulary("access-right").choices()) == 3


def test_choices_helper_takes_the_field():
    field = {"field_name": "theme", "vocabulary": "data-theme"}
    assert vocabulary_choices(field) == get_vocabulary("data-theme").choices()
    # a value the list holds twice is offered once (vocabularies.SAME_AS)
    frequencies = vocabulary_choices({"field_name": "frequency", "vocabulary": "frequency"})
    assert frequencies == [choice for choice in get_vocabulary("frequency").choices()
                           if not choice["value"].endswith("/frequency/CONT")]
    with pytest.raises(KeyError, match="no 'vocabulary' key"):
        vocabulary_choices({"field_name": "theme"})


def test_unknown_vocabulary_name():
    with pytest.raises(KeyError, match="Unknown vocabulary 'data-themes'.*data-theme"):
        get_vocabulary("data-themes")


def test_loaded_once_per_process():
    assert get_vocabulary("language") is get_vocabulary("language")
    before = get_vocabulary.cache_info()
    get_vocabulary("language")
    after = get_vocabulary.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


def test_vocabularies_are_immutable():
    vocabulary = get_vocabulary("spatial")
    assert isinstance(vocabulary, Vocabulary)
    assert isinstance(vocabulary.terms, tuple)
    with pytest.raises(AttributeError):
        vocabulary.terms[0].label_sv = "Mölndal"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  http://sws.geonames.org/2661886 \n", "http://sws.geonames.org/2661886"),
        ("https://sws.geonames.org/2661886/", "http://sws.geonames.org/2661886"),
        ("https://sws.geonames.org/2661886", "http://sws.geonames.org/2661886"),
        ("http://sws.geonames.org/2661886/", "http://sws.geonames.org/2661886"),
        (
            "https://publications.europa.eu/resource/authority/frequency/DAILY",
            "http://publications.europa.eu/resource/authority/frequency/DAILY",
        ),
        (
            " https://publications.europa.eu/resource/authority/language/SWE ",
            "http://publications.europa.eu/resource/authority/language/SWE",
        ),
        (
            "http://publications.europa.eu/resource/authority/data-theme/ENVI",
            "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        ),
        # Other URIs are only stripped: CC licences keep https/http as given.
        ("https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/"),
        ("https://sws.geonames.org/2661886/about.rdf", "https://sws.geonames.org/2661886/about.rdf"),
        ("text/csv", "text/csv"),
        ("", ""),
    ],
)
def test_normalise_uri(raw, expected):
    assert normalise_uri(raw) == expected


def test_normalised_harvest_values_are_found():
    assert normalise_uri("https://publications.europa.eu/resource/authority/access-right/PUBLIC") in (
        get_vocabulary("access-right")
    )
    assert normalise_uri("https://sws.geonames.org/2661886/") in get_vocabulary("spatial")
