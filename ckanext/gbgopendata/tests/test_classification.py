"""The classification and the publication rule's classification condition:
pure functions, no CKAN needed."""
from __future__ import annotations

import pytest

from ckanext.gbgopendata import classification
from ckanext.gbgopendata import rule
from ckanext.gbgopendata import assessment
from ckanext.gbgopendata.checklist import automatic, definition

OPEN_LICENSES = ["CC0-1.0", "CC-BY-4.0"]
RULES = assessment.Rules(
    definition.load(definition.DEFAULT_FILE, automatic.CHECK_NAMES), tuple(OPEN_LICENSES), frozenset({"dataset"})
)


def publication_blockers(dataset, open_licenses):
    """The standing conditions the assessment decides (the checklist's are
    the checklist tests')."""
    assert list(open_licenses) == OPEN_LICENSES
    return list(assessment.standing(assessment.shape(dataset), RULES))
CLASSIFIED = {"confidentiality_level": "0", "integrity_level": "1", "availability_level": "2"}


def _dataset(**fields):
    return {"license_id": "CC0-1.0", **CLASSIFIED, **fields}


def _codes(dataset):
    return [blocker.code for blocker in publication_blockers(dataset, open_licenses=OPEN_LICENSES)]


def test_the_seed_table_is_there_in_both_languages():
    assert len(classification.LEVEL_DEFINITIONS) == 9
    for definition in classification.LEVEL_DEFINITIONS:
        assert definition.definition_sv and definition.definition_en
        assert definition.name_sv.startswith(f"Nivå {definition.level}")
        assert definition.name_en.startswith(f"Level {definition.level}")
    # The city's own words, from "Göteborgs Stads riktlinjer för informationssäkerhet".
    open_information = classification.level_definition("confidentiality", "0")
    assert open_information.definition_sv.startswith(
        "Information som är öppen och avsedd för eller kan spridas till en obestämd krets mottagare"
    )
    assert "ingen skada" in open_information.definition_sv
    assert "no harm" in open_information.definition_en
    assert "grundsäkerhetsnivå" in classification.level_definition("integrity", "1").name_sv
    assert "allvarlig skada" in classification.level_definition("availability", "2").definition_sv
    assert "serious harm" in classification.level_definition("availability", "2").definition_en


def test_a_public_dataset_at_confidentiality_0_with_a_complete_classification_may_be_public():
    assert _codes(_dataset()) == []


@pytest.mark.usefixtures("with_catalogues")
@pytest.mark.parametrize("level", ["1", "2", 1, 2, " 2 "])
def test_confidentiality_above_0_blocks_publication_and_says_so_in_the_language_asked(level):
    blockers = publication_blockers(_dataset(confidentiality_level=level), open_licenses=OPEN_LICENSES)

    assert [b.code for b in blockers] == ["confidentiality_above_0"]
    blocker = blockers[0]
    assert blocker.field == "confidentiality_level"
    swedish, english = blocker.message("sv"), blocker.message("en")
    assert swedish.startswith("Endast information med konfidentialitet nivå 0 får publiceras öppet. Datamängden har")
    assert f"konfidentialitet nivå {str(level).strip()} " in swedish
    assert english.startswith("Only information at confidentiality level 0 may be published openly. The dataset has")
    assert f"confidentiality level {str(level).strip()} " in english
    # One language each, never both joined.
    assert "Only" not in swedish and "nivå" not in english and " / " not in swedish + english


def test_a_reason_is_a_message_the_rule_does_not_render():
    blocker = publication_blockers(_dataset(confidentiality_level="2"), open_licenses=OPEN_LICENSES)[0]
    assert blocker.reason.msgid.startswith("Only information at confidentiality level 0")
    # Outside an app (a job, a bare call) the extension's own catalogue renders it.
    assert blocker.message("sv").startswith("Endast information med konfidentialitet nivå 0")
    assert blocker.message("en").startswith("Only information at confidentiality level 0")


@pytest.mark.parametrize("level", [None, "", "3", "-1", "nivå 0", "0.0", True, [], {}])
def test_a_missing_or_invalid_confidentiality_blocks_publication(level):
    dataset = _dataset()
    if level is None:
        del dataset["confidentiality_level"]
    else:
        dataset["confidentiality_level"] = level

    assert _codes(dataset) == ["confidentiality_unclassified"]


@pytest.mark.usefixtures("with_catalogues")
@pytest.mark.parametrize("field", ["integrity_level", "availability_level"])
def test_an_incomplete_classification_blocks_publication(field):
    dataset = _dataset()
    del dataset[field]

    blockers = publication_blockers(dataset, open_licenses=OPEN_LICENSES)

    assert [b.field for b in blockers] == [field]
    assert "ofullständig" in blockers[0].message("sv") and "incomplete" in blockers[0].message("en")


def test_every_unmet_condition_is_returned_not_just_the_first():
    dataset = {"confidentiality_level": "2"}  # no integrity, availability or licence

    codes = _codes(dataset)

    assert codes[:3] == ["confidentiality_above_0", "integrity_unclassified", "availability_unclassified"]
    assert "license_missing" in codes  # the licence condition adds its own


def test_a_non_level_classification_counts_as_none():
    assert classification.classification_of({"confidentiality_level": "x", "integrity_level": 0}) == {
        "confidentiality_level": None,
        "integrity_level": "0",
        "availability_level": None,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", "0"), (1, "1"), (" 2 ", "2"), (None, None), ("", None), ("  ", None)],
)
def test_normalise_level(value, expected):
    assert classification.normalise_level(value) == expected


@pytest.mark.parametrize("value", ["3", "one", True, 1.5, "00"])
def test_normalise_level_refuses_what_is_not_a_level(value):
    with pytest.raises(ValueError):
        classification.normalise_level(value)


@pytest.mark.parametrize(
    ("currently_public", "confidentiality", "unpublished"),
    [(True, "1", True), (True, "2", True), (True, "0", False), (True, None, False), (False, "2", False)],
)
def test_raising_confidentiality_on_a_public_dataset_unpublishes_it(currently_public, confidentiality, unpublished):
    dataset = _dataset(confidentiality_level=confidentiality)

    assert rule.unpublished_by_raise(currently_public, dataset) is unpublished


def test_classification_changed_compares_levels_not_spelling():
    assert not classification.classification_changed(CLASSIFIED, {**CLASSIFIED, "integrity_level": 1})
    assert classification.classification_changed(CLASSIFIED, {**CLASSIFIED, "integrity_level": "2"})
    assert classification.classification_changed(CLASSIFIED, {})


def test_internal_fields_are_the_stamps_and_the_levels_other_than_confidentiality():
    assert set(classification.INTERNAL_FIELDS) == {
        "integrity_level",
        "availability_level",
        "classification_date",
        "classified_by",
    }
    assert "confidentiality_level" not in classification.INTERNAL_FIELDS
