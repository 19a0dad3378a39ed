"""Wording found in a UX review of the demo portal, through CKAN's test app:
the Swedish UI says "offentlig" (as the Synlighet choice does), never
"publik"; the dataset form does not claim that metadata is released under
the Open Database License; Swedish sentences agree in gender and number."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, published
from ckanext.gbgopendata.tests.helpers import organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]


def _text(app, url, user=None, status=200):
    headers = {"Authorization": user["token"]} if user else {}
    body = app.get(url, headers=headers, status=status).body
    return BeautifulSoup(body, "html.parser").get_text(" ", strip=True)


def test_the_checklist_page_of_a_public_dataset_says_offentlig(app, organization, editor):
    admin = organization_member(organization, "admin")
    dataset = published(editor, admin, organization)
    text = _text(app, f"/dataset/{dataset['name']}/checklist", admin)
    assert "Datamängden är offentlig: alla kan hitta den" in text
    assert "Ja, datamängden ska sluta vara offentlig." in text
    assert "publik" not in text.replace("publicer", "")


def test_the_dataset_form_does_not_name_the_open_database_license(app, organization, editor):
    for url in ("/dataset/new", "/en/dataset/new"):
        text = _text(app, url, editor)
        assert "Open Database License" not in text
    assert "Licensen du väljer ovan gäller innehållet i datamängdens distributioner." in _text(app, "/dataset/new", editor)
    assert "applies to the contents of the dataset's distributions" in _text(app, "/en/dataset/new", editor)


def test_swedish_wording_agrees(app, organization):
    assert "inte behörighet att se den" in _text(app, "/dataset/finns-inte", status=404)
    text = _text(app, "/dataset/")
    assert "Det finns ingen" not in text
    assert "Inga träffar för den här sökningen" in text
