"""Harvest sources (ckanext-harvest's packages of type `harvest`) as the
portal's save path sees them: a source's config read, a trusted source
written only by a sysadmin with its datasets' levels (the server records
who), and a new source returned with its status. Here rather than in
dcat/harvester.py so that logic/save.py and logic/action.py need nothing
of the harvester itself."""
from __future__ import annotations

import json
from typing import Any

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import classification, messages
from ckanext.gbgopendata.messages import N_


# A source config key: the source publishes datasets that are already open
# data (set by a sysadmin only).
TRUSTED_KEY = "trusted_open_data"


def source_config(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def is_trusted(config: Any) -> bool:
    return source_config(config).get(TRUSTED_KEY) is True


# Who marked the source trusted (set by the server from the acting sysadmin).
TRUSTED_BY_KEY = "trusted_by"
# The integrity and availability levels the sysadmin gives the source's
# datasets (their confidentiality is 0: they are open data already).
LEVELS_KEY = "classification"


def refuse_trust_unless_sysadmin(context: dict, data_dict: dict) -> None:
    """A source marked trusted (`{"trusted_open_data": true, "classification":
    {"integrity_level": …, "availability_level": …}}`) is written only by a
    sysadmin, with both levels: refused otherwise under `config`, in the
    request's language. The sysadmin who writes it is recorded in the config
    (`trusted_by`), whatever the request says."""
    from ckan import authz

    from ckanext.gbgopendata import languages

    config = source_config(data_dict.get("config"))
    if not is_trusted(config):
        if TRUSTED_BY_KEY in config:  # no stale trust left behind
            data_dict["config"] = json.dumps({k: v for k, v in config.items() if k != TRUSTED_BY_KEY})
        return
    lang = languages.request_language()
    if not authz.is_sysadmin(context.get("user")):
        raise toolkit.ValidationError({"config": [messages.render(N_(
            "Only a sysadmin may mark a harvest source as a trusted source of open data ({key})",
            key=TRUSTED_KEY,
        ), lang)]})
    levels = config.get(LEVELS_KEY)
    if not isinstance(levels, dict) or any(
            str(levels.get(field)) not in classification.LEVELS for field in TRUSTED_LEVELS):
        raise toolkit.ValidationError({"config": [messages.render(N_(
            "A trusted source gives its datasets' integrity and availability levels: "
            '{example}', example='"classification": {"integrity_level": "1", "availability_level": "1"}',
        ), lang)]})
    user = model.User.get(context.get("user") or "")
    config[TRUSTED_BY_KEY] = user.id if user else None
    data_dict["config"] = json.dumps(config)


TRUSTED_LEVELS = ("integrity_level", "availability_level")


def with_source_status(context: dict, created: Any) -> Any:
    """A new harvest source as package_create returns it, with its
    `status`: CKAN 2.12's package_create shows the source before
    ckanext-harvest's HarvestSource is flushed, so its after_dataset_show
    finds none (and `ckan harvester source create` failed printing it)."""
    from ckanext.gbgopendata import dataset_types

    if not isinstance(created, dict) or created.get("type") != dataset_types.HARVEST_SOURCE_TYPE or created.get(
            "status") is not None:
        return created
    model.Session.flush()
    status = toolkit.get_action("harvest_source_show_status")(dict(context), {"id": created["id"]})
    return dict(created, status=status)
