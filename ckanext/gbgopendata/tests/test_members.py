"""Adding a dataset to an organisation or a group (member_create,
object_type package) needs the right to edit that dataset: CKAN asked only
for the right to edit the organisation, so an admin of one organisation
could add another organisation's private dataset to theirs."""
from __future__ import annotations

import pytest

from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION, dataset_fields, organization_fields, organization_member

LEVEL_1 = {**OPEN_CLASSIFICATION, "confidentiality_level": "1"}

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def two_organisations(organization):
    other = factories.Organization(name="miljoforvaltningen", **organization_fields())
    owner_editor = organization_member(organization, "editor")
    other_admin = organization_member(other, "admin")
    hidden = helpers.call_action(
        "package_create", context={"user": owner_editor["name"], "ignore_auth": False}, name="skyddad",
        owner_org=organization["id"], private=True, **dataset_fields(**LEVEL_1),
    )
    public = helpers.call_action(
        "package_create", context={"user": owner_editor["name"], "ignore_auth": False}, name="oppen",
        owner_org=organization["id"], private=False, **dataset_fields(),
    )
    group = factories.Group(name="miljo", users=[{"name": other_admin["name"], "capacity": "member"},
                                                 {"name": owner_editor["name"], "capacity": "member"}])
    return {"owner": organization, "other": other, "owner_editor": owner_editor, "other_admin": other_admin,
            "hidden": hidden, "public": public, "group": group}


def _members_of(group_id: str) -> set[str]:
    rows = model.Session.query(model.Member).filter_by(group_id=group_id, table_name="package", state="active")
    return {row.table_id for row in rows}


@pytest.mark.parametrize("dataset", ["hidden", "public"])
@pytest.mark.parametrize("into", ["other", "group"])
def test_another_organisations_dataset_cannot_be_added(two_organisations, dataset, into):
    world = two_organisations
    target = world[into]
    with pytest.raises((toolkit.NotAuthorized, toolkit.ObjectNotFound)):
        helpers.call_action(
            "member_create", context={"user": world["other_admin"]["name"], "ignore_auth": False},
            id=target["id"], object=world[dataset]["id"], object_type="package", capacity="public",
        )
    assert world[dataset]["id"] not in _members_of(target["id"])


def test_who_may_edit_the_dataset_adds_it_to_a_group(two_organisations):
    world = two_organisations
    helpers.call_action(
        "member_create", context={"user": world["owner_editor"]["name"], "ignore_auth": False},
        id=world["group"]["id"], object=world["public"]["name"], object_type="package", capacity="public",
    )
    assert world["public"]["id"] in _members_of(world["group"]["id"])
    # And neither the other organisation's admin may take it out again.
    with pytest.raises((toolkit.NotAuthorized, toolkit.ObjectNotFound)):
        helpers.call_action(
            "member_delete", context={"user": world["other_admin"]["name"], "ignore_auth": False},
            id=world["group"]["id"], object=world["public"]["id"], object_type="package",
        )
    assert world["public"]["id"] in _members_of(world["group"]["id"])


def test_a_user_member_is_still_added_by_the_organisations_admin(two_organisations):
    world = two_organisations
    newcomer = factories.User()
    helpers.call_action(
        "member_create", context={"user": world["other_admin"]["name"], "ignore_auth": False},
        id=world["other"]["id"], object=newcomer["id"], object_type="user", capacity="editor",
    )
