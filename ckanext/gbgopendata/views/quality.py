"""What the publisher sees of a dataset's metadata quality: the panel on the
dataset form, the dataset page (for those who may edit it) and the
checklist page, one snippet (`gbgopendata/quality/panel.html`), and the
form's live preview `POST /dataset/kvalitet/forhandsgranska`, which reads
the form as CKAN's dataset form does, asks `gbg_quality_preview` and
answers the panel as an HTML fragment (quality-panel.js swaps it in).

The scores come from the kept score's actions (quality/kept.py):
`gbg_quality_show` (the stored score) and `gbg_quality_preview` (the score
of the form as filled in, not saved)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from ckan.lib.navl.dictization_functions import DataError, unflatten
from ckan.logic import clean_dict, parse_params, tuplize_dict
from ckan.plugins import toolkit

from ckanext.gbgopendata import languages

blueprint = Blueprint("gbgopendata_quality", __name__)

# Form inputs that are the form's, not the dataset's.
_FORM_ONLY = ("save", "_ckan_phase", "pkg_name")


def _context() -> dict[str, Any]:
    return {"user": toolkit.current_user.name if toolkit.current_user.is_authenticated else ""}


def _quality_action(name: str, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return toolkit.get_action(name)(context, data_dict)


def stored_quality(package_id: str) -> dict[str, Any] | None:
    """Template helper: the dataset's kept quality, or None for a visitor
    who may not edit the dataset (the panel is not shown to them)."""
    if not package_id or not toolkit.current_user.is_authenticated:
        return None
    try:
        return _quality_action("gbg_quality_show", _context(), {"id": package_id})
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        return None


def _fragment(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal(message: str, status: int) -> Response:
    return _fragment(toolkit.render("gbgopendata/quality/refusal.html", extra_vars={"message": message}), status)


def _form_data() -> dict[str, Any]:
    """The form as CKAN's dataset form reads it (EditView/CreateView)."""
    data = clean_dict(unflatten(tuplize_dict(parse_params(toolkit.request.form))))
    for name in (*_FORM_ONLY, toolkit.config.get("WTF_CSRF_FIELD_NAME", "_csrf_token")):
        data.pop(name, None)
    if not data.get("id"):
        data.pop("id", None)
    return data


def preview():
    """The panel for the form as it stands (the edit form names the dataset
    by `id`; a new dataset's form by its `owner_org`)."""
    try:
        data = _form_data()
    except (DataError, ValueError, TypeError):
        return _refusal(toolkit._("The form could not be read."), 400)
    dataset_id = data.get("id")
    if dataset_id is not None and not isinstance(dataset_id, str):
        return _refusal(toolkit._("The form could not be read."), 400)
    try:
        quality = _quality_action("gbg_quality_preview", _context(), data)
    except toolkit.ObjectNotFound:
        return _refusal(toolkit._("Dataset not found"), 404)
    except toolkit.NotAuthorized:
        return _refusal(toolkit._("Only the dataset's editors see its metadata quality."), 403)
    except toolkit.ValidationError as error:
        fields = ", ".join(sorted(str(key) for key in (error.error_dict or {}))) or "?"
        return _refusal(toolkit._("The metadata quality cannot be assessed: check {fields}.").format(fields=fields), 400)
    dataset_type = data.get("type") if isinstance(data.get("type"), str) else "dataset"
    pkg = {"id": dataset_id, "name": data.get("name") if isinstance(data.get("name"), str) else dataset_id,
           "type": dataset_type or "dataset"}
    return _fragment(
        toolkit.render(
            "gbgopendata/quality/panel.html",
            extra_vars={"quality": quality, "pkg": pkg, "on_form": True, "live": True},
        )
    )


blueprint.add_url_rule("/dataset/kvalitet/forhandsgranska", "preview", preview, methods=["POST"])


# --- where an improvement sends the publisher ------------------------------------------------


def _schema_fields(dataset_type: str, resource: bool) -> dict[str, dict[str, Any]]:
    schema = toolkit.h.scheming_get_dataset_schema(dataset_type or "dataset") or {}
    return {field["field_name"]: field for field in schema.get("resource_fields" if resource else "dataset_fields", [])}


def field_anchor(field: str, dataset_type: str = "dataset") -> str:
    """The id of the form input that fills `field` ("tags_translated",
    "contact.email", "resources.download_url"): a multilingual field's
    Swedish input, a repeating field's first entry, a distribution's
    address its URL input."""
    resource = field.startswith("resources.")
    name, _, sub = field.removeprefix("resources.").partition(".")
    if not resource and name == "owner_org":
        return "field-organizations"  # CKAN's organisation select
    if resource and name == "url":
        return "field-resource-url"  # CKAN's upload-or-link input
    definition = _schema_fields(dataset_type, resource).get(name, {})
    subfields = definition.get("repeating_subfields")
    if subfields:
        return f"field-{name}-0-{sub or subfields[0]['field_name']}"
    if "fluent" in (definition.get("form_snippet") or "") or name.endswith("_translated"):
        return f"field-{name}-{languages.LANGUAGES[0]}"
    return f"field-{name}"


def field_label(field: str, dataset_type: str = "dataset") -> str:
    """Template helper: the form's label of `field`, in the visitor's
    language (a distribution's field says so)."""
    resource = field.startswith("resources.")
    name, _, sub = field.removeprefix("resources.").partition(".")
    definition = _schema_fields(dataset_type, resource).get(name, {})
    label = toolkit.h.scheming_language_text(definition.get("label")) if definition.get("label") else name
    if sub:
        subfield = next((f for f in definition.get("repeating_subfields") or [] if f["field_name"] == sub), None)
        if subfield and subfield.get("label"):
            label = f"{label}: {toolkit.h.scheming_language_text(subfield['label'])}"
    return toolkit._("{field} (distribution)").format(field=label) if resource else label


def improvement_href(improvement: dict[str, Any], pkg: dict[str, Any] | None, on_form: bool) -> str | None:
    """Template helper: the link of one improvement: on the dataset form an
    anchor to the field's input; elsewhere the edit form at that anchor; a
    distribution's field on the distribution's edit page."""
    field = improvement.get("field")
    if not field:
        return None
    dataset_type = (pkg or {}).get("type") or "dataset"
    anchor = "#" + field_anchor(field, dataset_type)
    name = (pkg or {}).get("name") or (pkg or {}).get("id")
    if field.startswith("resources."):
        distribution = improvement.get("distribution")
        if not (name and distribution):
            return None
        return toolkit.url_for(f"{dataset_type}_resource.edit", id=name, resource_id=distribution) + anchor
    if on_form or not name:
        return anchor
    return toolkit.url_for(f"{dataset_type}.edit", id=name) + anchor


def template_helpers() -> dict[str, Any]:
    return {
        "gbgopendata_stored_quality": stored_quality,
        "gbgopendata_quality_improvement_href": improvement_href,
        "gbgopendata_quality_field_label": field_label,
    }
