"""Flask blueprints of the extension (IBlueprint), one module per page
family. A blueprint registered by a plugin comes before CKAN's own, so a
rule here for a URL CKAN also serves takes that URL over."""
from __future__ import annotations

from flask import Blueprint

from ckanext.gbgopendata.views import catalogue, organization, publication, quality, quality_admin, services


def get_blueprints() -> list[Blueprint]:
    return [organization.blueprint, catalogue.blueprint, publication.blueprint, quality.blueprint,
            quality_admin.blueprint, services.blueprint]
