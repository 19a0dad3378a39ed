"""One request guard for every action of the action API.

Every registered action (CKAN core's, ckanext-activity's, ckanext-dcat's,
ckanext-scheming's and ours) is declared in `DECLARATIONS`: each parameter it
takes and the kind of value the parameter holds (an identifier, a natural
number up to a bound, a boolean, a list of text, a JSON object, one of a set,
an ISO date …). Where CKAN validates an action's parameters with a schema,
the kinds are read from that schema (`_from_schema`); CKAN's own validators
still run after the guard, but a value they let through (a number too large
for PostgreSQL, a text asbool cannot read, an unknown format) used to fail
deeper down with HTTP 500.

Refused by default: an action not declared here is not offered through the
API (nor one declared as not offered: ckanext-harvest's, `HARVEST_NOT_OFFERED`); a parameter its action does not declare is refused; a parameter given
more than once in a query string or a form (CKAN would turn it into a list)
is refused unless its kind is a list. Write actions whose body is a whole
object (a dataset, an organisation, a user …) declare the parameters CKAN
looks up or converts before it validates, and leave the rest of the body to
`bad_input` and the action's schema (`Declaration.body`).

`refused` is the one check; `middleware.py` applies it to the action API
before CKAN's view runs, and to the DCAT pages, which hand their query
parameters to `dcat_catalog_show`/`dcat_dataset_show`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from ckan.plugins import toolkit

from ckanext.gbgopendata.logic import input_limits
from ckanext.gbgopendata.logic.input_limits import LIMITS

TRUE_WORDS = {"true", "yes", "on", "y", "t", "1"}  # what CKAN's asbool reads
FALSE_WORDS = {"false", "no", "off", "n", "f", "0"}


def _(text: str) -> str:
    return toolkit._(text)


# --- the kinds of value ------------------------------------------------------------------


class Kind:
    """What one parameter holds; `problem` says why a value is not that."""

    repeatable = False  # may a query string or form give it more than once

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Kind):
    max_length: int = LIMITS.parameter_text

    def problem(self, value: Any) -> str | None:
        return input_limits.text_problem(value, self.max_length)


IDENTIFIER = Text(LIMITS.identifier)
TEXT = Text()


@dataclass(frozen=True)
class Number(Kind):
    """A whole number from `minimum` to `maximum`, as a JSON number or as the
    digits of a query string."""

    maximum: int = LIMITS.largest_number
    minimum: int = 0

    def problem(self, value: Any) -> str | None:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,20}\s*", value):
            number = int(value)
        if number is None or not self.minimum <= number <= self.maximum:
            return _("Must be a whole number from {minimum} to {maximum}").format(
                minimum=self.minimum, maximum=self.maximum
            )
        return None


NATURAL = Number()


@dataclass(frozen=True)
class Timestamp(Kind):
    """Seconds since 1970 (the activity lists' `before` and `after`)."""

    def problem(self, value: Any) -> str | None:
        try:
            seconds = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
        except ValueError:
            seconds = None
        if seconds is None or not 0 <= seconds <= LIMITS.latest_timestamp:
            return _("Must be a time in seconds since 1970, from 0 to {maximum}").format(maximum=LIMITS.latest_timestamp)
        return None


@dataclass(frozen=True)
class Boolean(Kind):
    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or value in (0, 1) and not isinstance(value, float):
            return None
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return None
        return _("Must be true or false")


BOOLEAN = Boolean()


@dataclass(frozen=True)
class TextList(Kind):
    """A list of texts, or one text (CKAN takes both; a query string gives a
    list by repeating the parameter)."""

    item: Text = TEXT
    max_items: int = LIMITS.list_items
    one_text: bool = True  # False where CKAN reads only a list (a text would be read as its characters)
    repeatable = True

    def problem(self, value: Any) -> str | None:
        items = [value] if isinstance(value, str) and self.one_text else value
        if not isinstance(items, list) or len(items) > self.max_items:
            return _("Must be a list of at most {max} texts").format(max=self.max_items)
        return next((problem for item in items if (problem := self.item.problem(item))), None)


TEXT_LIST = TextList()
IDENTIFIER_LIST = TextList(IDENTIFIER)
IDENTIFIERS_ONLY_AS_LIST = TextList(IDENTIFIER, one_text=False)


@dataclass(frozen=True)
class JsonObject(Kind):
    """An object, or its JSON text (from a query string)."""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        return None if isinstance(value, dict) else _("Must be a JSON object, such as {\"key\": \"value\"}")


JSON_OBJECT = JsonObject()


@dataclass(frozen=True)
class ObjectList(Kind):
    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or any(not isinstance(i, dict) for i in value):
            return _("Must be a list of objects, such as [{…}, {…}]")
        if len(value) > LIMITS.list_items:
            return _("At most {max} objects in the list; {count} were sent").format(max=LIMITS.list_items, count=len(value))
        return None


OBJECT_LIST = ObjectList()


@dataclass(frozen=True)
class ObjectWithId(Kind):
    """An object whose `id` CKAN reads as object["id"]: a KeyError without
    one, and a TypeError for JSON text (from a form), which CKAN does not
    parse; both were HTTP 500."""

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            return _("Must be an object with the id of an existing one")
        return None


@dataclass(frozen=True)
class Required(Kind):
    """A parameter CKAN reads as data_dict[name] before its own validation
    would name it (a KeyError, HTTP 500, when missing): refused when missing
    or empty, otherwise a value of `kind`."""

    kind: Kind

    @property
    def repeatable(self) -> bool:  # type: ignore[override]
        return self.kind.repeatable

    def problem(self, value: Any) -> str | None:
        return self.kind.problem(value)


def _required(parameters: Mapping[str, Kind], *names: str) -> dict[str, Kind]:
    """`parameters`, those `names` Required."""
    return {**parameters, **{name: Required(parameters[name]) for name in names}}


@dataclass(frozen=True)
class OneOf(Kind):
    """One of a set of texts; `values` is a function, as some sets are read
    from the running CKAN."""

    values: Callable[[], frozenset[str]]

    def problem(self, value: Any) -> str | None:
        allowed = self.values()
        if not isinstance(value, str) or value not in allowed:
            return _("Must be one of: {values}").format(values=", ".join(sorted(allowed)))
        return None


def _fixed(*values: str) -> Callable[[], frozenset[str]]:
    return lambda: frozenset(values)


@dataclass(frozen=True)
class IsoDate(Kind):
    """A date, or a date and time, in ISO 8601 without a time zone (UTC):
    ckanext-dcat appends its own `Z`."""

    def problem(self, value: Any) -> str | None:
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is not None:
            return _("Must be a date, or a date and time, such as 2020-01-31 or 2020-01-31T12:00:00 (UTC, no time zone)")
        return None


ISO_DATE = IsoDate()


@dataclass(frozen=True)
class LocalPath(Kind):
    """A path on this site (where the login goes on to): CKAN took any
    other text for the name of a route and failed (BuildError)."""

    def problem(self, value: Any) -> str | None:
        if (
            not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value
            or input_limits.text_problem(value, LIMITS.token)
        ):
            return _("Must be a path on this site, such as /dataset")
        return None


@dataclass(frozen=True)
class Anything(Kind):
    """Any JSON value: for parameters CKAN hands on whole to code that
    validates them itself (a resource view's settings, uploads)."""

    def problem(self, value: Any) -> str | None:
        return None


ANYTHING = Anything()


# --- declarations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    parameters: Mapping[str, Kind]
    # Why the rest of the body is not declared here (who checks it), or None
    # where every parameter is declared.
    body: str | None = None
    # False: registered, and called inside the portal (its pages, its CLI),
    # but not offered through the action API (answered as undeclared).
    offered: bool = True


# ckanext-harvest's actions are the harvest pages' (/harvest, sysadmins) and
# `ckan harvester`'s, which call them inside the portal with its own auth
# functions; through the action API none is offered. Its loader registers
# every public function of its action modules, also helpers that are no
# actions (InactiveSource, send_mail, prepare_error_mail …): not offered either.
HARVEST_NOT_OFFERED = Declaration(
    {}, "not offered through the action API: ckanext-harvest's pages and CLI call it inside the portal", offered=False)


def _harvest_declarations() -> dict[str, Declaration]:
    from ckan import plugins

    if not plugins.plugin_loaded("harvest"):
        return {}
    return {name: HARVEST_NOT_OFFERED for name in harvest_functions("ckanext.harvest.logic.action")}


def harvest_functions(package: str) -> list[str]:
    """The names ckanext-harvest's loader registers from `package` (its
    actions or its auth functions): every public callable defined in its
    get, create, update, patch and delete modules (as its plugin's
    `_get_logic_functions`, whose shared default dict is not asked)."""
    import importlib

    names = []
    for module_name in ("get", "create", "update", "patch", "delete"):
        module = importlib.import_module(f"{package}.{module_name}")
        names += [
            key for key, value in vars(module).items()
            if not key.startswith("_") and callable(value) and getattr(value, "__module__", None) == module.__name__
        ]
    return sorted(set(names))


# CKAN's validators, most telling first: the kind of a schema's parameter.
_VALIDATOR_KINDS: tuple[tuple[str, Kind], ...] = (
    ("datetime_from_timestamp_validator", Timestamp()),
    ("isodate", ISO_DATE),
    ("boolean_validator", BOOLEAN),
    ("natural_number_validator", NATURAL),
    ("is_positive_integer", Number(LIMITS.largest_number, 1)),
    ("int_validator", Number(LIMITS.largest_number, -1)),
    ("list_of_strings", TEXT_LIST),
    ("convert_to_list_if_string", TEXT_LIST),
    ("dict_only", JSON_OBJECT),
    ("convert_user_name_or_id_to_id", IDENTIFIER),
    ("convert_package_name_or_id_to_id", IDENTIFIER),
    ("convert_group_name_or_id_to_id", IDENTIFIER),
    ("group_id_or_name_exists", IDENTIFIER),
    ("user_id_or_name_exists", IDENTIFIER),
    ("role_exists", IDENTIFIER),
    ("unicode_safe", TEXT),
    ("unicode_only", TEXT),
)


def _from_schema(schema: Callable[[], dict], **overrides: Kind) -> dict[str, Kind]:
    """The kinds of a CKAN schema's parameters, read from its validators;
    `overrides` for those the validators do not tell (or bound too
    loosely). A parameter whose kind is told by neither fails here, at
    start-up."""
    kinds: dict[str, Kind] = {}
    for name, chain in schema().items():
        if name.startswith("__"):
            continue
        names = {getattr(v, "__name__", "") for v in chain}
        kind = overrides.get(name) or next((k for v, k in _VALIDATOR_KINDS if v in names), None)
        if kind is None:
            raise LookupError(f"request_guard: no kind for {name} of {schema.__name__}")
        kinds[name] = kind
    return {**kinds, **overrides}


def _schemas() -> Any:
    from ckan.logic import schema

    try:
        import ckan.logic.schema.file  # noqa: F401 (schema.file: CKAN 2.12's file actions)
    except ImportError:  # CKAN 2.11 has no file actions
        pass
    return schema


def _activity_deletion_declarations(activity: Any) -> dict[str, Any]:
    """CKAN 2.12's activity deletion actions; none on CKAN 2.11."""
    if not hasattr(activity, "default_activity_delete_schema"):
        return {}
    return {
        "activity_delete": _from_schema(activity.default_activity_delete_schema, id=IDENTIFIER),
        "activity_delete_all": _from_schema(activity.default_activity_delete_all_schema),
        "activity_delete_counts": {},
    }


def _file_declarations(schema: Any, owner_types: Any) -> dict[str, Any]:
    """CKAN 2.12's file actions; none on CKAN 2.11."""
    if not hasattr(schema, "file"):
        return {}
    return {
        "file_create": Declaration(_from_schema(schema.file.file_create, upload=ANYTHING), "the upload: the storage"),
        "file_register": _from_schema(schema.file.file_register),
        "file_delete": _from_schema(schema.file.file_delete),
        "file_show": _from_schema(schema.file.file_show),
        "file_rename": _from_schema(schema.file.file_rename),
        "file_pin": _from_schema(schema.file.file_pin),
        "file_unpin": _from_schema(schema.file.file_unpin),
        "file_ownership_transfer": _from_schema(schema.file.ownership_transfer, owner_type=OneOf(owner_types)),
        "file_owner_scan": {
            "owner_id": IDENTIFIER, "owner_type": OneOf(owner_types), "filters": JSON_OBJECT,
            "rows": Number(1000), "start": NATURAL, "sort": IDENTIFIER,
        },
    }


def _activity_schemas() -> Any:
    from ckanext.activity.logic import schema

    return schema


def _rdf_formats() -> frozenset[str]:
    from ckanext.dcat.utils import CONTENT_TYPES

    return frozenset(CONTENT_TYPES)


ID = {"id": IDENTIFIER}
BODY_DATASET = "a dataset: bad_input.check_dataset, then the scheming schema"
BODY_RESOURCE = "a distribution: bad_input.check_resource, then the scheming schema"
BODY_ORGANIZATION = "an organisation or group: bad_input.check_organization, then its schema"
BODY_USER = "a user: CKAN's user schema"
BODY_VIEW = "a resource view: its view plugin's schema"
BODY_CONFIG = "configuration options: CKAN's update_configuration_schema"


def _declarations() -> dict[str, Declaration]:
    schema, activity = _schemas(), _activity_schemas()
    pagination = _from_schema(schema.default_pagination_schema)
    autocomplete = _from_schema(schema.default_autocomplete_schema, q=TEXT, ignore_self=BOOLEAN)
    activity_list = _from_schema(activity.default_activity_list_schema, id=IDENTIFIER)
    dashboard = _from_schema(activity.default_dashboard_activity_list_schema)
    follow_user = _from_schema(schema.default_follow_user_schema, q=TEXT)
    follow_dataset = _from_schema(schema.default_follow_dataset_schema)
    follow_group = _from_schema(schema.default_follow_group_schema)
    members = _from_schema(schema.member_schema)
    group_show = {
        **ID,
        **{f"include_{part}": BOOLEAN for part in (
            "datasets", "dataset_count", "extras", "users", "groups", "tags", "followers", "member_count",
        )},
    }
    group_list = {
        **pagination, "all_fields": BOOLEAN, "order_by": TEXT, "sort": TEXT, "q": TEXT, "type": IDENTIFIER,
        "groups": IDENTIFIER_LIST, "organizations": IDENTIFIER_LIST,
        **{f"include_{part}": BOOLEAN for part in ("dataset_count", "extras", "tags", "groups", "users", "member_count")},
    }
    tag_query = {
        **pagination, "q": TEXT, "query": TEXT_LIST, "fields": JSON_OBJECT, "vocabulary_id": IDENTIFIER,
    }
    rdf = {"format": OneOf(_rdf_formats), "profiles": TEXT_LIST}
    catalogue = {**rdf, "q": TEXT, "fq": TEXT, "page": Number(10**6, 1), "modified_since": ISO_DATE}
    relationship = {"subject": IDENTIFIER, "object": IDENTIFIER, "type": IDENTIFIER, "comment": TEXT}
    group_member_delete = {**ID, "username": IDENTIFIER, "user_id": IDENTIFIER}
    dataset_body = Declaration({"id": IDENTIFIER, "name": IDENTIFIER, "owner_org": IDENTIFIER, "type": IDENTIFIER}, BODY_DATASET)
    resource_body = Declaration({"id": IDENTIFIER, "package_id": IDENTIFIER}, BODY_RESOURCE)
    organization_body = Declaration({"id": IDENTIFIER, "name": IDENTIFIER, "type": IDENTIFIER}, BODY_ORGANIZATION)
    user_body = Declaration({"id": IDENTIFIER, "name": IDENTIFIER, "email": TEXT}, BODY_USER)
    view_body = Declaration({"id": IDENTIFIER, "resource_id": IDENTIFIER, "view_type": IDENTIFIER}, BODY_VIEW)
    bulk = {"org_id": IDENTIFIER, "datasets": IDENTIFIER_LIST}
    relationship_types = _fixed(
        "depends_on", "dependency_of", "derives_from", "has_derivation", "links_to", "linked_from",
        "child_of", "parent_of",
    )
    object_types = _fixed("package", "user", "group")
    owner_types = _fixed("package", "resource", "group", "organization", "user")
    declared: dict[str, Mapping[str, Kind] | Declaration] = {
        # ckanext-activity
        "activity_create": Declaration(
            {"user_id": IDENTIFIER, "object_id": IDENTIFIER, "activity_type": TEXT, "data": JSON_OBJECT},
            "an activity: ckanext-activity's default_create_activity_schema",
        ),
        "activity_data_show": {**ID, "object_type": OneOf(_fixed("package", "organization", "group", "user"))},
        "activity_diff": {
            **ID, "object_type": OneOf(_fixed("package", "organization", "group", "user")),
            "diff_type": OneOf(_fixed("unified", "context", "html")),
        },
        "activity_show": {**ID, "include_data": BOOLEAN},
        **_activity_deletion_declarations(activity),
        "am_following_dataset": follow_dataset,
        "am_following_group": follow_group,
        "am_following_user": follow_user,
        "dashboard_activity_list": dashboard,
        "dashboard_mark_activities_old": {},
        "dashboard_new_activities_count": {},
        "group_activity_list": activity_list,
        "organization_activity_list": activity_list,
        "package_activity_list": activity_list,
        "user_activity_list": activity_list,
        "recently_changed_packages_activity_list": dashboard,
        "send_email_notifications": {},
        # API tokens
        "api_token_create": {"user": IDENTIFIER, "name": Text(LIMITS.token_name), "expires_in": NATURAL, "unit": NATURAL},
        "api_token_list": {"user": IDENTIFIER, "user_id": IDENTIFIER},
        "api_token_revoke": {"token": Text(LIMITS.token), "jti": IDENTIFIER},
        # bulk actions (bad_input.check_bulk_update)
        "bulk_update_delete": bulk,
        "bulk_update_private": bulk,
        "bulk_update_public": bulk,
        # configuration
        "config_option_list": {},
        "config_option_show": {"key": IDENTIFIER},
        "config_option_update": Declaration({}, BODY_CONFIG),
        # datasets
        "current_package_list_with_resources": _from_schema(schema.default_package_list_schema),
        "package_list": _from_schema(schema.default_package_list_schema),
        "package_autocomplete": autocomplete,
        "package_create": dataset_body,
        "package_update": dataset_body,
        "package_patch": dataset_body,
        "package_revise": Declaration(
            _from_schema(
                schema.package_revise_schema, match=JSON_OBJECT, update=JSON_OBJECT, match__=ANYTHING, update__=ANYTHING,
            ),
            "match__… and update__… keys and uploads: CKAN's package_revise_schema, then the dataset's",
        ),
        "package_delete": ID,
        "dataset_purge": ID,
        "package_show": {**ID, "use_default_schema": BOOLEAN, "include_plugin_data": BOOLEAN},
        "package_search": {
            **_from_schema(
                schema.default_package_search_schema,
                rows=Number(1000), facet=BOOLEAN, extras=JSON_OBJECT, **{"facet.limit": Number(LIMITS.largest_number, -1)},
            ),
            "fq_list": TEXT_LIST,
            "df": IDENTIFIER,
            **{f"include_{part}": BOOLEAN for part in ("private", "drafts", "deleted")},
            "use_default_schema": BOOLEAN,
        },
        "package_owner_org_update": {**ID, "organization_id": IDENTIFIER},
        "package_collaborator_create": {**ID, "user_id": IDENTIFIER, "capacity": OneOf(_fixed("member", "editor", "admin"))},
        "package_collaborator_delete": {**ID, "user_id": IDENTIFIER},
        "package_collaborator_list": {**ID, "capacity": OneOf(_fixed("member", "editor", "admin"))},
        "package_collaborator_list_for_user": {**ID, "capacity": OneOf(_fixed("member", "editor", "admin"))},
        "package_create_default_resource_views": {"package": JSON_OBJECT, "create_datastore_views": BOOLEAN},
        "package_relationship_create": relationship,
        "package_relationship_update": relationship,
        "package_relationship_delete": {key: relationship[key] for key in ("subject", "object", "type")},
        "package_relationships_list": {**ID, "id2": IDENTIFIER, "rel": OneOf(relationship_types)},
        "package_resource_reorder": {**ID, "order": IDENTIFIER_LIST},
        "dataset_followee_count": follow_user,
        "dataset_followee_list": follow_user,
        "dataset_follower_count": follow_dataset,
        "dataset_follower_list": follow_dataset,
        "follow_dataset": follow_dataset,
        "unfollow_dataset": follow_dataset,
        # distributions and their views
        "resource_create": resource_body,
        "resource_update": resource_body,
        "resource_patch": resource_body,
        "resource_delete": ID,
        "resource_show": {**ID, "include_tracking": BOOLEAN},
        "resource_search": _from_schema(schema.default_resource_search_schema, query=TEXT_LIST, fields=JSON_OBJECT),
        "resource_create_default_resource_views": {
            "resource": Required(ObjectWithId()), "package": JSON_OBJECT, "create_datastore_views": BOOLEAN,
        },
        "resource_view_create": view_body,
        "resource_view_update": view_body,
        "resource_view_delete": ID,
        "resource_view_show": ID,
        "resource_view_list": ID,
        "resource_view_reorder": {**ID, "order": IDENTIFIER_LIST},
        "resource_view_clear": {"view_types": IDENTIFIERS_ONLY_AS_LIST},
        "format_autocomplete": {"q": TEXT, "limit": NATURAL},
        **_file_declarations(schema, owner_types),
        # the checklist (ours)
        "gbg_checklist_show": ID,
        "gbg_checklist_update": {**ID, "items": OBJECT_LIST},
        "gbg_dataset_publish": ID,
        "gbg_dataset_unpublish": {**ID, "comment": TEXT},
        # the approval flow (ours)
        "gbg_approval_show": ID,
        "gbg_approval_request": {**ID, "comment": TEXT},
        "gbg_dataset_approve": {**ID, "comment": TEXT},
        "gbg_approval_return": {**ID, "comment": TEXT},
        "gbg_approvals_waiting": {},
        # the metadata quality (ours)
        "gbg_quality_show": ID,
        "gbg_quality_preview": Declaration(
            {"id": IDENTIFIER, "name": IDENTIFIER, "owner_org": IDENTIFIER, "type": IDENTIFIER},
            "a dataset as package_update takes it: bad_input.check_dataset and the scheming schema, "
            "whose refused fields score as missing (quality/kept.preview)",
        ),
        "gbg_quality_summary": {"organization_id": IDENTIFIER, "scope": OneOf(_fixed("open", "all"))},
        # organisations and groups
        "group_autocomplete": autocomplete,
        "organization_autocomplete": autocomplete,
        "group_create": organization_body,
        "group_update": organization_body,
        "group_patch": organization_body,
        "organization_create": organization_body,
        "organization_update": organization_body,
        "organization_patch": organization_body,
        "group_delete": ID,
        "group_purge": ID,
        "organization_delete": ID,
        "organization_purge": ID,
        "group_list": group_list,
        "organization_list": group_list,
        "group_list_authz": {
            "am_member": BOOLEAN, "available_only": BOOLEAN, "include_dataset_count": BOOLEAN,
            "include_member_count": BOOLEAN,
        },
        "organization_list_for_user": {
            **ID, "permission": IDENTIFIER, "include_dataset_count": BOOLEAN, "include_member_count": BOOLEAN,
        },
        "group_show": group_show,
        "organization_show": group_show,
        "group_package_show": {**ID, "limit": NATURAL},
        "group_member_create": _required(members, "id", "username"),
        "organization_member_create": _required(members, "id", "username"),
        "group_member_delete": _required(group_member_delete, "id"),
        "organization_member_delete": _required(group_member_delete, "id"),
        "member_create": {
            **ID, "object": IDENTIFIER, "object_type": OneOf(object_types), "capacity": IDENTIFIER,
        },
        "member_delete": {**ID, "object": IDENTIFIER, "object_type": OneOf(object_types)},
        "member_list": {**ID, "object_type": OneOf(object_types), "capacity": IDENTIFIER},
        "member_roles_list": {"group_type": OneOf(_fixed("group", "organization"))},
        "group_followee_count": follow_user,
        "group_followee_list": follow_user,
        "group_follower_count": follow_group,
        "group_follower_list": follow_group,
        "organization_followee_count": follow_user,
        "organization_followee_list": follow_user,
        "organization_follower_count": follow_group,
        "organization_follower_list": follow_group,
        "follow_group": follow_group,
        "unfollow_group": follow_group,
        # DCAT (ckanext-dcat, chained in action.py)
        "dcat_catalog_show": catalogue,
        "dcat_catalog_search": catalogue,
        "dcat_dataset_show": {**ID, **rdf},
        # scheming
        "scheming_dataset_schema_list": {},
        "scheming_organization_schema_list": {},
        "scheming_dataset_schema_show": {"type": IDENTIFIER, "expanded": BOOLEAN},
        "scheming_organization_schema_show": {"type": IDENTIFIER, "expanded": BOOLEAN},
        # tags and vocabularies
        "tag_autocomplete": tag_query,
        "tag_search": tag_query,
        "tag_list": {**tag_query, "query": TEXT, "all_fields": BOOLEAN},  # tag_list strips its query
        "tag_show": {**ID, "vocabulary_id": IDENTIFIER, "include_datasets": BOOLEAN},
        "tag_create": {"name": IDENTIFIER, "vocabulary_id": IDENTIFIER},
        "tag_delete": {**ID, "vocabulary_id": IDENTIFIER},
        "vocabulary_create": {"name": IDENTIFIER, "tags": OBJECT_LIST},
        "vocabulary_update": {**ID, "name": IDENTIFIER, "tags": OBJECT_LIST},
        "vocabulary_delete": ID,
        "vocabulary_show": ID,
        "vocabulary_list": {},
        # task statuses and term translations
        "task_status_show": {**ID, "entity_id": IDENTIFIER, "task_type": IDENTIFIER, "key": IDENTIFIER},
        "task_status_update": Declaration(
            {**ID, "entity_id": IDENTIFIER, "entity_type": IDENTIFIER, "task_type": IDENTIFIER, "key": IDENTIFIER},
            "a task status: CKAN's default_task_status_schema",
        ),
        "task_status_update_many": {"data": OBJECT_LIST},
        "task_status_delete": ID,
        "term_translation_show": {"terms": TEXT_LIST, "lang_codes": IDENTIFIER_LIST},
        "term_translation_update": {"term": TEXT, "term_translation": TEXT, "lang_code": IDENTIFIER},
        "term_translation_update_many": {"data": OBJECT_LIST},
        # users
        "user_autocomplete": autocomplete,
        "user_create": user_body,
        "user_update": user_body,
        "user_patch": user_body,
        "user_delete": ID,
        "user_invite": _required({"email": TEXT, "group_id": IDENTIFIER, "role": IDENTIFIER}, "email", "group_id", "role"),
        "user_list": {
            **pagination, "q": TEXT, "email": TEXT, "order_by": IDENTIFIER, "all_fields": BOOLEAN,
            "include_site_user": BOOLEAN,
        },
        "user_show": {
            **ID, **{f"include_{part}": BOOLEAN for part in (
                "datasets", "num_followers", "password_hash", "plugin_extras",
            )},
        },
        "user_followee_count": follow_user,
        "user_followee_list": follow_user,
        "user_follower_count": follow_user,
        "user_follower_list": follow_user,
        "followee_count": follow_user,
        "followee_list": follow_user,
        "follow_user": follow_user,
        "unfollow_user": follow_user,
        # the site
        "get_site_user": {},
        "help_show": {"name": IDENTIFIER},
        "license_list": {},
        "status_show": {},
        "job_list": _from_schema(schema.job_list_schema, queues=IDENTIFIER_LIST),
        "job_clear": {"queues": IDENTIFIER_LIST},
        "job_cancel": ID,
        "job_show": ID,
    }
    return {
        **_harvest_declarations(),
        **{name: entry if isinstance(entry, Declaration) else Declaration(entry) for name, entry in declared.items()},
    }


# Every action: CKAN drops a JSONP `callback` before calling it.
EVERY_ACTION = {"callback": IDENTIFIER}
# Parameters CKAN looks up in the database before validating them, also in
# the free-form bodies of write actions (a number there failed in PostgreSQL).
LOOKED_UP = (
    "id", "package_id", "resource_id", "view_id", "org_id", "organization_id", "owner_org",
    "group", "group_id", "object", "user", "user_id", "username",
)

_declared: dict[str, Declaration] = {}


def declarations() -> dict[str, Declaration]:
    """Built on first use: the schemas come from the loaded plugins."""
    if not _declared:
        _declared.update(_declarations())
    _follow_harvest_auth_names(_declared)
    return _declared


def _follow_harvest_auth_names(declared: dict[str, Declaration]) -> None:
    """ckanext-harvest's loader fills one dict, shared by its get_actions
    and get_auth_functions: when CKAN builds its auth registry first, the
    auth functions' own names (auth_allow_anonymous_access …) are also
    registered as actions. Those are declared, not offered, while they are."""
    from ckan import plugins

    if not plugins.plugin_loaded("harvest"):
        return
    for name in _harvest_auth_only_names():
        try:
            toolkit.get_action(name)
        except KeyError:
            if declared.get(name) is HARVEST_NOT_OFFERED:
                del declared[name]
        else:
            declared.setdefault(name, HARVEST_NOT_OFFERED)


_auth_only: list[str] = []


def _harvest_auth_only_names() -> list[str]:
    if not _auth_only:
        actions = set(harvest_functions("ckanext.harvest.logic.action"))
        _auth_only.extend(name for name in harvest_functions("ckanext.harvest.logic.auth") if name not in actions)
    return _auth_only


def is_declared(action: str) -> bool:
    """Declared and offered through the action API."""
    declaration = declarations().get(action)
    return declaration is not None and declaration.offered


# --- pages that hand query parameters to actions unchecked --------------------------------


def _pages() -> dict[str, dict[str, Kind]]:
    catalogue = declarations()["dcat_catalog_show"].parameters
    autocomplete = {"incomplete": TEXT, "limit": NATURAL}
    search_page = {"page": Number(10**6, 1), "sort": TEXT, "q": TEXT}
    return {
        # ckanext-dcat: profiles come comma-separated, action.py checks them
        "dcat.read_catalog": {**{k: catalogue[k] for k in ("page", "modified_since", "q", "fq")}, "profiles": TEXT},
        "dcat.read_dataset": {"profiles": TEXT},
        "dcat.read_dataset_series": {"profiles": TEXT},
        # CKAN's /api/2/util autocompletes
        "api.dataset_autocomplete": autocomplete,
        "api.tag_autocomplete": {**autocomplete, "vocabulary_id": IDENTIFIER},
        "api.format_autocomplete": autocomplete,
        "api.user_autocomplete": {"q": TEXT, "limit": NATURAL, "ignore_self": BOOLEAN},
        "api.group_autocomplete": {"q": TEXT, "limit": NATURAL},
        "api.organization_autocomplete": {"q": TEXT, "limit": NATURAL},
        "user.login": {"came_from": LocalPath()},
        # CKAN's feeds
        **{f"feeds.{feed}": search_page for feed in ("general", "custom", "tag", "group", "organization")},
    }


_page_kinds: dict[str, dict[str, Kind]] = {}


def page_parameters(endpoint: str | None) -> dict[str, Kind] | None:
    """The checked query parameters of a page, None for a page not checked
    here (its own view validates what it reads)."""
    if not _page_kinds:
        _page_kinds.update(_pages())
    return _page_kinds.get(endpoint or "")


def known_format(endpoint: str | None, given: Any) -> bool:
    """A DCAT page's format (`/catalog.<format>`) is one ckanext-dcat serves."""
    return given is None or not (endpoint or "").startswith("dcat.") or given in _rdf_formats()


# --- the check ------------------------------------------------------------------------


def problems(kinds: Mapping[str, Kind], given: Mapping[str, Any]) -> dict[str, list[str]]:
    return {name: [problem] for name, value in given.items() if (problem := kinds[name].problem(value))}


def refused(action: str, data: Mapping[str, Any], repeated: set[str]) -> dict[str, list[str]]:
    """The errors of a request to `action` (its parameters `data`, those of
    them `repeated` in the query string or form), by parameter; empty if
    none."""
    declaration = declarations()[action]
    kinds = {**EVERY_ACTION, **declaration.parameters}
    if declaration.body is not None:
        kinds = {**{name: IDENTIFIER for name in LOOKED_UP}, **kinds}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        kind = kinds.get(name)
        if name in repeated and not (kind and kind.repeatable):
            errors[name] = [_("Given more than once: give it once")]
        elif kind is None and declaration.body is None:
            errors[name] = [_("Not a parameter of this action")]
    for name, kind in kinds.items():
        if isinstance(kind, Required) and data.get(name) in (None, "", [], {}) and name not in errors:
            errors[name] = [_("Missing value")]
    checked = {name: value for name, value in data.items() if name in kinds and name not in errors and value is not None}
    return {**errors, **problems(kinds, checked)}
