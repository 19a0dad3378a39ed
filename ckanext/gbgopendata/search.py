"""Search index and facets: controlled values are indexed as lists of URIs
and shown as labels in the visitor's language."""
from __future__ import annotations

import json
from typing import Any

# Dataset fields holding lists of vocabulary URIs. CKAN's Solr schema makes
# only vocab_* fields multi-valued strings, so each list is indexed a second
# time as vocab_<field>, which the facets use.
LIST_FIELDS = ("theme", "language", "hvd_category", "applicable_legislation")

# Facet name -> vocabulary whose labels the facet shows.
FACET_VOCABULARIES = {
    "vocab_theme": "data-theme",
    "vocab_hvd_category": "hvd-category",
    "res_format": "media-type",
}


# Solr refuses a whole document when one untokenised term is longer than
# this (in UTF-8).
SOLR_MAX_TERM_BYTES = 32766


# The Solr fields analysed for each language (stack/solr/schema_additions.xml):
# the dataset's texts in that language only, so each is stemmed and split by
# the rules of its own language.
LANGUAGE_FIELDS = {"sv": "text_sv", "en": "text_en"}

# What a text search on a page of each language asks: CKAN's own query fields
# (ckan.lib.search.query.QUERY_FIELDS) and the language's field.
QUERY_FIELDS = {
    lang: f"name^4 title^4 tags^2 groups^2 text {field}^2" for lang, field in LANGUAGE_FIELDS.items()
}


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    _drop_oversized_copies(pkg_dict)
    _add_language_texts(pkg_dict)
    from ckanext.gbgopendata import presentation

    if pkg_dict.get("tags_translated"):
        # CKAN's `tags` holds the Swedish keywords; the English ones (else
        # the Swedish) are what English pages show, link and count.
        pkg_dict[presentation.TAG_FIELDS["en"]] = presentation.keywords_in(pkg_dict["tags_translated"], "en")
    for field in LIST_FIELDS:
        value = pkg_dict.get(field)
        if isinstance(value, str) and value.startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, list):
            pkg_dict[f"vocab_{field}"] = value
            # The plain field is single-valued in Solr: keep it as JSON text.
            pkg_dict[field] = json.dumps(value)
    return pkg_dict


def _add_language_texts(pkg_dict: dict[str, Any]) -> None:
    """Title, description, keywords and the organisation's name, each
    language's into its own field (text_sv, text_en)."""
    from ckanext.gbgopendata import languages, publishers

    try:
        dataset = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except ValueError:
        dataset = {}
    if not isinstance(dataset, dict):
        dataset = {}
    organization = publishers.organizations().get(pkg_dict.get("owner_org") or "", {})
    for lang, field in LANGUAGE_FIELDS.items():
        texts = [
            languages.translations(dataset.get("title_translated", pkg_dict.get("title_translated"))).get(lang),
            languages.translations(dataset.get("notes_translated", pkg_dict.get("notes_translated"))).get(lang),
            (organization.get("names") or {}).get(lang),
        ]
        keywords = languages.translations(dataset.get("tags_translated", pkg_dict.get("tags_translated"))).get(lang)
        texts += keywords if isinstance(keywords, list) else [keywords]
        texts = [text for text in texts if isinstance(text, str) and text.strip()]
        if texts:
            pkg_dict[field] = texts


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """A text search also searches the field of the page's language
    (Swedish pages the Swedish texts, /en/ pages the English ones), through
    the query fields of CKAN's dismax search. A fielded query (with a colon)
    is left to CKAN's standard parser, as CKAN leaves it; a search that
    chose its own query fields keeps them (the request guard lets only the
    extension's own searches choose)."""
    from ckanext.gbgopendata import languages

    if "qf" not in search_params:
        search_params["qf"] = QUERY_FIELDS[languages.request_language()]
    return search_params


def _drop_oversized_copies(pkg_dict: dict[str, Any]) -> None:
    """CKAN indexes each extra twice: as extras_<key> (tokenised text, which
    search uses) and as <key>, which falls into the schema's catch-all
    untokenised string field. The fields' maximum lengths keep values small,
    but a JSON value (contacts, lists) of characters outside the BMP, which
    JSON escapes to 12 bytes each, can still pass Solr's term limit; the
    untokenised copy is then left out, so the dataset is still indexed."""
    for key in [key for key in pkg_dict if f"extras_{key}" in pkg_dict]:
        value = pkg_dict[key]
        if isinstance(value, str) and len(value.encode("utf-8", "surrogatepass")) > SOLR_MAX_TERM_BYTES:
            del pkg_dict[key]


def dataset_facets(facets: dict[str, Any]) -> dict[str, Any]:
    """Adds the DCAT-AP-SE facets after CKAN's own (organisation, tags,
    formats, licences)."""
    from ckan.plugins.toolkit import _

    from ckanext.gbgopendata import presentation

    tags_field = presentation.tags_field()
    if tags_field != "tags" and "tags" in facets:
        # The keywords facet counts the keywords of the visitor's language.
        facets = {(tags_field if name == "tags" else name): title for name, title in facets.items()}
    facets["vocab_theme"] = _("Themes")
    facets["vocab_hvd_category"] = _("HVD categories")
    return facets


def label_facet_items(facet: str, items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Replaces the raw URIs of vocabulary facets by their labels, and
    organisation names by those of the visitor's language."""
    from ckanext.gbgopendata import presentation, vocabularies

    if facet == "organization":
        return presentation.organization_facet_items(items)
    vocabulary_name = FACET_VOCABULARIES.get(facet)
    if not vocabulary_name:
        return items
    vocabulary = vocabularies.get_vocabulary(vocabulary_name)
    return [dict(item, display_name=vocabulary.label(item["name"], lang)) for item in items]
