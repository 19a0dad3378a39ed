"""Data and steps shared by the checklist's tests."""
from __future__ import annotations

import itertools
from typing import Any

import pytest
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import checklist
from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

# The checklist's tests run the city's default checklist (test.ini makes
# nothing required for the other tests).
DEFAULT_CHECKLIST = pytest.mark.ckan_config("ckanext.gbgopendata.checklist_file", "")

_numbers = itertools.count(1)

CONTACT = [{"name": "Trafikkontoret, öppna data", "email": "opendata@trafikkontoret.goteborg.se"}]


def complete_metadata(**overrides: Any) -> dict[str, Any]:
    """A dataset whose automatic items are all done: classified at level 0,
    open licence, sv+en texts, a contact with e-mail, a CSV distribution."""
    fields = dataset_fields(
        license_id="CC0-1.0",
        contact=CONTACT,
        resources=[resource_fields()],
    )
    fields.update(overrides)
    return fields


def default_items() -> list[checklist.Item]:
    return list(checklist.load(checklist.definition.DEFAULT_FILE).items)


def editor_items() -> list[str]:
    return [item.id for item in default_items() if item.kind == "confirmed" and item.confirmed_by == "editor"]


def admin_items() -> list[str]:
    return [item.id for item in default_items() if item.kind == "confirmed" and item.confirmed_by == "admin"]


def required_confirmed_items() -> list[str]:
    return [item.id for item in default_items() if item.kind == "confirmed" and item.required]


def confirm(user: dict, dataset_id: str, item_ids: list[str], confirmed: bool = True, **extra: Any) -> dict:
    return ckan_helpers.call_action(
        "gbg_checklist_update",
        context={"user": user["name"]},
        id=dataset_id,
        items=[{"id": item_id, "confirmed": confirmed, **extra} for item_id in item_ids],
    )


def draft(user: dict, organization: dict, **overrides: Any) -> dict:
    """A private dataset with complete metadata and nothing confirmed."""
    overrides.setdefault("name", f"parkering-{next(_numbers)}")
    return ckan_helpers.call_action(
        "package_create",
        context={"user": user["name"]},
        owner_org=organization["id"],
        private=True,
        **complete_metadata(**overrides),
    )


def ready(editor: dict, admin: dict, organization: dict, **overrides: Any) -> dict:
    """A private dataset whose checklist is complete."""
    dataset = draft(editor, organization, **overrides)
    confirm(editor, dataset["id"], editor_items())
    confirm(admin, dataset["id"], admin_items())
    return dataset


def published(editor: dict, admin: dict, organization: dict, **overrides: Any) -> dict:
    dataset = ready(editor, admin, organization, **overrides)
    ckan_helpers.call_action("gbg_dataset_publish", context={"user": editor["name"]}, id=dataset["id"])
    return ckan_helpers.call_action("package_show", context={"ignore_auth": True}, id=dataset["id"])
