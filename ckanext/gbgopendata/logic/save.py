"""One save of a dataset, as the rule's write path sees it.

The chained package_create/package_update (logic/action.py) call `prepare`
before CKAN's action: access, the dataset type, the stored row locked, the
version the client read. It returns a typed `Save`, which is current
(`current()`) while CKAN's action runs: the dataset-level validators
(logic/publication.py) decide on it and note what they decided, the
permission labels reuse its assessment, and the after-save hooks write the
events (logic/events.py) from it, in the same transaction.

A ContextVar, not a context entry: CKAN copies the context for validation
and for nested actions, and a save must be found by the hooks of that very
save, nested saves included (each restores the outer one when it ends).
"""
from __future__ import annotations

import contextlib
import contextvars
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from ckan import authz, model
from ckan.plugins import toolkit

from ckanext.gbgopendata import assessment, classification, dataset_types
from ckanext.gbgopendata.logic import facts

RELATIONSHIP_FIELDS = ("relationships_as_subject", "relationships_as_object")


@dataclass
class Save:
    creating: bool
    # The dataset as stored before the save (facts.of_package, with its
    # classification stamps and metadata_modified); None for a new one.
    stored: dict[str, Any] | None
    # The distributions the save keeps: CKAN 2.12 validates only those it
    # changes, so the rule completes the rest from the stored dataset.
    resource_ids: list[str] | None
    # The metadata_modified the client read (a declassification and a
    # republication are only saved on the current version).
    seen_modified: str | None
    # Why a save that makes the dataset private is an automatic unpublishing
    # (set by the action that unpublishes: gbg_checklist_update).
    unpublish_reason: str | None = None
    comment: str | None = None
    # What the validators decided.
    level_changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    unpublished_level: str | None = None
    moved_from: str | None = None
    assessment: assessment.Assessment | None = None
    # The permission labels of the saved dataset, computed once per save:
    # ((id, private, state, owner_org) they were computed for, labels).
    labels: tuple[tuple, list[str]] | None = None
    events_written: bool = False
    # The reason code when the save made a public dataset private by itself
    # (set with the history entry, logic/events.py; read for the activity).
    made_private_automatically: str | None = None
    # The id of the dataset a create made (known from its after-save hook on).
    created_id: str | None = None

    @property
    def dataset_id(self) -> str | None:
        return self.stored["id"] if self.stored else self.created_id



_current: contextvars.ContextVar[Save | None] = contextvars.ContextVar("gbgopendata_save", default=None)


def current(dataset_id: str | None = None) -> Save | None:
    """The save in progress; with `dataset_id`, only if it saves that dataset
    (a new dataset: the save that creates one)."""
    save = _current.get()
    if save is None or dataset_id is None:
        return save
    if save.creating or save.dataset_id == dataset_id:
        return save
    return None


@contextlib.contextmanager
def saving(save: Save) -> Iterator[Save]:
    token = _current.set(save)
    try:
        yield save
    finally:
        _current.reset(token)


# The key of a dataset activity's data that says its save made the dataset
# private by itself, and why (a reason code of the history): the activity
# stream and the overviews say so (logic/action.py activity_create).
MADE_PRIVATE_AUTOMATICALLY = "gbgopendata_made_private_automatically"

# The save that has just ended: CKAN's activity plugin writes the save's
# activity after the action (a signal), when `current()` is already over.
_ended: contextvars.ContextVar[Save | None] = contextvars.ContextVar("gbgopendata_ended_save", default=None)


def ended(save: Save | None) -> None:
    _ended.set(save)


def take_ended(dataset_id: str) -> Save | None:
    """The save of that dataset that has just ended, once (a thread serves
    many requests: nothing of it is left for a later activity)."""
    save = _ended.get()
    _ended.set(None)
    return save if save is not None and save.dataset_id == dataset_id else None


def stored_dataset(pkg: model.Package) -> dict[str, Any]:
    """What a save needs to know about the dataset as it is stored."""
    stored = facts.of_package(pkg)
    extras = pkg.extras or {}
    for name in classification.STAMP_FIELDS:
        stored[name] = extras.get(name) or None
    stored["metadata_modified"] = pkg.metadata_modified.isoformat() if pkg.metadata_modified else None
    return stored


def _refuse_unknown_type(dataset_type: Any) -> None:
    allowed = sorted(facts.rules().types_under_rule)
    if dataset_type not in allowed:
        raise toolkit.ValidationError(
            {
                "type": [
                    toolkit._("{type} is not a dataset type of this catalogue. Allowed types: {allowed}").format(
                        type=json.dumps(dataset_type, ensure_ascii=False), allowed=", ".join(allowed) or "–"
                    )
                ]
            }
        )


def _harvest_source(context: dict, data_dict: dict) -> None:
    """A harvest source (ckanext-harvest's package type): a trusted one only
    by a sysadmin (a ValidationError naming `config`), any only by a
    sysadmin (for anyone else `harvest` is no type of the catalogue), and
    always private. Changes `data_dict` in place."""
    from ckanext.gbgopendata.logic import harvest_sources

    harvest_sources.refuse_trust_unless_sysadmin(context, data_dict)
    if not authz.is_sysadmin(context.get("user")):
        # For everyone else no type of the catalogue.
        _refuse_unknown_type(dataset_types.HARVEST_SOURCE_TYPE)
    data_dict["private"] = True


def locked_package(id_or_name: str) -> model.Package | None:
    """The stored dataset, its row locked until this save commits or rolls
    back: a concurrent save of the same dataset waits, and then reads what
    this one wrote (no save decides on a state another is changing)."""
    pkg = model.Package.get(id_or_name)
    if pkg is None:
        return None
    return (
        model.Session.query(model.Package)
        .filter(model.Package.id == pkg.id)
        .populate_existing()
        .with_for_update()
        .one()
    )


def _resource_ids(data_dict: dict) -> list[str] | None:
    if "resources" not in data_dict or not isinstance(data_dict["resources"], list):
        return None
    return [resource.get("id") for resource in data_dict["resources"] if isinstance(resource, dict)]


# Context keys an action that saves through package_patch sets for the save:
# why it unpublishes (a reason code for the history) and the person's comment.
UNPUBLISH_REASON = "gbgopendata_unpublish_reason"
COMMENT = "gbgopendata_comment"


def prepare(context: dict, data_dict: dict, *, creating: bool) -> tuple[dict, Save]:
    """Before CKAN's package_create/package_update: the data_dict to pass on
    (a copy: the caller's dict is not changed) and the save."""
    data_dict = dict(data_dict)
    # Never taken from input; the schema drops them as well, this only keeps
    # them out of logs and of other extensions' hooks.
    for name in classification.STAMP_FIELDS:
        data_dict.pop(name, None)
    # package_patch drops metadata_modified from the dict but passes the
    # version it read (in the same action) as original_package: a patch names
    # only the fields it changes, so it is made on the current state.
    version_given = "metadata_modified" in data_dict
    seen_modified = data_dict.pop("metadata_modified", None)
    original = context.get("original_package") or {}
    # Relationships are written by the package_relationship_* actions,
    # which check both datasets; package_show no longer returns them.
    for name in RELATIONSHIP_FIELDS:
        if name in data_dict:
            raise toolkit.ValidationError(
                {name: [toolkit._("Relationships are changed with package_relationship_create, _update and _delete")]}
            )
    stored = None
    if creating:
        if data_dict.get("type") == dataset_types.HARVEST_SOURCE_TYPE:
            _harvest_source(context, data_dict)
        elif "type" in data_dict:
            _refuse_unknown_type(data_dict["type"])
    else:
        pkg = locked_package(data_dict.get("id") or data_dict.get("name") or "")
        if pkg is not None:
            # Who may write is answered before what is written; CKAN's check
            # of the groups wants the stored dataset in the context.
            context["package"] = pkg
            toolkit.check_access("package_update", context, data_dict)
            new_type = data_dict["type"] if "type" in data_dict else pkg.type
            if dataset_types.HARVEST_SOURCE_TYPE in (pkg.type, new_type):
                if new_type != pkg.type:
                    _refuse_unknown_type(new_type if pkg.type == dataset_types.HARVEST_SOURCE_TYPE else pkg.type)
                _harvest_source(context, data_dict)
            else:
                _refuse_unknown_type(new_type)
            stored = stored_dataset(pkg)
            if not version_given and original.get("id") == pkg.id:
                seen_modified = original.get("metadata_modified")
    save = Save(
        creating=creating,
        stored=stored,
        resource_ids=_resource_ids(data_dict),
        seen_modified=seen_modified if isinstance(seen_modified, str) else None,
        unpublish_reason=context.get(UNPUBLISH_REASON),
        comment=context.get(COMMENT),
    )
    return data_dict, save
