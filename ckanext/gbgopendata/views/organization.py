"""Organisation pages: the bulk page (make public / make private).

CKAN's bulk view lets a ValidationError from bulk_update_public through as
a server error; here the same view runs, and a refusal becomes a message on
the same page (nothing is published)."""
from __future__ import annotations

from flask import Blueprint
from ckan.plugins import toolkit
from ckan.views.group import BulkProcessView

blueprint = Blueprint("gbgopendata_organization", __name__)
_BULK_PAGE = "organization.bulk_process"


def bulk_process(id: str):
    view = BulkProcessView()
    if toolkit.request.method != "POST":
        return view.get(id, "organization", True)
    try:
        return view.post(id, "organization", True)
    except toolkit.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                toolkit.h.flash_error(str(message))
        return toolkit.h.redirect_to(_BULK_PAGE, id=id)


blueprint.add_url_rule("/organization/bulk_process/<id>", view_func=bulk_process, methods=["GET", "POST"])
