"""Who may see what: no dataset that breaks the publication rule, and no
internal classification field, reaches anyone who should not see it.

CKAN already hides private datasets from people outside their organisation
in most places; this module closes the rest:

- permission labels (IPermissionLabels): a dataset stored public that breaks
  the rule (stored before the rule existed, or written past the action
  layer) is labelled like a private one, so search, package_show, resources,
  downloads, autocompletes and new activities treat it as private;
- internal fields (classified_by, classification_date, integrity and
  availability levels) are shown only to people who may edit the dataset,
  and never in the open catalogue (DCAT) or in the activity stream;
- lists CKAN builds straight from the database (tags, formats, members,
  package_list) keep only what the person may see;
- the open catalogue holds only datasets that are public and meet the rule.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
from typing import Any, Iterable, Iterator

from ckan import authz, model
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.plugins import plugin_loaded, toolkit

from ckanext.gbgopendata import classification, dataset_types
from ckanext.gbgopendata.logic import facts, save

# Context key: the request serves the open catalogue (DCAT endpoints).
OPEN_CATALOGUE = "gbgopendata_open_catalogue"
# Solr fields whose value is a whole dataset as JSON.
_STORED_DATASET_FIELDS = ("data_dict", "validated_data_dict")


# --- the rule's view of a stored dataset ----------------------------------------------


def in_open_catalogue(dataset: dict[str, Any]) -> bool:
    """Whether a dataset belongs in the open catalogue: public, active and
    meeting the publication rule. Every catalogue endpoint must ask this."""
    return (
        not dataset.get("private")
        and dataset.get("state", "active") == "active"
        and not facts.standing(dataset)
    )


# The open catalogue in the search index: permission label "public", which
# only an active, non-private dataset meeting the publication rule carries
# (PermissionLabels below).
OPEN_CATALOGUE_FQ = "+permission_labels:public +capacity:public"


def open_catalogue_filter(fq: Any) -> str:
    """A Solr filter query for the open catalogue, keeping a caller's own
    filter (which can only narrow it: every clause here is required)."""
    if isinstance(fq, str) and fq.strip():
        if OPEN_CATALOGUE_FQ in fq:
            return fq
        return f"{OPEN_CATALOGUE_FQ} +({fq})"
    return OPEN_CATALOGUE_FQ


def open_catalogue_datasets(datasets: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The datasets of `datasets` that belong in the open catalogue, without
    their internal fields."""
    return [strip_internal_fields(dataset) for dataset in datasets if in_open_catalogue(dataset)]


# --- permission labels ----------------------------------------------------------------


class PermissionLabels(DefaultPermissionLabels):
    """CKAN's labels, except that a public dataset which breaks the
    publication rule is labelled as if it were private (fail closed)."""

    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        # CKAN asks several times per save (index, new activity, past
        # activities): a save decided by its assessment computes them once.
        current = save.current(dataset_obj.id)
        if current is None or current.dataset_id != dataset_obj.id:
            return _labels(dataset_obj, None)
        if not dataset_obj.private and current.assessment is None:
            return _labels(dataset_obj, None)  # decided before the save's own assessment
        key = (dataset_obj.id, bool(dataset_obj.private), dataset_obj.state, dataset_obj.owner_org)
        if current.labels is None or current.labels[0] != key:
            current.labels = (key, _labels(dataset_obj, current.assessment))
        return list(current.labels[1])


# The label of a harvest source: one no user has, so only sysadmins (who
# read past labels) see sources, in search, package_show and every list.
HARVEST_SOURCE_LABEL = "gbgopendata-harvest-source"


def _labels(dataset_obj: model.Package, decided: Any) -> list[str]:
    if dataset_obj.type == dataset_types.HARVEST_SOURCE_TYPE:
        return [HARVEST_SOURCE_LABEL]
    labels = DefaultPermissionLabels.get_dataset_labels(_permission_labels, dataset_obj)
    if labels == ["public"]:
        unmet = decided.standing if decided is not None else facts.standing(dataset_obj)
        if unmet:
            return _private_labels(dataset_obj)
    return labels


def _private_labels(dataset_obj: model.Package) -> list[str]:
    # As DefaultPermissionLabels labels a private dataset.
    labels = []
    if authz.check_config_permission("allow_dataset_collaborators"):
        labels.append(f"collaborator-{dataset_obj.id}")
    if dataset_obj.owner_org:
        labels.append(f"member-{dataset_obj.owner_org}")
    else:
        labels.append(f"creator-{dataset_obj.creator_user_id}")
    return labels


_permission_labels = PermissionLabels()


def dataset_labels(pkg: model.Package) -> list[str]:
    return _permission_labels.get_dataset_labels(pkg)


def user_dataset_labels(user_obj: model.User | None) -> list[str]:
    kept = _user_labels_of_this_action.get()
    key = getattr(user_obj, "id", None)
    if kept is not None and key in kept:
        return list(kept[key])
    labels = _permission_labels.get_user_dataset_labels(user_obj)
    if kept is not None:
        kept[key] = list(labels)
    return labels


# The labels of each user, kept for one action called from outside (and the
# actions it calls in turn, which ask again for the same user): CKAN reads
# them with several queries each time.
_user_labels_of_this_action: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "gbgopendata_user_labels", default=None
)


@contextlib.contextmanager
def one_reading_of_user_labels() -> Iterator[None]:
    """User labels are read once while the block runs (one outer action:
    what a user may read does not change during it)."""
    if _user_labels_of_this_action.get() is not None:
        yield
        return
    token = _user_labels_of_this_action.set({})
    try:
        yield
    finally:
        _user_labels_of_this_action.reset(token)


def user_labels(context: dict) -> list[str] | None:
    """The person's labels; None when they may see everything."""
    if context.get("ignore_auth"):
        return None
    user = context.get("auth_user_obj")
    if user is None or getattr(user, "is_anonymous", True):
        user = model.User.get(context["user"]) if context.get("user") else None
    if user is not None and user.sysadmin:
        return None
    return user_dataset_labels(user)


def readable_package_ids(context: dict, package_ids: Iterable[str]) -> set[str]:
    """The ids of `package_ids` the person may read."""
    ids = set(package_ids)
    labels = user_labels(context)
    if labels is None or not ids:
        return ids
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    return {pkg.id for pkg in packages if set(dataset_labels(pkg)) & set(labels)}


# --- internal fields ------------------------------------------------------------------


def strip_internal_fields(dataset: dict[str, Any]) -> dict[str, Any]:
    """A copy of `dataset` without the internal classification fields, in
    whichever shape they come: fields, extras, Solr fields, stored JSON."""
    internal = set(classification.INTERNAL_FIELDS)
    solr_fields = {f"extras_{field}" for field in internal}
    stripped = {key: value for key, value in dataset.items() if key not in internal and key not in solr_fields}
    if isinstance(stripped.get("extras"), list):
        stripped["extras"] = [
            extra for extra in stripped["extras"] if not (isinstance(extra, dict) and extra.get("key") in internal)
        ]
    for field in _STORED_DATASET_FIELDS:
        if isinstance(stripped.get(field), str):
            try:
                stored = json.loads(stripped[field])
            except ValueError:
                continue
            if isinstance(stored, dict):
                stripped[field] = json.dumps(strip_internal_fields(stored))
    return stripped


def _may_see_classification(context: dict, dataset: dict[str, Any], cache: dict) -> bool:
    dataset_id, owner_org = dataset.get("id"), dataset.get("owner_org")
    if not dataset_id:
        return False
    # Without dataset collaborators, the answer follows the organisation.
    collaborators = authz.check_config_permission("allow_dataset_collaborators")
    cache_key = dataset_id if collaborators or not owner_org else owner_org
    if cache_key not in cache:
        auth_context = {"user": context.get("user") or "", "auth_user_obj": context.get("auth_user_obj")}
        try:
            toolkit.check_access("gbgopendata_classification_show", auth_context, {"id": dataset_id})
            cache[cache_key] = True
        except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
            cache[cache_key] = False
    return cache[cache_key]


def shows_internal_fields(context: dict, dataset: dict[str, Any], cache: dict | None = None) -> bool:
    if context.get(OPEN_CATALOGUE):
        return False
    if context.get("ignore_auth"):
        return True  # CKAN's own internal reads (package_update, activities)
    user = context.get("user")
    if not user:
        return False
    if authz.is_sysadmin(user):
        return True
    return _may_see_classification(context, dataset, {} if cache is None else cache)


def without_relationships(dataset: Any) -> Any:
    """A dataset without CKAN's relationship lists: they name the other
    dataset and carry a comment whoever may see that one, and CKAN 2.12's
    search indexing fails on them (its default show schema drops the
    relationship's package ids, then the indexer reads them). They are read
    through package_relationships_list, which checks both ends."""
    if not isinstance(dataset, dict):
        return dataset
    return {key: value for key, value in dataset.items() if key not in ("relationships_as_subject", "relationships_as_object")}


def present_dataset(context: dict, dataset: Any, cache: dict | None = None) -> Any:
    dataset = without_harvest_extras(dataset)
    if not isinstance(dataset, dict) or shows_internal_fields(context, dataset, cache):
        return dataset
    return strip_internal_fields(dataset)


# What ckanext-harvest adds to a harvested dataset's indexed dict (its
# before_dataset_index) as `extras`, which the dataset's schema does not
# have: not shown, so that a dataset read can be written back as it is read
# (the schema refuses unknown fields) and no hidden source is named.
HARVEST_EXTRAS = ("harvest_object_id", "harvest_source_id", "harvest_source_title")


def without_harvest_extras(dataset: Any) -> Any:
    if not isinstance(dataset, dict) or dataset.get("type") == dataset_types.HARVEST_SOURCE_TYPE:
        return dataset
    extras = dataset.get("extras")
    if not isinstance(extras, list):
        return dataset
    kept = [extra for extra in extras if not (isinstance(extra, dict) and extra.get("key") in HARVEST_EXTRAS)]
    if len(kept) == len(extras):
        return dataset
    dataset = dict(dataset)
    if kept:
        dataset["extras"] = kept
    else:
        dataset.pop("extras")
    return dataset


def present_datasets(context: dict, datasets: list) -> list:
    cache: dict = {}
    return [present_dataset(context, dataset, cache) for dataset in datasets]


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The search index does not hold the internal fields as searchable
    fields (a search for a person's id must not find what they classified);
    the stored dataset keeps them for the people who may edit it."""
    internal = set(classification.INTERNAL_FIELDS)
    for field in internal:
        pkg_dict.pop(field, None)
        pkg_dict.pop(f"extras_{field}", None)
    return pkg_dict


# --- activities -----------------------------------------------------------------------


def activity_without_internal_fields(activity: dict[str, Any]) -> dict[str, Any]:
    """Activities are shown to everyone who may see the dataset, so they
    keep no internal field."""
    data = activity.get("data")
    if isinstance(data, dict) and isinstance(data.get("package"), dict):
        activity = dict(activity, data=dict(data, package=strip_internal_fields(data["package"])))
    return activity


def _label_activities(pkg: model.Package, labels: list[str]) -> None:
    from ckanext.activity.model import Activity

    model.Session.query(Activity).filter(Activity.object_id == pkg.id).update(
        {"permission_labels": labels}, synchronize_session=False
    )


def relabel_past_activities(package_id: str) -> None:
    """Gives all activities of a dataset its current labels (after it moved
    to another organisation, the old one's members no longer see them)."""
    pkg = model.Package.get(package_id) if plugin_loaded("activity") else None
    if pkg is not None:
        _label_activities(pkg, dataset_labels(pkg))


def hide_past_activities(package_ids: Iterable[str]) -> None:
    """When a dataset stops being public, its earlier activities (which
    carried its then public metadata) stop being public too. They are not
    made public again when the dataset is: what it said while private stays
    private."""
    if not plugin_loaded("activity"):
        return
    for pkg_id in package_ids:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        labels = dataset_labels(pkg)
        if "public" not in labels:
            _label_activities(pkg, labels)


def after_save(current: Any, dataset: dict[str, Any]) -> None:
    """After a save: past activities are hidden if the dataset may no longer
    be public (nothing to do for one that was private in the same
    organisation before and after)."""
    stored = current.stored if current is not None else None
    if stored and stored["private"] and dataset.get("private") and stored.get("owner_org") == dataset.get("owner_org"):
        return
    hide_past_activities([dataset["id"]])


# --- lists CKAN builds from the database --------------------------------------------------


def visible_facet_values(context: dict, facet_field: str) -> set[str] | None:
    """Every value of `facet_field` (tags, res_format …) on a dataset the
    person may see; None when they may see everything."""
    if user_labels(context) is None:
        return None
    from ckanext.gbgopendata.logic import search_parameters  # noqa: PLC0415 (data only)

    search_context = {
        "user": context.get("user") or "",
        "auth_user_obj": context.get("auth_user_obj"),
        search_parameters.OWN_SEARCH: True,  # every value, not a page of them
    }
    result = toolkit.get_action("package_search")(
        search_context,
        {
            "q": "*:*",
            "rows": 0,
            "facet.field": [facet_field],
            "facet.limit": -1,
            "include_private": True,
            "include_drafts": True,
        },
    )
    return set(result.get("facets", {}).get(facet_field, {}))
