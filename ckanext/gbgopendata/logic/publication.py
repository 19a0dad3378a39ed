"""The publication rule in the write path.

`rule.publication_blockers` decides whether a dataset may be
public; this module makes every write obey it.

package_create and package_update (and with them package_patch,
package_revise, resource_create/update/delete, the web forms, and CKAN
2.12's bulk actions) all validate through the dataset schema, whose
`after_validators` run the three dataset-level validators below once every
field is validated:

1. `gbgopendata_classification_stamp`: classification_date and classified_by
   come from the server (the acting user) whenever a level changes, never
   from input;
2. `gbgopendata_unpublish_on_raise`: raising confidentiality above 0 on a
   public dataset makes it private in the same save;
3. `gbgopendata_publication_rule`: a save that would leave the dataset public
   against the rule fails with the rule in Swedish and English.

They run inside CKAN's validation, so a refused save stores nothing. The
chained actions (action.py) give them what validation cannot know by itself:
the dataset as it is stored before the save. bulk_update_public is checked
here too, because CKAN 2.11 writes it straight to the database.
"""
from __future__ import annotations

import datetime
import json
from typing import Any

from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing, unflatten
from ckan.plugins import toolkit

from ckanext.gbgopendata import classification, dataset_types, rule
from ckanext.gbgopendata.logic.registry import validator

# Context key of this module: what the chained action knows about the save,
# and what the validators found. A dict, because validators get a copy of
# the context, but not of the objects in it.
SAVE = "gbgopendata_save"


# --- what the chained actions prepare ------------------------------------------------


def stored_classification(pkg: model.Package) -> dict[str, Any]:
    """What a save needs to know about the dataset as it is stored: the
    rule's view of it, its classification stamps and its version."""
    stored = rule.dataset_from_model(pkg)
    for field in classification.CLASSIFICATION_FIELDS:
        stored.setdefault(field, None)
    stored["metadata_modified"] = pkg.metadata_modified.isoformat() if pkg.metadata_modified else None
    return stored


def _refuse_unknown_type(dataset_type: Any) -> None:
    allowed = dataset_types.types_under_the_rule()
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


def prepare_save(context: dict, data_dict: dict, *, creating: bool) -> dict:
    """Called before CKAN's package_create/package_update; returns the
    data_dict to pass on (a copy: the caller's dict is not changed)."""
    data_dict = dict(data_dict)
    # Never taken from input; the schema drops them as well, this only keeps
    # them out of logs and of other extensions' hooks.
    for field in classification.STAMP_FIELDS:
        data_dict.pop(field, None)
    # The metadata_modified a client read: proof that a declassification
    # was made on the current state (gbgopendata_declassification_check).
    # package_patch drops it from the dict but passes the version it read
    # (in the same action) as original_package: a patch names only the
    # fields it changes, so it is made on the current state.
    version_given = "metadata_modified" in data_dict
    seen_modified = data_dict.pop("metadata_modified", None)
    original = context.get("original_package") or {}
    # Relationships are written by the package_relationship_* actions,
    # which check both datasets; package_show no longer returns them.
    for field in RELATIONSHIP_FIELDS:
        if field in data_dict:
            raise toolkit.ValidationError(
                {field: [toolkit._("Relationships are changed with package_relationship_create, _update and _delete")]}
            )
    stored = None
    if creating:
        if "type" in data_dict:
            _refuse_unknown_type(data_dict["type"])
    else:
        pkg = locked_package(data_dict.get("id") or data_dict.get("name") or "")
        if pkg is not None:
            # Who may write is answered before what is written; CKAN's check
            # of the groups wants the stored dataset in the context.
            context["package"] = pkg
            toolkit.check_access("package_update", context, data_dict)
            _refuse_unknown_type(data_dict["type"] if "type" in data_dict else pkg.type)
            stored = stored_classification(pkg)
            # A version the client gave (even an empty one) is the client's.
            if not version_given and original.get("id") == pkg.id:
                seen_modified = original.get("metadata_modified")
    context[SAVE] = {
        "stored": stored,
        # The distributions the save keeps: CKAN 2.12 validates only those it
        # changes, so the rule completes the rest from the stored dataset.
        "resource_ids": _resource_ids(data_dict),
        "seen_modified": seen_modified if isinstance(seen_modified, str) else None,
        "unpublished_level": None,
        "raised_level": None,
        "moved_from": None,
        "level_changes": {},
    }
    return data_dict


RELATIONSHIP_FIELDS = ("relationships_as_subject", "relationships_as_object")


def _resource_ids(data_dict: dict) -> list[str] | None:
    """The ids of the distributions a save lists; None when it lists none
    (it keeps the stored ones)."""
    if "resources" not in data_dict or not isinstance(data_dict["resources"], list):
        return None
    return [resource.get("id") for resource in data_dict["resources"] if isinstance(resource, dict)]


def _resulting_dataset(data: dict, context: dict) -> dict[str, Any]:
    """The dataset as the save leaves it: the validated fields, and every
    distribution it keeps (CKAN 2.12's package_update validates only the
    distributions a save changes and copies the others unvalidated)."""
    dataset = _validated_dataset(data)
    stored = _stored(context, data)
    if stored is None:
        return dataset
    validated = [resource for resource in dataset.get("resources") or [] if isinstance(resource, dict)]
    validated_ids = {resource.get("id") for resource in validated if resource.get("id")}
    kept_ids = (context.get(SAVE) or {}).get("resource_ids")
    kept = [
        resource
        for resource in stored.get("resources") or []
        if resource["id"] not in validated_ids and (kept_ids is None or resource["id"] in kept_ids)
    ]
    dataset["resources"] = validated + kept
    return dataset


def unpublished_level(context: dict) -> str | None:
    """The new confidentiality level when the last save unpublished the
    dataset because its confidentiality was raised; None otherwise."""
    return (context.get(SAVE) or {}).get("unpublished_level")


def tell_web_form_about_unpublishing(context: dict) -> None:
    """The editor of the web form learns, on the next page, that the dataset
    was made private and why (API clients see private: true in the result)."""
    import flask

    save = context.get(SAVE) or {}
    if save.get("moved_from"):
        save["moved_from"] = None  # told once
        if flask.has_request_context() and flask.request.blueprint != "api":
            toolkit.h.flash_notice(
                toolkit._(
                    "The dataset has been made private: it was moved to another organisation, whose "
                    "information owner is to approve its publication on the checklist."
                )
            )
    level = unpublished_level(context)
    if level is None:
        return
    context[SAVE]["unpublished_level"] = None  # told once
    if not flask.has_request_context() or flask.request.blueprint == "api":
        return
    toolkit.h.flash_notice(
        toolkit._(
            "The dataset has been made private: its confidentiality is now level {level}, and only "
            "information at confidentiality level 0 may be published openly."
        ).format(level=level)
    )


# --- field validators -----------------------------------------------------------------


@validator
def gbgopendata_classification_level(key, data, errors, context):
    """A level of one aspect: "0", "1" or "2" (0, " 1 " … accepted); empty
    means not classified."""
    value = data.get(key)
    try:
        level = classification.normalise_level(None if value is missing else value)
    except ValueError:
        errors[key].append(toolkit._("Choose level 0, 1 or 2"))
        raise StopOnError
    if level is None:
        data.pop(key, None)
        raise StopOnError  # nothing to store
    data[key] = level


@validator
def gbgopendata_not_from_input(key, data, errors, context):
    """Drops whatever the request says; `gbgopendata_classification_stamp`
    sets the value."""
    data.pop(key, None)
    raise StopOnError


# --- dataset-level validators (after_validators of the schema) -----------------------


def _value(data: dict, field: str) -> Any:
    value = data.get((field,), missing)
    return None if value is missing else value


def _validated_dataset(data: dict) -> dict[str, Any]:
    return unflatten({key: value for key, value in data.items() if value is not missing})


def _stored(context: dict, data: dict) -> dict[str, Any] | None:
    """The stored dataset this save replaces; None when it creates one."""
    dataset_id = _value(data, "id")
    stored = (context.get(SAVE) or {}).get("stored")
    if stored and stored.get("id") == dataset_id:
        return stored
    # Validation the chained actions did not prepare (another extension
    # validating directly): package_update has put the stored model object,
    # not yet changed, in the context.
    pkg = context.get("package")
    if dataset_id and isinstance(pkg, model.Package) and pkg.id == dataset_id:
        return stored_classification(pkg)
    return None


def _resulting_private(data: dict, context: dict) -> bool:
    value = _value(data, "private")
    if value is not None:
        return bool(value)
    stored = _stored(context, data)
    # package_update keeps the stored value; a new dataset is public by
    # CKAN's default, so a create without `private` asks for publication.
    return stored["private"] if stored else False


def acting_user_id(context: dict) -> str | None:
    """The id of the user a write acts for (None for an anonymous or
    unknown one): the history and change log record it."""
    user = context.get("auth_user_obj")
    if getattr(user, "id", None) and not getattr(user, "is_anonymous", False):
        return user.id
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


def _replace_classification_extras(data: dict, values: dict[str, str]) -> None:
    """Stores exactly `values` as the classification extras: the schema has
    already converted the validated levels to extras, but a request may also
    send extras of the same names, which must not win."""
    indexes = sorted({key[1] for key in data if len(key) == 3 and key[0] == "extras"})
    kept = []
    for index in indexes:
        entry = {
            key[2]: data.pop(key)
            for key in [key for key in data if len(key) == 3 and key[0] == "extras" and key[1] == index]
        }
        if entry.get("key") not in classification.CLASSIFICATION_FIELDS:
            kept.append(entry)
    kept.extend({"key": name, "value": value} for name, value in values.items())
    for index, entry in enumerate(kept):
        for name, value in entry.items():
            data[("extras", index, name)] = value


@validator
def gbgopendata_classification_stamp(key, data, errors, context):
    """classification_date and classified_by: set from the acting user when
    a level changes, kept when none does, gone with the last level."""
    new_levels = {}
    for field in classification.LEVEL_FIELDS:
        if not errors.get((field,)) and _value(data, field) is not None:
            new_levels[field] = _value(data, field)
    stored = _stored(context, data) or {}
    if classification.classification_changed(stored, new_levels):
        stamps = {}
        if new_levels:
            stamps["classification_date"] = (
                datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
            )
            user_id = acting_user_id(context)
            if user_id:
                stamps["classified_by"] = user_id
    else:
        stamps = {field: stored[field] for field in classification.STAMP_FIELDS if stored.get(field)}
    for field in classification.STAMP_FIELDS:
        data.pop((field,), None)
    data.update({(field,): value for field, value in stamps.items()})
    _replace_classification_extras(data, {**new_levels, **stamps})


@validator
def gbgopendata_declassification_check(key, data, errors, context):
    """Lowering confidentiality is a declassification: it is saved only when
    the request shows it was made on the current state of the dataset (the
    metadata_modified it read), so a stale full update cannot silently undo
    a raise someone else just made. Notes every level change for the
    classification change log, written with the save."""
    stored = _stored(context, data)
    old_levels = classification.classification_of(stored or {})
    changes = {}
    for field in classification.LEVEL_FIELDS:
        if errors.get((field,)):
            continue
        new = _value(data, field)
        if new != old_levels[field]:
            changes[field] = (old_levels[field], new)
    save = context.get(SAVE)
    if save is not None:
        save["level_changes"] = changes
    old, new = changes.get("confidentiality_level", (None, None))
    # Removing a level above 0 counts too: it could be followed by a new
    # classification at 0 without a version (two saves of a stale client).
    lowered = old is not None and (int(new) < int(old) if new is not None else old != "0")
    if stored is None or not lowered:
        return
    seen = (save or {}).get("seen_modified")
    if seen is None or seen != stored.get("metadata_modified"):
        errors.setdefault(("confidentiality_level",), []).append(
            toolkit._(
                "Lowering the confidentiality level (from {old} to {new}) is a declassification and is only "
                "saved on the current version of the dataset, but this save was made on an older version or "
                "does not say which (metadata_modified). Reload the dataset, check its classification and "
                "save again."
            ).format(old=old, new=new if new is not None else "–")
        )


def record_level_changes(context: dict, dataset_id: str) -> None:
    """Adds the level changes of the save that just passed validation to
    the classification change log, in the same transaction."""
    save = context.get(SAVE) or {}
    changes = save.get("level_changes")
    if not changes:
        return
    save["level_changes"] = {}
    from ckanext.gbgopendata import model as gbg_model

    gbg_model.record_classification_changes(dataset_id, changes, acting_user_id(context))


# Context key: why a save that makes the dataset private is an automatic
# unpublishing (a reason code for the checklist history), set by the action
# that unpublishes (gbg_checklist_update).
UNPUBLISH_REASON = "gbgopendata_unpublish_reason"


def record_publication_change(context: dict, dataset_id: str, private: bool) -> None:
    """Adds "published" or "unpublished" (automatic or by a person) to the
    checklist history when a save changed whether the dataset is public, in
    the same transaction."""
    save = context.get(SAVE)
    if save is None:
        return
    stored = save.get("stored")
    was_private = stored["private"] if stored else True
    if bool(private) == bool(was_private):
        return
    from ckanext.gbgopendata import model as gbg_model

    user_id = acting_user_id(context)
    if not private:
        gbg_model.record_checklist_event(dataset_id, "published", user_id)
    elif save.get("raised_level") is not None:
        gbg_model.record_checklist_event(
            dataset_id, "unpublished_automatically", user_id, reason=f"confidentiality_raised:{save['raised_level']}"
        )
    elif save.get("moved_from"):
        gbg_model.record_checklist_event(dataset_id, "unpublished_automatically", user_id, reason="organisation_changed")
    elif context.get(UNPUBLISH_REASON):
        gbg_model.record_checklist_event(
            dataset_id, "unpublished_automatically", user_id, reason=context[UNPUBLISH_REASON]
        )
    else:
        gbg_model.record_checklist_event(dataset_id, "unpublished", user_id, comment=context.get("gbgopendata_comment"))


@validator
def gbgopendata_unpublish_on_move(key, data, errors, context):
    """Moving a public dataset to another organisation makes it private in
    the same save: its approval was the old organisation's information
    owner's (withdrawn by withdraw_approvals), and the new one's
    admin approves before it is published again."""
    stored = _stored(context, data)
    if stored is None or stored["private"] or errors.get(("owner_org",)):
        return
    new_owner = _value(data, "owner_org")
    if new_owner and stored.get("owner_org") and new_owner != stored["owner_org"]:
        data[("private",)] = True
        save = context.get(SAVE)
        if save is not None:
            save["moved_from"] = stored["owner_org"]


def approval_withdrawal_reason(context: dict, data: dict | None = None) -> str | None:
    """Why this save withdraws the information owner's approval (the
    confirmations only an organisation's admin may give), or None. The owner
    approved publishing the dataset as it was classified, for the
    organisation it belonged to: a change of its confidentiality level
    (either way) or a move to another organisation ends that approval.
    Asked by the rule during validation (`data`: the flattened save) and
    after the save to withdraw it."""
    save = context.get(SAVE) or {}
    stored = save.get("stored")
    if not stored:
        return None
    old, new = (save.get("level_changes") or {}).get("confidentiality_level", (None, None))
    if old != new:
        return f"confidentiality_changed:{old or '-'}:{new or '-'}"
    owner = _value(data, "owner_org") if data is not None else save.get("saved_owner_org")
    if stored.get("owner_org") and owner and owner != stored["owner_org"]:
        return "organisation_changed"
    return None


def withdraw_approvals(context: dict, dataset_id: str, owner_org: str | None) -> None:
    """After a save that changed what the information owner approved
    (approval_withdrawal_reason): their confirmations are withdrawn, each
    with a history entry giving the reason."""
    save = context.get(SAVE)
    if save is None:
        return
    save["saved_owner_org"] = owner_org
    reason = approval_withdrawal_reason(context)
    if reason and not save.get("approvals_withdrawn"):
        save["approvals_withdrawn"] = True  # once, if CKAN calls the hook again
        withdraw_admin_confirmations(dataset_id, acting_user_id(context), reason)


def withdraw_admin_confirmations(dataset_id: str, user_id: str | None, reason: str = "organisation_changed") -> None:
    from ckanext.gbgopendata import checklist
    from ckanext.gbgopendata import model as gbg_model

    confirmations = gbg_model.checklist_confirmations(dataset_id)
    for item in checklist.current().items:
        if item.confirmed_by != "admin" or not (confirmations.get(item.id) or {}).get("confirmed"):
            continue
        gbg_model.save_confirmation(dataset_id, item.id, False, confirmations[item.id].get("comment"), user_id)
        gbg_model.record_checklist_event(dataset_id, "unconfirmed", user_id, item_id=item.id, reason=reason)


def _confirmations_after(context: dict, data: dict) -> dict | None:
    """The confirmations the rule counts for this save: the stored ones,
    without the admin's when the save withdraws them; None to read them."""
    if not approval_withdrawal_reason(context, data):
        return None
    from ckanext.gbgopendata import checklist
    from ckanext.gbgopendata import model as gbg_model

    admin_items = {item.id for item in checklist.current().items if item.confirmed_by == "admin"}
    stored = (context.get(SAVE) or {}).get("stored") or {}
    return {
        item_id: confirmation
        for item_id, confirmation in gbg_model.checklist_confirmations(stored["id"]).items()
        if item_id not in admin_items
    }


@validator
def gbgopendata_unpublish_on_raise(key, data, errors, context):
    """Raising confidentiality above 0 on a public dataset makes it private
    in the same save, whatever the request says about `private`."""
    stored = _stored(context, data)
    if stored is None or stored["private"]:
        return
    asked_private = _value(data, "private") is True
    dataset = _validated_dataset(data)
    if rule.unpublished_by_raise(True, dataset):
        data[("private",)] = True
        save = context.get(SAVE)
        if save is not None:
            level = classification.classification_of(dataset)["confidentiality_level"]
            # The web form tells the publisher every time, also when its
            # script had already switched the visibility to private (the
            # request then says private: the message was never shown).
            save["unpublished_level"] = level
            if not asked_private:
                save["raised_level"] = level


@validator
def gbgopendata_publication_rule(key, data, errors, context):
    """A dataset that stays or becomes public must meet every condition of
    the publication rule; the errors name it in Swedish and English."""
    if _resulting_private(data, context):
        return
    stored = _stored(context, data)
    seen = (context.get(SAVE) or {}).get("seen_modified")
    if stored is not None and stored["private"] and seen is not None and seen != stored.get("metadata_modified"):
        # A full save made on a version read while the dataset was public
        # (a form left open) would undo an unpublishing made since, for a
        # reason its author may not know.
        errors.setdefault(("private",), []).append(
            toolkit._(
                "The dataset has been changed since this version was read, and it is now private (it may have "
                "been unpublished on purpose). A save on an older version does not make it public. Reload the "
                "dataset, check why it is private and save again."
            )
        )
        return
    dataset = _resulting_dataset(data, context)
    from ckanext.gbgopendata import checklist

    confirmations = _confirmations_after(context, data)
    state = checklist.evaluate(dataset, confirmations=confirmations) if confirmations is not None else None
    for blocker in rule.publication_blockers(dataset, stored=stored, state=state):
        message = blocker.bilingual()
        errors.setdefault(("private",), []).append(message)
        field_errors = errors.get((blocker.field,))
        if blocker.field != "private" and field_errors is not None and message not in field_errors:
            field_errors.append(message)


# --- bulk publication ----------------------------------------------------------------


def bulk_publication_errors(datasets: Any, org_id: str | None) -> list[str]:
    """Every unmet condition of every dataset a bulk_update_public would
    publish, as "<dataset>: <sv> / <en>"; empty when all may be public."""
    if isinstance(datasets, str):
        datasets = [datasets]
    if not isinstance(datasets, (list, tuple)):
        datasets = []
    ids = [dataset for dataset in datasets if isinstance(dataset, str)]
    if not ids:
        return []
    # The same datasets CKAN's bulk action touches: these ids, in this organisation.
    packages = (
        model.Session.query(model.Package)
        .filter(model.Package.id.in_(ids))
        .filter(model.Package.owner_org == org_id)
        .all()
    )
    messages = []
    for pkg in packages:
        dataset = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": pkg.id})
        for blocker in rule.publication_blockers(dataset):
            messages.append(f"{pkg.name}: {blocker.bilingual()}")
    return messages
