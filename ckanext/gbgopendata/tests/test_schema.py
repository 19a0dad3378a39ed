"""The DCAT-AP-SE dataset and distribution schema, through CKAN's action API.

Table-driven: each row is one field with a good or a bad value. Bad values
must give a ValidationError naming the field and store nothing.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.model as model
from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

THEME_TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
THEME_ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
DAILY = "http://publications.europa.eu/resource/authority/frequency/DAILY"
SWEDISH = "http://publications.europa.eu/resource/authority/language/SWE"
HVD = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
HVD_MOBILITY = "http://data.europa.eu/bna/c_b79e35eb"
GOTEBORG = "http://sws.geonames.org/2711533"
AVAILABLE = "http://publications.europa.eu/resource/authority/planned-availability/AVAILABLE"
COMPLETED = "http://publications.europa.eu/resource/authority/distribution-status/COMPLETED"


def _create(user: dict, organization: dict, **fields: Any) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": user["name"]},
        name="parkeringsplatser",
        owner_org=organization["id"],
        **dataset_fields(**fields),
    )


def _dataset_count() -> int:
    return model.Session.query(model.Package).count()


# field, value given, value package_show returns
GOOD_DATASET_VALUES = [
    ("theme", [THEME_TRAN, THEME_ENVI], [THEME_TRAN, THEME_ENVI]),
    ("theme", "https://publications.europa.eu/resource/authority/data-theme/TRAN", [THEME_TRAN]),
    ("access_rights", PUBLIC, PUBLIC),
    ("frequency", DAILY, DAILY),
    ("language", [SWEDISH], [SWEDISH]),
    ("temporal_start", "2020-01-01", "2020-01-01"),
    ("issued", "2021-05-17", "2021-05-17"),
    ("modified", "2024-12-31", "2024-12-31"),
    ("url", "https://goteborg.se/parkering", "https://goteborg.se/parkering"),
    ("documentation", ["https://goteborg.se/doc"], ["https://goteborg.se/doc"]),
    ("conforms_to", ["https://www.w3.org/TR/vocab-dcat-3/"], ["https://www.w3.org/TR/vocab-dcat-3/"]),
    ("version", "2.1", "2.1"),
    ("provenance", {"sv": "Inmätt av stadsbyggnadskontoret."}, {"sv": "Inmätt av stadsbyggnadskontoret."}),
    (
        "contact",
        [{"name": "Trafikkontoret", "email": "trafikkontoret@goteborg.se", "telephone": "+46 31 365 00 00"}],
        [
            {
                "name": "Trafikkontoret",
                "email": "trafikkontoret@goteborg.se",
                "telephone": "+46 31 365 00 00",
                "kind": "Organization",
            }
        ],
    ),
    ("spatial_coverage", [{"uri": "https://sws.geonames.org/2711533/"}], [{"uri": GOTEBORG}]),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("field", "value", "expected"), GOOD_DATASET_VALUES, ids=[r[0] for r in GOOD_DATASET_VALUES])
def test_good_dataset_value_is_stored(sysadmin, organization, field, value, expected):
    created = _create(sysadmin, organization, **{field: value})

    shown = helpers.call_action("package_show", id=created["id"])
    got = shown[field]
    if field == "contact":
        got = [{k: v for k, v in contact.items() if v} for contact in got]
    assert got == expected


# field, bad value, a fragment of the English message
BAD_DATASET_VALUES = [
    ("theme", ["http://publications.europa.eu/resource/authority/data-theme/NOPE"], "controlled vocabulary"),
    ("access_rights", "public", "controlled vocabulary"),
    ("frequency", "http://purl.org/cld/freq/daily", "controlled vocabulary"),
    ("language", ["sv"], "controlled vocabulary"),
    ("url", "goteborg.se/parkering", "absolute web address"),
    ("url", "https://goteborg.se/park ering", "absolute web address"),
    ("documentation", ["ftp//x"], "absolute web address"),
    ("temporal_start", "17 maj 2021", "YYYY-MM-DD"),
    ("issued", "2021-13-01", "YYYY-MM-DD"),
    ("contact", [{"name": "Trafikkontoret", "email": "trafikkontoret-at-goteborg.se"}], "e-mail address"),
    ("contact", [{"name": "Trafikkontoret", "email": "t@goteborg.se", "telephone": "031-3650000"}], "country code"),
    ("spatial_coverage", [{"uri": "http://example.org/place/1"}], "Geonames URI"),
    ("hvd_category", [HVD_MOBILITY], "only allowed on a high-value dataset"),
    ("title_translated", {"en": "Parking spaces"}, "Swedish text is required"),
    ("title_translated", {"sv": "Parkering", "de": "Parkplätze"}, "Unsupported language"),
    ("notes_translated", {"sv": "  "}, "Swedish text is required"),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_DATASET_VALUES, ids=[f"{r[0]}-{i}" for i, r in enumerate(BAD_DATASET_VALUES)]
)
def test_bad_dataset_value_is_refused_and_nothing_is_stored(sysadmin, organization, field, value, message):
    before = _dataset_count()

    with pytest.raises(toolkit.ValidationError) as error:
        _create(sysadmin, organization, **{field: value})

    assert field in error.value.error_dict
    assert message in json.dumps(error.value.error_dict, ensure_ascii=False)
    assert _dataset_count() == before


@pytest.mark.usefixtures("with_plugins")
def test_end_date_before_start_date_is_refused(sysadmin, organization):
    with pytest.raises(toolkit.ValidationError) as error:
        _create(sysadmin, organization, temporal_start="2024-01-01", temporal_end="2023-12-31")
    assert "temporal_end" in error.value.error_dict


@pytest.mark.usefixtures("with_plugins")
def test_hvd_dataset_needs_a_category_and_keeps_it(sysadmin, organization):
    with pytest.raises(toolkit.ValidationError) as error:
        _create(sysadmin, organization, applicable_legislation=[HVD])
    assert "hvd_category" in error.value.error_dict

    created = _create(sysadmin, organization, applicable_legislation=[HVD], hvd_category=[HVD_MOBILITY])
    assert created["hvd_category"] == [HVD_MOBILITY]
    assert created["applicable_legislation"] == [HVD]


@pytest.mark.usefixtures("with_plugins")
def test_multilingual_fields_keep_both_languages_and_fill_the_core_fields(sysadmin, organization):
    created = _create(
        sysadmin,
        organization,
        tags_translated={"sv": ["parkering", "trafik"], "en": ["parking"]},
    )

    assert created["title_translated"] == {"sv": "Parkeringsplatser", "en": "Parking spaces"}
    assert created["title"] == "Parkeringsplatser"
    assert created["notes"] == "Kommunala parkeringsplatser."
    assert created["tags_translated"] == {"sv": ["parkering", "trafik"], "en": ["parking"]}
    assert sorted(tag["name"] for tag in created["tags"]) == ["parkering", "trafik"]
    # Solr indexes the Swedish core fields.
    assert helpers.call_action("package_search", q="Parkeringsplatser")["count"] == 1


@pytest.mark.usefixtures("with_plugins")
def test_update_and_patch_validate_like_create(sysadmin, organization):
    created = _create(sysadmin, organization, theme=[THEME_TRAN])
    context = {"user": sysadmin["name"]}

    patched = helpers.call_action("package_patch", context=context, id=created["id"], theme=[THEME_ENVI])
    assert patched["theme"] == [THEME_ENVI]
    assert patched["title_translated"]["en"] == "Parking spaces"

    with pytest.raises(toolkit.ValidationError) as error:
        helpers.call_action("package_patch", context=context, id=created["id"], theme=["nonsense"])
    assert "theme" in error.value.error_dict
    assert helpers.call_action("package_show", id=created["id"])["theme"] == [THEME_ENVI]

    updated = dict(patched, frequency=DAILY)
    assert helpers.call_action("package_update", context=context, **updated)["frequency"] == DAILY


# --- distributions --------------------------------------------------------------------

GOOD_RESOURCE_VALUES = [
    ("format", "text/csv", "text/csv"),
    ("format", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("format", "CSV", "text/csv"),
    ("format", "application/x-custom+json", "application/x-custom+json"),
    ("download_url", "https://goteborg.se/opendata/parkering.csv", "https://goteborg.se/opendata/parkering.csv"),
    ("availability", AVAILABLE, AVAILABLE),
    ("status", COMPLETED, COMPLETED),
    ("size", "2048", 2048),
    ("hash", "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
    ("conforms_to", ["https://goteborg.se/openapi.json"], ["https://goteborg.se/openapi.json"]),
    ("name_translated", {"sv": "Parkering (CSV)", "en": "Parking (CSV)"}, {"sv": "Parkering (CSV)", "en": "Parking (CSV)"}),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("field", "value", "expected"), GOOD_RESOURCE_VALUES, ids=[f"{r[0]}-{i}" for i, r in enumerate(GOOD_RESOURCE_VALUES)]
)
def test_good_resource_value_is_stored(sysadmin, organization, field, value, expected):
    created = _create(sysadmin, organization, resources=[resource_fields(**{field: value})])

    resource = helpers.call_action("package_show", id=created["id"])["resources"][0]
    assert resource[field] == expected


BAD_RESOURCE_VALUES = [
    ("format", "", "Choose a format"),
    ("format", "csv file", "Unknown format: “csv file”"),
    ("url", "", "Missing value"),
    ("availability", "always", "controlled vocabulary"),
    ("status", "http://purl.org/adms/status/Completed", "controlled vocabulary"),
    ("size", "-1", "whole number of bytes"),
    ("size", "1 MB", "whole number of bytes"),
    ("hash", "abc", "SHA-1"),
    ("download_url", "www.goteborg.se/x.csv", "absolute web address"),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_RESOURCE_VALUES, ids=[f"{r[0]}-{i}" for i, r in enumerate(BAD_RESOURCE_VALUES)]
)
def test_bad_resource_value_is_refused_and_nothing_is_stored(sysadmin, organization, field, value, message):
    before = _dataset_count()

    with pytest.raises(toolkit.ValidationError) as error:
        _create(sysadmin, organization, resources=[resource_fields(**{field: value})])

    assert message in json.dumps(error.value.error_dict, ensure_ascii=False)
    assert _dataset_count() == before


@pytest.mark.usefixtures("with_plugins")
def test_resource_create_validates_too(sysadmin, organization):
    created = _create(sysadmin, organization, resources=[resource_fields()])

    with pytest.raises(toolkit.ValidationError) as error:
        helpers.call_action(
            "resource_create",
            context={"user": sysadmin["name"]},
            package_id=created["id"],
            **resource_fields(format="not a type"),
        )
    assert "format" in error.value.error_dict
    assert len(helpers.call_action("package_show", id=created["id"])["resources"]) == 1


@pytest.mark.usefixtures("with_plugins")
def test_validation_messages_follow_the_request_language(app, sysadmin, organization):
    payload = {
        "name": "parkeringsplatser",
        "owner_org": organization["id"],
        **dataset_fields(theme=["nonsense"]),
    }
    headers = {"Authorization": sysadmin["token"]}

    swedish = app.post("/api/action/package_create", json=payload, headers=headers, status=409).json
    english = app.post("/en/api/action/package_create", json=payload, headers=headers, status=409).json

    assert "theme" in swedish["error"] and "theme" in english["error"]
    assert "controlled vocabulary" in english["error"]["theme"][0]
    assert "kontrollerade vokabulär" in swedish["error"]["theme"][0]
