"""The metadata quality's actions (IActions): one dataset's score, the
form's preview of a score, and the catalogue's or an organisation's figures.
Who may call them is in logic/auth.py; the scores are kept by
quality/kept.py. Texts in the request's language."""
from __future__ import annotations

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import jobs, languages
from ckanext.gbgopendata.quality import kept

SCOPES = ("open", "all")


def _dataset_model(data_dict: dict, context: dict) -> model.Package:
    """The dataset the call names; one the caller may not see is "not
    found" (existence.NAMED_BY has already answered so before this runs)."""
    dataset_id = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not isinstance(dataset_id, str) or not dataset_id.strip():
        raise toolkit.ValidationError({"id": [toolkit._("Missing value")]})
    pkg = model.Package.get(dataset_id.strip())
    if pkg is None or pkg.state == "deleted":
        raise toolkit.ObjectNotFound(toolkit._("Dataset not found"))
    return pkg


@toolkit.side_effect_free
def gbg_quality_show(context, data_dict):
    """The dataset's metadata quality (MQA) in both variants
    (data.europa.eu, Sveriges dataportal), rebuilt first when stale.

    :param id: the dataset's id or name
    """
    pkg = _dataset_model(data_dict, context)
    toolkit.check_access("gbg_quality_show", context, {"id": pkg.id})
    return kept.show(pkg.id, languages.request_language())


def gbg_quality_preview(context, data_dict):
    """The quality a dataset would have as given (package_update's input;
    the stored dataset's distributions when the input has none), not saved.
    A field that does not validate scores as missing.

    :param id: the dataset's id or name (none for a new dataset)
    :param owner_org: the organisation of a new dataset
    """
    data_dict = dict(data_dict or {})
    dataset_id = data_dict.get("id")
    if dataset_id not in (None, ""):
        pkg = _dataset_model(data_dict, context)
        data_dict["id"] = pkg.id
        toolkit.check_access("gbg_quality_preview", context, {"id": pkg.id})
    else:
        data_dict.pop("id", None)
        if not isinstance(data_dict.get("owner_org"), str) or not data_dict["owner_org"].strip():
            raise toolkit.ValidationError({"owner_org": [toolkit._("Missing value")]})
        toolkit.check_access("gbg_quality_preview", context, {"owner_org": data_dict["owner_org"]})
    return kept.preview(data_dict, context, languages.request_language())


@toolkit.side_effect_free
def gbg_quality_summary(context, data_dict):
    """The catalogue's (or one organisation's) quality figures: means,
    lowest, ratings, each indicator's share, the weakest datasets and a
    histogram per variant.

    :param organization_id: an organisation's id or name (none: the catalogue)
    :param scope: "open" (the open catalogue, the default) or "all" (every active dataset)
    """
    data_dict = data_dict or {}
    scope = data_dict.get("scope") or "open"
    if scope not in SCOPES:
        raise toolkit.ValidationError({"scope": [toolkit._("Must be one of: {values}").format(values=", ".join(SCOPES))]})
    organization_id = data_dict.get("organization_id")
    if organization_id not in (None, ""):
        organization = model.Group.get(organization_id) if isinstance(organization_id, str) else None
        if organization is None or not organization.is_organization or organization.state != "active":
            raise toolkit.ObjectNotFound(toolkit._("Organization not found"))
        organization_id = organization.id
    else:
        organization_id = None
    toolkit.check_access("gbg_quality_summary", context, {"organization_id": organization_id})
    result = kept.summary(organization_id, scope, languages.request_language())
    if result["stale"]:
        jobs.enqueue_quality_refresh()
    return result


def get_actions() -> dict:
    return {
        "gbg_quality_show": gbg_quality_show,
        "gbg_quality_preview": gbg_quality_preview,
        "gbg_quality_summary": gbg_quality_summary,
    }
