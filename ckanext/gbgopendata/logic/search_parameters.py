"""The search parameters the catalogue takes, by allowlist.

CKAN's package_search hands most of its parameters to Solr as given. The
permission labels filter which datasets a search *finds*, but not what Solr
returns besides: a facet with `facet.mincount=0` lists every value of the
field in the whole index, with count 0, so an anonymous visitor read the
names, titles, distribution URLs and keywords of private datasets. Solr's
other parameters (`wt`, `defType`, local params `{!…}`) reach further still.

So for every caller, sysadmins included (only CKAN's own `ignore_auth`
reads, with no request behind them, are exempt), package_search takes only what the portal's pages
and the documented API use, and every page and endpoint built on it (the
dataset list, organisation pages, feeds, the DCAT endpoints) with it:

- facets only on the catalogue's facet fields, `facet.mincount` at least 1
  (so only values of datasets the search found are counted), `facet.limit`
  bounded;
- `sort` on the sortable fields, each asc or desc;
- `fl` within the documented fields;
- no other Solr parameter, and no local params in q, fq or fq_list.

Anything else is a ValidationError naming the parameter (409 in the action
API, 400 on a page). The extension's own searches that need more (every
keyword of the visible datasets) say so in the context (OWN_SEARCH).
"""
from __future__ import annotations

import re
from typing import Any

from ckan.plugins import toolkit

# Context key: a search the extension itself composed (not a caller's
# parameters), taken as it is.
OWN_SEARCH = "gbgopendata_own_search"

# Parameters CKAN's package_search takes that do not reach Solr as they are,
# or that the checks below bound.
PARAMETERS = frozenset({
    "q", "fq", "fq_list", "rows", "start", "sort", "fl",
    "facet", "facet.field", "facet.mincount", "facet.limit",
    "include_private", "include_drafts", "include_deleted", "use_default_schema",
    "extras",
})
# Free extension parameters (`ext_<name>`), which CKAN moves to `extras`.
EXTENSION_PREFIX = "ext_"

# Fields a search may sort on: those the portal's pages offer and the
# tracking plugin's, in CKAN's Solr schema all indexed and single-valued;
# CKAN's home page view asks for "view_recent" (sic), a field no dataset has.
SORTABLE = frozenset({
    "score", "metadata_modified", "metadata_created", "title_string", "name", "views_recent", "views_total",
    "view_recent",
})
DIRECTIONS = frozenset({"asc", "desc"})

# Fields a search may return instead of whole datasets (`fl`).
RETURNABLE = frozenset({
    "id", "name", "title", "notes", "url", "version", "type", "state", "license_id", "owner_org",
    "metadata_created", "metadata_modified", "num_resources", "num_tags",
})

MOST_FACET_VALUES = 1000
MOST_START = 1_000_000

_LOCAL_PARAMS = re.compile(r"\{\s*!")


# ckanext-harvest's list of harvest sources (/harvest, sysadmins only) facets on these.
HARVEST_SOURCE_FACETS = frozenset({"frequency", "source_type"})


def facet_fields() -> frozenset[str]:
    """The catalogue's facets: CKAN's configured ones, the keyword field of
    each language, the DCAT-AP-SE facets (search.py) and the harvest
    sources' list's."""
    from ckanext.gbgopendata import presentation, search

    configured = toolkit.aslist(toolkit.config.get("search.facets"))
    return (frozenset(configured) | frozenset(presentation.TAG_FIELDS.values()) | frozenset(search.FACET_VOCABULARIES)
            | HARVEST_SOURCE_FACETS)


def check(data_dict: dict) -> None:
    """Raises a ValidationError naming each parameter the catalogue does not
    take, or whose value is outside what it takes. (Whom it applies to is
    the package_search action's: every caller but CKAN's ignore_auth reads
    and the extension's OWN_SEARCH.)"""
    errors: dict[str, list[str]] = {}
    for key in data_dict:
        if str(key) not in PARAMETERS and not str(key).startswith(EXTENSION_PREFIX):
            errors[str(key)] = [toolkit._("The catalogue's search does not take this parameter")]
    for key, problem in _problems(data_dict):
        errors.setdefault(key, []).append(problem)
    if errors:
        raise toolkit.ValidationError(errors)


def _problems(data_dict: dict) -> Any:
    _ = toolkit._
    for key in ("q", "fq", "fq_list"):
        values = data_dict.get(key)
        values = values if isinstance(values, list) else [values]
        if any(isinstance(value, str) and _LOCAL_PARAMS.search(value) for value in values):
            yield key, _("Solr's local parameters ({!…}) are not taken")
    fields = data_dict.get("facet.field")
    if fields is not None:
        fields = _json_list(fields)
        allowed = facet_fields()
        if fields is None or any(not isinstance(field, str) or field not in allowed for field in fields):
            yield "facet.field", _("Facets are given on these fields only: {fields}").format(
                fields=", ".join(sorted(allowed))
            )
    if "facet.mincount" in data_dict and not _whole_number(data_dict["facet.mincount"], 1, None):
        yield "facet.mincount", _("Must be a whole number, 1 or more")
    if "facet.limit" in data_dict and not _whole_number(data_dict["facet.limit"], 1, MOST_FACET_VALUES):
        yield "facet.limit", _("Must be a whole number from 1 to {most}").format(most=MOST_FACET_VALUES)
    if "start" in data_dict and not _whole_number(data_dict["start"], 0, MOST_START):
        yield "start", _("Must be a whole number from 0 to {most}").format(most=MOST_START)
    facet = data_dict.get("facet")
    if facet is not None and str(facet).lower() not in ("true", "false"):
        yield "facet", _("Must be true or false")
    sort = data_dict.get("sort")
    if sort not in (None, "") and not _known_sort(sort):
        yield "sort", _("Sort on one or more of these fields, each asc or desc: {fields}").format(
            fields=", ".join(sorted(SORTABLE))
        )
    fl = data_dict.get("fl")
    if fl not in (None, "") and not _returnable(fl):
        yield "fl", _("Only these fields may be asked for: {fields}").format(fields=", ".join(sorted(RETURNABLE)))


def _json_list(value: Any) -> list | None:
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    return value if isinstance(value, list) else None


def _whole_number(value: Any, least: int, most: int | None) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
            return False
        value = int(text)
    if not isinstance(value, int):
        return False
    return value >= least and (most is None or value <= most)


def _known_sort(sort: Any) -> bool:
    if not isinstance(sort, str) or len(sort) > 200:
        return False
    for clause in sort.split(","):
        words = clause.split()
        if len(words) != 2 or words[0] not in SORTABLE or words[1].lower() not in DIRECTIONS:
            return False
    return True


def _returnable(fl: Any) -> bool:
    fields = fl if isinstance(fl, list) else [fl]
    names = []
    for field in fields:
        if not isinstance(field, str):
            return False
        names += [name for name in re.split(r"[\s,]+", field) if name]
    return bool(names) and all(name in RETURNABLE for name in names)
