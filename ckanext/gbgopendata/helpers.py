"""Template helpers of the extension, registered by the plugin."""
from __future__ import annotations

import json
from typing import Any, Callable

import ckan.plugins.toolkit as toolkit

from ckanext.gbgopendata import avatars, languages, licenses, presentation, publishers, search, settings, vocabularies

FORM_GROUPS = ("mandatory", "recommended", "optional")


def gbgopendata_support_email() -> str:
    return settings.current().support_email


def gbgopendata_lang() -> str:
    """The request's language, reduced to the two the catalogue has."""
    return languages.request_language()


def gbgopendata_languages() -> tuple[str, ...]:
    return languages.LANGUAGES


def gbgopendata_language_name(lang: str) -> str:
    """The name of one of the catalogue's languages, in the visitor's."""
    return toolkit._("English") if lang == "en" else toolkit._("Swedish")


def gbgopendata_translated(value: Any) -> str:
    """The text of a {"sv": …, "en": …} value in the visitor's language,
    falling back to the other language."""
    text = languages.in_language(value)
    return ", ".join(text) if isinstance(text, list) else text


def gbgopendata_vocabulary_label(field_or_vocabulary: Any, uri: str) -> str:
    """The label of a vocabulary URI in the visitor's language; a field with
    inline choices is looked up there."""
    lang = gbgopendata_lang()
    if isinstance(field_or_vocabulary, dict):
        field = field_or_vocabulary
        if "vocabulary" not in field:
            for choice in field.get("choices", []):
                if choice["value"] == uri:
                    return toolkit.h.scheming_language_text(choice["label"])
            return uri
        field_or_vocabulary = field["vocabulary"]
    return vocabularies.get_vocabulary(field_or_vocabulary).label(uri, lang)


def gbgopendata_as_list(value: Any) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    return list(value)


def gbgopendata_form_group_title(group: str) -> str:
    titles = {
        "mandatory": toolkit._("Mandatory"),
        "recommended": toolkit._("Recommended"),
        "optional": toolkit._("Optional"),
        "classification": toolkit._("Classification"),
    }
    return titles.get(group, group)


def _is_filled(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return bool(value.strip())
    if isinstance(value, dict):
        return any(_is_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_filled(v) for v in value)
    return value not in (None, "")


def gbgopendata_facet_label(item: dict) -> str:
    """A search facet's label, whole (snippets/facet_list.html)."""
    return item.get("display_name") or item.get("name") or ""


def gbgopendata_filled_entries(field: dict, value: Any) -> list[dict]:
    """The entries of a repeating field (contacts, areas) that hold a value,
    a choice left at its default counting as empty, as the form's empty
    entries are dropped when saved (logic/bad_input.py); stored before that
    rule, such entries are still not shown."""
    defaults = {sub["field_name"]: sub.get("default") for sub in field.get("repeating_subfields", [])}
    return [
        entry for entry in gbgopendata_as_list(value)
        if isinstance(entry, dict)
        and any(_is_filled(item) and item != defaults.get(key) for key, item in entry.items())
    ]


@toolkit.chained_helper
def get_facet_items_dict(next_helper: Callable[..., Any], facet: str, *args: Any, **kwargs: Any) -> list[dict]:
    """CKAN's facet items, with labels instead of URIs for vocabulary facets."""
    items = next_helper(facet, *args, **kwargs)
    if facet == "license_id":
        return [dict(item, display_name=gbgopendata_license_title(item["name"])) for item in items]
    return search.label_facet_items(facet, items, gbgopendata_lang())


# --- licences (CKAN shows a licence's one `title`; these give the visitor's language)


def gbgopendata_license(value: Any) -> licenses.Licence | None:
    """The register's licence for an id or any way of writing its URI."""
    return licenses.get_license(licenses.canonical_license_id(value))


def gbgopendata_license_title(value: Any) -> str:
    licence = gbgopendata_license(value)
    return licence.title(gbgopendata_lang()) if licence else (value or "")


def gbgopendata_license_choices() -> list[dict[str, Any]]:
    """The licences for the form: recommended ones first, each saying
    whether a public dataset may carry it."""
    lang = gbgopendata_lang()
    open_ids = licenses.open_license_ids()
    return [
        {
            "id": licence.id,
            "url": licence.url,
            "title": licence.title(lang),
            "explanation": licence.explanation(lang),
            "recommended": licence.recommended,
            "open": licence.id in open_ids,
        }
        for licence in licenses.register()
    ]


def gbgopendata_default_license() -> str:
    return licenses.default_license_id() or ""


def gbgopendata_effective_license(resource: dict, dataset: dict) -> licenses.Licence | None:
    return licenses.effective_license(resource, dataset)


def gbgopendata_attribution(dataset: dict, resource: dict | None = None) -> str:
    """How to credit the dataset, in the visitor's language; empty when its
    (or the distribution's) licence needs no attribution."""
    licence = licenses.effective_license(resource, dataset) if resource else licenses.dataset_license(dataset)
    texts = licenses.dataset_attribution(dataset, licence)
    return languages.in_language(texts) if texts else ""


def gbgopendata_dataset_url(package: dict, **kwargs: Any) -> str:
    """The page of a dataset. A dataset of a type the catalogue has no pages
    for (stored before the type check) is linked to the dataset pages, so
    lists that hold it (search, dashboard, user pages) do not break."""
    dataset_type = package.get("type") or "dataset"
    try:
        return toolkit.url_for(f"{dataset_type}.read", id=package.get("name") or package.get("id"), **kwargs)
    except Exception:  # werkzeug's BuildError: no blueprint for this type
        return toolkit.url_for("dataset.read", id=package.get("name") or package.get("id"), **kwargs)


def gbgopendata_keyword_messages() -> str:
    """The messages for a refused keyword ({tag} to fill in), as JSON for the
    form's script (keywords.js), in the visitor's language."""
    from ckanext.gbgopendata.logic import validators

    return json.dumps({"slash": validators.keyword_message("/"), "other": validators.keyword_message("")},
                      ensure_ascii=False)


@toolkit.chained_helper
def get_translated(next_helper: Callable[..., Any], data_dict: dict, field: str) -> Any:
    """CKAN's own translation lookup (`<field>_translated`), plus the
    distribution format, which is a media type shown by its name ("CSV")."""
    if field == "format" and data_dict.get("format"):
        return vocabularies.get_vocabulary("media-type").label(data_dict["format"], gbgopendata_lang())
    if field in ("title", "description") and data_dict.get("is_organization"):
        # An organisation's name and description in the visitor's language.
        return presentation.organization_for_view(dict(data_dict)).get(field) or next_helper(data_dict, field)
    return next_helper(data_dict, field)


def _field_anchor(field: dict, entity_type: str = "dataset") -> str:
    """The id of the input that a field's error is about (the first of its
    inputs: the first language of a text in both languages)."""
    name = field["field_name"]
    snippet = str(field.get("form_snippet") or "")
    if "fluent" in snippet:
        return f"field-{name}-{languages.LANGUAGES[0]}"
    if "multiple_text" in snippet:
        # The first of the repeated inputs (gbgopendata_multiple_text.html numbers them from 1).
        return f"field-{name}-1"
    if name == "owner_org":
        return "field-organizations"
    if name == "url" and entity_type == "resource":
        return "field-resource-url"
    return f"field-{name}"


def gbgopendata_not_on_form(fields: list[dict]) -> list[dict]:
    """Fields named in an error summary but not on the form (the dataset's
    fields on the distribution form): no link."""
    return [dict(field, form_snippet=None) for field in fields]


def gbgopendata_error_summary(errors: dict, fields: list[dict], entity_type: str = "dataset") -> list[dict]:
    """The form's errors in the order of its fields, each with the label of
    the field it is about and the id of that field's input (the summary's
    links), in the page's language: [{"label", "message", "anchor", "field"}]
    (`field` as scheming's summary names it: `contact-1-email`). An
    error of a key that is no field of the form (a dataset's error on the
    distribution form) has no anchor."""
    remaining = dict(errors or {})
    entries: list[dict] = []

    def first(messages: Any) -> str:
        if isinstance(messages, list):
            messages = next((m for m in messages if m), "")
        return str(messages or "")

    for field in fields:
        name = field["field_name"]
        if name not in remaining:
            continue
        messages = remaining.pop(name)
        label = toolkit.h.scheming_language_text(field.get("label") or name)
        if field.get("repeating_subfields") and isinstance(messages, list):
            repeated = toolkit.h.scheming_language_text(field.get("repeating_label") or field.get("label") or name)
            for index, entry in enumerate(messages):
                if not isinstance(entry, dict):
                    if entry:
                        entries.append({"label": label, "message": first(entry), "anchor": f"field-{name}-{index}-{field['repeating_subfields'][0]['field_name']}", "field": f"{name}-{index + 1}"})
                    continue
                for subfield in field["repeating_subfields"]:
                    sub = subfield["field_name"]
                    if entry.get(sub):
                        entries.append({
                            "label": f"{repeated} {index + 1}: {toolkit.h.scheming_language_text(subfield.get('label') or sub)}",
                            "message": first(entry[sub]),
                            "anchor": f"field-{name}-{index}-{sub}",
                            "field": f"{name}-{index + 1}-{sub}",
                        })
            continue
        message = first(messages)
        if message:
            anchor = _field_anchor(field, entity_type) if field.get("form_snippet", "") is not None else None
            entries.append({"label": label, "message": message, "anchor": anchor, "field": name})
    for name, messages in sorted(remaining.items()):
        message = first(messages)
        if message:
            entries.append({"label": toolkit._(name), "message": message, "anchor": None, "field": name})
    return entries


# --- dataset series (logic/series.py) ---------------------------------------------------


def _viewer_context() -> dict[str, Any]:
    user = toolkit.current_user
    return {"user": getattr(user, "name", "") or "", "auth_user_obj": user}


def gbgopendata_series_choices(selected: Any = None) -> list[dict[str, str]]:
    """The series a dataset's form offers, and the one it is in (if the
    user may see it) when that is another organisation's."""
    from ckanext.gbgopendata.logic import series

    choices = series.series_choices(toolkit.current_user)
    if isinstance(selected, str) and selected and selected not in {c["value"] for c in choices}:
        current = series.series_of({"in_series": selected}, _viewer_context())
        if current is not None:
            label = gbgopendata_translated(current.get("title_translated")) or current.get("title") or current["name"]
            choices.insert(0, {"value": current["id"], "label": label})
    return choices


def gbgopendata_series_of(dataset: dict[str, Any]) -> dict[str, Any] | None:
    """The series a dataset is in, if the viewer may see it."""
    from ckanext.gbgopendata.logic import series

    return series.series_of(dataset, _viewer_context())


def gbgopendata_series_members(series_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The series' datasets the viewer may see."""
    from ckanext.gbgopendata.logic import series

    return series.members(series_dict, _viewer_context())


def _series_texts(purpose: str) -> str | None:
    _ = toolkit._
    texts = {
        "add link": lambda: _("Add dataset series"),
        "breadcrumb": lambda: _("Series of datasets"),
        "content tab": lambda: _("Series of datasets"),
        "facet label": lambda: _("Series of datasets"),
        "main nav": lambda: _("Series of datasets"),
        "page title": lambda: _("Series of datasets"),
        "create label": lambda: _("Create dataset series"),
        "create title": lambda: _("Create dataset series"),
        "delete confirmation": lambda: _("Are you sure you want to delete this dataset series?"),
        "edit label": lambda: _("Edit dataset series"),
        "my label": lambda: _("My dataset series"),
        "view label": lambda: _("View dataset series"),
        "no any objects": lambda: _("There are no dataset series in the catalogue yet."),
        "no label": lambda: _("No series"),
        "save label": lambda: _("Save dataset series"),
        "update label": lambda: _("Update dataset series"),
        "search placeholder": lambda: _("Search dataset series..."),
    }
    text = texts.get(purpose)
    return text() if text else None


def gbgopendata_access_service_choices(field: dict, current: Any = None) -> list[dict[str, Any]]:
    """The resource form's data services: those of the dataset's
    organisation the caller may see (the form's dataset from the URL), and
    the one the distribution names now, if the caller may see it."""
    from ckanext.gbgopendata.logic import services

    import flask

    view_args = (flask.request.view_args or {}) if flask.has_request_context() else {}
    choices = services.service_choices(view_args.get("id"))
    if isinstance(current, str) and current and current not in {choice["value"] for choice in choices}:
        choices += [{"value": named["id"], "label": named["title_translated"] or named["title"]}
                    for named in services.packages_named([current])]
    return choices


def gbgopendata_services_serving(package: dict) -> list[dict[str, Any]]:
    """The data services serving the dataset that the caller may see."""
    from ckanext.gbgopendata.logic import services

    return services.services_serving((package or {}).get("id") or "")


def gbgopendata_packages_named(value: Any) -> list[dict[str, Any]]:
    """The packages of these ids (a JSON list or one id) the caller may see."""
    from ckanext.gbgopendata.logic import services

    ids = value if isinstance(value, list) else gbgopendata_as_list(value)
    return services.packages_named([i for i in ids if isinstance(i, str)])


# CKAN's words for a type of dataset, for the data services (CKAN would say
# "Dataservice", in English only).
_SERVICE_WORDS = {
    "add link": "Add data service",
    "breadcrumb": "Data services",
    "content tab": "Data services",
    "create label": "Create data service",
    "create title": "Create data service",
    "edit label": "Edit data service",
    "facet label": "Data services",
    "main nav": "Data services",
    "page title": "Data services",
    "save label": "Save the data service",
    "search placeholder": "Search data services...",
    "update label": "Update data service",
    "view label": "View data service",
    "no any objects": "No data services found",
}


@toolkit.chained_helper
def humanize_entity_type(next_helper: Callable[..., Any], entity_type: str, object_type: str, purpose: str) -> Any:
    """The dataset series' and data services' names in the visitor's
    language (CKAN would say "Create Dataset_series", "Dataservice", in
    English words on a Swedish page)."""
    from ckanext.gbgopendata import dataset_types

    if entity_type == "package" and object_type == dataset_types.SERIES_TYPE:
        return _series_texts(purpose) or toolkit._("Dataset series")
    if entity_type == "package" and object_type == dataset_types.SERVICE_TYPE:
        return toolkit._(_SERVICE_WORDS.get(purpose, "Data service"))
    return next_helper(entity_type, object_type, purpose)


def all_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "humanize_entity_type": humanize_entity_type,
        "gbgopendata_series_choices": gbgopendata_series_choices,
        "gbgopendata_series_of": gbgopendata_series_of,
        "gbgopendata_series_members": gbgopendata_series_members,
        "gbgopendata_support_email": gbgopendata_support_email,
        "gbgopendata_lang": gbgopendata_lang,
        "gbgopendata_languages": gbgopendata_languages,
        "gbgopendata_language_name": gbgopendata_language_name,
        "gbgopendata_translated": gbgopendata_translated,
        "gbgopendata_vocabulary_choices": vocabularies.vocabulary_choices,
        "gbgopendata_vocabulary_label": gbgopendata_vocabulary_label,
        "gbgopendata_as_list": gbgopendata_as_list,
        "gbgopendata_form_group_title": gbgopendata_form_group_title,
        "gbgopendata_is_filled": _is_filled,
        "gbgopendata_filled_entries": gbgopendata_filled_entries,
        "gbgopendata_facet_label": gbgopendata_facet_label,
        "get_facet_items_dict": get_facet_items_dict,
        "get_translated": get_translated,
        "gbgopendata_dataset_url": gbgopendata_dataset_url,
        "gbgopendata_access_service_choices": gbgopendata_access_service_choices,
        "gbgopendata_services_serving": gbgopendata_services_serving,
        "gbgopendata_packages_named": gbgopendata_packages_named,
        "gbgopendata_keyword_messages": gbgopendata_keyword_messages,
        "gbgopendata_error_summary": gbgopendata_error_summary,
        "gbgopendata_not_on_form": gbgopendata_not_on_form,
        "gbgopendata_license": gbgopendata_license,
        "gbgopendata_license_title": gbgopendata_license_title,
        "gbgopendata_license_choices": gbgopendata_license_choices,
        "gbgopendata_default_license": gbgopendata_default_license,
        "gbgopendata_effective_license": gbgopendata_effective_license,
        "gbgopendata_attribution": gbgopendata_attribution,
        "gbgopendata_format_orgnr": publishers.format_orgnr,
        "gbgopendata_tags_field": presentation.tags_field,
        "get_organization": toolkit.chained_helper(presentation.get_organization),
        "organizations_available": toolkit.chained_helper(presentation.organizations_available),
        "render_datetime": toolkit.chained_helper(presentation.render_datetime),
        "user_image": toolkit.chained_helper(avatars.user_image),
        "gravatar": toolkit.chained_helper(avatars.gravatar),
    }
