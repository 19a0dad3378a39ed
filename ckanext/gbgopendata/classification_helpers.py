"""Template helpers of the classification: the form's choices and the
dataset page's classification section. The texts come from
classification.py, in the visitor's language."""
from __future__ import annotations

from typing import Any, Callable

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import assessment, classification, languages, rule
from ckanext.gbgopendata.logic import facts


def _lang() -> str:
    return languages.request_language()


def gbgopendata_classification_choices(field: dict) -> list[dict[str, Any]]:
    """scheming's choices for a level field: the level names, sv and en."""
    return [
        {"value": definition.level, "label": {"sv": definition.name_sv, "en": definition.name_en}}
        for definition in classification.level_definitions(field["field_name"])
    ]


def _choice_blocker(field_name: str, level: str) -> rule.PublicationBlocker | None:
    """The rule's objection to this one choice, everything else being
    publishable: what the form says when the choice is made."""
    publishable = {field: classification.OPEN_CONFIDENTIALITY_LEVEL for field in classification.LEVEL_FIELDS}
    publishable[field_name] = level
    decided = assessment.assess(assessment.shape(publishable), assessment.Facts(rules=facts.rules()))
    for blocker in decided.standing:
        if blocker.field == field_name:
            return blocker
    return None


def gbgopendata_classification_options(field: dict) -> list[dict[str, str]]:
    """The form's choices for a level field: value, name, the city's
    definition and, when the rule forbids publishing at that level, why."""
    lang = _lang()
    options = []
    for definition in classification.level_definitions(field["field_name"]):
        blocker = _choice_blocker(field["field_name"], definition.level)
        options.append(
            {
                "value": definition.level,
                "name": definition.name(lang),
                "definition": definition.definition(lang),
                "publication_blocker": blocker.message(lang) if blocker else "",
            }
        )
    return options


def gbgopendata_confidentiality_blocker(data: dict) -> str:
    """Why the form may not offer "Public" for the confidentiality `data`
    has; empty when it may."""
    level = classification.classification_of(data or {})["confidentiality_level"]
    if level is None:
        return ""  # not chosen yet: the server says what is missing on save
    blocker = _choice_blocker("confidentiality_level", level)
    return blocker.message(_lang()) if blocker else ""


def gbgopendata_shows_classification(pkg: dict) -> bool:
    """The dataset page shows the classification section to those the auth
    function gbgopendata_classification_show lets see it."""
    return bool(pkg.get("id")) and toolkit.h.check_access("gbgopendata_classification_show", {"id": pkg["id"]})


def _user_name(user_id: str) -> str:
    user = model.User.get(user_id)
    return user.display_name if user else user_id


def gbgopendata_classification_rows(pkg: dict) -> list[dict[str, str]]:
    """The classification the visitor may see (package_show has already
    left out what they may not), one row per aspect, then who and when."""
    lang = _lang()
    rows = []
    for aspect in classification.ASPECTS:
        if aspect.field not in pkg and aspect.field != "confidentiality_level":
            continue  # internal, not shown to this visitor
        level = classification.classification_of(pkg)[aspect.field]
        definition = classification.level_definition(aspect.name, level) if level else None
        rows.append(
            {
                "field": aspect.field,
                "label": aspect.label(lang),
                "value": definition.name(lang) if definition else toolkit._("Not classified"),
                "definition": definition.definition(lang) if definition else "",
            }
        )
    if pkg.get("classification_date"):
        rows.append(
            {
                "field": "classification_date",
                "label": toolkit._("Classified on"),
                "value": toolkit.h.render_datetime(pkg["classification_date"], with_hours=True),
                "definition": "",
            }
        )
    if pkg.get("classified_by"):
        rows.append(
            {
                "field": "classified_by",
                "label": toolkit._("Classified by"),
                "value": _user_name(pkg["classified_by"]),
                "definition": "",
            }
        )
    return rows


def gbgopendata_form_errors(errors: Any) -> Any:
    """A form's errors as the web form shows them: each once (the
    publication rule's reasons, already in the visitor's language, are
    given under `private` and under the field concerned)."""
    if isinstance(errors, dict):
        return {key: gbgopendata_form_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        shown = [gbgopendata_form_errors(error) for error in errors]
        if all(isinstance(error, str) for error in shown):
            shown = list(dict.fromkeys(shown))
        return shown
    return errors


def all_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "gbgopendata_form_errors": gbgopendata_form_errors,
        "gbgopendata_classification_choices": gbgopendata_classification_choices,
        "gbgopendata_classification_options": gbgopendata_classification_options,
        "gbgopendata_confidentiality_blocker": gbgopendata_confidentiality_blocker,
        "gbgopendata_shows_classification": gbgopendata_shows_classification,
        "gbgopendata_classification_rows": gbgopendata_classification_rows,
    }
