"""The checklist attacked: as an attacker, a careless API client and a
confused publisher would. Each test failed before its fix."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.checklist_helpers import (
    DEFAULT_CHECKLIST,
    confirm,
    draft,
    published,
)
from ckanext.gbgopendata.tests.helpers import organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


def call(action, user=None, **data):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return ckan_helpers.call_action(action, context=context, **data)


def published_before_the_checklist(editor, organization):
    """A public dataset with nothing confirmed, as the datasets published
    before the checklist existed are."""
    dataset = draft(editor, organization)
    pkg = model.Package.get(dataset["id"])
    pkg.private = False
    model.repo.commit()
    return dataset


# --- a comment is not an untick ---------------------------------------------------------


@pytest.mark.parametrize("entry", [{"comment": "Vi testar nu."}, {"confirmed": False}, {"confirmed": False, "comment": "x"}])
def test_a_comment_on_an_unconfirmed_item_does_not_unpublish_a_dataset_published_before_the_checklist(
    organization, editor, entry
):
    dataset = published_before_the_checklist(editor, organization)
    result = call("gbg_checklist_update", editor, id=dataset["id"], items=[{"id": "tested", **entry}])
    assert result["private"] is False and result["status"] == "public_incomplete"
    assert model.Package.get(dataset["id"]).private is False
    assert "unpublished_automatically" not in [event["event"] for event in gbg_model.checklist_events(dataset["id"])]


def test_a_comment_on_an_unconfirmed_item_over_the_page_does_not_unpublish(app, organization, editor):
    dataset = published_before_the_checklist(editor, organization)
    form = {"shown-tested": "1", "was-tested": "0", "was-comment-tested": "", "comment-tested": "Vi testar nu."}
    app.post(f"/dataset/{dataset['name']}/checklist", data=form, headers={"Authorization": editor["token"]})
    assert model.Package.get(dataset["id"]).private is False
    assert gbg_model.checklist_confirmations(dataset["id"])["tested"]["comment"] == "Vi testar nu."
