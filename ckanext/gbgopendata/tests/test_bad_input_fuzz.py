"""Table-driven fuzz (issue 8): each class of bad value goes to every field
of the dataset, distribution and organisation schemas, read from the
scheming schemas at test time (a new field is covered without touching this
file), through the real action API over HTTP (package_patch, resource_patch,
organization_patch), so a server error shows as 500.

Every bad value must give a 409 whose error names the field, and the
dataset or organisation must be exactly as before. Empty text, which the web
form sends for an empty field, is no value, or refused by name where the
field is required. A value of exactly the
field's `max_length` (where a valid one can be made) must be stored, and one
of the widest characters (four bytes each in UTF-8) must not give a server
error, so the maximums fit what PostgreSQL and Solr hold.

Each test collects every failure and reports them together, so one run
shows all fields that need work.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest

from ckan.tests import helpers
from ckanext.scheming.helpers import scheming_get_dataset_schema, scheming_get_organization_schema

from ckanext.gbgopendata.logic.validators import max_length
from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

# Bad wherever text is expected (and wherever a number or a choice is).
BAD_VALUES: dict[str, Any] = {
    "NUL": "a\u0000b",
    "lone surrogate": "a\ud800b",
    "control character": "a\u001bb",
    "list": ["a"],
    "object": {"a": "b"},
    "number": 1.5,
    "huge integer": 10**30,
    "boolean": True,
    "oversize": None,  # the field's max_length + 1, see _oversize
}
# Bad wherever the field is not free text.
BAD_CONTENT: dict[str, Any] = {
    "malformed URL": "http://[",
    "javascript: URL": "javascript:alert(1)",
    "not a URL": "not a url",
    "garbage date": "2020-01-01garbage",
}
# Validators that take any text: a field with no other validator is free
# text, and BAD_CONTENT is good text for it.
TEXT_ONLY = {
    "ignore_missing", "ignore_empty", "not_empty", "gbgopendata_text", "strip_value", "unicode_safe", "remove_whitespace",
    "scheming_required", "fluent_gbgopendata_text", "fluent_gbgopendata_core_translated",
}
# Set by the server, whatever a request sends (README: Classification).
SERVER_SET = "gbgopendata_not_from_input"
# BAD_CONTENT values that are good values of a field with this validator.
GOOD_CONTENT = {
    "name_validator": {"garbage date"},  # a URL name such as 2020-01-01garbage
    "fluent_gbgopendata_tags": {"not a URL", "garbage date"},  # keywords
    "gbgopendata_image_url": {"garbage date"},  # the name of an uploaded image
    "gbgopendata_source_identifier": set(BAD_CONTENT),  # dct:identifier: any text a source gave
}

WIDE = "😀"


# --- the fields and where a value goes -------------------------------------------------------


def _validators(field: dict) -> set[str]:
    return {name.split("(")[0] for name in str(field.get("validators", "")).split()}


def _shape(field: dict) -> str:
    validators = _validators(field)
    if "repeating_subfields" in field:
        return "entries"
    if "fluent_gbgopendata_tags" in validators:
        return "translated list"
    if validators & {"fluent_gbgopendata_text", "fluent_gbgopendata_core_translated"}:
        return "translated"
    if validators & {"gbgopendata_uris", "gbgopendata_vocabulary_values"}:
        return "list"
    return "text"


def _free_text(field: dict) -> bool:
    return _shape(field) in ("text", "translated") and not (_validators(field) - TEXT_ONLY)


class Target:
    """One place of a field where a value goes: the field's whole value, or
    inside it (one language, one list item, one subfield of an entry)."""

    def __init__(self, field: dict, where: str, sub: dict | None = None):
        self.field, self.where, self.sub = field, where, sub
        self.name = field["field_name"]
        self.text_field = sub or field  # whose max_length and validators apply

    def __repr__(self) -> str:
        return f"{self.name}{'.' + self.sub['field_name'] if self.sub else ''} ({self.where})"

    def given(self, value: Any) -> Any:
        if self.where == "value":
            return value
        if self.where == "sv":
            return {"sv": value}
        if self.where == "sv item":
            return {"sv": [value]}
        if self.where == "item":
            return [value]
        return [{self.sub["field_name"]: value}]

    def stored(self, shown: dict) -> Any:
        value = shown.get(self.name)
        if self.where == "sv":
            return (value or {}).get("sv")
        if self.where == "sv item":
            return ((value or {}).get("sv") or [None])[0]
        if self.where == "item":
            return (value or [None])[0]
        if self.where == "entry":
            return ((value or [{}])[0]).get(self.sub["field_name"])
        return value

    def named_in(self, error: dict) -> bool:
        if self.name not in error:
            return False
        return self.sub is None or self.sub["field_name"] in json.dumps(error[self.name])


def targets(fields: list[dict]) -> Iterator[Target]:
    for field in fields:
        yield Target(field, "value")
        shape = _shape(field)
        if shape == "translated":
            yield Target(field, "sv")
        elif shape == "translated list":
            yield Target(field, "sv item")
        elif shape == "list":
            yield Target(field, "item")
        elif shape == "entries":
            for sub in field["repeating_subfields"]:
                yield Target(field, "entry", sub)


def _valid_text(field: dict, length: int, letter: str = "a") -> str | None:
    """A value the field takes, `length` characters long; None where no
    length makes a valid value (vocabularies, dates, numbers, choices)."""
    validators = _validators(field)
    if validators & {"gbgopendata_uri", "gbgopendata_uris", "gbgopendata_resource_url", "gbgopendata_image_url"}:
        return "https://goteborg.se/" + letter * (length - 20)
    if "gbgopendata_email" in validators:
        return letter * (length - 12) + "@goteborg.se"
    if "gbgopendata_telephone" in validators and letter == "a":
        return "+46 " + "1" * (length - 4)
    if "gbgopendata_media_type" in validators and letter == "a":
        return "application/" + "a" * (length - 12)
    if "name_validator" in validators and letter == "a":
        return "a" * length
    if _free_text(field) or "fluent_gbgopendata_tags" in validators:
        return letter * length
    return None


def _oversize(target: Target) -> str:
    longest = max_length(target.text_field) + 1
    return _valid_text(target.text_field, longest) or "a" * longest


def _bad_values(target: Target) -> Iterator[tuple[str, Any]]:
    for kind, value in BAD_VALUES.items():
        yield kind, _oversize(target) if kind == "oversize" else value
    if not _free_text(target.text_field):
        good = set().union(*(GOOD_CONTENT.get(name, set()) for name in _validators(target.text_field)))
        yield from ((kind, value) for kind, value in BAD_CONTENT.items() if kind not in good)


def _server_set(target: Target) -> bool:
    return SERVER_SET in _validators(target.field)


# --- sending ---------------------------------------------------------------------------


def _patch(app, user: dict, action: str, object_id: str, field: str, value: Any):
    return app.post(
        f"/api/action/{action}",
        json={"id": object_id, field: value},
        headers={"Authorization": user["token"]},
        expect_errors=True,
    )


def _fuzz(app, user: dict, action: str, object_id: str, fields: list[dict], show: Callable[[], dict]) -> list[str]:
    failures = []
    before = show()
    for target in targets(fields):
        for kind, value in _bad_values(target):
            if _server_set(target) and kind not in ("NUL", "lone surrogate", "control character"):
                continue  # ignored by design: the server sets it
            response = _patch(app, user, action, object_id, target.name, target.given(value))
            error = response.json.get("error", {}) if response.is_json else {}
            if response.status_code != 409 or not target.named_in(error):
                failures.append(f"{target} {kind}: {response.status_code} {json.dumps(error)[:200]}")
            after = show()
            if after != before:
                failures.append(f"{target} {kind}: stored {target.stored(after)!r:.80}")
                before = after
    return failures


def _boundaries(app, user: dict, action: str, object_id: str, fields: list[dict], show: Callable[[], dict]) -> list[str]:
    failures = []
    for target in targets(fields):
        if _server_set(target) or (target.where == "value" and _shape(target.field) != "text"):
            continue  # a translation, list item or entry is measured inside
        longest = max_length(target.text_field)
        at_most = _valid_text(target.text_field, longest)
        if at_most is not None:
            response = _patch(app, user, action, object_id, target.name, target.given(at_most))
            if response.status_code != 200:
                failures.append(f"{target} {longest} characters: {response.status_code} {response.get_data(as_text=True)[:200]}")
            elif target.stored(show()) != at_most:
                failures.append(f"{target} {longest} characters: not stored as given")
        wide = _valid_text(target.text_field, longest, WIDE)
        if wide is not None:
            response = _patch(app, user, action, object_id, target.name, target.given(wide))
            error = response.json.get("error", {}) if response.is_json else {}
            if not (response.status_code == 200 or (response.status_code == 409 and target.named_in(error))):
                failures.append(f"{target} {longest} wide characters: {response.status_code} {json.dumps(error)[:200]}")
    return failures


# Fields the portal gives when they are left empty, keeping the stored value.
PORTAL_GIVEN = {"name"}


def _empties(app, user: dict, action: str, object_id: str, fields: list[dict], show: Callable[[], dict]) -> list[str]:
    """Empty text is what the web form sends for a field left empty: a
    required field refuses it by name, a field the portal gives (the
    dataset's address) keeps its value, any other field is then empty."""
    failures = []
    for target in targets(fields):
        if _server_set(target):
            continue
        kept = target.stored(show())
        response = _patch(app, user, action, object_id, target.name, target.given(""))
        error = response.json.get("error", {}) if response.is_json else {}
        if response.status_code == 409 and target.name in error:
            continue  # required, or an entry left empty
        if response.status_code != 200:
            failures.append(f"{target} empty: {response.status_code} {json.dumps(error)[:200]}")
        elif target.name in PORTAL_GIVEN and target.stored(show()) == kept:
            continue  # the address is the portal's to give (validators.gbgopendata_dataset_name_from_title)
        elif target.stored(show()) not in (None, "", [], {}):
            failures.append(f"{target} empty: stored {target.stored(show())!r:.80}")
    return failures


def _report(failures: list[str]) -> str:
    return f"{len(failures)} failures:\n" + "\n".join(failures)


# --- the schemas -------------------------------------------------------------------------------


@pytest.fixture
def dataset(sysadmin, organization):
    # Private, so that the publication rule does not refuse what the fuzz
    # leaves empty (a licence, a classification).
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="parkeringsplatser",
        owner_org=organization["id"],
        private=True,
        **dataset_fields(resources=[resource_fields()], contact=[{"name": "Trafikkontoret", "email": "t@goteborg.se"}]),
    )


def _dataset_fields() -> list[dict]:
    return scheming_get_dataset_schema("dataset")["dataset_fields"]


def _resource_fields() -> list[dict]:
    return scheming_get_dataset_schema("dataset")["resource_fields"]


def _organization_fields() -> list[dict]:
    return scheming_get_organization_schema("organization")["fields"]


def test_the_fuzz_reaches_every_field_and_kind_of_value():
    # The schema is read, not listed here: a field added to it is fuzzed.
    names = {field["field_name"] for field in _dataset_fields()}
    assert {"title_translated", "contact", "conforms_to", "version", "confidentiality_level"} <= names
    kinds = {_shape(field) for field in _dataset_fields() + _resource_fields() + _organization_fields()}
    assert kinds == {"text", "translated", "translated list", "list", "entries"}
    assert any(_free_text(field) for field in _dataset_fields())
    assert _valid_text({"validators": "gbgopendata_text gbgopendata_uri"}, 30) == "https://goteborg.se/aaaaaaaaaa"


@pytest.mark.usefixtures("with_plugins")
def test_every_bad_value_in_every_dataset_field_is_refused(app, sysadmin, dataset):
    show = lambda: helpers.call_action("package_show", id=dataset["id"])  # noqa: E731
    failures = _fuzz(app, sysadmin, "package_patch", dataset["id"], _dataset_fields(), show)
    assert not failures, _report(failures)


@pytest.mark.usefixtures("with_plugins")
def test_every_bad_value_in_every_distribution_field_is_refused(app, sysadmin, dataset):
    show = lambda: helpers.call_action("package_show", id=dataset["id"])  # noqa: E731
    resource_id = dataset["resources"][0]["id"]
    failures = _fuzz(app, sysadmin, "resource_patch", resource_id, _resource_fields(), show)
    assert not failures, _report(failures)


@pytest.mark.usefixtures("with_plugins")
def test_every_bad_value_in_every_organisation_field_is_refused(app, sysadmin, organization):
    show = lambda: helpers.call_action("organization_show", id=organization["id"])  # noqa: E731
    failures = _fuzz(app, sysadmin, "organization_patch", organization["id"], _organization_fields(), show)
    assert not failures, _report(failures)


@pytest.mark.usefixtures("with_plugins")
def test_every_field_stores_its_longest_value_and_fits_the_database_and_the_index(app, sysadmin, organization, dataset):
    show_dataset = lambda: helpers.call_action("package_show", id=dataset["id"])  # noqa: E731
    show_organization = lambda: helpers.call_action("organization_show", id=organization["id"])  # noqa: E731
    failures = _boundaries(app, sysadmin, "package_patch", dataset["id"], _dataset_fields(), show_dataset)
    resource_id = dataset["resources"][0]["id"]
    show_resource = lambda: show_dataset()["resources"][0]  # noqa: E731
    failures += _boundaries(app, sysadmin, "resource_patch", resource_id, _resource_fields(), show_resource)
    failures += _boundaries(app, sysadmin, "organization_patch", organization["id"], _organization_fields(), show_organization)
    assert not failures, _report(failures)


@pytest.mark.usefixtures("with_plugins")
def test_empty_text_in_every_field_is_no_value_or_refused_by_name(app, sysadmin, organization, dataset):
    show_dataset = lambda: helpers.call_action("package_show", id=dataset["id"])  # noqa: E731
    show_organization = lambda: helpers.call_action("organization_show", id=organization["id"])  # noqa: E731
    failures = _empties(app, sysadmin, "package_patch", dataset["id"], _dataset_fields(), show_dataset)
    resource_id = dataset["resources"][0]["id"]
    show_resource = lambda: show_dataset()["resources"][0]  # noqa: E731
    failures += _empties(app, sysadmin, "resource_patch", resource_id, _resource_fields(), show_resource)
    failures += _empties(app, sysadmin, "organization_patch", organization["id"], _organization_fields(), show_organization)
    assert not failures, _report(failures)
