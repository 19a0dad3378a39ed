"""What the portal does by itself after an editor's save (a public dataset
made private when its confidentiality is raised, a required item unticked or
it moves to another organisation; the information owner's approval
withdrawn) is told as the portal's doing, with the reason, after whose
change: on the checklist's history, in the dataset's activity stream and in
the publishing overview (page and CSV), in Swedish and English. The stored
entry keeps the editor (the audit). Through the action API and CKAN's test
app."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, confirm, published
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]

ANNA = "Anna Redaktör"
RAISED = {
    "sv": f"Datamängden blev privat automatiskt: konfidentialiteten höjdes till nivå 1 (efter en ändring av {ANNA}).",
    "en": f"The dataset was made private automatically: confidentiality was raised to level 1 (after a change by {ANNA}).",
}
CREDITED = {"sv": f"{ANNA} avpublicerade datamängden", "en": f"{ANNA} unpublished the dataset"}
PREFIX = {"sv": "", "en": "/en"}


@pytest.fixture
def anna(organization):
    return organization_member(organization, "editor", fullname=ANNA)


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin", fullname="Erik Informationsägare")


def _as(user):
    return {"Authorization": user["token"]}


def _text(app, url, user):
    return BeautifulSoup(app.get(url, headers=_as(user), status=200).body, "html.parser").get_text(" ", strip=True)


def _history(app, dataset, user, lang):
    page = BeautifulSoup(
        app.get(f"{PREFIX[lang]}/dataset/{dataset['name']}/checklist", headers=_as(user), status=200).body, "html.parser"
    )
    return [entry.get_text(" ", strip=True) for entry in page.select("#history li")]


def _raise_as_the_form_does(anna, dataset):
    # The edit form's script switches the visibility to private when the
    # level is raised: the request says private, and the raise decided it.
    ckan_helpers.call_action(
        "package_patch", context={"user": anna["name"]}, id=dataset["id"], confidentiality_level="1", private=True
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_raise_is_the_portals_unpublishing_on_the_checklist_history(app, organization, anna, admin, lang):
    dataset = published(anna, admin, organization)
    _raise_as_the_form_does(anna, dataset)
    [event] = [entry for entry in gbg_model.checklist_events(dataset["id"]) if entry["event"].startswith("unpublished")]
    # the audit keeps whose save it was
    assert (event["event"], event["reason"], event["user_id"]) == ("unpublished_automatically", "confidentiality_raised:1", anna["id"])
    history = _history(app, dataset, anna, lang)
    assert any(entry.endswith(RAISED[lang]) for entry in history), history
    assert not any(CREDITED[lang] in entry for entry in history)
    # the approval it withdrew is the portal's doing as well
    withdrawn = {
        "sv": f"Bekräftelsen av «Informationsägaren godkänner att datamängden publiceras som öppna data.» togs tillbaka "
              f"automatiskt: konfidentialiteten ändrades från nivå 0 till 1, så informationsägaren ska godkänna på nytt "
              f"(efter en ändring av {ANNA}).",
        "en": "The confirmation of «The information owner approves publishing the dataset as open data.» was withdrawn "
              "automatically: confidentiality was changed from level 0 to 1, so the information owner is to approve "
              f"again (after a change by {ANNA}).",
    }
    assert any(entry.endswith(withdrawn[lang]) for entry in history), history
    assert not any(f"{ANNA} {'drog tillbaka' if lang == 'sv' else 'withdrew'}" in entry for entry in history)


def test_the_edit_form_whose_script_switched_to_private_is_the_portals_unpublishing_too(app, organization, anna, admin):
    from werkzeug.datastructures import MultiDict

    from ckanext.gbgopendata.tests.helpers import form_values

    dataset = published(anna, admin, organization)
    page = BeautifulSoup(app.get(f"/dataset/edit/{dataset['name']}", headers=_as(anna)).body, "html.parser")
    form = [(k, v) for k, v in form_values(page.select_one("form#dataset-edit")) if k not in ("confidentiality_level", "private")]
    form += [("confidentiality_level", "1"), ("private", "True"), ("save", "")]
    app.post(f"/dataset/edit/{dataset['name']}", data=MultiDict(form), headers=_as(anna), status=302, follow_redirects=False)
    assert ckan_helpers.call_action("package_show", id=dataset["id"])["private"] is True
    history = _history(app, dataset, anna, "sv")
    assert any(entry.endswith(RAISED["sv"]) for entry in history), history
    assert not any(CREDITED["sv"] in entry for entry in history)
    assert RAISED["sv"] in _text(app, f"/dataset/activity/{dataset['name']}", anna)


def test_the_action_api_says_it_in_the_requests_language(app, organization, anna, admin):
    dataset = published(anna, admin, organization)
    _raise_as_the_form_does(anna, dataset)
    for lang in ("sv", "en"):
        response = app.post(
            f"{PREFIX[lang]}/api/3/action/gbg_checklist_show", json={"id": dataset["id"]}, headers=_as(anna), status=200
        )
        history = response.json["result"]["history"]
        [entry] = [entry for entry in history if entry["event"] == "unpublished_automatically"]
        assert entry["automatic"] == RAISED[lang] and entry["user"] == ANNA
        # what people chose has no such text
        assert all(entry["automatic"] is None for entry in history if entry["event"] in ("published", "confirmed"))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_activity_stream_says_the_portal_made_it_private(app, organization, anna, admin, lang):
    dataset = published(anna, admin, organization)
    _raise_as_the_form_does(anna, dataset)
    ckan_helpers.call_action("package_patch", context={"user": anna["name"]}, id=dataset["id"], version="2.0")
    page = BeautifulSoup(
        app.get(f"{PREFIX[lang]}/dataset/activity/{dataset['name']}", headers=_as(anna), status=200).body, "html.parser"
    )
    notes = [note.get_text(" ", strip=True) for note in page.select(".gbg-activity-automatic")]
    # once: on the save that raised the level, not on the later one
    assert notes == [RAISED[lang]]
    assert CREDITED[lang] not in page.get_text(" ", strip=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_unticking_a_required_item_is_told_as_the_portals_unpublishing(app, organization, anna, admin, lang):
    dataset = published(anna, admin, organization)
    confirm(anna, dataset["id"], ["tested"], confirmed=False)
    expected = {
        "sv": "Datamängden blev privat automatiskt: den obligatoriska punkten «Data är granskad och publiceringen är "
              f"testad (länkarna fungerar och filerna går att öppna).» är inte längre bekräftad (efter en ändring av {ANNA}).",
        "en": "The dataset was made private automatically: the required item «The data has been reviewed and the "
              f"publication tested (the links work and the files open).» is no longer confirmed (after a change by {ANNA}).",
    }
    history = _history(app, dataset, anna, lang)
    assert any(entry.endswith(expected[lang]) for entry in history), history
    assert not any(CREDITED[lang] in entry for entry in history)
    stream = _text(app, f"{PREFIX[lang]}/dataset/activity/{dataset['name']}", anna)
    assert expected[lang] in stream


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_move_to_another_organisation_is_told_as_the_portals_unpublishing(app, organization, anna, admin, sysadmin, lang):
    other = factories.Organization(name="miljoforvaltningen", **organization_fields())
    dataset = published(anna, admin, organization)
    ckan_helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=dataset["id"], owner_org=other["id"])
    name = ckan_helpers.call_action("user_show", id=sysadmin["id"])["display_name"]
    expected = {
        "sv": "Datamängden blev privat automatiskt: datamängden flyttades till en annan organisation, vars "
              f"informationsägare ska godkänna publiceringen (efter en ändring av {name}).",
        "en": "The dataset was made private automatically: the dataset was moved to another organisation, whose "
              f"information owner is to approve its publication (after a change by {name}).",
    }
    history = _history(app, dataset, sysadmin, lang)
    assert any(entry.endswith(expected[lang]) for entry in history), history


@pytest.mark.parametrize("lang,delimiter", [("sv", ";"), ("en", ",")])
def test_the_overview_says_the_last_change_was_the_portals(app, organization, anna, admin, lang, delimiter):
    dataset = published(anna, admin, organization, name="hojd")
    _raise_as_the_form_does(anna, dataset)
    chosen = published(anna, admin, organization, name="avpublicerad")
    ckan_helpers.call_action("gbg_dataset_unpublish", context={"user": anna["name"]}, id=chosen["id"])
    url = f"{PREFIX[lang]}/organization/{organization['name']}/publicering"
    page = BeautifulSoup(app.get(url, headers=_as(anna), status=200).body, "html.parser")
    assert RAISED[lang] in page.select_one('tr[data-dataset="hojd"]').get_text(" ", strip=True)
    # a dataset Anna unpublished herself is hers
    assert RAISED[lang] not in page.select_one('tr[data-dataset="avpublicerad"]').get_text(" ", strip=True)
    rows = list(csv.reader(io.StringIO(app.get(url + "?format=csv", headers=_as(anna)).data.decode("utf-8-sig")), delimiter=delimiter))
    changed_by = rows[0].index("Ändrad av" if lang == "sv" else "Changed by")
    by_name = {row[0]: row[changed_by] for row in rows[1:]}
    assert by_name == {"hojd": RAISED[lang], "avpublicerad": ANNA}


def test_an_unpublishing_a_person_chose_is_still_theirs(app, organization, anna, admin):
    dataset = published(anna, admin, organization)
    ckan_helpers.call_action("gbg_dataset_unpublish", context={"user": anna["name"]}, id=dataset["id"], comment="Fel i filen")
    history = _history(app, dataset, anna, "sv")
    assert any(f"{ANNA} avpublicerade datamängden" in entry and "Fel i filen" in entry for entry in history), history
    assert not any("automatiskt" in entry for entry in history)
    page = BeautifulSoup(app.get(f"/dataset/activity/{dataset['name']}", headers=_as(anna)).body, "html.parser")
    assert page.select(".gbg-activity-automatic") == []
