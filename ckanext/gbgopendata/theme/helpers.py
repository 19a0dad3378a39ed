"""Template helpers of the theme: its configured texts in the visitor's
language, the home page's dataset lists and theme entry points."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as toolkit

from ckanext.gbgopendata import languages, licenses, vocabularies

PREFIX = "ckanext.gbgopendata_theme."


def gbgopendata_theme_text(name: str) -> str:
    """A configured text (`<name>_sv`/`<name>_en`) in the visitor's language."""
    return languages.pick(toolkit.config.get(f"{PREFIX}{name}_sv") or "", toolkit.config.get(f"{PREFIX}{name}_en") or "")


def _search(sort: str) -> list[dict[str, Any]]:
    rows = toolkit.config.get(f"{PREFIX}home_datasets")
    try:
        result = toolkit.get_action("package_search")({}, {"sort": sort, "rows": rows, "include_private": False})
    except toolkit.ObjectNotFound:  # pragma: no cover (no search index)
        return []
    return result["results"]


def gbgopendata_theme_newest() -> list[dict[str, Any]]:
    return _search("metadata_created desc")


def gbgopendata_theme_most_used() -> dict[str, Any]:
    """The most viewed datasets when CKAN's tracking plugin counts views,
    else the latest updated ones; with the heading that says which."""
    if toolkit.h.plugin_loaded("tracking"):
        return {"title": toolkit._("Most used datasets"), "datasets": _search("views_recent desc")}
    return {"title": toolkit._("Recently updated datasets"), "datasets": _search("metadata_modified desc")}


def gbgopendata_theme_themes() -> list[dict[str, Any]]:
    """Every DCAT-AP-SE data theme with its label and number of datasets,
    in the vocabulary's order."""
    try:
        from ckanext.gbgopendata.logic import search_parameters

        result = toolkit.get_action("package_search")(
            {search_parameters.OWN_SEARCH: True}, {"rows": 0, "facet.field": ["vocab_theme"], "facet.limit": -1}
        )
        counts = result["facets"].get("vocab_theme", {})
    except toolkit.ObjectNotFound:  # pragma: no cover
        counts = {}
    lang = languages.request_language()
    return [
        {"uri": term.uri, "label": term.label(lang), "count": counts.get(term.uri, 0)}
        for term in vocabularies.get_vocabulary("data-theme")
    ]


def gbgopendata_theme_metadata_license() -> dict[str, str] | None:
    licence = licenses.get_license(toolkit.config.get(f"{PREFIX}metadata_license"))
    if not licence:
        return None
    return {"title": licence.title(languages.request_language()), "url": licence.url}


def all_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "gbgopendata_theme_text": gbgopendata_theme_text,
        "gbgopendata_theme_newest": gbgopendata_theme_newest,
        "gbgopendata_theme_most_used": gbgopendata_theme_most_used,
        "gbgopendata_theme_themes": gbgopendata_theme_themes,
        "gbgopendata_theme_metadata_license": gbgopendata_theme_metadata_license,
    }
