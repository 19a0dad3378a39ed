"""The data services' pages (schemas/dataservice.yaml): scheming gives the
type its routes (/dataservice/...); what CKAN's flow of a new dataset does
not fit for a service is changed here.

CKAN's "add dataset" form always carries `_ckan_phase`, so its creation
ends on the first distribution's form (`<type>_resource.new`). A data
service has no distributions: its form saves it as it is (the template's
`go-metadata` button, so it is not left a draft) and its creation ends on
its checklist, where publishing happens, as a dataset's does."""
from __future__ import annotations

from flask import Blueprint

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import dataset_types

blueprint = Blueprint("gbgopendata_services", __name__)


@blueprint.after_app_request
def _creation_skips_the_distributions(response):
    request = toolkit.request
    if (
        request.method != "POST"
        or request.endpoint != f"{dataset_types.SERVICE_TYPE}.new"
        or response.status_code not in (301, 302, 303)
        or "/resource/new" not in (response.headers.get("Location") or "")
    ):
        return response
    name = response.headers["Location"].rstrip("/").split("/resource/new")[0].rsplit("/", 1)[-1]
    pkg = model.Package.get(name)
    if pkg is None or pkg.type != dataset_types.SERVICE_TYPE:
        return response
    if toolkit.h.check_access("gbg_checklist_show", {"id": pkg.id}):
        response.headers["Location"] = toolkit.url_for("gbgopendata_publication.checklist", id=pkg.name)
    else:
        response.headers["Location"] = toolkit.url_for(f"{dataset_types.SERVICE_TYPE}.read", id=pkg.name)
    toolkit.h.flash_notice(toolkit._(
        "The data service has been saved. It is private until it is published: go through the checklist, "
        "and publish it when every required item is done."))
    return response
