"""Data services (dcat:DataService, schemas/dataservice.yaml) on CKAN's
paths: the validators of their links and their HVD requirements, and the
reads the pages make of those links.

A link names a package of the catalogue by id (a name is taken and stored
as the id, so a renamed dataset stays linked): `serves_dataset` on a service
names datasets, `access_service` on a distribution names a service. Each
named package must exist, be of the right kind and be one the writer may
see: a hidden package is refused with the same message as a missing one
(existence.may_know_dataset), so a link cannot probe for hidden datasets.
What the open catalogue writes of the links is decided when it is read
(dcat/services.py): only between packages it shows.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ckan import model
from ckan.lib.navl.dictization_functions import Invalid, missing
from ckan.plugins import toolkit
from ckan.plugins.toolkit import _
from ckanext.scheming.validation import scheming_validator

from ckanext.gbgopendata import dataset_types
from ckanext.gbgopendata.logic import existence
from ckanext.gbgopendata.logic.registry import validator
from ckanext.gbgopendata.logic.validators import HVD_LEGISLATION, _as_list, _drop, _shown

SERVICE_TYPE = dataset_types.SERVICE_TYPE


@validator
@scheming_validator
def gbgopendata_served_datasets(field: dict, schema: dict) -> Callable:
    """dcat:servesDataset: datasets of the catalogue (not services), each
    one the writer may see; stored as a JSON list of ids."""

    def validator(key, data, errors, context):
        try:
            values = _as_list(data.get(key), field)
        except Invalid as error:
            errors[key].append(error.error)
            return
        ids: list[str] = []
        for value in values:
            pkg = existence.known_package(context, value)
            if pkg is None or pkg.type == SERVICE_TYPE:
                errors[key].append(
                    _("{value} is no dataset of the catalogue that you may see").format(value=_shown(value))
                )
                return
            if pkg.id not in ids:
                ids.append(pkg.id)
        if not ids:
            _drop(key, data)
        data[key] = json.dumps(ids)

    return validator


@validator
def gbgopendata_access_service(value: Any, context: dict) -> Any:
    """dcat:accessService: a data service of the catalogue the writer may
    see; stored as its id."""
    if value is missing or value is None or value == "":
        return value
    pkg = existence.known_package(context, value)
    if pkg is None or pkg.type != SERVICE_TYPE:
        raise Invalid(_("{value} is no data service of the catalogue that you may see").format(value=_shown(value)))
    return pkg.id


@validator
def gbgopendata_service_hvd(key, data, errors, context):
    """DCAT-AP-SE (HVD): a data service serving high-value data has
    documentation and a contact point."""
    try:
        legislation = _as_list(data.get(key[:-1] + ("applicable_legislation",)))
        documentation = _as_list(data.get(key))
    except Invalid:
        return  # reported on the field itself
    if HVD_LEGISLATION not in legislation:
        return
    if not documentation:
        errors[key].append(_("A high-value data service (HVD) needs documentation"))
    has_contact = any(
        k[0] == "contact" and len(k) == 3 and data[k] not in (None, "", missing) for k in data if isinstance(k, tuple)
    )
    if not has_contact:
        errors.setdefault(("contact",), []).append(_("A high-value data service (HVD) needs a contact point"))


@validator
def gbgopendata_no_distributions(key, data, errors, context):
    """A data service has no distributions: it is reached at its endpoint."""
    given = [k for k in data if isinstance(k, tuple) and len(k) > 1 and k[0] == "resources"]
    if not given:
        return
    # the error stands for the whole list (navl cannot unflatten an error
    # of the list beside errors of its entries)
    for k in given:
        data.pop(k, None)
    for k in [k for k in errors if isinstance(k, tuple) and len(k) > 1 and k[0] == "resources"]:
        errors.pop(k)
    errors[("resources",)] = [_("A data service has no distributions: give its address as the endpoint URL")]


# --- the links, read for the pages ------------------------------------------------------


def _visible(context: dict, packages: list[model.Package]) -> list[dict[str, Any]]:
    return [
        {"id": pkg.id, "name": pkg.name, "title": pkg.title, "type": pkg.type,
         "title_translated": _json((pkg.extras or {}).get("title_translated")) or {}}
        for pkg in packages
        if pkg.state == "active" and existence.may_know_dataset(context, pkg)
    ]


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _caller() -> dict:
    user = toolkit.current_user
    return {"user": getattr(user, "name", "") or "", "auth_user_obj": user}


def services_serving(package_id: str) -> list[dict[str, Any]]:
    """The data services that serve the dataset and that the caller may see."""
    if not package_id:
        return []
    package = model.Package
    candidates = (
        model.Session.query(package)
        .filter(package.type == SERVICE_TYPE, package.state == "active")
        .order_by(package.name)
        .all()
    )
    # the catalogue's services are few: their links are read here, on
    # CKAN 2.11 (package_extra rows) and 2.12 (a JSONB column) alike
    serving = [pkg for pkg in candidates if package_id in (_json((pkg.extras or {}).get("serves_dataset")) or [])]
    return _visible(_caller(), serving)


def packages_named(ids: list[str]) -> list[dict[str, Any]]:
    """The packages of these ids that the caller may see, in that order."""
    found = {pkg.id: pkg for pkg in model.Session.query(model.Package).filter(model.Package.id.in_(ids or []))}
    return _visible(_caller(), [found[i] for i in ids if i in found])


def service_choices(dataset_reference: str | None) -> list[dict[str, Any]]:
    """The data services of the dataset's organisation the caller may see,
    as a select's choices (the resource form's `access_service`)."""
    pkg = existence._dataset_named(dataset_reference) if dataset_reference else None
    if pkg is None or not pkg.owner_org:
        return []
    package = model.Package
    services = (
        model.Session.query(package)
        .filter(package.type == SERVICE_TYPE, package.state == "active", package.owner_org == pkg.owner_org)
        .order_by(package.title)
        .all()
    )
    return [{"value": service["id"], "label": service["title_translated"] or service["title"]}
            for service in _visible(_caller(), services)]
