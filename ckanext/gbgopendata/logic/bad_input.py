"""Bad input, refused before CKAN's own code touches it.

The schema's validators check each field's content. Some input breaks CKAN
before or outside them, and used to give HTTP 500:

- a shape navl cannot flatten (`resources: "x"`, `contact: [1]`) raises
  DataError, which the action API answered with the whole request echoed;
- the authorisation functions, which run before validation, look up
  `owner_org`, `id` and `groups` in the database as given (a number makes
  PostgreSQL fail);
- CKAN's uploader parses each resource's `url` before validation
  ("http://[" raised ValueError);
- a NUL character or an unpaired surrogate anywhere, also in CKAN's own
  fields and in resource extras, fails in PostgreSQL or in the DCAT output.

The checks here run first in the write actions (`guard_actions`), refuse
with a ValidationError naming the field, and so nothing is stored. They
also settle empty repeating entries: the web form always sends an empty
contact block, so entries that are entirely empty are dropped when they
come from the form (`contact-0-name` keys); an API client that sends
`contact: [{}]` or `resources: [{}]` has a bug and is told so.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from ckan.lib.navl.dictization_functions import DataError
from ckan.plugins import toolkit
from sqlalchemy import exc as sa_exc

from ckanext.gbgopendata.logic import input_limits, validators
from ckanext.gbgopendata.logic.input_limits import LIMITS

# CKAN's own parts of a dataset or an organisation that are lists of
# objects (navl subschemas).
DATASET_LISTS = ("resources", "tags", "extras", "groups", "relationships_as_object", "relationships_as_subject")
ORGANIZATION_LISTS = ("users", "groups", "packages", "extras", "tags")
# Keys of those objects that CKAN looks up in the database before validating.
LOOKED_UP = ("id", "name", "key", "package_id")
# Top-level keys that CKAN looks up in the database (or in a dict, as the
# type) before validating. A dataset's type is the publication rule's
# (action.py).
DATASET_LOOKED_UP = ("id", "name", "owner_org")
ORGANIZATION_LOOKED_UP = ("id", "name", "type")

PG_UNIQUE_VIOLATION = "23505"


def _(text: str) -> str:
    return toolkit._(text)


# --- the checks -----------------------------------------------------------------------


def check_dataset(context: dict, data_dict: dict) -> dict:
    """The data_dict to save, with empty web-form entries dropped; raises
    ValidationError for input that CKAN cannot take."""
    data = dict(data_dict)  # the caller's dict stays as it was
    schema = _dataset_schema(data.get("type"))
    fields = (schema or {}).get("dataset_fields", [])
    entry_fields = {f["field_name"]: f for f in fields if "repeating_subfields" in f}
    # Fields whose length the schema's validators check, with the field's
    # own maximum: the others get LIMITS.any_text here (CKAN's own fields and
    # resource extras have no maximum of their own).
    measured = {f["field_name"] for f in fields} | {f["field_name"] for f in (schema or {}).get("resource_fields", [])}
    measured |= {sub["field_name"] for f in entry_fields.values() for sub in f["repeating_subfields"]}
    errors: dict[str, Any] = {}
    _not_text(data, DATASET_LOOKED_UP, errors)
    _expand_form_entries(data, entry_fields)
    for name in list(DATASET_LISTS) + list(entry_fields):
        _check_entries(data, name, entry_fields.get(name), errors)
    _no_objects_in_value_lists(data, set(DATASET_LISTS) | set(entry_fields), errors)
    if "resources" not in errors and isinstance(data.get("resources"), list):
        per_resource = []
        for resource in data["resources"]:
            resource_errors: dict[str, Any] = {}
            _no_objects_in_value_lists(resource, set(), resource_errors)
            per_resource.append(resource_errors)
        if any(per_resource):
            errors["resources"] = per_resource
    _check_characters(data, errors, entry_fields, measured)
    _check_resource_urls(data, errors)
    _raise_if_any(errors)
    return data


def check_organization(context: dict, data_dict: dict) -> dict:
    from ckanext.scheming.helpers import scheming_get_organization_schema

    data = dict(data_dict)
    schema = scheming_get_organization_schema("organization") or {}
    errors: dict[str, Any] = {}
    _not_text(data, ORGANIZATION_LOOKED_UP, errors)
    for name in ORGANIZATION_LISTS:
        _check_entries(data, name, None, errors)
    _no_objects_in_value_lists(data, set(ORGANIZATION_LISTS), errors)
    _check_characters(data, errors, {}, {f["field_name"] for f in schema.get("fields", [])})
    _raise_if_any(errors)
    return data


def check_patch(context: dict, data_dict: dict) -> dict:
    data = dict(data_dict)
    dataset_id = data.get("id")
    # CKAN 2.12's bulk actions patch each dataset with the database row of
    # its id (a one-column Row), not the id itself.
    if not isinstance(dataset_id, str) and hasattr(dataset_id, "_fields") and len(dataset_id) == 1:
        data["id"] = dataset_id[0]
    return check_dataset(context, data)


def check_resource(context: dict, data_dict: dict) -> dict:
    """resource_create/update/patch: CKAN 2.11 hands the resource to its
    uploader (which parses the url) before validating it."""
    data = dict(data_dict)
    errors: dict[str, Any] = {}
    _check_resource_urls({"resources": [data]}, errors)
    errors = errors["resources"][0] if errors else {}
    _no_objects_in_value_lists(data, set(), errors)
    _check_characters(data, errors, {}, set(data))
    _raise_if_any(errors)
    return data


def check_relationship(context: dict, data_dict: dict) -> dict:
    """package_relationship_create/update: CKAN saves the relationship
    before it validates the comment (a number was stored, then a 500), and
    looks subject and object up as given."""
    errors: dict[str, Any] = {}
    for name, required in (("subject", True), ("object", True), ("type", True), ("comment", False)):
        value = data_dict.get(name)
        if value is None and not required:
            continue
        problem = input_limits.text_problem(value, LIMITS.parameter_text if name == "comment" else LIMITS.identifier)
        if problem:
            errors[name] = [problem]
    _raise_if_any(errors)
    return data_dict


def check_bulk_update(context: dict, data_dict: dict) -> dict:
    """bulk_update_public/private/delete: an organisation and a list of
    datasets, each given by id or name."""
    errors: dict[str, Any] = {}
    org_id = data_dict.get("org_id")
    if not isinstance(org_id, str) or input_limits.text_problem(org_id, LIMITS.identifier):
        errors["org_id"] = [_("Must be the id or name of an organisation")]
    datasets = data_dict.get("datasets")
    names = [datasets] if isinstance(datasets, str) else datasets
    if not isinstance(names, list) or any(
        not isinstance(name, str) or input_limits.text_problem(name, LIMITS.identifier) for name in names
    ):
        errors["datasets"] = [_("Must be a list of ids or names of datasets")]
    _raise_if_any(errors)
    # CKAN's bulk actions match ids only, so a name was silently ignored
    # (the request "succeeded" and changed nothing): names become ids here.
    from ckan import model

    data = dict(data_dict)
    organization = model.Group.get(org_id)
    if organization is not None:
        data["org_id"] = organization.id
    data["datasets"] = [getattr(model.Package.get(name), "id", name) for name in names]
    return data


def _raise_if_any(errors: dict) -> None:
    if not errors:
        return
    if errors.get("tags") and isinstance(errors["tags"][0], str):
        # ValidationError reads tag errors as {"name": [...]}.
        errors["tags"] = [{"name": [problem]} for problem in errors["tags"]]
    raise toolkit.ValidationError(errors)


def _dataset_schema(dataset_type: Any) -> dict | None:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return scheming_get_dataset_schema(dataset_type if isinstance(dataset_type, str) and dataset_type else "dataset")


def _not_text(data: dict, names: tuple[str, ...], errors: dict) -> None:
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = [validators.text_problem(value, None)]


def _expand_form_entries(data: dict, entry_fields: dict[str, dict]) -> set[str]:
    """Turns the web form's `contact-0-name` keys into lists, as
    ckanext-scheming would, and drops entries that are entirely empty (the
    form always offers one more). Returns the fields that came from the form."""
    from ckanext.scheming.plugins import expand_form_composite

    for key in [key for key in data if isinstance(key, str) and key.count("-") >= 2]:
        field, index = key.split("-")[:2]
        if field in entry_fields and index == "REPEATING":
            # ckanext-scheming's hidden template of a new entry, which its
            # JavaScript removes; without JavaScript the browser sends it.
            del data[key]
    absent = {name for name in entry_fields if name not in data}
    expand_form_composite(data, set(absent))
    from_form = {name for name in absent if name in data}
    for name in from_form:
        data[name] = [entry for entry in data[name] if not _empty_entry(entry, entry_fields[name])]
    return from_form


def _empty_entry(entry: Any, field: dict | None) -> bool:
    """An entry with no value, counting a choice left at its default (the
    form preselects a contact's kind) as no value."""
    if not isinstance(entry, dict):
        return False
    defaults = {sub["field_name"]: sub.get("default") for sub in (field or {}).get("repeating_subfields", [])}
    return all(value in (None, "", [], {}) or value == defaults.get(key) for key, value in entry.items())


def _check_entries(data: dict, name: str, field: dict | None, errors: dict) -> None:
    """A list of objects, none of them empty, at most the field's `max_items`."""
    if name not in data:
        return
    entries = data[name]
    if not isinstance(entries, list) or any(not isinstance(entry, dict) for entry in entries):
        errors[name] = [_("Must be a list of objects, such as [{…}, {…}]")]
        return
    problems = []
    for number, entry in enumerate(entries, start=1):
        if _empty_entry(entry, field):
            problems.append(_("Entry {number} is empty: fill it in or leave it out").format(number=number))
        for key in LOOKED_UP:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(
                    _("Entry {number}: {key} must be text").format(number=number, key=validators._shown(key))
                )
    max_items = (field or {}).get("max_items")
    if max_items and len(entries) > int(max_items):
        problems.append(_("Too many entries: at most {max}").format(max=max_items))
    if problems:
        errors[name] = problems


def _no_objects_in_value_lists(data: dict, lists_of_objects: set[str], errors: dict) -> None:
    """A field that holds values (text, or a list of them) may not hold a
    list with objects in it: CKAN 2.11 flattens such a list into keys it
    then reports as junk, naming no field."""
    for name, value in data.items():
        if name in lists_of_objects or name in errors or not isinstance(value, list):
            continue
        if any(isinstance(item, (dict, list)) for item in value):
            errors[name] = [validators.text_problem(value, None)]


def _check_resource_urls(data: dict, errors: dict) -> None:
    if "resources" in errors or not isinstance(data.get("resources"), list):
        return
    per_resource = []
    for resource in data["resources"]:
        url = resource.get("url")
        try:
            if isinstance(url, str):
                urlsplit(url)
            elif url is not None:
                raise TypeError(url)
            per_resource.append({})
        except TypeError:
            per_resource.append({"url": [validators.text_problem(url, None)]})
        except ValueError:
            per_resource.append(
                {"url": [_("Must be an absolute web address starting with http://, https:// or ftp://, without spaces")]}
            )
    if any(per_resource):
        errors["resources"] = per_resource


def _check_characters(data: dict, errors: dict, entry_fields: dict, measured: set[str]) -> None:
    """No text anywhere may hold a character that cannot be stored, and none
    but the `measured` fields may be longer than LIMITS.any_text. Lists of
    objects get their errors per entry, as navl gives them (resource_create
    reads its resource's errors from the list)."""
    for key, value in data.items():
        if key in validators.SHOWN_ONLY_FIELDS:
            continue  # computed by package_show, never stored
        field_name = _field_of_form_key(key, entry_fields)
        if field_name in errors:
            continue
        if isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value):
            per_entry = [_entry_problems(entry, measured) for entry in value]
            if any(per_entry):
                errors[field_name] = per_entry
            continue
        problem = _first_problem(key, value, field_name in measured)
        if problem:
            errors[field_name] = [problem]


def _entry_problems(entry: dict, measured: set[str]) -> dict[str, list[str]]:
    problems = {}
    for key, value in entry.items():
        problem = _first_problem(key, value, _field_of_form_key(key, {}) in measured)
        if problem:
            problems[str(key)] = [problem]
    return problems


def _first_problem(key: Any, value: Any, measured: bool) -> str | None:
    return next(_text_problems(key, False), None) or next(_text_problems(value, not measured), None)


def _text_problems(value: Any, check_length: bool) -> Iterator[str]:
    if isinstance(value, str):
        problem = input_limits.text_problem(value, LIMITS.any_text if check_length else len(value))
        if problem:
            yield problem
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_problems(key, check_length)
            yield from _text_problems(item, check_length)
    elif isinstance(value, list):
        for item in value:
            yield from _text_problems(item, check_length)


def _field_of_form_key(key: str, entry_fields: dict) -> str:
    """The field a web-form key belongs to: `title_translated-sv` is
    title_translated's Swedish input."""
    if not isinstance(key, str) or "-" not in key:
        return key
    base = key.split("-", 1)[0]
    suffix = key.split("-", 1)[1]
    return base if suffix in validators.LANGUAGES or base in entry_fields else key


# --- errors CKAN raises after the checks -------------------------------------------------


def data_error_field(text: str) -> str:
    """The field a navl DataError is about ("... subschema ('resources', 0)")."""
    for quote in ("('", "Unmatched key "):
        if quote in text:
            rest = text.split(quote, 1)[1]
            return rest.split("'", 1)[0].split("__", 1)[0].strip() or "message"
    return "message"


def _is_duplicate_name(error: sa_exc.IntegrityError) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "pgcode", None) == PG_UNIQUE_VIOLATION and "name" in str(orig)


def _guarded(name: str, check: Callable[[dict, dict], dict] | None, inner: Callable | None) -> Callable:
    def action(up_func, context, data_dict):
        if check is not None:
            data_dict = check(context, data_dict)
        try:
            if inner is not None:
                return inner(up_func, context, data_dict)
            return up_func(context, data_dict)
        except DataError as error:
            # The API would answer with the whole request echoed.
            raise toolkit.ValidationError(
                {data_error_field(str(getattr(error, "error", error))): [_("The data has the wrong shape: a list of objects was expected")]}
            )
        except sa_exc.IntegrityError as error:
            # Two saves of the same new name at once: both pass the name
            # check, the database refuses the second.
            if not _is_duplicate_name(error):
                raise
            from ckan import model

            model.Session.rollback()
            raise toolkit.ValidationError({"name": [_("That URL is already in use.")]})

    action.__name__ = name
    action.__doc__ = getattr(inner, "__doc__", None)
    return toolkit.chained_action(action)


CHECKS: dict[str, Callable[[dict, dict], dict] | None] = {
    "package_create": check_dataset,
    "package_update": check_dataset,
    # CKAN 2.11's package_patch validates the whole request (and raises
    # DataError) before it calls package_update.
    "package_patch": check_patch,
    "package_revise": None,  # its own DataErrors (unmatched keys) only
    # The other actions whose schema has lists of objects (navl subschemas):
    # their DataErrors only. The action API answered a DataError with the
    # whole request echoed (HTTP 400); this is the one place it becomes a
    # ValidationError naming the field.
    "vocabulary_create": None,
    "vocabulary_update": None,
    "resource_create": check_resource,
    "resource_update": check_resource,
    "resource_patch": check_resource,
    "organization_create": check_organization,
    "organization_update": check_organization,
    "group_create": check_organization,
    "group_update": check_organization,
    "package_relationship_create": check_relationship,
    "package_relationship_update": check_relationship,
    "bulk_update_public": check_bulk_update,
    "bulk_update_private": check_bulk_update,
    "bulk_update_delete": check_bulk_update,
}


def guard_actions(actions: dict[str, Callable]) -> dict[str, Callable]:
    """`actions` (the extension's chained actions), with the checks above
    run first in every write action they apply to."""
    guarded = dict(actions)
    for name, check in CHECKS.items():
        guarded[name] = _guarded(name, check, actions.get(name))
    return guarded
