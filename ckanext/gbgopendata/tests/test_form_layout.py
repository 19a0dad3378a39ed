"""Layout of the forms and the sidebar (issue 12, item 13): every help text
belongs to its field's group (the address's help stood above "Beskrivning",
the distribution's above "Format"), labels have no stray " :", words break
only between words, and facet labels are whole."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields


def _page(app, url, user=None) -> BeautifulSoup:
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, headers=headers)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _help_outside_its_field(page, fields) -> list[str]:
    """Fields whose help text is not inside the group (.form-group) that
    holds the field's input."""
    detached = []
    for field in fields:
        help_text = field.get("help_text")
        if not help_text or field.get("form_snippet", "") is None:
            continue
        text = help_text["sv"]
        blocks = [block for block in page.select(".info-block") if text in " ".join(block.get_text(" ").split())]
        if not blocks:
            continue
        group = blocks[0].find_parent(class_="form-group")
        name = field["field_name"]
        if group is None or not group.select(f'[name="{name}"], [name^="{name}-"], [id^="field-{name}"]'):
            detached.append(name)
    return detached


@pytest.mark.usefixtures("with_plugins")
def test_every_help_text_is_with_its_field(app, editor, organization):
    schema = scheming_get_dataset_schema("dataset")
    page = _page(app, "/dataset/new", editor)
    assert _help_outside_its_field(page, schema["dataset_fields"]) == []
    draft = helpers.call_action("package_create", context={"user": editor["name"]}, name="utkast", state="draft",
                                owner_org=organization["id"], private=True, **dataset_fields())
    page = _page(app, f"/dataset/{draft['name']}/resource/new", editor)
    assert _help_outside_its_field(page, schema["resource_fields"]) == []
    # The distribution's address is named by its label, not CKAN's "Data".
    assert page.select_one("#resource-menu-label").get_text(strip=True) == "Åtkomst-URL"


@pytest.mark.usefixtures("with_plugins")
def test_the_stylesheet_removes_the_stray_colon_and_breaks_only_between_words(app):
    page = _page(app, "/dataset/")
    link = page.select_one('link[rel=stylesheet][href$="/gbgopendata/publisher.css"]')
    css = app.get(link["href"]).get_data(as_text=True)
    assert "label::after" in css and "content: none" in css
    assert "word-break: normal" in css and ".context-info .heading" in css


@pytest.mark.usefixtures("with_plugins")
def test_the_licence_facet_shows_the_whole_title(app, editor, organization):
    helpers.call_action("package_create", context={"user": editor["name"]}, name="parkering", private=False,
                        owner_org=organization["id"], license_id="CC-BY-4.0",
                        resources=[resource_fields()], **dataset_fields())
    page = _page(app, "/dataset/")
    labels = [" ".join(label.get_text(" ", strip=True).split()) for label in page.select(".nav-facet .item-label")]
    assert labels and not any(label.endswith("...") or label.endswith("…") for label in labels), labels
    licence = [label for label in labels if "4.0" in label]
    assert licence and len(licence[0]) > 22, labels
