"""The publishing pages: a dataset's checklist (`/dataset/<id>/checklist`,
with Publicera / Avpublicera), and the overviews of where every dataset
stands (`/organization/<id>/publicering`, `/ckan-admin/publicering`, each
also as CSV). The pages call the checklist actions (logic/checklist.py);
the overviews read logic/overview.py."""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response
from ckan import authz, model
from ckan.plugins import toolkit

from ckanext.gbgopendata import checklist, languages
from ckanext.gbgopendata import presentation
from ckanext.gbgopendata.logic import checklist as checklist_actions
from ckanext.gbgopendata.logic import approval, existence, facts, overview
from ckanext.gbgopendata.logic.save import MADE_PRIVATE_AUTOMATICALLY
from ckanext.gbgopendata.views import csv_export

blueprint = Blueprint("gbgopendata_publication", __name__)
PAGE_SIZE = 50


def _context() -> dict[str, Any]:
    return {"user": toolkit.current_user.name if toolkit.current_user.is_authenticated else ""}


def status_labels() -> dict[str, str]:
    return {
        "draft": toolkit._("Draft"),
        # not a status of its own: drafts with all but the approval done
        overview.AWAITING_APPROVAL: toolkit._("Awaiting approval"),
        "ready": toolkit._("Ready to publish"),
        "public": toolkit._("Public"),
        "public_incomplete": toolkit._("Public without a complete checklist"),
    }


def _errors(error: toolkit.ValidationError) -> list[str]:
    messages = []
    for value in (error.error_dict or {}).values():
        for message in value if isinstance(value, list) else [value]:
            messages.append(str(message))
    return messages


# --- a dataset's checklist --------------------------------------------------------------


def _dataset_or_abort(id: str) -> dict[str, Any]:
    context = _context()
    try:
        dataset = toolkit.get_action("package_show")(dict(context), {"id": id})
    except (toolkit.ObjectNotFound, toolkit.NotAuthorized):
        return existence.not_found_page()
    try:
        toolkit.check_access("gbg_checklist_show", dict(context), {"id": dataset["id"]})
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the dataset's editors may see and change its checklist"))
    return dataset


def checklist_page(
    id: str,
    errors: list[str] | None = None,
    status: int = 200,
    publication_errors: list[str] | None = None,
    unpublish_comment: str = "",
    approval_errors: list[str] | None = None,
    approval_comment: str = "",
):
    """The checklist page; `errors` of a save are shown above the checklist,
    `publication_errors` (of Publicera/Avpublicera) next to those buttons."""
    dataset = _dataset_or_abort(id)
    shown = toolkit.get_action("gbg_checklist_show")(_context(), {"id": dataset["id"]})
    approval = toolkit.get_action("gbg_approval_show")(_context(), {"id": dataset["id"]})
    items_by_phase = {phase["id"]: [] for phase in shown["phases"]}
    for item in shown["items"]:
        items_by_phase[item["phase"]].append(item)
    body = toolkit.render(
        "gbgopendata/publication/checklist.html",
        extra_vars={
            "pkg_dict": dataset,
            "pkg": dataset,
            "dataset_type": dataset["type"],
            "checklist": shown,
            "items_by_phase": items_by_phase,
            "status_label": status_labels()[shown["status"]],
            "errors": errors or [],
            "publication_errors": publication_errors or [],
            "unpublish_comment": unpublish_comment,
            "approval": approval,
            "approval_errors": approval_errors or [],
            "approval_comment": approval_comment,
            "history_events": {
                "approval_requested": toolkit._("asked the organisation's admins for approval"),
                "approval_returned": toolkit._("sent the dataset back without approving it"),
                "confirmed": toolkit._("confirmed"),
                "unconfirmed": toolkit._("withdrew the confirmation of"),
                "commented": toolkit._("commented on"),
                "published": toolkit._("published the dataset"),
                "unpublished": toolkit._("unpublished the dataset"),
            },
        },
    )
    return body, status


def checklist_save(id: str):
    """The form sends, per item the person may confirm, the state and
    comment it showed (`was-…`) and the new ones; only the items the person
    changed are saved, so an item someone else changed meanwhile is kept."""
    dataset = _dataset_or_abort(id)
    form = toolkit.request.form
    current = checklist.current()
    changes = []
    for item in current.items:
        if item.automatic or f"shown-{item.id}" not in form:
            continue
        was_confirmed = form.get(f"was-{item.id}") == "1"
        confirmed = form.get(f"confirm-{item.id}") == "1"
        was_comment = (form.get(f"was-comment-{item.id}") or "").strip()
        comment = (form.get(f"comment-{item.id}") or "").strip()
        change: dict[str, Any] = {"id": item.id}
        if confirmed != was_confirmed:
            change["confirmed"] = confirmed
        if comment != was_comment:
            change["comment"] = comment
        if len(change) > 1:
            changes.append(change)
    if not changes:
        toolkit.h.flash_notice(toolkit._("Nothing was changed."))
        return toolkit.redirect_to("gbgopendata_publication.checklist", id=dataset["name"])
    try:
        toolkit.get_action("gbg_checklist_update")(_context(), {"id": dataset["id"], "items": changes})
    except toolkit.ValidationError as error:
        return checklist_page(id, errors=_errors(error), status=400)
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the dataset's editors may see and change its checklist"))
    toolkit.h.flash_success(toolkit._("The checklist has been saved."))
    return toolkit.redirect_to("gbgopendata_publication.checklist", id=dataset["name"])


def publish(id: str):
    dataset = _dataset_or_abort(id)
    try:
        toolkit.get_action("gbg_dataset_publish")(_context(), {"id": dataset["id"]})
    except toolkit.ValidationError as error:
        return checklist_page(id, publication_errors=_errors(error), status=400)
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the dataset's editors may see and change its checklist"))
    toolkit.h.flash_success(toolkit._("The dataset is now public."))
    return toolkit.redirect_to("gbgopendata_publication.checklist", id=dataset["name"])


def unpublish(id: str):
    dataset = _dataset_or_abort(id)
    comment = toolkit.request.form.get("comment") or ""
    if toolkit.request.form.get("confirm") != "1":
        return checklist_page(
            id,
            publication_errors=[toolkit._("Tick the box to confirm that the dataset shall stop being public.")],
            status=400,
            unpublish_comment=comment,
        )
    try:
        toolkit.get_action("gbg_dataset_unpublish")(_context(), {"id": dataset["id"], "comment": comment or None})
    except toolkit.ValidationError as error:
        return checklist_page(id, publication_errors=_errors(error), status=400, unpublish_comment=comment)
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the dataset's editors may see and change its checklist"))
    toolkit.h.flash_success(toolkit._("The dataset is no longer public. It is private to its organisation."))
    return toolkit.redirect_to("gbgopendata_publication.checklist", id=dataset["name"])


_APPROVAL_STEPS = {
    "request": ("gbg_approval_request", "The organisation's admins have been asked for their approval by e-mail."),
    "approve": ("gbg_dataset_approve", "The publication has been approved, and the dataset is now public."),
    "return": ("gbg_approval_return", "The dataset has been sent back with your comment."),
}


def approval_step(id: str):
    """One step of the approval flow ("Begär godkännande", "Godkänn och
    publicera", "Skicka tillbaka"), named by the form's `step`."""
    dataset = _dataset_or_abort(id)
    form = toolkit.request.form
    step = _APPROVAL_STEPS.get(form.get("step") or "")
    comment = form.get("comment") or ""
    if step is None:
        return checklist_page(id, approval_errors=[toolkit._("Unknown step of the approval.")], status=400)
    action, done = step
    try:
        toolkit.get_action(action)(_context(), {"id": dataset["id"], "comment": comment or None})
    except toolkit.ValidationError as error:
        return checklist_page(id, approval_errors=_errors(error), status=400, approval_comment=comment)
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only an administrator of the organisation may approve the publication"))
    toolkit.h.flash_success(toolkit._(done))
    return toolkit.redirect_to("gbgopendata_publication.checklist", id=dataset["name"])


def checklist_view(id: str):
    if toolkit.request.method == "POST":
        return checklist_save(id)
    return checklist_page(id)


blueprint.add_url_rule("/dataset/<id>/checklist", "checklist", checklist_view, methods=["GET", "POST"])
blueprint.add_url_rule("/dataset/<id>/publish", "publish", publish, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/unpublish", "unpublish", unpublish, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/approval", "approval", approval_step, methods=["POST"])


# --- overviews -----------------------------------------------------------------------------


def _csv(rows: list[overview.Row], filename: str) -> Response:
    labels = status_labels()
    current = checklist.current()
    phases = [phase.id for phase in current.phases]

    def item_text(item_id: str) -> str:
        item = current.item(item_id)
        return f"{item.phase}. {item.text()}" if item else item_id

    header = [
        toolkit._("Dataset"),
        toolkit._("Title"),
        toolkit._("Organization"),
        toolkit._("Confidentiality"),
        toolkit._("Integrity"),
        toolkit._("Availability"),
        *[toolkit._("Phase {phase}").format(phase=phase) for phase in phases],
        toolkit._("Licence"),
        toolkit._("Status"),
        toolkit._("Missing items"),
        csv_export.with_time_zone(toolkit._("Last change")),
        toolkit._("Changed by"),
        toolkit._("Address"),
    ]
    return csv_export.csv_response(
        header,
        (
            [
                row.name,
                row.title,
                row.organization,
                row.levels["confidentiality_level"] or "",
                row.levels["integrity_level"] or "",
                row.levels["availability_level"] or "",
                *[f"{row.progress[phase]['done']}/{row.progress[phase]['total']}" for phase in phases],
                row.license,
                labels[row.status] + (f" – {labels[overview.AWAITING_APPROVAL].lower()}" if row.awaiting_approval else ""),
                " | ".join(item_text(item_id) for item_id in row.missing),
                csv_export.local_time(row.changed_at),
                row.changed_by,
                toolkit.url_for("dataset.read", id=row.name, _external=True),
            ]
            for row in rows
        ),
        filename,
    )


def _overview(all_rows: list[overview.Row], template: str, extra: dict[str, Any], filename: str):
    request = toolkit.request
    status = request.args.get("status") or None
    phase = request.args.get("phase") or None
    if status is not None and status not in (*checklist.STATUSES, overview.AWAITING_APPROVAL):
        status = None
    phases = checklist.current().phases
    if phase is not None and phase not in {p.id for p in phases}:
        phase = None
    selected = overview.filtered(all_rows, status, phase)
    if request.args.get("format") == "csv":
        return _csv(selected, filename)
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    pages = max(1, math.ceil(len(selected) / PAGE_SIZE))
    page = min(page, pages)
    return toolkit.render(
        template,
        extra_vars={
            **extra,
            "rows": selected[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            "total": len(selected),
            "counts": overview.counts(all_rows),
            "status": status,
            "phase": phase,
            "phases": phases,
            "statuses": status_labels(),
            "page": page,
            "pages": pages,
        },
    )


def _may_run_publishing(organization_id: str) -> bool:
    user = toolkit.current_user
    if not user.is_authenticated:
        return False
    if user.sysadmin:
        return True
    return authz.users_role_for_group_or_org(organization_id, user.name) in ("admin", "editor")


def organization_overview(id: str):
    group = model.Group.get(id)
    if group is None or not group.is_organization or group.state != "active":
        return toolkit.abort(404, toolkit._("Organization not found"))
    if not _may_run_publishing(group.id):
        return toolkit.abort(403, toolkit._("Only the organisation's editors and admins see its publishing overview"))
    # The name and description in the page's language, as on the organisation's own pages.
    group_dict = presentation.organization_for_view(toolkit.get_action("organization_show")(
        {**_context(), "ignore_auth": True}, {"id": group.id, "include_datasets": False}
    ))
    return _overview(
        overview.rows([group.id]),
        "gbgopendata/publication/organization_overview.html",
        {"group_dict": group_dict, "group_type": "organization", "organization": group_dict},
        f"publicering-{group.name}.csv",
    )


def admin_overview():
    if not (toolkit.current_user.is_authenticated and toolkit.current_user.sysadmin):
        return toolkit.abort(403, toolkit._("Only sysadmins see the whole catalogue's publishing overview"))
    return _overview(overview.rows(None), "gbgopendata/publication/admin_overview.html", {}, "publicering.csv")


blueprint.add_url_rule("/organization/<id>/publicering", "organization_overview", organization_overview)
blueprint.add_url_rule("/ckan-admin/publicering", "admin_overview", admin_overview)


def gbgopendata_may_run_publishing(organization_id: str) -> bool:
    """Template helper: whether the visitor sees the organisation's
    publishing overview (its editors and admins, sysadmins)."""
    return bool(organization_id) and _may_run_publishing(organization_id)


def gbgopendata_publication_status(pkg_dict: dict[str, Any]) -> str:
    """Template helper: the dataset's status in the publishing process, in
    the visitor's language (for those who may see its checklist)."""
    return status_labels()[facts.assess_dataset(pkg_dict).status]


def gbgopendata_approvals_waiting() -> list[dict[str, Any]]:
    """Template helper: the approval requests the signed-in person answers."""
    if not toolkit.current_user.is_authenticated:
        return []
    return toolkit.get_action("gbg_approvals_waiting")(_context(), {})


def gbgopendata_approvals_waiting_count() -> int:
    """Template helper: how many (the header's badge)."""
    if not toolkit.current_user.is_authenticated:
        return 0
    return approval.waiting_count(toolkit.current_user)


def gbgopendata_made_private_automatically(activity: dict[str, Any]) -> str:
    """Template helper: for a dataset activity whose save made the dataset
    private by itself, what the portal did and why, after whose change
    (in the page's language); else empty."""
    data = activity.get("data") if isinstance(activity, dict) else None
    reason = data.get(MADE_PRIVATE_AUTOMATICALLY) if isinstance(data, dict) else None
    if not reason:
        return ""
    user = model.User.get(activity.get("user_id") or "")
    return checklist_actions.automatic_change_text(
        "unpublished_automatically", reason, user.display_name if user else "", languages.request_language()
    ) or ""


def template_helpers() -> dict[str, Any]:
    return {
        "gbgopendata_may_run_publishing": gbgopendata_may_run_publishing,
        "gbgopendata_publication_status": gbgopendata_publication_status,
        "gbgopendata_approvals_waiting": gbgopendata_approvals_waiting,
        "gbgopendata_approvals_waiting_count": gbgopendata_approvals_waiting_count,
        "gbgopendata_made_private_automatically": gbgopendata_made_private_automatically,
    }


# --- the creation flow ends on the checklist -------------------------------------------------

_FINISHING_ACTIONS = ("go-metadata", "go-metadata-publish")


@blueprint.after_app_request
def _creation_ends_on_the_checklist(response):
    """The last step of CKAN's "add dataset" flow (the first distribution's
    form, "Finish") sends the publisher to the dataset page; ours goes on
    to the dataset's checklist, where publishing happens."""
    request = toolkit.request
    endpoint = request.endpoint or ""
    if (
        request.method != "POST"
        or response.status_code not in (301, 302, 303)
        or not (endpoint == "resource.new" or endpoint.endswith("_resource.new"))
        or request.form.get("save") not in _FINISHING_ACTIONS
    ):
        return response
    dataset_id = (request.view_args or {}).get("id")
    pkg = model.Package.get(dataset_id) if dataset_id else None
    if pkg is None or pkg.state != "active":
        return response
    if not toolkit.h.check_access("gbg_checklist_show", {"id": pkg.id}):
        return response
    response.headers["Location"] = toolkit.url_for("gbgopendata_publication.checklist", id=pkg.name)
    toolkit.h.flash_notice(
        toolkit._(
            "The dataset has been saved. It is private until it is published: go through the checklist, "
            "and publish it when every required item is done."
        )
    )
    return response
