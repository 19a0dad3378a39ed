"""The dataset form as a publisher meets it (issue 12, items 4–7): the
classification's effect is told next to the level when it is chosen and
after every save that makes the dataset private; a refusal names the field
by its label and gives the reason in the visitor's language only (the action
API keeps both languages); the form has one meaning of "publish" (no CKAN
"Unpublish" button)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

import ckan.model as model
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION, dataset_fields, form_values, resource_fields

RULE_SV = "Endast information med konfidentialitet nivå 0 får publiceras öppet"
RULE_EN = "Only information at confidentiality level 0 may be published openly"


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def _dataset(editor, organization, private: bool, level: str = "0") -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": editor["name"]},
        name=f"parkering-{level}-{'privat' if private else 'publik'}",
        owner_org=organization["id"],
        private=private,
        resources=[resource_fields()],
        **dataset_fields(**{**OPEN_CLASSIFICATION, "confidentiality_level": level}),
    )


def _edited(app, editor, dataset, prefix="", **changes) -> MultiDict:
    page = _page(app.get(f"{prefix}/dataset/edit/{dataset['name']}", headers={"Authorization": editor["token"]}))
    form = [(key, value) for key, value in form_values(page.select_one("form#dataset-edit")) if key not in changes]
    return MultiDict(form + list(changes.items()) + [("save", "")])


# --- 4. the effect of the level, where it is chosen -----------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("prefix, lead", [("", "När du sparar blir datamängden privat."),
                                          ("/en", "When you save, the dataset will be private.")])
def test_the_level_says_next_to_it_that_the_dataset_will_be_private(app, editor, organization, prefix, lead):
    headers = {"Authorization": editor["token"]}
    new = _page(app.get(f"{prefix}/dataset/new", headers=headers))
    note = new.select_one("#field-confidentiality_level-note")
    # Inside the classification field, shown by the script when level 1 or 2 is chosen.
    assert note.find_parent(class_="gbgopendata-classification-field").select_one("#field-confidentiality_level")
    assert note.has_attr("hidden") and note["data-gbgopendata-lead"] == lead
    assert note["aria-live"] == "polite"
    script = app.get(new.select_one("script[src$='/gbgopendata/classification-form.js']")["src"]).get_data(as_text=True)
    assert "field-confidentiality_level-note" in script

    public = _dataset(editor, organization, private=False, level="0")
    edit = _page(app.get(f"{prefix}/dataset/edit/{public['name']}", headers=headers))
    note = edit.select_one("#field-confidentiality_level-note")
    assert note.has_attr("hidden") and note["data-gbgopendata-lead"] == lead

    # Already private: the save changes nothing, so no "will be private";
    # the rule's reason for the level stays.
    dataset = _dataset(editor, organization, private=True, level="1")
    edit = _page(app.get(f"{prefix}/dataset/edit/{dataset['name']}", headers=headers))
    note = edit.select_one("#field-confidentiality_level-note")
    assert not note.has_attr("hidden")
    assert lead not in _text(note) and note["data-gbgopendata-lead"] == ""
    assert (RULE_EN if prefix else RULE_SV) in _text(note)


# --- 5. the outcome, after every save --------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("script_ran", [True, False], ids=["javascript", "no-javascript"])
def test_raising_confidentiality_on_a_public_dataset_is_told_after_saving(app, editor, organization, script_ran):
    dataset = _dataset(editor, organization, private=False)
    # With JavaScript the form's script has switched "Synlighet" to private
    # before the form is sent; without it the form still says public.
    form = _edited(app, editor, dataset, confidentiality_level="1", private="True" if script_ran else "False")
    response = app.post(f"/dataset/edit/{dataset['name']}", data=form, headers={"Authorization": editor["token"]},
                        follow_redirects=True)
    assert response.status_code == 200 and response.request.path == f"/dataset/{dataset['name']}"
    flash = " ".join(_text(alert) for alert in _page(response).select(".flash-messages .alert"))
    assert "Datamängden har gjorts privat" in flash and "nivå 1" in flash
    stored = helpers.call_action("package_show", id=dataset["id"])
    assert stored["private"] is True and stored["confidentiality_level"] == "1"


@pytest.mark.usefixtures("with_plugins")
def test_saving_a_private_dataset_at_a_higher_level_tells_nothing(app, editor, organization):
    dataset = _dataset(editor, organization, private=True)
    form = _edited(app, editor, dataset, confidentiality_level="2", private="True")
    response = app.post(f"/dataset/edit/{dataset['name']}", data=form, headers={"Authorization": editor["token"]},
                        follow_redirects=True)
    assert response.status_code == 200
    assert "gjorts privat" not in response.get_data(as_text=True)


# --- 6. a refusal in the visitor's language, under the field's label -------------------------


def _refused_new_dataset(app, editor, organization, prefix):
    new = _page(app.get(f"{prefix}/dataset/new", headers={"Authorization": editor["token"]}))
    form = dict(form_values(new.select_one("form#dataset-edit")))
    form.update({
        "title_translated-sv": "Skyddade adresser", "notes_translated-sv": "Adresser.", "name": "skyddade-adresser",
        "owner_org": organization["id"], "private": "False", "confidentiality_level": "1",
        "integrity_level": "1", "availability_level": "1", "save": "continue",
    })
    response = app.post(f"{prefix}/dataset/new", data=form, headers={"Authorization": editor["token"]})
    assert response.status_code == 200
    assert model.Package.get("skyddade-adresser") is None
    return _page(response)


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("prefix, label, shown, hidden", [("", "Synlighet", RULE_SV, RULE_EN),
                                                          ("/en", "Visibility", RULE_EN, RULE_SV)])
def test_a_refusal_names_the_field_by_its_label_in_the_visitors_language(
        app, editor, organization, prefix, label, shown, hidden):
    page = _refused_new_dataset(app, editor, organization, prefix)
    summary = page.select_one(".error-explanation")
    visibility = _text(summary.select_one('li[data-field-label="private"]'))
    assert visibility.startswith(f"{label}: {shown}")
    assert "private:" not in _text(summary)
    assert hidden not in _text(summary)
    # Under the field itself, once, in one language.
    under = page.select_one("select#field-private").find_parent(class_="controls").select_one(".error-block")
    assert shown in _text(under) and hidden not in _text(under)
    assert _text(under).count(shown) == 1


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("query, shown, hidden", [("", RULE_SV, RULE_EN), ("?lang=en", RULE_EN, RULE_SV)])
def test_the_action_api_answers_in_the_language_asked_for(app, editor, organization, query, shown, hidden):
    response = app.post(
        f"/api/action/package_create{query}",
        json=dict(dataset_fields(confidentiality_level="1"), name="skyddade-adresser", owner_org=organization["id"],
                  private=False),
        headers={"Authorization": editor["token"]}, expect_errors=True,
    )
    assert response.status_code == 409
    messages = " ".join(response.json["error"]["private"])
    assert shown in messages and hidden not in messages


# --- 7. one meaning of "publish" ----------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_the_form_offers_no_unpublish_button_and_the_last_step_is_finish(app, editor, organization):
    headers = {"Authorization": editor["token"]}
    dataset = _dataset(editor, organization, private=False)
    edit = _page(app.get(f"/dataset/edit/{dataset['name']}", headers=headers))
    buttons = {button.get("value"): _text(button) for button in edit.select("form#dataset-edit button[name=save]")}
    assert "go-metadata-unpublish" not in buttons
    assert list(buttons.values()) == ["Uppdatera datamängd"]
    # A new dataset's distribution step ends with "Slutför", not "Publicera".
    draft = helpers.call_action("package_create", context={"user": editor["name"]}, name="utkast", state="draft",
                                owner_org=organization["id"], private=True, **dataset_fields())
    step = _page(app.get(f"/dataset/{draft['name']}/resource/new", headers=headers))
    last = step.select_one("button[name=save][value=go-metadata]")
    assert _text(last) == "Slutför"
    assert "Publicera" not in _text(step.select_one("form")) and "Publish" not in _text(step.select_one("form"))
