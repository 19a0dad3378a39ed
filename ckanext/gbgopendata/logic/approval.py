"""The information owner's approval as a flow, so that nobody waits
unknowingly (IActions; who may call them is in logic/auth.py):

- `gbg_approval_request {id, comment?}`: a publisher asks for it once all
  but the admins' items are done. The organisation's admins are told by
  e-mail (a background job through CKAN's mailer) and on their dashboard.
- `gbg_dataset_approve {id, comment?}`: an admin confirms the admins' items
  and publishes in one transaction: nothing is stored unless the dataset
  is published (the save's validators decide, as on every path).
- `gbg_approval_return {id, comment}`: an admin sends it back with a comment.
- `gbg_approval_show {id}`: who approves, the open request, what the caller may do.
- `gbg_approvals_waiting {}`: the open requests the caller may answer.

The requester is told of either answer by e-mail. A request is open until
it is answered (sent back, an admin item confirmed, or published); the
requests and answers are events in the checklist's history.
"""
from __future__ import annotations

import logging
from typing import Any

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import languages, publishers
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.logic import checklist as checklist_actions
from ckanext.gbgopendata.logic import events, facts
from ckanext.gbgopendata.messages import N_, render

log = logging.getLogger(__name__)

COMMENT_MAX_LENGTH = checklist_actions.COMMENT_MAX_LENGTH


def _admin_item_ids() -> list[str]:
    return [item.id for item in facts.rules().checklist.items if item.confirmed_by == "admin"]


def approvers(organization_id: str | None) -> list[model.User]:
    """Who approves a dataset of the organisation: its admins; where it has
    none, the city's admins (sysadmins), so that no request goes unheard."""
    users: list[model.User] = []
    # CKAN's site user (named as the site) acts for the portal, never a person.
    site_user = toolkit.config.get("ckan.site_id")
    if organization_id:
        users = (
            model.Session.query(model.User)
            .join(model.Member, model.Member.table_id == model.User.id)
            .filter(
                model.Member.group_id == organization_id,
                model.Member.table_name == "user",
                model.Member.capacity == "admin",
                model.Member.state == "active",
                model.User.state == "active",
                model.User.name != site_user,
            )
            .order_by(model.User.fullname, model.User.name)
            .all()
        )
    if not users:
        users = (
            model.Session.query(model.User)
            .filter(model.User.sysadmin.is_(True), model.User.state == "active", model.User.name != site_user)
            .order_by(model.User.fullname, model.User.name)
            .all()
        )
    return users


def _organizations_approved_by(user: model.User) -> list[str] | None:
    """The organisations whose requests `user` answers (None: all)."""
    admin_of = [
        group_id
        for (group_id,) in model.Session.query(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            model.Member.table_id == user.id,
            model.Member.table_name == "user",
            model.Member.capacity == "admin",
            model.Member.state == "active",
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
    ]
    if not user.sysadmin:
        return admin_of
    # A sysadmin answers for the organisations without an admin of their own.
    with_admins = {
        group_id
        for (group_id,) in model.Session.query(model.Member.group_id)
        .join(model.User, model.User.id == model.Member.table_id)
        .filter(
            model.Member.table_name == "user", model.Member.capacity == "admin",
            model.Member.state == "active", model.User.state == "active",
            model.User.name != toolkit.config.get("ckan.site_id"),
        )
    }
    without = [
        group_id
        for (group_id,) in model.Session.query(model.Group.id).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active"
        )
        if group_id not in with_admins
    ]
    return admin_of + without


def open_request(package_id: str) -> dict[str, Any] | None:
    """The dataset's request not answered yet, if any."""
    return gbg_model.open_approval_requests(_admin_item_ids(), [package_id]).get(package_id)


def _comment(data_dict: dict, required: bool) -> str | None:
    comment = checklist_actions.checked_comment(data_dict.get("comment"))
    if comment is None and required:
        raise toolkit.ValidationError(
            {"comment": [render(N_("Say what is to be done before the dataset can be approved."))]}
        )
    return comment


def _private_and_locked(action: str, context: dict, data_dict: dict, comment_required: bool = False):
    """The step's dataset (checked for the caller, locked) and comment;
    a step on a public dataset is a validation error."""
    pkg = checklist_actions._dataset_model(data_dict, context)
    toolkit.check_access(action, context, {"id": pkg.id})
    comment = _comment(data_dict, required=comment_required)
    pkg = checklist_actions._locked(pkg)
    if not pkg.private:
        raise toolkit.ValidationError({"private": [render(N_("The dataset is already public."))]})
    return pkg, comment


def _names(user_ids: set[str]) -> dict[str, str]:
    return checklist_actions._user_names({user_id for user_id in user_ids if user_id})


@toolkit.side_effect_free
def gbg_approval_show(context, data_dict):
    """Who approves the dataset's publication, the open request (if any),
    and whether the caller may ask for or give the approval now."""
    pkg = checklist_actions._dataset_model(data_dict, context)
    toolkit.check_access("gbg_approval_show", context, {"id": pkg.id})
    decided = facts.assess_package(pkg)
    request = open_request(pkg.id)
    names = _names({request["user_id"]} if request else set())
    may_answer = checklist_actions.is_information_owner(context, pkg)
    awaiting = bool(pkg.private) and decided.awaiting_approval
    needed = bool(pkg.private) and any(
        item_state.item.confirmed_by == "admin" for item_state in decided.checklist.incomplete_required()
    )
    return {
        "id": pkg.id,
        # the checklist asks for an admin's approval that is not given yet
        "needed": needed,
        "approvers": [user.display_name for user in approvers(pkg.owner_org)],
        "awaiting_approval": awaiting,
        "request": (
            {
                "user": names.get(request["user_id"] or "", ""),
                "comment": request["comment"] or "",
                "created_at": request["created_at"].isoformat(),
            }
            if request
            else None
        ),
        "may_request": awaiting and request is None and not may_answer,
        "may_approve": awaiting and may_answer,
        "may_return": bool(pkg.private) and may_answer and (request is not None or awaiting),
    }


def gbg_approval_request(context, data_dict):
    """Asks the organisation's admins to approve the dataset's publication
    (optional comment to them); refused unless all else is done."""
    pkg, comment = _private_and_locked("gbg_approval_request", context, data_dict)
    decided = facts.assess_package(pkg)
    if not decided.awaiting_approval:
        lang = languages.request_language()
        admin_codes = {f"checklist_{item_id}" for item_id in _admin_item_ids()}
        left = [blocker.message(lang) for blocker in decided.blockers if blocker.code not in admin_codes]
        raise toolkit.ValidationError(
            {
                "checklist": [
                    render(
                        N_("Approval can be asked for when everything else on the checklist is done. Left to do:")
                    ),
                    *left,
                ]
            }
        )
    request = open_request(pkg.id)
    if request is not None:
        names = _names({request["user_id"]})
        raise toolkit.ValidationError(
            {
                "id": [
                    render(
                        N_(
                            "Approval was already asked for by {user}; the organisation's admins have been told.",
                            user=names.get(request["user_id"] or "", "") or "–",
                        )
                    )
                ]
            }
        )
    user_id = events.acting_user_id(context)
    gbg_model.record_checklist_event(pkg.id, "approval_requested", user_id, comment=comment)
    model.repo.commit()
    _enqueue_mail("requested", pkg.id, user_id, comment)
    return gbg_approval_show(context, {"id": pkg.id})


def gbg_dataset_approve(context, data_dict):
    """"Godkänn och publicera": confirms the items only the organisation's
    admins confirm and publishes, in one transaction. When the dataset
    cannot be published, nothing is stored and the error says why."""
    pkg, comment = _private_and_locked("gbg_dataset_approve", context, data_dict)
    request = open_request(pkg.id)
    user_id = events.acting_user_id(context)
    stored = gbg_model.checklist_confirmations(pkg.id)
    for item in facts.rules().checklist.items:
        if item.confirmed_by != "admin" or (stored.get(item.id) or {}).get("confirmed"):
            continue
        before = (stored.get(item.id) or {}).get("comment") or None
        events.confirmation_changed(
            pkg.id, item.id, user_id, confirmed=True, comment=comment or before,
            ticked=True, comment_before=before,
        )
    try:
        # package_update rolls the session back on a validation error: the
        # confirmations above go with it.
        checklist_actions.publish_package(pkg, context)
    except toolkit.ValidationError:
        model.Session.rollback()
        raise
    _tell_requester("approved", pkg.id, request, user_id, comment)
    return gbg_approval_show(context, {"id": pkg.id})


def gbg_approval_return(context, data_dict):
    """Sends the dataset back to its publisher with a comment (what is to
    be done); the requester is told by e-mail."""
    pkg, comment = _private_and_locked("gbg_approval_return", context, data_dict, comment_required=True)
    request = open_request(pkg.id)
    user_id = events.acting_user_id(context)
    gbg_model.record_checklist_event(pkg.id, "approval_returned", user_id, comment=comment)
    model.repo.commit()
    _tell_requester("returned", pkg.id, request, user_id, comment)
    return gbg_approval_show(context, {"id": pkg.id})


def _tell_requester(kind: str, package_id: str, request: dict | None, user_id: str | None,
                    comment: str | None) -> None:
    if request is not None and request["user_id"] and request["user_id"] != user_id:
        _enqueue_mail(kind, package_id, user_id, comment, recipient_id=request["user_id"])


@toolkit.side_effect_free
def gbg_approvals_waiting(context, data_dict):
    """The open approval requests the caller answers (their organisations'
    datasets; a sysadmin's also those of organisations without an admin),
    oldest first, each with whether it may be approved now."""
    toolkit.check_access("gbg_approvals_waiting", context, data_dict)
    user = checklist_actions._user(context)
    if user is None:
        return []
    organization_ids = _organizations_approved_by(user)
    if not organization_ids:
        return []
    requests = _open_requests_of(organization_ids)
    if not requests:
        return []
    lang = languages.request_language()
    packages = facts.packages_with_resources(model.Session.query(model.Package).filter(model.Package.id.in_(list(requests))))
    confirmations = gbg_model.checklist_confirmations_of([pkg.id for pkg in packages])
    organizations = publishers.organizations()
    names = _names({request["user_id"] for request in requests.values()})
    waiting = []
    for pkg in packages:
        dataset = facts.of_package(pkg)
        decided = facts.assess_dataset(dataset, confirmations[pkg.id])
        request = requests[pkg.id]
        organization = organizations.get(pkg.owner_org or "", {})
        waiting.append(
            {
                "id": pkg.id,
                "name": pkg.name,
                "title": languages.in_language(dataset.get("title_translated"), lang) or pkg.title or pkg.name,
                "organization": languages.in_language(organization.get("names"), lang) or organization.get("name", ""),
                "requested_by": names.get(request["user_id"] or "", ""),
                "requested_at": request["created_at"].isoformat(),
                "comment": request["comment"] or "",
                "may_approve": decided.awaiting_approval,
            }
        )
    waiting.sort(key=lambda entry: entry["requested_at"])
    return waiting


def waiting_count(user: model.User | None) -> int:
    """How many open requests `user` answers (the header's badge): two queries."""
    if user is None:
        return 0
    organization_ids = _organizations_approved_by(user)
    if not organization_ids:
        return 0
    return len(_open_requests_of(organization_ids))


def _open_requests_of(organization_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The open requests of the organisations' active private datasets."""
    package_ids = [
        package_id
        for (package_id,) in model.Session.query(model.Package.id).filter(
            model.Package.owner_org.in_(organization_ids),
            model.Package.state == "active",
            model.Package.private.is_(True),
        )
    ]
    return gbg_model.open_approval_requests(_admin_item_ids(), package_ids)


# --- the mail ------------------------------------------------------------------------------


def _enqueue_mail(kind: str, package_id: str, actor_id: str | None, comment: str | None,
                  recipient_id: str | None = None) -> None:
    """The step's mail, sent by the jobs worker (`send_mail`): an SMTP
    server's delay never holds up the request. Every step is mailed."""
    try:
        toolkit.enqueue_job(send_mail, [kind, package_id, actor_id, comment, recipient_id],
                            title=f"gbgopendata: approval mail ({kind}) for {package_id}")
    except Exception:  # noqa: BLE001 (the step is stored; the history and the dashboard show it)
        log.exception("cannot enqueue the approval mail (%s) for %s", kind, package_id)


# msgids, marked for extraction; rendered with the title in each language
_SUBJECTS = {
    "requested": N_("Approval asked for: {title}").msgid,
    "approved": N_("Approved and published: {title}").msgid,
    "returned": N_("Sent back: {title}").msgid,
}


def _body(kind: str, lang: str, *, recipient: str, actor: str, title: str, organization: str, url: str,
          comment: str | None, site: str) -> str:
    if kind == "requested":
        lines = [
            N_("Hello {name},", name=recipient),
            N_(
                "{actor} asks for your approval, as the information owner, to publish the dataset “{title}” "
                "({organization}) as open data. Everything else on its checklist is done.",
                actor=actor, title=title, organization=organization,
            ),
            N_("Comment: {comment}", comment=comment) if comment else None,
            N_("Approve and publish it, or send it back with a comment, on its checklist:"),
        ]
        why = N_("You get this e-mail because you approve the publication of {organization}'s datasets on {site}.",
                 organization=organization, site=site)
    elif kind == "approved":
        lines = [
            N_("Hello {name},", name=recipient),
            N_("{actor} approved and published the dataset “{title}”. Everyone can now find it, and Sveriges "
               "dataportal harvests it.", actor=actor, title=title),
            N_("Comment: {comment}", comment=comment) if comment else None,
            N_("The dataset's checklist:"),
        ]
        why = N_("You get this e-mail because you asked for the approval on {site}.", site=site)
    else:
        lines = [
            N_("Hello {name},", name=recipient),
            N_("{actor} sent the dataset “{title}” back without approving it.", actor=actor, title=title),
            N_("Comment: {comment}", comment=comment),
            N_("When it is done, ask for the approval again on the dataset's checklist:"),
        ]
        why = N_("You get this e-mail because you asked for the approval on {site}.", site=site)
    text = [render(line, lang) for line in lines if line is not None]
    return "\n\n".join(text[:-1]) + "\n\n" + text[-1] + "\n" + url + "\n\n-- \n" + render(why, lang) + "\n"


def send_mail(kind: str, package_id: str, actor_id: str | None, comment: str | None,
              recipient_id: str | None = None) -> int:
    """Sends the mail of one step of the flow (run by the jobs worker):
    Swedish first, then English, as one message to each recipient with an
    e-mail address. Returns how many were sent."""
    from ckan.lib import mailer

    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state == "deleted":
        return 0
    if recipient_id:
        recipient = model.User.get(recipient_id)
        recipients = [recipient] if recipient is not None and recipient.state == "active" else []
    else:
        recipients = [user for user in approvers(pkg.owner_org) if user.id != actor_id]
    actor = model.User.get(actor_id) if actor_id else None
    dataset = facts.of_package(pkg)
    organization = publishers.organizations().get(pkg.owner_org or "", {})
    site = toolkit.config.get("ckan.site_title") or ""
    # ckan.root_path may carry the language's place ("/data/{{LANG}}"): the
    # Swedish address has none (the default language), the English one /en.
    root = (toolkit.config.get("ckan.root_path") or "").replace("/{{LANG}}", "").rstrip("/")
    base = (toolkit.config.get("ckan.site_url") or "").rstrip("/") + root
    urls = {"sv": f"{base}/dataset/{pkg.name}/checklist", "en": f"{base}/en/dataset/{pkg.name}/checklist"}
    sent = 0
    for user in recipients:
        if not user.email:
            continue
        parts, subjects = [], []
        for lang in ("sv", "en"):
            title = languages.in_language(dataset.get("title_translated"), lang) or pkg.title or pkg.name
            subjects.append(render(N_(_SUBJECTS[kind], title=title), lang))
            parts.append(
                _body(
                    kind, lang,
                    recipient=user.display_name,
                    actor=actor.display_name if actor else "–",
                    title=title,
                    organization=languages.in_language(organization.get("names"), lang) or organization.get("name", ""),
                    url=urls[lang], comment=comment, site=site,
                )
            )
        body = parts[0] + "\n" + "=" * 20 + " In English " + "=" * 20 + "\n\n" + parts[1]
        mailer.mail_recipient(user.display_name, user.email, subjects[0] + " / " + subjects[1], body)
        sent += 1
    log.info("approval mail (%s) for %s sent to %d recipient(s)", kind, package_id, sent)
    return sent


def get_actions() -> dict:
    return {
        "gbg_approval_show": gbg_approval_show,
        "gbg_approval_request": gbg_approval_request,
        "gbg_dataset_approve": gbg_dataset_approve,
        "gbg_approval_return": gbg_approval_return,
        "gbg_approvals_waiting": gbg_approvals_waiting,
    }
