"""Who may know that a dataset exists, and the uniform "not found".

What a caller may not read answers exactly as what does not exist: same
status, same body, in every action and on every page that names a dataset,
a resource, a resource view or a dataset's activity. CKAN answered 403
(naming the dataset), 409 or "Not found: Dataset not found" for a hidden
dataset and a plain 404 for a missing one, so the difference confirmed that
a hidden dataset exists.

- `may_know_dataset` is the one decision: the caller may read the dataset
  (its permission labels, `visibility`); sysadmins and CKAN's own internal
  calls know everything.
- `NAMED_BY` declares, as data, which parameter of which action names what;
  `guard_actions` runs the check before the action (and before every other
  check), and answers the same ObjectNotFound for a hidden and a missing
  object.
- `refuse_unknown_page` does the same for pages, keyed on the URL rule's
  view arguments (`id`, `_id`, `resource_id`, `view_id`), with one lookup
  per object named; a dataset of a type without pages has none either.
- A new dataset's name that a hidden dataset holds is refused as a name that
  can never be used (CKAN's message for `new`, `edit`, `search`), not as
  "already in use": the refusal says the name is unavailable, which any
  refusal of a free name must, but not that a dataset holds it.

A caller who may read a dataset but not change it is still told "not
authorised" by CKAN: they know it exists.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Callable, NamedTuple

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata.logic import visibility

DATASET, RESOURCE, RESOURCE_VIEW, ACTIVITY = "dataset", "resource", "resource view", "activity"

# The one answer for each kind, whether the object is hidden or missing.
NOT_FOUND = {
    DATASET: "Dataset not found",
    RESOURCE: "Resource not found",
    RESOURCE_VIEW: "Resource view not found",
    ACTIVITY: "Activity not found",
}
# A page says it as CKAN's dataset page does (a person may have followed an
# old link or be logged out): one wording for missing and hidden alike.
PAGE_NOT_FOUND = {**NOT_FOUND, DATASET: "Dataset not found or you have no permission to view it"}


class Identifier(NamedTuple):
    """A parameter that names an object of `kind`: `parameter` is a key of
    the data_dict, or `outer.inner` inside a dict there; read only when the
    data_dict holds `when`'s values and lacks `instead_of`."""

    parameter: str
    kind: str
    when: dict[str, str] | None = None
    instead_of: str | None = None


_ID = (Identifier("id", DATASET),)
# CKAN's package_update and package_patch look a dataset up by `name` when no `id` is given.
_ID_OR_NAME = (Identifier("id", DATASET), Identifier("name", DATASET, instead_of="id"))
_RELATIONSHIP = (Identifier("subject", DATASET), Identifier("object", DATASET))
_MEMBER = (Identifier("object", DATASET, when={"object_type": "package"}),)

# Every action (CKAN's, its plugins' and ours) with a parameter that names a
# dataset, a resource, a resource view or an activity.
# tests/test_uniform_not_found.py fails for a registered action that takes
# one and is neither here nor among its declared exceptions.
NAMED_BY: dict[str, tuple[Identifier, ...]] = {
    "package_show": _ID,
    "package_update": _ID_OR_NAME,
    "package_patch": _ID_OR_NAME,
    "package_revise": (
        Identifier("match.id", DATASET), Identifier("match.name", DATASET, instead_of="match.id"),
        Identifier("match__id", DATASET), Identifier("match__name", DATASET, instead_of="match__id"),
    ),
    "package_delete": _ID,
    "dataset_purge": _ID,
    "package_owner_org_update": _ID,
    "package_resource_reorder": _ID,
    "package_create_default_resource_views": (Identifier("package.id", DATASET),),
    "package_relationships_list": (Identifier("id", DATASET), Identifier("id2", DATASET)),
    "package_relationship_create": _RELATIONSHIP,
    "package_relationship_update": _RELATIONSHIP,
    "package_relationship_delete": _RELATIONSHIP,
    "package_collaborator_list": _ID,
    "package_collaborator_create": _ID,
    "package_collaborator_delete": _ID,
    "member_create": _MEMBER,
    "member_delete": _MEMBER,
    "follow_dataset": _ID,
    "unfollow_dataset": _ID,
    "am_following_dataset": _ID,
    "dataset_follower_count": _ID,
    "dataset_follower_list": _ID,
    "resource_create": (Identifier("package_id", DATASET),),
    "resource_show": (Identifier("id", RESOURCE),),
    "resource_update": (Identifier("id", RESOURCE),),
    "resource_patch": (Identifier("id", RESOURCE),),
    "resource_delete": (Identifier("id", RESOURCE),),
    "resource_create_default_resource_views": (Identifier("resource.id", RESOURCE), Identifier("package.id", DATASET)),
    "resource_view_list": (Identifier("id", RESOURCE),),
    "resource_view_reorder": (Identifier("id", RESOURCE),),
    "resource_view_create": (Identifier("resource_id", RESOURCE),),
    "resource_view_show": (Identifier("id", RESOURCE_VIEW),),
    "resource_view_update": (Identifier("id", RESOURCE_VIEW),),
    "resource_view_delete": (Identifier("id", RESOURCE_VIEW),),
    # activity plugin
    "package_activity_list": _ID,
    "activity_show": (Identifier("id", ACTIVITY),),
    "activity_data_show": (Identifier("id", ACTIVITY),),
    "activity_diff": (Identifier("id", ACTIVITY),),
    "activity_delete": (Identifier("id", ACTIVITY),),
    # ckanext-dcat
    "dcat_dataset_show": _ID,
    # ours
    "gbg_checklist_show": _ID,
    "gbg_checklist_update": _ID,
    "gbg_dataset_publish": _ID,
    "gbg_dataset_unpublish": _ID,
    "gbg_approval_show": _ID,
    "gbg_approval_request": _ID,
    "gbg_dataset_approve": _ID,
    "gbg_approval_return": _ID,
    "gbg_quality_show": _ID,
    "gbg_quality_preview": _ID,  # when given (a new dataset has none)
}

# Pages: the view argument that names what (CKAN's dataset, resource and
# dcat pages carry `package_type`; the others are listed by endpoint).
PAGE_ARGUMENTS = {"id": DATASET, "_id": DATASET, "resource_id": RESOURCE, "view_id": RESOURCE_VIEW}
PAGES_WITHOUT_PACKAGE_TYPE: dict[str, dict[str, str]] = {
    "activity.package_activity": {"id": DATASET},
    "activity.package_history": {"id": DATASET, "activity_id": ACTIVITY},
    "activity.resource_history": {"id": DATASET, "resource_id": RESOURCE, "activity_id": ACTIVITY},
    "activity.package_changes": {"id": ACTIVITY},
    "gbgopendata_publication.checklist": {"id": DATASET},
    "gbgopendata_publication.publish": {"id": DATASET},
    "gbgopendata_publication.unpublish": {"id": DATASET},
    "gbgopendata_publication.approval": {"id": DATASET},
}


# --- the decision ---------------------------------------------------------------------


def may_know_dataset(context: dict, pkg: model.Package) -> bool:
    """Whether the caller may know that `pkg` exists: they may read it."""
    return _readable(lambda: visibility.user_labels(context), pkg)


def _readable(user_labels: Callable[[], list[str] | None], pkg: model.Package) -> bool:
    """Whether a caller with `user_labels` may read `pkg`. Everyone holds
    "public", so the caller's labels (their organisations, from the
    database) are read only for a dataset not labelled public."""
    labels = visibility.dataset_labels(pkg)
    if "public" in labels:
        return True
    caller = user_labels()
    return caller is None or bool(set(labels) & set(caller))


def _dataset_of(kind: str, identifier: str) -> tuple[bool, model.Package | None]:
    """(whether the object exists, the dataset it is or belongs to, if any)."""
    if kind == DATASET:
        pkg = _dataset_named(identifier)
        return pkg is not None, pkg
    if kind == RESOURCE:
        resource = model.Resource.get(identifier)
        return resource is not None, resource.package if resource is not None else None
    if kind == RESOURCE_VIEW:
        view = model.ResourceView.get(identifier)
        resource = model.Resource.get(view.resource_id) if view is not None else None
        return view is not None, resource.package if resource is not None else None
    from ckanext.activity.model import Activity

    activity = model.Session.get(Activity, identifier)
    if activity is None:
        return False, None
    is_of_a_dataset = (activity.activity_type or "").endswith("package")
    return True, model.Package.get(activity.object_id) if is_of_a_dataset else None


def known_package(context: dict, reference: str) -> model.Package | None:
    """The active package `reference` names (id or name) that the caller may
    know of; None for a missing, deleted or hidden one alike, so a link
    validator (a series, a data service, a served dataset) answers a hidden
    package in a missing one's words."""
    pkg = _dataset_named(reference)
    if pkg is None or pkg.state != "active":
        return None
    return pkg if may_know_dataset(context, pkg) else None


def _dataset_named(reference: str) -> model.Package | None:
    """The dataset whose id, or else whose name, is `reference`, in one
    statement (Package.get sends two for a name); none when this session
    has it loaded already (the actions a save calls in turn name it again)."""
    package = model.Package
    loaded = model.Session.identity_map.get(sa.orm.util.identity_key(package, reference))
    if loaded is not None:
        return loaded
    query = model.Session.query(package).filter(sa.or_(package.id == reference, package.name == reference))
    return query.order_by((package.id == reference).desc()).first()


def _looked_up(
    kind: str, identifier: str, may_read: Callable[[model.Package], bool]
) -> tuple[bool, model.Package | None]:
    """(whether `identifier` names an object of `kind` the caller may know
    of, the dataset it is or belongs to)."""
    exists, pkg = _dataset_of(kind, identifier)
    return exists and (pkg is None or may_read(pkg)), pkg


def may_know(context: dict, kind: str, identifier: str) -> bool:
    """Whether `identifier` names an object of `kind` the caller may know of."""
    return _looked_up(kind, identifier, lambda pkg: may_know_dataset(context, pkg))[0]


def refuse_unknown(context: dict, kind: str, identifier: Any) -> None:
    """Raises the one "not found" of `kind` unless the caller may know the
    object. An identifier that is not text is left to the action's own
    checks (bad_input)."""
    if isinstance(identifier, str) and identifier and not may_know(context, kind, identifier):
        raise toolkit.ObjectNotFound(toolkit._(NOT_FOUND[kind]))


# --- actions --------------------------------------------------------------------------


def _value(data_dict: dict, path: str) -> Any:
    value: Any = data_dict
    for key in path.split("."):
        if isinstance(value, str) and value.startswith("{"):
            try:  # package_revise takes `match` as JSON text too
                value = json.loads(value)
            except ValueError:
                return None
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def named_objects(action_name: str, data_dict: Any) -> list[tuple[str, Any]]:
    """(kind, identifier) of each object the request names."""
    if not isinstance(data_dict, dict):
        return []
    named = []
    for identifier in NAMED_BY.get(action_name, ()):
        if identifier.when and any(data_dict.get(key) != value for key, value in identifier.when.items()):
            continue
        if identifier.instead_of and _value(data_dict, identifier.instead_of) not in (None, ""):
            continue
        named.append((identifier.kind, _value(data_dict, identifier.parameter)))
    return named


def _name_taken_by_a_hidden_dataset(context: dict, data_dict: dict, error: toolkit.ValidationError) -> bool:
    name = data_dict.get("name")
    taken = toolkit._("That URL is already in use.")
    if not isinstance(name, str) or taken not in (error.error_dict or {}).get("name", []):
        return False
    pkg = model.Package.get(name)
    return pkg is not None and pkg.name == name and not may_know_dataset(context, pkg)


def _guarded(name: str, inner: Callable | None) -> Callable:
    chained = inner is None or getattr(inner, "chained_action", False)

    def run(up_func, context, data_dict):
        with visibility.one_reading_of_user_labels():
            return decided(up_func, context, data_dict)

    def decided(up_func, context, data_dict):
        for kind, identifier in named_objects(name, data_dict):
            refuse_unknown(context, kind, identifier)
        try:
            if not chained:
                return inner(context, data_dict)  # an action of ours, not a chained one
            return inner(up_func, context, data_dict) if inner is not None else up_func(context, data_dict)
        except toolkit.ValidationError as error:
            if name in ("package_create", "package_update") and _name_taken_by_a_hidden_dataset(
                context, data_dict, error
            ):
                error.error_dict["name"] = [
                    toolkit._("That name cannot be used") if message == toolkit._("That URL is already in use.")
                    else message
                    for message in error.error_dict["name"]
                ]
            raise

    def action(*args):
        return run(*args) if chained else run(None, *args)

    action.__name__ = name
    action.__doc__ = getattr(inner, "__doc__", None)
    if getattr(inner, "side_effect_free", False) or (chained and _is_a_read(name)):
        action.side_effect_free = True
    return toolkit.chained_action(action) if chained else action


def _is_a_read(name: str) -> bool:
    """Whether CKAN or the activity plugin serves the action to GET
    requests (CKAN marks every action of ckan.logic.action.get so)."""
    from ckan.logic.action import get

    if hasattr(get, name):
        return True
    try:
        from ckanext.activity.logic import action as activity_actions
    except ImportError:
        return False
    return getattr(getattr(activity_actions, name, None), "side_effect_free", False)


def guard_actions(actions: dict[str, Callable]) -> dict[str, Callable]:
    """`actions` (the extension's chained actions), each action of NAMED_BY
    (and package_create, for the name) answering "not found" first for what
    the caller may not know of."""
    guarded = dict(actions)
    for name in (*NAMED_BY, "package_create"):
        if name.startswith("activity_") or name == "package_activity_list":
            if not _activity_loaded() or not _activity_action_exists(name):
                continue  # activity_delete is CKAN 2.12's
        if name.startswith("dcat_") and name not in actions:
            continue
        guarded[name] = _guarded(name, actions.get(name))
    return guarded


def _activity_action_exists(name: str) -> bool:
    from ckanext.activity.logic import action as activity_actions

    return callable(getattr(activity_actions, name, None))


def _activity_loaded() -> bool:
    from ckan.plugins import plugin_loaded

    return plugin_loaded("activity")


# --- pages ----------------------------------------------------------------------------


def _page_arguments(endpoint: str | None, view_args: dict) -> dict[str, str]:
    if endpoint in PAGES_WITHOUT_PACKAGE_TYPE:
        return PAGES_WITHOUT_PACKAGE_TYPE[endpoint]
    if "package_type" in view_args:
        return PAGE_ARGUMENTS
    return {}


def not_found_page(kind: str = DATASET) -> Any:
    """CKAN's 404 page with the one "not found" a page says of `kind`."""
    return toolkit.abort(404, toolkit._(PAGE_NOT_FOUND[kind]))


# ckanext-harvest's pages (/harvest, its sources, jobs and harvest objects,
# also /dataset/harvest_object/<id>, which shows a dataset's harvested
# metadata): sysadmins only, anyone else is answered "not found".
HARVEST_BLUEPRINTS = ("harvester", "harvest", "harvest_resource")


def refuse_unknown_page() -> Any:
    """A before_request: a page naming an object the caller may not know of
    is CKAN's 404 page with the one "not found" of its kind, as for one that
    does not exist. So is the page of a dataset of a type the catalogue has
    no pages for (stored before the type check): CKAN's dataset pages link
    to `<type>.read`, which does not exist, and failed with a 500 (lists
    that hold it link to the dataset pages, helpers.gbgopendata_dataset_url).
    One lookup per object the page names, none for other pages. The
    harvester's pages are not found for anyone but a sysadmin."""
    import flask

    request = flask.request
    if request.blueprint in HARVEST_BLUEPRINTS and not getattr(toolkit.current_user, "sysadmin", False):
        return not_found_page(DATASET)
    view_args = request.view_args or {}
    arguments = _page_arguments(request.endpoint, view_args)
    if not arguments:
        return None
    user = toolkit.current_user
    context = {"user": getattr(user, "name", "") or "", "auth_user_obj": user}
    user_labels = functools.cache(lambda: visibility.user_labels(context))
    # A resource's page names its dataset twice: decided once.
    may_read = functools.cache(lambda pkg: _readable(user_labels, pkg))
    for argument, kind in arguments.items():
        identifier = view_args.get(argument)
        if not isinstance(identifier, str) or not identifier:
            continue
        known, pkg = _looked_up(kind, identifier, may_read)
        if not known or kind == DATASET and pkg is not None and not _has_pages(pkg.type):
            return not_found_page(kind)
    return None


def _has_pages(dataset_type: str) -> bool:
    from werkzeug.routing import BuildError

    try:
        toolkit.url_for(f"{dataset_type}.read", id="x")
    except BuildError:
        return False
    return True
