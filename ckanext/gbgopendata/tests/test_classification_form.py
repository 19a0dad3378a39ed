"""The classification in the web UI: the form's Klassning section, the
visibility select that follows the publication rule, unpublishing through the
form, the dataset page for the organisation, and the organisation's bulk page.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.gbgopendata import classification
from ckanext.gbgopendata.tests.helpers import (
    reset_database,
    OPEN_CLASSIFICATION,
    dataset_fields,
    form_values,
    organization_fields,
    organization_member,
    resource_fields,
)

RULE_SV = "Endast information med konfidentialitet nivå 0 får publiceras öppet"
RULE_EN = "Only information at confidentiality level 0 may be published openly"


@pytest.fixture(scope="module")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    reset_database(reset_db, migrate_db_for)
    reset_index()
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    other = factories.Organization(name="miljoforvaltningen", **organization_fields())
    yield {
        "organization": organization,
        "admin": organization_member(organization, "admin"),
        "editor": organization_member(organization, "editor"),
        "member": organization_member(organization, "member"),
        "outsider": organization_member(other, "admin"),
        "app": _app_of_the_session,
    }


_counter = iter(range(10_000))


def _dataset(world, private: bool, level: str = "0", **fields) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": world["editor"]["name"], "ignore_auth": False},
        name=f"dataset-{next(_counter)}",
        owner_org=world["organization"]["id"],
        private=private,
        resources=[resource_fields()],
        **dataset_fields(**{**OPEN_CLASSIFICATION, "confidentiality_level": level, **fields}),
    )


def _get(world, url: str, viewer: str | None = None, status: int = 200) -> BeautifulSoup:
    headers = {"Authorization": world[viewer]["token"]} if viewer else {}
    response = world["app"].get(url, headers=headers)
    assert response.status_code == status, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


class TestTheClassificationSection:
    def test_the_swedish_form_shows_the_citys_definitions_as_choices(self, world):
        page = _get(world, "/dataset/new", "editor")

        section = page.select_one("fieldset#form-group-classification")
        assert section.legend.get_text(strip=True) == "Klassning"
        for aspect in classification.ASPECTS:
            field = section.select_one(f"fieldset#field-{aspect.field}")
            assert field.legend.get_text(strip=True) == aspect.sv
            radios = field.find_all("input", type="radio")
            assert [radio["value"] for radio in radios] == ["0", "1", "2"]
            for radio in radios:
                definition = classification.level_definition(aspect.name, radio["value"])
                label = field.select_one(f"label[for='{radio['id']}']").get_text(strip=True)
                assert label == definition.name_sv
                described = field.select_one(f"#{radio['aria-describedby']}").get_text(" ", strip=True)
                assert described == definition.definition_sv
        # Nothing is chosen for a new dataset, and who/when is not a field.
        assert not section.select("input[type=radio][checked]")
        assert not page.select("[name=classified_by], [name=classification_date]")

    def test_confidentiality_1_and_2_carry_the_rule_for_the_visibility_select(self, world):
        page = _get(world, "/dataset/new", "editor")

        reasons = {
            radio["value"]: radio["data-gbgopendata-publication-blocker"]
            for radio in page.select("input[name=confidentiality_level]")
        }
        assert reasons["0"] == ""
        assert RULE_SV in reasons["1"] and "nivå 1" in reasons["1"]
        assert RULE_SV in reasons["2"] and "nivå 2" in reasons["2"]
        # The other aspects do not decide publication.
        assert all(radio["data-gbgopendata-publication-blocker"] == "" for radio in page.select(
            "input[name=integrity_level], input[name=availability_level]"))
        script = page.select_one("script[src$='/gbgopendata/classification-form.js']")
        assert script is not None
        response = world["app"].get(script["src"])
        assert response.status_code == 200
        assert "data-gbgopendata-publication-blocker" in response.get_data(as_text=True)

    def test_the_english_form_speaks_english(self, world):
        page = _get(world, "/en/dataset/new", "editor")

        section = page.select_one("fieldset#form-group-classification")
        assert section.legend.get_text(strip=True) == "Classification"
        text = section.get_text(" ", strip=True)
        assert "Level 1 – harm (baseline security level)" in text
        assert classification.level_definition("confidentiality", "0").definition_en in text
        assert "Nivå" not in text
        reason = page.select_one("input[name=confidentiality_level][value='2']")["data-gbgopendata-publication-blocker"]
        assert RULE_EN in reason

    def test_the_form_of_a_level_1_dataset_offers_no_public_visibility_and_says_why(self, world):
        dataset = _dataset(world, private=True, level="1")
        page = _get(world, f"/dataset/edit/{dataset['name']}", "editor")

        select = page.select_one("select#field-private")
        assert [option["value"] for option in select.find_all("option")] == ["True"]
        note = page.select_one("#gbgopendata-visibility-note")
        assert not note.has_attr("hidden")
        assert RULE_SV in note.get_text()
        assert page.select_one("input[name=confidentiality_level][value='1']").has_attr("checked")

    def test_the_form_of_a_level_0_dataset_offers_both(self, world):
        dataset = _dataset(world, private=False, level="0")
        page = _get(world, f"/dataset/edit/{dataset['name']}", "editor")

        select = page.select_one("select#field-private")
        options = {option["value"]: option.has_attr("selected") for option in select.find_all("option")}
        assert options == {"True": False, "False": True}
        assert page.select_one("#gbgopendata-visibility-note").has_attr("hidden")


class TestSavingThroughTheForm:
    def test_publishing_a_level_1_dataset_is_refused_with_the_rule_and_nothing_is_stored(self, world):
        # Without JavaScript the form still offers "Public": the server decides.
        page = _get(world, "/dataset/new", "editor")
        form = dict(form_values(page.select_one("form#dataset-edit")))
        form.update(
            {
                "title_translated-sv": "Skyddade adresser",
                "notes_translated-sv": "Adresser.",
                "name": "skyddade-adresser",
                "owner_org": world["organization"]["id"],
                "private": "False",
                "confidentiality_level": "1",
                "integrity_level": "1",
                "availability_level": "1",
                "save": "continue",
            }
        )
        response = world["app"].post("/dataset/new", data=form, headers={"Authorization": world["editor"]["token"]})

        assert response.status_code == 200
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        errors = " ".join(e.get_text(" ", strip=True) for e in page.select(".error-explanation, .error-block"))
        # In the visitor's language only (the action API gives both: test_publisher_form.py).
        assert RULE_SV in errors and RULE_EN not in errors
        assert model.Package.get("skyddade-adresser") is None
        # The form comes back with the choice kept and "Public" withdrawn.
        assert [o["value"] for o in page.select("select#field-private option")] == ["True"]

    def test_raising_confidentiality_in_the_form_unpublishes_and_tells_the_editor(self, world):
        dataset = _dataset(world, private=False, level="0")
        headers = {"Authorization": world["editor"]["token"]}
        page = _get(world, f"/dataset/edit/{dataset['name']}", "editor")
        form = [(k, v) for k, v in form_values(page.select_one("form#dataset-edit")) if k != "confidentiality_level"]
        form += [("confidentiality_level", "1"), ("save", "")]
        assert ("private", "False") in form  # the editor left "Public" as it was
        form = MultiDict(form)

        # Followed within one client: it keeps the session with the message.
        response = world["app"].post(
            f"/dataset/edit/{dataset['name']}", data=form, headers=headers, follow_redirects=True
        )
        assert response.status_code == 200
        assert response.request.path == f"/dataset/{dataset['name']}"  # saved, back on the dataset page
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")

        stored = helpers.call_action("package_show", id=dataset["id"])
        assert stored["private"] is True and stored["confidentiality_level"] == "1"
        flash = " ".join(e.get_text(" ", strip=True) for e in page.select(".flash-messages .alert"))
        assert "Datamängden har gjorts privat" in flash and "nivå 1" in flash
        assert world["app"].get(f"/dataset/{dataset['id']}").status_code == 404
        # The rest of the form was saved unchanged.
        assert stored["title_translated"] == dataset["title_translated"]
        assert [r["url"] for r in stored["resources"]] == [r["url"] for r in dataset["resources"]]

    def test_the_english_form_tells_it_in_english(self, world):
        dataset = _dataset(world, private=False, level="0")
        headers = {"Authorization": world["editor"]["token"]}
        page = _get(world, f"/en/dataset/edit/{dataset['name']}", "editor")
        form = [(k, v) for k, v in form_values(page.select_one("form#dataset-edit")) if k != "confidentiality_level"]
        form += [("confidentiality_level", "2"), ("save", "")]
        form = MultiDict(form)

        response = world["app"].post(
            f"/en/dataset/edit/{dataset['name']}", data=form, headers=headers, follow_redirects=True
        )

        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        flash = " ".join(e.get_text(" ", strip=True) for e in page.select(".flash-messages .alert"))
        assert "The dataset has been made private" in flash and "level 2" in flash


class TestTheDatasetPage:
    @pytest.fixture(scope="class")
    @classmethod
    def dataset(cls, world):
        return _dataset(world, private=False, level="0", integrity_level="2", availability_level="1")

    def _section(self, world, dataset, viewer, prefix=""):
        page = _get(world, f"{prefix}/dataset/{dataset['name']}", viewer)
        return page.select_one("#gbgopendata-classification")

    def test_editors_see_the_whole_classification(self, world, dataset):
        section = self._section(world, dataset, "editor")
        text = section.get_text(" ", strip=True)
        assert "Konfidentialitet" in text and "Nivå 0 – ingen skada" in text
        assert "Riktighet" in text and "Nivå 2 – allvarlig skada" in text
        assert "Tillgänglighet" in text and "Nivå 1 – skada (grundsäkerhetsnivå)" in text
        assert "Klassad av" in text
        assert model.User.get(world["editor"]["id"]).display_name in text

    def test_editors_read_it_in_english_too(self, world, dataset):
        text = self._section(world, dataset, "editor", prefix="/en").get_text(" ", strip=True)
        assert "Confidentiality" in text and "Level 0 – no harm" in text

    # One decision (the auth function gbgopendata_classification_show) for the
    # page and the API: members of the organisation, who may not edit, see
    # neither the section nor the internal fields.
    @pytest.mark.parametrize("viewer", [None, "outsider", "member"])
    def test_nobody_who_may_not_edit_sees_it(self, world, dataset, viewer):
        assert self._section(world, dataset, viewer) is None


class TestTheOrganisationsBulkPage:
    def test_making_a_level_2_dataset_public_in_bulk_is_refused_on_the_page(self, world):
        secret = _dataset(world, private=True, level="2")
        fine = _dataset(world, private=True, level="0")
        headers = {"Authorization": world["admin"]["token"]}
        url = f"/organization/bulk_process/{world['organization']['name']}"

        response = world["app"].post(
            url,
            data={f"dataset_{secret['id']}": "on", f"dataset_{fine['id']}": "on", "bulk_action.public": "public"},
            headers=headers,
            follow_redirects=True,
        )

        assert response.status_code == 200  # back on the bulk page, no server error
        assert response.request.path == url
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        flash = " ".join(e.get_text(" ", strip=True) for e in page.select(".flash-messages .alert"))
        assert secret["name"] in flash and RULE_SV in flash
        assert helpers.call_action("package_show", id=secret["id"])["private"] is True
        assert helpers.call_action("package_show", id=fine["id"])["private"] is True

        world["app"].post(url, data={f"dataset_{fine['id']}": "on", "bulk_action.public": "public"}, headers=headers)
        assert helpers.call_action("package_show", id=fine["id"])["private"] is False

    def test_a_bulk_form_without_one_action_is_refused_not_a_server_error(self, world):
        # CKAN's bulk view takes the action from a set it empties (KeyError, HTTP 500).
        dataset = _dataset(world, private=True, level="0")
        url = f"/organization/bulk_process/{world['organization']['name']}"
        headers = {"Authorization": world["admin"]["token"]}
        for data in ({f"dataset_{dataset['id']}": "on"}, {"bulk_action.public": "public", "bulk_action.delete": "delete"}):
            response = world["app"].post(url, data=data, headers=headers, status=400)
            assert "Välj en av massåtgärderna" in response.get_data(as_text=True)
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True
