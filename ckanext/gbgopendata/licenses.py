"""The licence register of Göteborgs Stad's catalogue.

The city publishes open data under CC0 1.0 or CC BY 4.0 (its two recommended
licences); the other Creative Commons 4.0 licences that DCAT-AP-SE lists are
in the register too, for data the city only shares under stricter terms.
The register is data (licenses.json, in CKAN's `licenses_group_url` format
plus our sv/en titles and explanations); CKAN reads the same file, so
`license_list`, `package_show` and this module agree on ids and URIs.

Everything about licences lives here: the register, recognising the many
ways people write a licence (harvest-in, migration, API input), the licence
condition of the publication rule, and the CC BY attribution text.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from ckanext.gbgopendata import languages, settings

log = logging.getLogger(__name__)

REGISTER_FILE = Path(__file__).with_name("licenses.json")

OPEN_LICENSES_OPTION = settings.OPEN_LICENSES
DEFAULT_LICENSE_OPTION = settings.DEFAULT_LICENSE


@dataclass(frozen=True)
class Licence:
    """One licence of the register."""

    id: str
    url: str
    title_translated: Mapping[str, str]
    short_title: str
    explanation_translated: Mapping[str, str]
    recommended: bool
    attribution_required: bool
    licence_types: tuple[str, ...]
    eu_licence_uri: str
    legacy_ids: tuple[str, ...]

    def title(self, lang: str) -> str:
        return languages.in_language(self.title_translated, lang)

    def explanation(self, lang: str) -> str:
        return languages.in_language(self.explanation_translated, lang)


# --- the register --------------------------------------------------------------


def register_url() -> str:
    """The register as CKAN's `licenses_group_url` wants it."""
    return REGISTER_FILE.resolve().as_uri()


@functools.cache
def register() -> tuple[Licence, ...]:
    """The licences, recommended ones first, in the order the form offers them."""
    entries = json.loads(REGISTER_FILE.read_text("utf-8"))
    return tuple(
        Licence(
            id=entry["id"],
            url=entry["url"],
            title_translated=entry["title_translated"],
            short_title=entry["short_title"],
            explanation_translated=entry["explanation_translated"],
            recommended=entry["recommended"],
            attribution_required=entry["attribution_required"],
            licence_types=tuple(entry["licence_types"]),
            eu_licence_uri=entry["eu_licence_uri"],
            legacy_ids=tuple(entry["legacy_ids"]),
        )
        for entry in entries
    )


def license_ids() -> list[str]:
    return [licence.id for licence in register()]


def get_license(license_id: str | None) -> Licence | None:
    for licence in register():
        if licence.id == license_id:
            return licence
    return None


# --- recognising a licence however it is written ----------------------------------

# Ways of pointing at the same licence document that do not change which
# licence it is: language versions of the deed, the legal code, CC's RDF.
_DOCUMENT_SUFFIX = re.compile(r"/(deed(\.[\w@-]+)?|legalcode(\.[\w@-]+)?|rdf)$")
_HOST_ALIASES = {"www.creativecommons.org": "creativecommons.org", "www.opendefinition.org": "opendefinition.org"}


def _uri_key(value: str) -> str | None:
    """A comparison key for a licence URI: scheme, `www.`, query, fragment,
    document suffix, trailing slash and case do not matter."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # "http://[": not an address, so no licence's
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower()
    host = _HOST_ALIASES.get(host, host)
    path = parts.path.lower().rstrip("/")
    path = _DOCUMENT_SUFFIX.sub("", path).rstrip("/")
    path = re.sub(r"\.(html|json)$", "", path) if host == "spdx.org" else path
    return host + path


@functools.cache
def _lookup_tables() -> tuple[dict[str, str], dict[str, str]]:
    by_name: dict[str, str] = {}
    by_uri: dict[str, str] = {}
    for licence in register():
        names = [licence.id, licence.short_title, *licence.legacy_ids, *licence.title_translated.values()]
        for name in names:
            by_name[name.strip().lower()] = licence.id
        uris = [
            licence.url,
            licence.eu_licence_uri,
            f"http://spdx.org/licenses/{licence.id}",
            # CKAN's default register pointed its CC licences to opendefinition.org.
            *(f"http://opendefinition.org/licenses/{legacy}" for legacy in licence.legacy_ids),
        ]
        for uri in uris:
            by_uri[_uri_key(uri)] = licence.id
    return by_name, by_uri


def canonical_license_id(value: Any) -> str | None:
    """The register id of a licence given by id (ours or CKAN's old
    `cc-zero`/`cc-by`), title, or URI in any common variant (https, `www.`,
    `deed.sv`, `legalcode`, no trailing slash, EU licence NAL, SPDX);
    None when it is not a licence of the register."""
    if not isinstance(value, str) or not value.strip():
        return None
    by_name, by_uri = _lookup_tables()
    text = value.strip()
    if text.lower() in by_name:
        return by_name[text.lower()]
    key = _uri_key(text)
    return by_uri.get(key) if key else None


def canonical_license_uri(value: Any) -> str | None:
    licence = get_license(canonical_license_id(value))
    return licence.url if licence else None


# --- configuration -------------------------------------------------------------------


def open_license_ids(config: Mapping[str, Any] | None = None) -> list[str]:
    """The licences a public dataset may carry (ckanext.gbgopendata.open_licenses,
    from the settings in force unless `config` is given).

    Ids outside the register are ignored with a warning: a typo in the
    configuration must never open the catalogue to more licences."""
    if config is None:
        configured = settings.current().open_licenses
    else:
        configured = tuple((config.get(OPEN_LICENSES_OPTION) or "").replace(",", " ").split())
    return list(_open_license_ids(configured))


@functools.lru_cache(maxsize=8)
def _open_license_ids(configured: tuple[str, ...]) -> tuple[str, ...]:
    allowed: list[str] = []
    for value in configured:
        license_id = canonical_license_id(value)
        if license_id is None:
            log.warning("%s: %r is not a licence of the register, ignored", OPEN_LICENSES_OPTION, value)
        elif license_id not in allowed:
            allowed.append(license_id)
    return tuple(allowed)


def is_open(value: Any, allowed: Iterable[str] | None = None) -> bool:
    """Whether a licence (however written) is one a public dataset may
    carry: one of `allowed`, by default the configured open licences."""
    allowed = open_license_ids() if allowed is None else allowed
    return canonical_license_id(value) in allowed


def default_license_id(config: Mapping[str, Any] | None = None) -> str | None:
    """The licence the form preselects and a new dataset gets when none is given."""
    value = settings.current().default_license if config is None else config.get(DEFAULT_LICENSE_OPTION)
    return _default_license_id(value or "")


@functools.lru_cache(maxsize=8)
def _default_license_id(value: str) -> str | None:
    license_id = canonical_license_id(value)
    if value and license_id is None:
        log.warning("%s: %r is not a licence of the register, ignored", DEFAULT_LICENSE_OPTION, value)
    return license_id


def check_configured() -> None:
    """At start-up: a configured licence outside the register is logged once."""
    open_license_ids()
    default_license_id()


# --- which licence applies --------------------------------------------------------------


def dataset_license(dataset: Mapping[str, Any]) -> Licence | None:
    return get_license(canonical_license_id(dataset.get("license_id")))


def effective_license(resource: Mapping[str, Any], dataset: Mapping[str, Any]) -> Licence | None:
    """A distribution's own licence, or else the dataset's (distributions
    inherit the dataset's licence unless they set their own)."""
    own = resource.get("license")
    if own:
        return get_license(canonical_license_id(own))
    return dataset_license(dataset)


# --- CC BY attribution -------------------------------------------------------------------


def attribution_text(publisher: Mapping[str, str], title: Mapping[str, str]) -> dict[str, str]:
    """How to credit a dataset, per language: "<publisher>, <dataset title>"."""
    texts = {}
    for lang in languages.LANGUAGES:
        publisher_name = languages.in_language(publisher, lang)
        dataset_title = languages.in_language(title, lang)
        texts[lang] = ", ".join(part for part in (publisher_name, dataset_title) if part)
    return texts


def publisher_names(dataset: Mapping[str, Any]) -> dict[str, str]:
    """The publishing organisation's name in sv and en (from the
    organisations read once per request, not one lookup per dataset)."""
    from ckanext.gbgopendata import publishers

    names = publishers.publisher_names(dict(dataset))
    organization = dataset.get("organization") or {}
    if not names and organization.get("title"):
        names = {"sv": organization["title"]}
    return names


def dataset_attribution(dataset: Mapping[str, Any], licence: Licence | None = None) -> dict[str, str] | None:
    """The attribution text of a dataset whose licence requires
    attribution (CC BY and its variants); None when it needs none."""
    licence = licence or dataset_license(dataset)
    if licence is None or not licence.attribution_required:
        return None
    title = languages.translations(dataset.get("title_translated")) or languages.translations(dataset.get("title"))
    return attribution_text(publisher_names(dataset), title)


# --- migration from CKAN's default register ------------------------------------------------


def migration_changes(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """What moving `dataset` onto the register changes.

    Returns {"license_id": (old, new)} when the dataset's licence is written
    in a way the register recognises but not as its id, {"resources": {id:
    (old, new)}} likewise for the distributions' own licences (stored as the
    canonical URI), and {"unknown": [...]} for licences the register does not
    know (CKAN's ODC, GFDL, "other" licences): those need a person's decision.
    """
    changes: dict[str, Any] = {}
    unknown = []
    old_id = dataset.get("license_id")
    if old_id:
        new_id = canonical_license_id(old_id)
        if new_id is None:
            unknown.append(old_id)
        elif new_id != old_id:
            changes["license_id"] = (old_id, new_id)
    resource_changes = {}
    for resource in dataset.get("resources") or []:
        old = resource.get("license")
        if not old:
            continue
        new = canonical_license_uri(old)
        if new is None:
            unknown.append(old)
        elif new != old:
            resource_changes[resource["id"]] = (old, new)
    if resource_changes:
        changes["resources"] = resource_changes
    if unknown:
        changes["unknown"] = unknown
    return changes


def most_common_license(license_ids: Iterable[str | None]) -> str | None:
    """The licence most distributions carry (ties go to the register's
    order, so the recommended licences first)."""
    counts = Counter(license_id for license_id in license_ids if license_id)
    if not counts:
        return None
    ranked = sorted(counts, key=lambda license_id: (-counts[license_id], _register_position(license_id)))
    return ranked[0]


def _register_position(license_id: str) -> int:
    ids = license_ids()
    return ids.index(license_id) if license_id in ids else len(ids)
