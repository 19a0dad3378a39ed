"""The extension's settings, read once per process start.

Every `ckanext.gbgopendata.*` option (config_declaration.yaml) is read from
CKAN's config once, in the plugin's `configure()`, validated there (an
option CKAN cannot run with stops it at start-up, naming the option, the
value and what it takes) and kept in one frozen `Settings`, so that a
request, a background job and a CLI command of one process apply the same
values from start to end. `current()` gives them; nothing of ours reads
these options from CKAN's config elsewhere.

The publication checklist is part of the settings: its file is read and
validated at start-up too (by `checklist.in_force`, which the plugin hands
in) and is then never read again per evaluation. The one way it changes
while CKAN runs is `ckan gbgopendata reload-checklist`, which every worker
follows (checklist/in_force.py, docs/architecture.md "Settings").

This module is at the bottom of the import graph: it imports nothing of the
extension (the checklist's type only for type checkers), so every module may
read it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from ckanext.gbgopendata.checklist.definition import Checklist

PREFIX = "ckanext.gbgopendata."
SUPPORT_EMAIL = PREFIX + "support_email"
OPEN_LICENSES = PREFIX + "open_licenses"
DEFAULT_LICENSE = PREFIX + "default_license"
DCAT_FORMAT_STYLE = PREFIX + "dcat_format_style"
LEGAL_ENTITIES = PREFIX + "legal_entities"
CATALOGUE_PREFIX = PREFIX + "catalog_"
SHACL_DIR = PREFIX + "shacl_dir"
CHECKLIST_FILE = PREFIX + "checklist_file"
GRAVATAR = PREFIX + "gravatar"
LINK_CHECK_TIMEOUT = PREFIX + "link_check_timeout"
LINK_CHECK_ALLOWED_HOSTS = PREFIX + "link_check_allowed_hosts"
LINK_CHECK_CONCURRENCY = PREFIX + "link_check_concurrency"
LINK_CHECK_HOST_INTERVAL = PREFIX + "link_check_host_interval"
QUALITY_MIN_RATING = PREFIX + "quality_min_rating"

DCAT_FORMAT_STYLES = ("eu", "se")
# The MQA ratings a dataset may be required to reach, best first
# (quality/scoring.RATINGS without "bad"); the checklist's `quality` check.
QUALITY_MIN_RATINGS = ("excellent", "good", "sufficient")
QUALITY_CHECK = "quality"
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0", "")


class SettingsError(Exception):
    """An option CKAN cannot run with; the message names it and says why."""


@dataclass(frozen=True)
class CatalogueSettings:
    """The catalogue's own metadata (dcat:Catalog)."""

    title: dict[str, str]
    description: dict[str, str]
    publisher_orgnr: str
    homepage: str
    languages: tuple[str, ...]
    theme_taxonomies: tuple[str, ...]
    spatial: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    support_email: str
    # as configured; licenses.open_license_ids() resolves them in the register
    open_licenses: tuple[str, ...]
    default_license: str
    dcat_format_style: str
    # the legal-entity register's file; "" is the one shipped in dcat/
    legal_entities: str
    catalogue: CatalogueSettings
    # "" is ../shared/shacl next to the project checkout (dcat/shacl.py)
    shacl_dir: str
    # the file the checklist was read from ("" in the config: items.yaml)
    checklist_file: str
    gravatar: bool
    checklist: "Checklist"
    # link checks (quality/links.py)
    site_url: str = ""
    link_check_timeout: float = 10.0
    link_check_allowed_hosts: tuple[str, ...] = ()
    link_check_concurrency: int = 4
    link_check_host_interval: float = 1.0
    # None: the checklist's quality item is recommended, at "good"; a rating
    # makes it required at that rating (the checklist in force says so).
    quality_min_rating: str | None = None


_current: Settings | None = None


def _text(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _boolean(config: Mapping[str, Any], key: str) -> bool:
    value = config.get(key)
    if isinstance(value, bool):
        return value
    text = _text(config, key).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{key}: {value!r} is not true or false")


def _number(config: Mapping[str, Any], key: str, default: float, *, least: float, most: float) -> float:
    text = _text(config, key)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{key}: {text!r} is not a number") from None
    if not least <= value <= most:
        raise SettingsError(f"{key}: {text!r} is not between {least:g} and {most:g}")
    return value


def _catalogue(config: Mapping[str, Any]) -> CatalogueSettings:
    def option(name: str) -> str:
        return _text(config, CATALOGUE_PREFIX + name)

    return CatalogueSettings(
        title={lang: text for lang in ("sv", "en") if (text := option(f"title_{lang}"))},
        description={lang: text for lang in ("sv", "en") if (text := option(f"description_{lang}"))},
        publisher_orgnr="".join(ch for ch in option("publisher_orgnr") if ch.isdigit()),
        homepage=option("homepage") or _text(config, "ckan.site_url").rstrip("/") + "/",
        languages=tuple(option("language").split()),
        theme_taxonomies=tuple(option("theme_taxonomy").split()),
        spatial=tuple(option("spatial").split()),
    )


def _quality_min_rating(config: Mapping[str, Any]) -> str | None:
    rating = _text(config, QUALITY_MIN_RATING).lower()
    if rating and rating not in QUALITY_MIN_RATINGS:
        raise SettingsError(f"{QUALITY_MIN_RATING}: {rating!r} is not one of {', '.join(QUALITY_MIN_RATINGS)}")
    return rating or None


def _with_quality_required(checklist: "Checklist", min_rating: str | None) -> "Checklist":
    """The checklist with its quality items required when a minimum rating
    is configured (the file says recommended; the setting decides)."""
    if min_rating is None or not any(item.check == QUALITY_CHECK and not item.required for item in checklist.items):
        return checklist
    items = tuple(
        dataclasses.replace(item, required=True) if item.check == QUALITY_CHECK else item for item in checklist.items
    )
    return dataclasses.replace(checklist, items=items)


def build(config: Mapping[str, Any], load_checklist: Callable[[str], "Checklist"]) -> Settings:
    """The settings in `config`; raises SettingsError naming the first
    option that cannot be used. `load_checklist(configured file)` gives the
    checklist in force (it raises SettingsError for a file that cannot be
    used)."""
    style = _text(config, DCAT_FORMAT_STYLE).lower() or "eu"
    if style not in DCAT_FORMAT_STYLES:
        raise SettingsError(f"{DCAT_FORMAT_STYLE}: {style!r} is not one of {', '.join(DCAT_FORMAT_STYLES)}")
    checklist_file = _text(config, CHECKLIST_FILE)
    min_rating = _quality_min_rating(config)
    return Settings(
        support_email=_text(config, SUPPORT_EMAIL),
        open_licenses=tuple(_text(config, OPEN_LICENSES).replace(",", " ").split()),
        default_license=_text(config, DEFAULT_LICENSE),
        dcat_format_style=style,
        legal_entities=_text(config, LEGAL_ENTITIES),
        catalogue=_catalogue(config),
        shacl_dir=_text(config, SHACL_DIR),
        checklist_file=checklist_file,
        gravatar=_boolean(config, GRAVATAR),
        site_url=_text(config, "ckan.site_url"),
        link_check_timeout=_number(config, LINK_CHECK_TIMEOUT, 10.0, least=0.1, most=120),
        link_check_allowed_hosts=tuple(_text(config, LINK_CHECK_ALLOWED_HOSTS).replace(",", " ").split()),
        link_check_concurrency=int(_number(config, LINK_CHECK_CONCURRENCY, 4, least=1, most=32)),
        link_check_host_interval=_number(config, LINK_CHECK_HOST_INTERVAL, 1.0, least=0, most=60),
        checklist=_with_quality_required(load_checklist(checklist_file), min_rating),
        quality_min_rating=min_rating,
    )


def configure(config: Mapping[str, Any], load_checklist: Callable[[str], "Checklist"]) -> Settings:
    """Reads the settings of this process (the plugin's configure())."""
    global _current
    _current = build(config, load_checklist)
    return _current


def current() -> Settings:
    if _current is None:
        raise SettingsError("the gbgopendata plugin is not configured (ckan.plugins)")
    return _current


def with_checklist(checklist: "Checklist") -> Settings:
    """The settings in force with another checklist (a reload)."""
    global _current
    in_force = current()
    _current = dataclasses.replace(in_force, checklist=_with_quality_required(checklist, in_force.quality_min_rating))
    return _current


def restore(settings: Settings | None) -> None:
    """Puts back settings taken from `current()` (tests that change the
    config for one test)."""
    global _current
    _current = settings
