"""The events a write leaves, written by this module only, in the write's
transaction: classification changes (gbgopendata_classification_change),
publication and checklist history (gbgopendata_checklist_event), the
confirmations people give (`confirmation_changed`) and the information
owner's approvals withdrawn when what they approved changed.

`after_save` is called by the after-save hooks of package_create and
package_update with the save (logic/save.py) the validators decided (also
for package_owner_org_update, which saves through package_patch);
`after_bulk` by CKAN 2.11's bulk actions, which write past package_update.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.logic import facts
from ckanext.gbgopendata.logic.save import Save


def acting_user_id(context: dict) -> str | None:
    """The id of the user a write acts for (None for an anonymous or
    unknown one): the history and change log record it."""
    user = context.get("auth_user_obj")
    if getattr(user, "id", None) and not getattr(user, "is_anonymous", False):
        return user.id
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user else None


def approval_withdrawal_reason(save: Save, owner_org: Any) -> str | None:
    """Why a save withdraws the information owner's approval (the
    confirmations only an organisation's admin may give), or None. The owner
    approved publishing the dataset as it was classified, for the
    organisation it belonged to: a change of its confidentiality level
    (either way) or a move to another organisation ends that approval."""
    stored = save.stored
    if not stored:
        return None
    old, new = save.level_changes.get("confidentiality_level", (None, None))
    if old != new:
        return f"confidentiality_changed:{old or '-'}:{new or '-'}"
    if stored.get("owner_org") and owner_org and owner_org != stored["owner_org"]:
        return "organisation_changed"
    return None


def confirmation_changed(
    dataset_id: str, item_id: str, user_id: str | None, *, confirmed: bool, comment: str | None,
    ticked: bool, comment_before: str | None,
) -> None:
    """A person ticked, unticked or commented a confirmed item
    (gbg_checklist_update): the confirmation as it now stands, and its
    history entry (a comment left as it was is no entry)."""
    gbg_model.save_confirmation(dataset_id, item_id, confirmed, comment, user_id)
    if ticked:
        event = "confirmed" if confirmed else "unconfirmed"
        gbg_model.record_checklist_event(dataset_id, event, user_id, item_id=item_id, comment=comment)
    elif comment != comment_before:
        gbg_model.record_checklist_event(dataset_id, "commented", user_id, item_id=item_id, comment=comment)


def withdraw_admin_confirmations(dataset_id: str, user_id: str | None, reason: str) -> None:
    confirmations = gbg_model.checklist_confirmations(dataset_id)
    for item in facts.rules().checklist.items:
        if item.confirmed_by != "admin" or not (confirmations.get(item.id) or {}).get("confirmed"):
            continue
        gbg_model.save_confirmation(dataset_id, item.id, False, confirmations[item.id].get("comment"), user_id)
        gbg_model.record_checklist_event(dataset_id, "unconfirmed", user_id, item_id=item.id, reason=reason)


def _automatic_unpublishing_reason(save: Save) -> str | None:
    if save.unpublished_level is not None:
        # Raising confidentiality makes it private whatever the save asked
        # (the web form's script also switches the visibility): the
        # portal's doing, not the editor's choice.
        return f"confidentiality_raised:{save.unpublished_level}"
    if save.moved_from:
        return "organisation_changed"
    return save.unpublish_reason


def _publication_change(save: Save, dataset_id: str, private: bool, user_id: str | None) -> None:
    was_private = save.stored["private"] if save.stored else True
    if bool(private) == bool(was_private):
        return
    if not private:
        gbg_model.record_checklist_event(dataset_id, "published", user_id)
        return
    reason = _automatic_unpublishing_reason(save)
    if reason:
        # The user stays on the entry (whose save it was); the pages say
        # the portal made it private (logic/checklist.automatic_change_text).
        gbg_model.record_checklist_event(dataset_id, "unpublished_automatically", user_id, reason=reason)
        save.made_private_automatically = reason
    else:
        gbg_model.record_checklist_event(dataset_id, "unpublished", user_id, comment=save.comment)


def after_save(context: dict, save: Save | None, dataset: dict[str, Any]) -> None:
    """Every event of a save that passed validation (once, if CKAN calls the
    hook again)."""
    if save is None or save.events_written:
        return
    save.events_written = True
    dataset_id = dataset["id"]
    if save.creating:
        save.created_id = dataset_id
    user_id = acting_user_id(context)
    reason = approval_withdrawal_reason(save, dataset.get("owner_org"))
    if reason:
        withdraw_admin_confirmations(dataset_id, user_id, reason)
    if save.level_changes:
        gbg_model.record_classification_changes(dataset_id, save.level_changes, user_id)
    _publication_change(save, dataset_id, bool(dataset.get("private", False)), user_id)


def after_bulk(context: dict, changed: list[model.Package]) -> None:
    """CKAN 2.11's bulk actions write `private` past package_update and its
    hooks: the publishing or unpublishing of each changed dataset."""
    user_id = acting_user_id(context)
    for pkg in changed:
        gbg_model.record_checklist_event(pkg.id, "unpublished" if pkg.private else "published", user_id)
