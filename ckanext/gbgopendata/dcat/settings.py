"""The catalogue's own metadata (dcat:Catalog), from the options declared in
config_declaration.yaml."""
from __future__ import annotations

from dataclasses import dataclass

from ckan.plugins import toolkit

from ckanext.gbgopendata import languages

PREFIX = "ckanext.gbgopendata.catalog_"
# DCAT-AP-SE requires exactly this licence on the catalogue's metadata.
CATALOGUE_LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"


@dataclass(frozen=True)
class CatalogueSettings:
    title: dict[str, str]
    description: dict[str, str]
    publisher_orgnr: str
    homepage: str
    languages: tuple[str, ...]
    theme_taxonomies: tuple[str, ...]
    spatial: tuple[str, ...]


def _option(name: str) -> str:
    return (toolkit.config.get(PREFIX + name) or "").strip()


def catalogue_settings() -> CatalogueSettings:
    homepage = _option("homepage") or (toolkit.config.get("ckan.site_url") or "").rstrip("/") + "/"
    return CatalogueSettings(
        title={lang: text for lang in languages.LANGUAGES if (text := _option(f"title_{lang}"))},
        description={lang: text for lang in languages.LANGUAGES if (text := _option(f"description_{lang}"))},
        publisher_orgnr="".join(ch for ch in _option("publisher_orgnr") if ch.isdigit()),
        homepage=homepage,
        languages=tuple(_option("language").split()),
        theme_taxonomies=tuple(_option("theme_taxonomy").split()),
        spatial=tuple(_option("spatial").split()),
    )
