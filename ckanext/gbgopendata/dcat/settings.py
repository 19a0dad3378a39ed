"""The catalogue's own metadata (dcat:Catalog), from the options declared in
config_declaration.yaml, read once with the other settings (settings.py)."""
from __future__ import annotations

from ckanext.gbgopendata import settings
from ckanext.gbgopendata.settings import CatalogueSettings

__all__ = ["CATALOGUE_LICENSE", "CatalogueSettings", "catalogue_settings"]

PREFIX = settings.CATALOGUE_PREFIX
# DCAT-AP-SE requires exactly this licence on the catalogue's metadata.
CATALOGUE_LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"


def catalogue_settings() -> CatalogueSettings:
    return settings.current().catalogue
