"""The checklist's actions (IActions): show, update (tick, untick,
comment), publish and unpublish. Who may call them is in logic/auth.py;
what a complete checklist is, in checklist/; whether a dataset may be
public, in rule.py (publish saves through package_patch, so the rule's
validators decide, as on every other path).
"""
from __future__ import annotations

from typing import Any

from ckan import authz, model
from ckan.plugins import toolkit

from ckanext.gbgopendata import checklist, languages
from ckanext.gbgopendata.messages import N_, render
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.logic import events, facts, input_limits, save

COMMENT_MAX_LENGTH = input_limits.LIMITS.checklist_comment


def _lang() -> str:
    return languages.request_language()


def _dataset_model(data_dict: dict, context: dict) -> model.Package:
    """The dataset the call names. One the caller may not even see is "not
    found", as in package_show: a refusal would confirm that a private
    dataset of that name exists."""
    dataset_id = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not isinstance(dataset_id, str) or not dataset_id.strip():
        raise toolkit.ValidationError({"id": [toolkit._("Missing value")]})
    pkg = model.Package.get(dataset_id.strip())
    if pkg is None or pkg.state == "deleted":
        raise toolkit.ObjectNotFound(toolkit._("Dataset not found"))
    try:
        toolkit.check_access("package_show", dict(context), {"id": pkg.id})
    except toolkit.NotAuthorized:
        raise toolkit.ObjectNotFound(toolkit._("Dataset not found")) from None
    return pkg


def _without_control_characters(text: str) -> bool:
    return input_limits.unsafe_character_message(text) is None


def checked_comment(comment: Any) -> str | None:
    """A publishing step's comment, stripped (None when empty); anything but
    text of at most COMMENT_MAX_LENGTH characters without control
    characters is a validation error on `comment`."""
    if comment is None:
        return None
    if (
        not isinstance(comment, str)
        or len(comment.strip()) > COMMENT_MAX_LENGTH
        or not _without_control_characters(comment)
    ):
        raise toolkit.ValidationError(
            {
                "comment": [
                    render(
                        N_(
                            "The comment must be text of at most {most} characters, without control characters.",
                            most=COMMENT_MAX_LENGTH,
                        )
                    )
                ]
            }
        )
    return comment.strip() or None


def _locked(pkg: model.Package) -> model.Package:
    # As a save does (save.locked_package): ticks, publishing and
    # unpublishing of one dataset are decided one after the other.
    return save.locked_package(pkg.id)


def _user(context: dict) -> model.User | None:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    return model.User.get(context.get("user") or "") if context.get("user") else None


def is_information_owner(context: dict, pkg: model.Package) -> bool:
    """Whether the caller gives the information owner's approval for `pkg`:
    its organisation's admins, and sysadmins."""
    user = _user(context)
    if user is None:
        return False
    if user.sysadmin:
        return True
    return bool(pkg.owner_org) and authz.users_role_for_group_or_org(pkg.owner_org, user.name) == "admin"


def may_confirm(context: dict, pkg: model.Package, item: checklist.Item) -> bool:
    """Editor items: whoever may edit the dataset; admin items (the
    information owner's approval): the organisation's admins and sysadmins."""
    if item.automatic:
        return False
    if item.confirmed_by != "admin":
        return True
    return is_information_owner(context, pkg)


def _user_names(user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    users = model.Session.query(model.User).filter(model.User.id.in_(list(user_ids))).all()
    return {user.id: user.display_name for user in users}


def _reason_text(reason: str | None, state: checklist.State, lang: str) -> str:
    if not reason:
        return ""
    kind, _, value = reason.partition(":")
    if kind == "confidentiality_raised":
        return render(N_("Confidentiality was raised to level {level}.", level=value), lang)
    if kind == "confidentiality_changed":
        old, _, new = value.partition(":")
        return render(
            N_(
                "Confidentiality was changed from level {old} to {new}, so the information owner is to approve again.",
                old=old,
                new=new,
            ),
            lang,
        )
    if kind == "organisation_changed":
        return render(
            N_("The dataset was moved to another organisation, whose information owner is to approve its publication."),
            lang,
        )
    if kind == "item_unconfirmed":
        item = state.checklist.item(value)
        text = item.text(lang) if item else value
        return render(N_("The required item «{item}» is no longer confirmed.", item=text), lang)
    return reason


def _automatic_cause(reason: str | None, current: checklist.Checklist, lang: str) -> str | None:
    """Why the portal changed something by itself, as the part of a sentence
    after a colon ("konfidentialiteten höjdes till nivå 1"); None for a
    reason it does not know."""
    kind, _, value = (reason or "").partition(":")
    if kind == "confidentiality_raised":
        return render(N_("confidentiality was raised to level {level}", level=value), lang)
    if kind == "confidentiality_changed":
        old, _, new = value.partition(":")
        return render(
            N_(
                "confidentiality was changed from level {old} to {new}, so the information owner is to approve again",
                old=old,
                new=new,
            ),
            lang,
        )
    if kind == "organisation_changed":
        return render(
            N_("the dataset was moved to another organisation, whose information owner is to approve its publication"), lang
        )
    if kind == "item_unconfirmed":
        item = current.item(value)
        return render(
            N_("the required item «{item}» is no longer confirmed", item=item.text(lang) if item else value), lang
        )
    return None


def automatic_change_text(
    event: str, reason: str | None, user: str, lang: str, *, item_text: str = "",
    current: checklist.Checklist | None = None,
) -> str | None:
    """The sentence for what the portal did by itself after someone's save
    (an unpublishing, an approval withdrawn), in `lang`; None for an event a
    person chose. The person whose change caused it is named as such, never
    as the one who decided: the stored event keeps their id (the audit)."""
    if event == "unpublished_automatically":
        cause = _automatic_cause(reason, current or checklist.current(), lang)
        if cause is None:
            message = N_("The dataset was made private automatically.")
        elif user:
            message = N_("The dataset was made private automatically: {reason} (after a change by {user}).", reason=cause, user=user)
        else:
            message = N_("The dataset was made private automatically: {reason}.", reason=cause)
        return render(message, lang)
    if event == "unconfirmed" and reason:
        cause = _automatic_cause(reason, current or checklist.current(), lang)
        if cause is None:
            return None
        if user:
            message = N_(
                "The confirmation of «{item}» was withdrawn automatically: {reason} (after a change by {user}).",
                item=item_text, reason=cause, user=user,
            )
        else:
            message = N_("The confirmation of «{item}» was withdrawn automatically: {reason}.", item=item_text, reason=cause)
        return render(message, lang)
    return None


def _acting(context: dict) -> dict:
    """The context for the save an action makes for its caller: the same
    user, already loaded (CKAN would look them up again)."""
    acting = {"user": context.get("user")}
    if context.get("auth_user_obj") is not None:
        acting["auth_user_obj"] = context["auth_user_obj"]
    return acting


def _item_text(state: checklist.State, item_id: str | None, lang: str) -> str:
    item = state.checklist.item(item_id) if item_id else None
    return item.text(lang) if item else item_id or ""


@toolkit.side_effect_free
def gbg_checklist_show(context, data_dict):
    """The checklist of one dataset: every item with its state, progress
    per phase, what keeps the dataset from being published, and the
    history (newest first). Texts in the request's language."""
    pkg = _dataset_model(data_dict, context)
    toolkit.check_access("gbg_checklist_show", context, {"id": pkg.id})
    lang = _lang()
    decided = facts.assess_package(pkg)
    state = decided.checklist
    private = bool(pkg.private)
    blockers = decided.blockers if private else ()
    events = gbg_model.checklist_events(pkg.id)
    names = _user_names(
        {event["user_id"] for event in events if event["user_id"]}
        | {s.confirmation["user_id"] for s in state.items if s.confirmation and s.confirmation.get("user_id")}
    )
    progress = state.progress()
    items = []
    for item_state in state.items:
        item = item_state.item
        entry: dict[str, Any] = {
            "id": item.id,
            "phase": item.phase,
            "kind": item.kind,
            "required": item.required,
            "text": item.text(lang),
            "help": item.help(lang),
            "done": item_state.done,
        }
        if item.automatic:
            entry["missing"] = [{"field": missing.field, "message": missing.message(lang)} for missing in item_state.missing]
        else:
            confirmation = item_state.confirmation or {}
            entry.update(
                confirmed_by=item.confirmed_by,
                confirmed=bool(confirmation.get("confirmed")),
                comment=confirmation.get("comment") or "",
                changed_by=names.get(confirmation.get("user_id") or "", ""),
                changed_at=confirmation["changed_at"].isoformat() if confirmation.get("changed_at") else None,
                may_confirm=may_confirm(context, pkg, item),
            )
        items.append(entry)
    return {
        "id": pkg.id,
        "name": pkg.name,
        "private": private,
        "status": decided.status,
        "complete": state.complete,
        "may_publish": private and not blockers and pkg.state == "active",
        "blockers": [
            {"code": blocker.code, "field": blocker.field, "message": blocker.message(lang)} for blocker in blockers
        ],
        "phases": [
            {"id": phase.id, "title": phase.title(lang), "progress": progress[phase.id]}
            for phase in state.checklist.phases
        ],
        "items": items,
        "history": [
            {
                "event": event["event"],
                "item_id": event["item_id"],
                "item_text": _item_text(state, event["item_id"], lang),
                "comment": event["comment"] or "",
                "reason": _reason_text(event["reason"], state, lang),
                "user": names.get(event["user_id"] or "", ""),
                "created_at": event["created_at"].isoformat(),
                # What the portal did by itself after the user's save, in
                # words that do not make the user its author (else None).
                "automatic": automatic_change_text(
                    event["event"], event["reason"], names.get(event["user_id"] or "", ""), lang,
                    item_text=_item_text(state, event["item_id"], lang), current=state.checklist,
                ),
            }
            for event in events
        ],
    }


def _changes(data_dict: dict, pkg: model.Package, context: dict, current: checklist.Checklist) -> list[dict]:
    """The requested changes, each checked; raises ValidationError naming
    every refused item, before anything is stored."""
    lang = _lang()
    raw = data_dict.get("items")
    if isinstance(raw, dict):  # one item without the list
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise toolkit.ValidationError(
            {
                "items": [
                    render(
                        N_("Give a list of items: {example}.", example='[{"id": …, "confirmed": true/false, "comment": …}]')
                    )
                ]
            }
        )
    if len(raw) > len(current.items):
        # Each item once at most: a longer list is not a mistake to answer
        # entry by entry (10,000 entries gave a 10 MB error).
        raise toolkit.ValidationError(
            {
                "items": [
                    render(
                        N_(
                            "At most {most} items (the whole checklist) can be changed in one call; the call has {given}.",
                            most=len(current.items),
                            given=len(raw),
                        )
                    )
                ]
            }
        )
    errors: list[str] = []
    changes = []
    seen = set()
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            errors.append(
                render(N_("Entry {number}: give the item's id as text.", number=index + 1))
            )
            continue
        item_id = entry["id"]
        item = current.item(item_id)
        unknown_keys = set(entry) - {"id", "confirmed", "comment"}
        if item is None:
            shown_id = item_id if len(item_id) <= 64 else item_id[:64] + "…"
            errors.append(
                render(N_("«{id}» is not an item of the checklist.", id=shown_id))
            )
            continue
        name = f"{item_id} («{item.text(lang)}»)"
        if unknown_keys:
            errors.append(
                render(
                    N_(
                        "{item}: unknown fields {fields}; an item has id, confirmed and comment.",
                        item=name,
                        fields=", ".join(sorted(unknown_keys)),
                    )
                )
            )
            continue
        if item_id in seen:
            errors.append(
                render(N_("{item}: the item is given twice.", item=name))
            )
            continue
        seen.add(item_id)
        if item.automatic:
            errors.append(
                render(N_("{item} is computed from the dataset's metadata and cannot be ticked by hand.", item=name))
            )
            continue
        if not may_confirm(context, pkg, item):
            errors.append(
                render(N_("{item} may only be confirmed by an administrator of the organisation.", item=name))
            )
            continue
        confirmed = entry.get("confirmed")
        comment = entry.get("comment")
        if "confirmed" in entry and not isinstance(confirmed, bool):
            errors.append(
                render(N_("{item}: confirmed must be true or false.", item=name))
            )
            continue
        if "comment" in entry and comment is not None and not isinstance(comment, str):
            errors.append(
                render(N_("{item}: the comment must be text.", item=name))
            )
            continue
        if isinstance(comment, str):
            comment = comment.strip()
            if len(comment) > COMMENT_MAX_LENGTH:
                errors.append(
                    render(
                        N_(
                            "{item}: the comment may be at most {most} characters (it has {given}).",
                            item=name,
                            most=COMMENT_MAX_LENGTH,
                            given=len(comment),
                        )
                    )
                )
                continue
            if not _without_control_characters(comment):
                errors.append(
                    render(N_("{item}: the comment contains control characters that are not allowed.", item=name))
                )
                continue
        if "confirmed" not in entry and "comment" not in entry:
            errors.append(
                render(N_("{item}: give confirmed, comment or both.", item=name))
            )
            continue
        changes.append({"item": item, "entry": entry, "confirmed": confirmed, "comment": comment})
    if errors:
        raise toolkit.ValidationError({"items": errors})
    return changes


def gbg_checklist_update(context, data_dict):
    """Ticks, unticks and comments confirmed items: {"id": dataset,
    "items": [{"id": item, "confirmed": true/false, "comment": text}]}
    (each entry names confirmed, comment or both). Every entry is checked
    first; a refused one stores nothing. Unticking a required item of a
    public dataset makes it private in the same transaction (fail closed)."""
    pkg = _dataset_model(data_dict, context)
    toolkit.check_access("gbg_checklist_update", context, {"id": pkg.id})
    current = checklist.current()
    changes = _changes(data_dict, pkg, context, current)
    pkg = _locked(pkg)
    user_id = events.acting_user_id(context)
    stored = gbg_model.checklist_confirmations(pkg.id)
    unticked_required = None
    for change in changes:
        item, entry = change["item"], change["entry"]
        before = stored.get(item.id) or {}
        confirmed = change["confirmed"] if "confirmed" in entry else bool(before.get("confirmed"))
        comment = change["comment"] if "comment" in entry else before.get("comment")
        events.confirmation_changed(
            pkg.id, item.id, user_id, confirmed=confirmed, comment=comment or None,
            ticked="confirmed" in entry, comment_before=before.get("comment") or None,
        )
        # Only a withdrawn confirmation unpublishes: a comment on (or a
        # repeated "no" for) an item that was not confirmed changes nothing
        # about a public dataset, also one published before the checklist.
        if before.get("confirmed") and not confirmed and item.required and unticked_required is None:
            unticked_required = item
    if unticked_required is not None and not pkg.private and pkg.state == "active":
        # Fail closed: a public dataset whose required item is withdrawn
        # stops being public in the same transaction.
        toolkit.get_action("package_patch")(
            {
                "user": context.get("user"),
                "ignore_auth": True,
                save.UNPUBLISH_REASON: f"item_unconfirmed:{unticked_required.id}",
            },
            {"id": pkg.id, "private": True},
        )
        _tell_web_form(
            toolkit._(
                "The dataset has been made private: the required checklist item “{item}” is no longer confirmed."
            ).format(item=unticked_required.text(_lang()))
        )
    else:
        model.repo.commit()
    return gbg_checklist_show(context, {"id": pkg.id})


def _tell_web_form(message: str) -> None:
    import flask

    if flask.has_request_context() and flask.request.blueprint != "api":
        toolkit.h.flash_notice(message)


def gbg_dataset_publish(context, data_dict):
    """Makes a private dataset public when the publication rule holds
    (complete checklist included); otherwise a validation error lists what
    is missing, under `checklist` and the fields concerned."""
    pkg = _dataset_model(data_dict, context)
    toolkit.check_access("gbg_dataset_publish", context, {"id": pkg.id})
    pkg = _locked(pkg)
    if pkg.private or pkg.state != "active":
        publish_package(pkg, context)
    return gbg_checklist_show(context, {"id": pkg.id})


def publish_package(pkg: model.Package, context: dict) -> None:
    """Saves the (locked, active, private) dataset as public for the
    caller. The save's validators decide (one assessment of what it
    stores); a refusal is a ValidationError with each reason, already in the
    request's language, under the field it concerns."""
    if pkg.state != "active":
        raise toolkit.ValidationError(
            {
                "state": [
                    render(
                        N_(
                            "The dataset is not finished: add a distribution and finish it in the form before it is "
                            "published."
                        )
                    )
                ]
            }
        )
    try:
        toolkit.get_action("package_patch")(_acting(context), {"id": pkg.id, "private": False})
    except toolkit.ValidationError as error:
        errors: dict[str, list[str]] = {}
        for message in (error.error_dict or {}).get("private", []):
            blocker = getattr(message, "blocker", None)
            if blocker is not None:
                errors.setdefault(blocker.field, []).append(message)
            else:
                errors.setdefault("private", []).append(message)
        raise toolkit.ValidationError(errors or error.error_dict) from None


def gbg_dataset_unpublish(context, data_dict):
    """Makes a public dataset private, with an optional comment (why) in
    the history."""
    pkg = _dataset_model(data_dict, context)
    toolkit.check_access("gbg_dataset_unpublish", context, {"id": pkg.id})
    comment = checked_comment(data_dict.get("comment"))
    pkg = _locked(pkg)
    if pkg.private:
        return gbg_checklist_show(context, {"id": pkg.id})
    toolkit.get_action("package_patch")(
        {**_acting(context), save.COMMENT: (comment or "").strip() or None},
        {"id": pkg.id, "private": True},
    )
    return gbg_checklist_show(context, {"id": pkg.id})


def get_actions() -> dict:
    return {
        "gbg_checklist_show": gbg_checklist_show,
        "gbg_checklist_update": gbg_checklist_update,
        "gbg_dataset_publish": gbg_dataset_publish,
        "gbg_dataset_unpublish": gbg_dataset_unpublish,
    }
