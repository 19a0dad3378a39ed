"""Auth functions of the extension (IAuthFunctions): who may see what of
the classification, and CKAN's own auth functions chained where they fail
badly."""
from __future__ import annotations

from typing import Callable

from ckan import authz, model
from ckan.plugins import toolkit


@toolkit.auth_allow_anonymous_access
def gbgopendata_classification_show(context, data_dict):
    """Who may see a dataset's whole classification (integrity and
    availability levels, who classified it and when, the classification
    change log) and the classification section of its page: those who may
    edit the dataset (its organisation's editors and admins, collaborators
    with editing rights, sysadmins). Its confidentiality level is metadata
    like any other field, shown wherever the dataset is."""
    result = authz.is_authorized("package_update", dict(context), data_dict)
    if result.get("success"):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only those who may edit the dataset see its whole classification")}


def _may_run_the_checklist(context, data_dict):
    """The checklist, its history and publishing: those who may edit the
    dataset (its organisation's editors and admins, sysadmins). Not its
    members, not the public: the checklist of a public dataset is not
    public either (it may name people and internal reasons). Which items
    only admins may confirm is decided per item (logic/checklist.py)."""
    if not context.get("user"):
        return {"success": False, "msg": toolkit._("Only the dataset's editors may see and change its checklist")}
    result = authz.is_authorized("package_update", dict(context), data_dict)
    if result.get("success"):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only the dataset's editors may see and change its checklist")}


def gbg_checklist_show(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def gbg_checklist_update(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def gbg_dataset_publish(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def gbg_dataset_unpublish(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def gbg_approval_show(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def gbg_approval_request(context, data_dict):
    return _may_run_the_checklist(context, data_dict)


def _may_answer_approval(context, data_dict):
    """Approving or sending back: the information owner (the organisation's
    admins and sysadmins), who may also run the checklist."""
    from ckanext.gbgopendata.logic import checklist as checklist_actions

    result = _may_run_the_checklist(context, data_dict)
    if not result["success"]:
        return result
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if pkg is not None and checklist_actions.is_information_owner(context, pkg):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only an administrator of the organisation may approve the publication")}


def gbg_dataset_approve(context, data_dict):
    return _may_answer_approval(context, data_dict)


def gbg_approval_return(context, data_dict):
    return _may_answer_approval(context, data_dict)


def gbg_approvals_waiting(context, data_dict):
    """Every signed-in user may ask which requests they answer (the answer
    is theirs only)."""
    if context.get("user"):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Sign in to see the approvals that wait for you")}


def gbg_quality_show(context, data_dict):
    """A dataset's quality: those who may edit it (the publisher sees it
    while editing; the public and members do not)."""
    if context.get("user") and authz.is_authorized("package_update", dict(context), data_dict).get("success"):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only the dataset's editors may see its quality")}


def gbg_quality_preview(context, data_dict):
    """The form's preview: who may edit the dataset, or for a new one, who
    may create a dataset in its organisation."""
    if not context.get("user"):
        return {"success": False, "msg": toolkit._("Only the dataset's editors may see its quality")}
    if (data_dict or {}).get("id"):
        return gbg_quality_show(context, data_dict)
    result = authz.is_authorized("package_create", dict(context), {"owner_org": data_dict.get("owner_org")})
    if result.get("success"):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only the dataset's editors may see its quality")}


def gbg_quality_summary(context, data_dict):
    """The catalogue's quality figures: sysadmins (CKAN lets them past every
    auth function); an organisation's: its admins too."""
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    organization_id = (data_dict or {}).get("organization_id")
    if user is not None and organization_id and authz.users_role_for_group_or_org(organization_id, user.name) == "admin":
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only the organisation's admins may see its quality figures")}


def _signed_in_on_a_dataset(name: str) -> Callable:
    """CKAN's collaborator auth functions assert that the user and the
    dataset exist, so an anonymous request (or an unknown dataset) was an
    AssertionError, HTTP 500; it is refused instead."""

    @toolkit.chained_auth_function
    def auth(up_func, context, data_dict):
        user = model.User.get(context.get("user") or "") if context.get("user") else None
        dataset_id = (data_dict or {}).get("id")
        dataset = model.Package.get(dataset_id) if isinstance(dataset_id, str) and dataset_id else None
        if user is None or dataset is None:
            return {"success": False, "msg": toolkit._("Only a signed-in user may manage a dataset's collaborators")}
        return up_func(context, data_dict)

    auth.__name__ = name
    return auth


@toolkit.chained_auth_function
def member_create(up_func, context, data_dict):
    """CKAN lets whoever may edit an organisation (or is a member of a
    group) add any dataset to it, also another organisation's private one:
    adding or removing a dataset (member_delete asks this too) also needs
    the right to edit that dataset."""
    result = up_func(context, data_dict)
    if not result.get("success") or (data_dict or {}).get("object_type") != "package":
        return result
    dataset = model.Package.get(data_dict.get("object") or "") if isinstance(data_dict.get("object"), str) else None
    if dataset is None:
        return result  # member_create answers "not found"
    if authz.is_authorized("package_update", dict(context), {"id": dataset.id}).get("success"):
        return result
    return {"success": False, "msg": toolkit._("Only those who may edit a dataset may add it to an organisation or group")}


def _sysadmins_only(name: str) -> Callable:
    """ckanext-harvest's auth function `name`, for sysadmins only (who pass
    every auth function): its own let anyone list the sources and read any
    harvest object, a private dataset's harvested metadata included."""

    @toolkit.chained_auth_function
    def auth(next_auth, context, data_dict):
        return {"success": False, "msg": toolkit._("Only sysadmins may use the harvester")}

    auth.__name__ = name
    return auth


def harvest_auth_functions() -> dict[str, Callable]:
    from ckan import plugins

    from ckanext.gbgopendata.logic.request_guard import harvest_functions

    if not plugins.plugin_loaded("harvest"):
        return {}
    return {name: _sysadmins_only(name) for name in harvest_functions("ckanext.harvest.logic.auth")}


def get_auth_functions() -> dict[str, Callable]:
    return {
        **harvest_auth_functions(),
        "gbgopendata_classification_show": gbgopendata_classification_show,
        "gbg_checklist_show": gbg_checklist_show,
        "gbg_checklist_update": gbg_checklist_update,
        "gbg_dataset_publish": gbg_dataset_publish,
        "gbg_dataset_unpublish": gbg_dataset_unpublish,
        "gbg_approval_show": gbg_approval_show,
        "gbg_approval_request": gbg_approval_request,
        "gbg_dataset_approve": gbg_dataset_approve,
        "gbg_approval_return": gbg_approval_return,
        "gbg_approvals_waiting": gbg_approvals_waiting,
        "member_create": member_create,
        "gbg_quality_show": gbg_quality_show,
        "gbg_quality_preview": gbg_quality_preview,
        "gbg_quality_summary": gbg_quality_summary,
        **{
            name: _signed_in_on_a_dataset(name)
            for name in ("package_collaborator_list", "package_collaborator_create", "package_collaborator_delete")
        },
    }
