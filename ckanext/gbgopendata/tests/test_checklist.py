"""The checklist as data (the YAML file and its validation) and the
automatic items, each for each of its conditions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ckanext.gbgopendata import checklist
from ckanext.gbgopendata.checklist import automatic, definition
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, complete_metadata
from ckanext.gbgopendata.tests.helpers import derived_ini, resource_fields

DEFAULT = definition.DEFAULT_FILE


def _default_document():
    with open(DEFAULT, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


# --- the default checklist --------------------------------------------------------------


def test_the_default_checklist_has_the_citys_phases_and_the_items_the_issue_names():
    current = checklist.load(DEFAULT)
    assert [(phase.id, phase.title_sv) for phase in current.phases] == [
        ("A", "Identifiera och prioritera"),
        ("B", "Förbered publicering"),
        ("C", "Lansera och förvalta"),
    ]
    automatic_checks = {item.check for item in current.items if item.automatic}
    assert automatic_checks == set(automatic.CHECK_NAMES)
    confirmed = {item.id: item for item in current.items if not item.automatic}
    assert set(confirmed) == {
        "owner_and_maintainer", "personal_data", "no_secrecy", "third_party_rights", "no_fees", "tested",
        "update_plan", "feedback_channel", "owner_approval", "announced_and_followed_up",
    }
    assert confirmed["owner_approval"].confirmed_by == "admin"
    assert [item_id for item_id, item in confirmed.items() if item.confirmed_by == "admin"] == ["owner_approval"]
    assert confirmed["announced_and_followed_up"].required is False
    # the metadata quality is recommended unless quality_min_rating is set
    assert {item.id for item in current.items if not item.required} == {"announced_and_followed_up", "quality"}
    for item in current.items:
        assert item.text_sv and item.text_en and item.text_sv != item.text_en


# --- a broken file is refused with the problem named ---------------------------------------


def _write(tmp_path: Path, document) -> str:
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True) if not isinstance(document, str) else document, "utf-8")
    return str(path)


def _broken(change):
    document = _default_document()
    change(document)
    return document


@pytest.mark.parametrize(
    "document, message",
    [
        ("items: [", "is not valid YAML"),
        (["a list"], "expected a mapping with 'phases' and 'items'"),
        (_broken(lambda d: d["items"][0].update(kind="manual")), "item 'owner_and_maintainer': the kind must be automatic or confirmed"),
        (_broken(lambda d: d["items"][1].update(check="weather")), "item 'classification': the check must be one of"),
        (_broken(lambda d: d["items"][0]["text"].pop("en")), "item 'owner_and_maintainer'.text: the en text is missing"),
        (_broken(lambda d: d["items"][2].update(id="owner_and_maintainer")), "item 'owner_and_maintainer': the id is used twice"),
        (_broken(lambda d: d["items"][0].update(phase="D")), "item 'owner_and_maintainer': the phase must be one of"),
        (_broken(lambda d: d["items"][0].update(confirmed_by="anyone")), "confirmed_by must be editor or admin"),
        (_broken(lambda d: d["items"][0].update(required="yes")), "required must be true or false"),
        (_broken(lambda d: d["items"][0].update(id="Ägare")), "the id must be lower-case letters"),
        (_broken(lambda d: d["items"][0].update(colour="red")), "unknown keys ['colour']"),
        (_broken(lambda d: d.update(items=[])), "no items"),
        (_broken(lambda d: d.update(phases=[])), "no phases"),
    ],
)
def test_a_broken_checklist_file_is_refused_naming_the_problem(tmp_path, document, message):
    path = _write(tmp_path, document)
    with pytest.raises(checklist.ChecklistFileError) as raised:
        checklist.load(path)
    assert message in str(raised.value)
    assert path in str(raised.value)


def test_a_missing_file_is_refused():
    with pytest.raises(checklist.ChecklistFileError, match="cannot be read"):
        checklist.load("/nonexistent/checklist.yaml")


def test_ckan_does_not_start_with_a_broken_checklist_file(tmp_path):
    path = _write(tmp_path, _broken(lambda d: d["items"][0].update(kind="manual")))
    ini = derived_ini(tmp_path / "broken.ini", **{"ckanext.gbgopendata.checklist_file": path})
    ckan = Path(sys.executable).parent / "ckan"
    result = subprocess.run([sys.executable, str(ckan), "-c", str(ini), "gbgopendata", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "ckanext.gbgopendata.checklist_file" in output
    assert "item 'owner_and_maintainer': the kind must be automatic or confirmed" in output


def test_a_citys_own_checklist_file_is_used(tmp_path):
    document = _default_document()
    document["items"].append(
        {"id": "accessibility", "phase": "B", "kind": "confirmed", "required": True, "confirmed_by": "editor",
         "text": {"sv": "Tillgänglighetskraven är uppfyllda.", "en": "The accessibility requirements are met."}}
    )
    path = _write(tmp_path, document)
    assert checklist.configured_file({checklist.CONFIG_OPTION: path}) == path
    assert checklist.load(path).item("accessibility").text("sv") == "Tillgänglighetskraven är uppfyllda."
    assert checklist.configured_file({checklist.CONFIG_OPTION: ""}) == DEFAULT


# --- the automatic items --------------------------------------------------------------------------


@pytest.fixture
def publisher(with_plugins, organization):
    return organization


def _missing(check, **overrides):
    import dataclasses

    from ckanext.gbgopendata import assessment
    from ckanext.gbgopendata.logic import facts

    dataset = assessment.shape(complete_metadata(**overrides))
    # complete metadata, as its kept quality says (rated Good in both variants)
    assessed = dataclasses.replace(facts.facts(dataset, confirmations={}), quality={"eu": "good", "se": "good"})
    return assessment.automatic_missing(check, dataset, assessed)


@pytest.mark.usefixtures("with_plugins")
class TestAutomaticItems:
    @pytest.fixture(autouse=True)
    def _organisation(self, organization):
        self.owner = organization["id"]

    def check(self, check, **overrides):
        return [missing.field for missing in _missing(check, owner_org=self.owner, **overrides)]

    def test_a_complete_dataset_meets_every_automatic_item(self):
        for check in automatic.CHECK_NAMES:
            assert self.check(check) == [], check

    @pytest.mark.parametrize(
        "levels, done",
        [
            ({"confidentiality_level": "0", "integrity_level": "1", "availability_level": "2"}, True),
            ({"confidentiality_level": "1", "integrity_level": "0", "availability_level": "0"}, False),
            ({"confidentiality_level": "2", "integrity_level": "0", "availability_level": "0"}, False),
            ({"confidentiality_level": "0", "integrity_level": None, "availability_level": "0"}, False),
            ({"confidentiality_level": "0", "integrity_level": "0", "availability_level": None}, False),
            ({"confidentiality_level": None, "integrity_level": "0", "availability_level": "0"}, False),
            ({"confidentiality_level": "x", "integrity_level": "0", "availability_level": "0"}, False),
        ],
    )
    def test_classification(self, levels, done):
        assert (self.check("classification", **levels) == []) is done

    @pytest.mark.parametrize(
        "licence, resource_licence, fields",
        [
            ("CC0-1.0", None, []),
            ("CC-BY-4.0", "http://creativecommons.org/licenses/by/4.0/", []),
            ("https://creativecommons.org/publicdomain/zero/1.0/deed.sv", None, []),
            ("CC-BY-NC-4.0", None, ["license_id"]),
            ("", None, ["license_id"]),
            ("CC0-1.0", "CC-BY-ND-4.0", ["resources"]),
        ],
    )
    def test_open_licence(self, licence, resource_licence, fields):
        resource = resource_fields(**({"license": resource_licence} if resource_licence else {}))
        assert self.check("open_licence", license_id=licence, resources=[resource]) == fields

    @pytest.mark.parametrize(
        "overrides, fields",
        [
            ({"title_translated": {}}, ["title_translated"]),
            ({"notes_translated": {}}, ["notes_translated"]),
            ({"resources": []}, ["resources"]),
            ({"resources": [resource_fields(url="")]}, ["resources"]),
            ({"resources": [resource_fields(format="")]}, ["resources"]),
            ({"owner_org": None}, ["owner_org"]),
        ],
    )
    def test_mandatory_metadata(self, overrides, fields):
        assert [missing.field for missing in _missing("mandatory_metadata", **{"owner_org": self.owner, **overrides})] == fields

    def test_mandatory_metadata_wants_the_publishers_orgnr(self):
        # An organisation stored before the schema asked for the orgnr.
        from ckan import model

        group = model.Group.get(self.owner)
        group.extras = {key: value for key, value in group.extras.items() if key != "orgnr"}
        model.repo.commit()
        assert self.check("mandatory_metadata") == ["owner_org"]

    @pytest.mark.parametrize(
        "contact, done",
        [
            ([{"name": "Trafikkontoret", "email": "a@goteborg.se"}], True),
            ([{"name": "Trafikkontoret"}], False),
            ([{"name": "Trafikkontoret", "email": " "}], False),
            ([], False),
            ('[{"name": "Trafikkontoret", "email": "a@goteborg.se"}]', True),  # as stored in extras
            ("not json", False),
        ],
    )
    def test_contact_email(self, contact, done):
        assert (self.check("contact_email", contact=contact) == []) is done

    @pytest.mark.parametrize(
        "title, notes, missing",
        [
            ({"sv": "T", "en": "T"}, {"sv": "B", "en": "B"}, 0),
            ({"sv": "T"}, {"sv": "B", "en": "B"}, 1),
            ({"sv": "T", "en": " "}, {"sv": "B"}, 2),
            ({"en": "T"}, {"en": "B"}, 2),
        ],
    )
    def test_bilingual_text(self, title, notes, missing):
        assert len(self.check("bilingual_text", title_translated=title, notes_translated=notes)) == missing

    @pytest.mark.parametrize(
        "formats, done",
        [
            (["text/csv"], True),
            (["application/pdf", "application/geo+json"], True),
            (["text/csv+zip"], True),
            (["application/pdf"], False),
            (["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"], False),  # Excel: proprietary
            (["application/x-shapefile"], False),
            (["text/html"], False),
            ([], False),
        ],
    )
    def test_open_format(self, formats, done):
        resources = [resource_fields(format=media_type) for media_type in formats]
        assert (self.check("open_format", resources=resources) == []) is done


