"""Organisation pages: the bulk page's form (make public / make private /
delete).

CKAN's bulk view lets a ValidationError from bulk_update_public through as
a server error. The form's POST is answered here instead, through the
actions (`toolkit.get_action`), so a refusal becomes a message on the same
page and nothing is published; the page itself (GET) stays CKAN's, which
this rule does not take (it answers POST only, so Flask's routing goes on
to CKAN's rule for a GET)."""
from __future__ import annotations

from flask import Blueprint
from ckan.plugins import toolkit

blueprint = Blueprint("gbgopendata_organization", __name__)
_BULK_PAGE = "organization.bulk_process"

# The form of CKAN's bulk page (organization/bulk_process.html): a button
# named bulk_action.<what>, a checkbox dataset_<id> per dataset.
_BULK_ACTIONS = {
    "bulk_action.public": "bulk_update_public",
    "bulk_action.private": "bulk_update_private",
    "bulk_action.delete": "bulk_update_delete",
}
_DATASET_PREFIX = "dataset_"


def bulk_process(id: str):
    context = {"user": toolkit.current_user.name}
    try:
        toolkit.check_access("bulk_update_public", context, {"org_id": id})
        organization = toolkit.get_action("organization_show")(context, {"id": id, "include_datasets": False})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, toolkit._("Organization not found"))
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Unauthorized to access"))
    form = toolkit.request.form
    actions = [action for button, action in _BULK_ACTIONS.items() if button in form]
    if len(actions) != 1:
        return toolkit.abort(400, toolkit._("Choose one of the bulk actions"))
    datasets = [name[len(_DATASET_PREFIX):] for name in form if name.startswith(_DATASET_PREFIX)]
    try:
        toolkit.get_action(actions[0])(context, {"datasets": datasets, "org_id": organization["id"]})
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Not authorized to perform bulk update"))
    except toolkit.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                toolkit.h.flash_error(str(message))
    return toolkit.h.redirect_to(_BULK_PAGE, id=id)


blueprint.add_url_rule("/organization/bulk_process/<id>", view_func=bulk_process, methods=["POST"])
