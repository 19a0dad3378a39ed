"""The publisher (organisation) schema: names in sv/en, organisationsnummer
with check digit, ADMS publisher type."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata.logic.validators import orgnr_check_digit
from ckanext.gbgopendata.tests.helpers import LOCAL_AUTHORITY, organization_fields


@pytest.mark.parametrize(
    ("orgnr", "check_digit"),
    [
        ("212000-135", 5),  # Göteborgs kommun
        ("202100-548", 9),  # Bolagsverket
        ("202100-544", 8),  # Skatteverket
        ("212000-014", 2),  # Stockholms kommun
    ],
)
def test_orgnr_check_digit(orgnr, check_digit):
    assert orgnr_check_digit(orgnr.replace("-", "")) == check_digit


def _create(user, **fields):
    return helpers.call_action(
        "organization_create", context={"user": user["name"]}, name="trafikkontoret", **organization_fields(**fields)
    )


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("given", ["212000-1355", "2120001355", " 212000-1355 "])
def test_orgnr_is_stored_normalised(sysadmin, given):
    created = _create(sysadmin, orgnr=given)
    assert helpers.call_action("organization_show", id=created["id"])["orgnr"] == "2120001355"


BAD_ORGANIZATION_VALUES = [
    ("orgnr", "212000-1354", "check digit"),
    ("orgnr", "21200-1355", "10 digits"),
    ("orgnr", "", "Missing value"),
    ("publisher_type", "http://purl.org/adms/publishertype/Municipality", "controlled vocabulary"),
    ("publisher_type", "", "Missing value"),
    ("title_translated", {"en": "Urban Transport Administration"}, "Swedish text is required"),
    ("homepage", "goteborg.se", "absolute web address"),
    ("email", "trafikkontoret", "e-mail address"),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    BAD_ORGANIZATION_VALUES,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(BAD_ORGANIZATION_VALUES)],
)
def test_bad_organization_value_is_refused_and_nothing_is_stored(sysadmin, field, value, message):
    with pytest.raises(toolkit.ValidationError) as error:
        _create(sysadmin, **{field: value})

    assert field in error.value.error_dict
    assert message in json.dumps(error.value.error_dict, ensure_ascii=False)
    assert model.Session.query(model.Group).filter_by(name="trafikkontoret").count() == 0


@pytest.mark.usefixtures("with_plugins")
def test_organization_keeps_both_languages(sysadmin):
    created = _create(
        sysadmin,
        description_translated={"sv": "Ansvarar för gator.", "en": "Responsible for streets."},
        homepage="https://goteborg.se/trafikkontoret",
        email="trafikkontoret@goteborg.se",
    )
    shown = helpers.call_action("organization_show", id=created["id"])
    assert shown["title"] == "Trafikkontoret"
    assert shown["title_translated"] == {"sv": "Trafikkontoret", "en": "Urban Transport Administration"}
    assert shown["description"] == "Ansvarar för gator."
    assert shown["publisher_type"] == LOCAL_AUTHORITY
