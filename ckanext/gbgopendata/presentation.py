"""What the pages show of multilingual organisations and keywords: the
visitor's language, falling back to the other one.

CKAN's templates read an organisation's `title`, `display_name` and
`description` and a dataset's `tags`, which hold Swedish (or the raw
`{"sv": …, "en": …}` value). CKAN calls the view hooks below only for pages
(`for_view`), so API answers keep the stored values.

English keywords are indexed as `vocab_tags_en` (`search.py`), so a keyword
shown in English links to the datasets carrying it and the tags facet
counts English keywords on English pages.
"""
from __future__ import annotations

from typing import Any

from ckanext.gbgopendata import languages, publishers

# The Solr field of the keywords shown in each language (CKAN's own `tags`
# holds the Swedish ones).
TAG_FIELDS = {"sv": "tags", "en": "vocab_tags_en"}


def tags_field(lang: str | None = None) -> str:
    """The search field of the keywords of the visitor's language."""
    return TAG_FIELDS[languages.language_of(lang) if lang else languages.request_language()]


def keywords_in(value: Any, lang: str) -> list[str]:
    """The keywords of a `tags_translated` value in `lang`, else in the other
    language."""
    keywords = languages.in_language(value, lang)
    return [keywords] if isinstance(keywords, str) and keywords else list(keywords or [])


def organization_for_view(organization: dict[str, Any]) -> dict[str, Any]:
    """An organisation as a page shows it: name and description in the
    visitor's language."""
    if not isinstance(organization, dict):
        return organization
    facts = publishers.organizations().get(organization.get("id") or "", {})
    names = languages.translations(organization.get("title_translated")) or facts.get("names") or {}
    descriptions = (
        languages.translations(organization.get("description_translated")) or facts.get("descriptions") or {}
    )
    title = languages.in_language(names) or languages.in_language(organization.get("title"))
    if title:
        organization["title"] = organization["display_name"] = title
    description = languages.in_language(descriptions)
    if description:
        organization["description"] = description
    return organization


def dataset_for_view(dataset: dict[str, Any]) -> dict[str, Any]:
    """A dataset as a page shows it: its organisation, keywords and its
    distributions' names and descriptions in the visitor's language."""
    if isinstance(dataset.get("organization"), dict):
        organization_for_view(dataset["organization"])
    if dataset.get("tags_translated"):
        keywords = keywords_in(dataset["tags_translated"], languages.request_language())
        dataset["tags"] = [{"name": keyword, "display_name": keyword} for keyword in keywords]
    for resource in dataset.get("resources") or []:
        # CKAN's resource page shows `description` (filled from Swedish).
        for field in ("name", "description"):
            text = languages.in_language(resource.get(f"{field}_translated"))
            if text:
                resource[field] = text
    return dataset


def organization_facet_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The organisation facet with names in the visitor's language."""
    names = {facts["name"]: facts.get("names") for facts in publishers.organizations().values()}
    return [
        dict(item, display_name=languages.in_language(names[item["name"]]) or item.get("display_name"))
        if names.get(item.get("name"))
        else item
        for item in items
    ]


def get_organization(next_helper, org: str | None = None, include_datasets: bool = False) -> dict[str, Any]:
    """CKAN's `h.get_organization` (the dataset page's sidebar), in the
    visitor's language."""
    return organization_for_view(next_helper(org, include_datasets))


def organizations_available(next_helper, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """CKAN's `h.organizations_available` (the forms' organisation choice),
    in the visitor's language."""
    return [organization_for_view(dict(organization)) for organization in next_helper(*args, **kwargs)]


def render_datetime(
    next_helper, datetime_: Any, date_format: str | None = None, with_hours: bool = False, with_seconds: bool = False
) -> str:
    """CKAN's `h.render_datetime`, with dates and times written the way of
    the page's language, in local time without an offset ("28 november 2026
    21:36", "November 28, 2026, 21:36"): CKAN formats a time with the
    English pattern "MMMM d, YYYY, HH:mm (z)" in every language, and "(z)"
    shows "(+0100)"."""
    lang = languages.request_language()
    if date_format or with_seconds or not with_hours or lang not in ("sv", "en"):
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    date = next_helper(datetime_, None, False, False)  # babel's long date: "28 november 2026"
    if not date:
        return date
    import datetime

    from ckan.plugins.toolkit import h

    moment = h.date_str_to_datetime(datetime_) if isinstance(datetime_, str) else datetime_
    if not isinstance(moment, datetime.datetime):
        return date
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)  # CKAN stores UTC
    # Date and time in ckan.display_timezone (flask-babel would write the
    # date in its own timezone, UTC, so 00:36 in Göteborg was the day before).
    from babel.dates import format_date

    local = moment.astimezone(h.get_display_timezone())
    separator = ", " if lang == "en" else " "
    return f"{format_date(local.date(), format='long', locale=lang)}{separator}{local:%H:%M}"
