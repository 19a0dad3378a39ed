"""The publication rule in the write path: the field validators of the
classification and the dataset-level validators (the schema's
`after_validators`), which decide a save once every field is validated.

package_create and package_update (and with them package_patch,
package_revise, resource_create/update/delete, the web forms, and CKAN
2.12's bulk actions) all validate through the dataset schema:

1. `gbgopendata_classification_stamp`: classification_date and classified_by
   come from the server (the acting user) whenever a level changes, never
   from input;
2. `gbgopendata_declassification_check`: lowering confidentiality only on
   the current version;
3. `gbgopendata_unpublish_on_raise`, `gbgopendata_unpublish_on_move`:
   raising confidentiality above 0 or moving to another organisation makes
   a public dataset private in the same save;
4. `gbgopendata_publication_rule`: the one `assess` of the resulting
   dataset; a save that would leave it public against the rule fails.

They run inside CKAN's validation, so a refused save stores nothing. What
they need to know beyond the data, and what they decide, is the save in
progress (logic/save.py); the events are written from it after the save
(logic/events.py). Bulk publication is checked here too, because CKAN 2.11
writes it straight to the database.
"""
from __future__ import annotations

import datetime
from typing import Any

from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing, unflatten
from ckan.plugins import toolkit

from ckanext.gbgopendata import assessment, classification, languages, rule
from ckanext.gbgopendata.logic import events, facts, save as save_state
from ckanext.gbgopendata.logic.registry import validator


def tell_web_form_about_unpublishing(save: save_state.Save | None) -> None:
    """The editor of the web form learns, on the next page, that the dataset
    was made private and why (API clients see private: true in the result)."""
    import flask

    if save is None or not flask.has_request_context() or flask.request.blueprint == "api":
        return
    if save.moved_from:
        toolkit.h.flash_notice(
            toolkit._(
                "The dataset has been made private: it was moved to another organisation, whose "
                "information owner is to approve its publication on the checklist."
            )
        )
    if save.unpublished_level is not None:
        toolkit.h.flash_notice(
            toolkit._(
                "The dataset has been made private: its confidentiality is now level {level}, and only "
                "information at confidentiality level 0 may be published openly."
            ).format(level=save.unpublished_level)
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


def _save(data: dict) -> save_state.Save | None:
    """The save in progress of this dataset (None when another extension
    validates directly, past the chained actions)."""
    return save_state.current(_value(data, "id"))


def _stored(context: dict, data: dict) -> dict[str, Any] | None:
    """The stored dataset this save replaces; None when it creates one."""
    dataset_id = _value(data, "id")
    save = _save(data)
    if save is not None and save.stored and save.stored.get("id") == dataset_id:
        return save.stored
    # Validation the chained actions did not prepare: package_update has put
    # the stored model object, not yet changed, in the context.
    pkg = context.get("package")
    if dataset_id and isinstance(pkg, model.Package) and pkg.id == dataset_id:
        return save_state.stored_dataset(pkg)
    return None


def _resulting_private(data: dict, context: dict) -> bool:
    value = _value(data, "private")
    if value is not None:
        return bool(value)
    stored = _stored(context, data)
    # package_update keeps the stored value; a new dataset is public by
    # CKAN's default, so a create without `private` asks for publication.
    return stored["private"] if stored else False


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
    save = _save(data)
    kept_ids = save.resource_ids if save is not None else None
    kept = [
        resource
        for resource in stored.get("resources") or []
        if resource["id"] not in validated_ids and (kept_ids is None or resource["id"] in kept_ids)
    ]
    dataset["resources"] = validated + kept
    return dataset


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
            user_id = events.acting_user_id(context)
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
    save = _save(data)
    if save is not None:
        save.level_changes = changes
    old, new = changes.get("confidentiality_level", (None, None))
    # Removing a level above 0 counts too: it could be followed by a new
    # classification at 0 without a version (two saves of a stale client).
    lowered = old is not None and (int(new) < int(old) if new is not None else old != "0")
    if stored is None or not lowered:
        return
    seen = save.seen_modified if save is not None else None
    if seen is None or seen != stored.get("metadata_modified"):
        errors.setdefault(("confidentiality_level",), []).append(
            toolkit._(
                "Lowering the confidentiality level (from {old} to {new}) is a declassification and is only "
                "saved on the current version of the dataset, but this save was made on an older version or "
                "does not say which (metadata_modified). Reload the dataset, check its classification and "
                "save again."
            ).format(old=old, new=new if new is not None else "–")
        )


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
        save = _save(data)
        if save is not None:
            save.moved_from = stored["owner_org"]


@validator
def gbgopendata_unpublish_on_raise(key, data, errors, context):
    """Raising confidentiality above 0 on a public dataset makes it private
    in the same save, whatever the request says about `private`."""
    stored = _stored(context, data)
    if stored is None or stored["private"]:
        return
    dataset = _validated_dataset(data)
    if rule.unpublished_by_raise(True, dataset):
        data[("private",)] = True
        save = _save(data)
        if save is not None:
            level = classification.classification_of(dataset)["confidentiality_level"]
            # The web form tells the publisher every time, also when its
            # script had already switched the visibility to private (the
            # request then says private: the message was never shown), and
            # the history says the portal made it private (logic/events.py).
            save.unpublished_level = level


def _confirmations_after(save: save_state.Save | None, data: dict, stored: dict | None) -> dict | None:
    """The confirmations the rule counts for this save: the stored ones,
    without the admin's when the save withdraws them (events.py withdraws
    them after the save); None to read them."""
    if save is None or stored is None or not events.approval_withdrawal_reason(save, _value(data, "owner_org")):
        return None
    from ckanext.gbgopendata import model as gbg_model

    admin_items = {item.id for item in facts.rules().checklist.items if item.confirmed_by == "admin"}
    return {
        item_id: confirmation
        for item_id, confirmation in gbg_model.checklist_confirmations(stored["id"]).items()
        if item_id not in admin_items
    }


@validator
def gbgopendata_publication_rule(key, data, errors, context):
    """A dataset that stays or becomes public must meet every condition of
    the publication rule (one `assess` of the dataset as the save leaves
    it); the errors name each condition in the request's language."""
    if _resulting_private(data, context):
        return
    stored = _stored(context, data)
    save = _save(data)
    seen = save.seen_modified if save is not None else None
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
    dataset = assessment.shape(_resulting_dataset(data, context))
    if stored is not None and not dataset.get("id"):
        dataset["id"] = stored["id"]
    decided = assessment.assess(
        dataset, facts.facts(dataset, confirmations=_confirmations_after(save, data, stored), stored=stored)
    )
    if save is not None:
        save.assessment = decided
    lang = languages.request_language()
    for blocker in decided.blockers:
        message = blocker.message(lang)
        errors.setdefault(("private",), []).append(message)
        field_errors = errors.get((blocker.field,))
        if blocker.field != "private" and field_errors is not None and message not in field_errors:
            field_errors.append(message)


# --- bulk publication ----------------------------------------------------------------


def bulk_publication_errors(datasets: Any, org_id: str | None) -> list[str]:
    """Every unmet condition of every dataset a bulk_update_public would
    publish, as "<dataset>: <reason>" in the request's language; empty when all may be public."""
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
    lang = languages.request_language()
    for pkg in packages:
        for blocker in facts.assess_package(pkg).blockers:
            messages.append(f"{pkg.name}: {blocker.message(lang)}")
    return messages
