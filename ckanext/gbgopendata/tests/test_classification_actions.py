"""Classification gating through the action API: every way a dataset can
become or stay public, for every role, at every confidentiality level.

The matrix runs CKAN's real actions against the real database and Solr; one
clean database serves the whole class (each case makes its own dataset).
"""
from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

import ckan.model as model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    reset_database,
    resource_fields,
)

RULE_SV = "Endast information med konfidentialitet nivå 0 får publiceras öppet"
RULE_EN = "Only information at confidentiality level 0 may be published openly"

PATHS = (
    "package_create",
    "package_update",
    "package_patch",
    "package_revise",
    "bulk_update_public",  # with a private request: bulk_update_private
)
LEVELS = ("0", "1", "2", None)  # None: no classification
ROLES = ("sysadmin", "admin", "editor", "member", "anonymous")
REQUESTS = ("public", "private")


def expected_outcome(path: str, role: str, level: str | None, request: str) -> str:
    """What must happen: not found (an existing dataset the role may not
    read), forbidden, refused (ValidationError), private or public."""
    if role == "anonymous" and path in ("package_update", "package_patch", "package_revise"):
        return "not found"  # the dataset is private: anonymous may not know it exists
    may_write = {"sysadmin", "admin"} if path.startswith("bulk_") else {"sysadmin", "admin", "editor"}
    if role not in may_write:
        return "forbidden"
    if request == "private":
        return "private"
    return "public" if level == "0" else "refused"


def _classification(level: str | None) -> dict[str, str]:
    if level is None:
        return {}
    return {**OPEN_CLASSIFICATION, "confidentiality_level": level}


def _unique(prefix: str) -> str:
    """A dataset name no other test uses (no shared counter between tests)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="class")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    """One organisation with a user in each role, for the whole class.

    The plugins and the app are the session's (see conftest)."""
    reset_database(reset_db, migrate_db_for)
    reset_index()
    organization = factories.Organization(name="miljoforvaltningen", **organization_fields())
    users = {"sysadmin": factories.Sysadmin()}
    for role in ("admin", "editor", "member"):
        user = factories.User()
        helpers.call_action(
            "organization_member_create", id=organization["id"], username=user["name"], role=role
        )
        users[role] = user
    yield {"organization": organization, "users": users}


def _context(world: dict, role: str) -> dict[str, Any]:
    user = "" if role == "anonymous" else world["users"][role]["name"]
    return {"user": user, "ignore_auth": False}


def _stored(name: str) -> dict[str, Any] | None:
    """The dataset as the database has it now."""
    model.Session.expire_all()
    pkg = model.Package.get(name)
    if pkg is None or pkg.state != "active":
        return None
    return {"private": pkg.private, "confidentiality_level": pkg.extras.get("confidentiality_level")}


def _private_dataset(world: dict, level: str | None, name: str) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": world["users"]["sysadmin"]["name"]},
        name=name,
        owner_org=world["organization"]["id"],
        private=True,
        resources=[resource_fields()],
        **{key: value for key, value in dataset_fields().items() if key not in OPEN_CLASSIFICATION},
        **_classification(level),
    )


def _arrange(world: dict, path: str, level: str | None, name: str) -> dict | None:
    """The dataset a case starts from: none for a create; for the bulk
    actions a private dataset at the case's level; for the updates a private
    dataset at level 0, which the request then classifies at the case's level."""
    if path == "package_create":
        return None
    return _private_dataset(world, level if path.startswith("bulk_") else "0", name)


def _act(world: dict, path: str, role: str, level: str | None, request: str, name: str, dataset: dict | None):
    context = _context(world, role)
    private = request == "private"
    if path == "package_create":
        fields = {key: value for key, value in dataset_fields().items() if key not in OPEN_CLASSIFICATION}
        helpers.call_action(
            "package_create",
            context=context,
            name=name,
            owner_org=world["organization"]["id"],
            private=private,
            **fields,
            **_classification(level),
        )
    elif path.startswith("bulk_"):
        action = "bulk_update_private" if private else "bulk_update_public"
        helpers.call_action(action, context=context, datasets=[dataset["id"]], org_id=world["organization"]["id"])
    elif path == "package_update":
        shown = helpers.call_action("package_show", id=dataset["id"])
        shown.pop("confidentiality_level", None)
        helpers.call_action("package_update", context=context, **{**shown, **_classification(level), "private": private})
    elif path == "package_patch":
        helpers.call_action(
            "package_patch", context=context, id=dataset["id"], private=private, confidentiality_level=level or ""
        )
    elif path == "package_revise":
        update: dict[str, Any] = {"private": private}
        if level is not None:
            update["confidentiality_level"] = level
        helpers.call_action(
            "package_revise",
            context=context,
            match={"id": dataset["id"]},
            filter=[] if level is not None else ["-confidentiality_level"],
            update=update,
        )


MATRIX = [
    pytest.param(path, role, level, request, id=f"{path}-{role}-c{level if level else 'missing'}-{request}")
    for path, role, level, request in itertools.product(PATHS, ROLES, LEVELS, REQUESTS)
]


class TestPublicationMatrix:
    @pytest.mark.parametrize(("path", "role", "level", "request_"), MATRIX)
    def test_outcome(self, world, path, role, level, request_):
        expected = expected_outcome(path, role, level, request_)
        name = _unique("dataset")
        dataset = _arrange(world, path, level, name)
        before = _stored(name)

        try:
            _act(world, path, role, level, request_, name, dataset)
        except toolkit.NotAuthorized:
            outcome = "forbidden"
        except toolkit.ObjectNotFound:
            outcome = "not found"
        except toolkit.ValidationError as error:
            outcome = "refused"
            # The error names the rule in Swedish, the default language, only.
            messages = " ".join(error.error_dict.get("private", []))
            assert RULE_SV in messages and RULE_EN not in messages, error.error_dict
        else:
            outcome = "private" if _stored(name)["private"] else "public"

        assert outcome == expected
        after = _stored(name)
        if outcome in ("not found", "forbidden", "refused"):
            assert after == before  # nothing stored
        else:
            assert after["confidentiality_level"] == level
        _assert_nothing_public_breaks_the_rule()


def _assert_nothing_public_breaks_the_rule():
    for pkg in model.Session.query(model.Package).filter(model.Package.private.is_(False)):
        assert pkg.extras.get("confidentiality_level") == "0", pkg.name
        assert pkg.extras.get("integrity_level") and pkg.extras.get("availability_level"), pkg.name


# --- beyond the matrix ------------------------------------------------------------------


def _as(world: dict, role: str) -> dict[str, Any]:
    return {"user": world["users"][role]["name"], "ignore_auth": False}


def _public_dataset(world: dict, name: str, **fields: Any) -> dict:
    return helpers.call_action(
        "package_create",
        context=_as(world, "editor"),
        name=name,
        owner_org=world["organization"]["id"],
        private=False,
        resources=[resource_fields()],
        **dataset_fields(**fields),
    )


def _found_by_anonymous(name: str) -> bool:
    result = helpers.call_action("package_search", context={"user": "", "ignore_auth": False}, q=f"name:{name}")
    return result["count"] == 1


class TestUnpublishByRaise:
    @pytest.mark.parametrize(
        ("path", "level"),
        [("package_patch", "1"), ("package_update", "2"), ("package_revise", "1"), ("package_patch", "2")],
    )
    def test_raising_confidentiality_on_a_public_dataset_makes_it_private_in_the_same_save(
        self, world, path, level
    ):
        name = _unique("raised")
        dataset = _public_dataset(world, name)
        assert _found_by_anonymous(name)
        context = _as(world, "editor")

        if path == "package_patch":
            result = helpers.call_action("package_patch", context=context, id=dataset["id"], confidentiality_level=level)
        elif path == "package_update":
            # The request still says public, as a form left unchanged would.
            shown = helpers.call_action("package_show", context=dict(context), id=dataset["id"])
            result = helpers.call_action(
                "package_update", context=context, **{**shown, "confidentiality_level": level, "private": False}
            )
        else:
            result = helpers.call_action(
                "package_revise",
                context=context,
                match={"id": dataset["id"]},
                update={"confidentiality_level": level, "private": False},
            )["package"]

        assert result["private"] is True
        assert result["confidentiality_level"] == level
        assert _stored(name) == {"private": True, "confidentiality_level": level}
        assert not _found_by_anonymous(name)
        # The activity stream records the change, for the organisation.
        latest = helpers.call_action("package_activity_list", context=_as(world, "member"), id=dataset["id"])[0]
        assert latest["activity_type"] == "changed package"
        assert latest["data"]["package"]["private"] is True
        assert latest["data"]["package"]["confidentiality_level"] == level
        assert latest["user_id"] == world["users"]["editor"]["id"]
        # ... and nobody outside it sees the dataset's history any more.
        with pytest.raises(toolkit.ObjectNotFound):
            helpers.call_action("package_activity_list", context={"user": "", "ignore_auth": False}, id=dataset["id"])

    def test_removing_the_classification_of_a_public_dataset_is_refused(self, world):
        name = _unique("unclassified")
        dataset = _public_dataset(world, name)

        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action("package_patch", context=_as(world, "editor"), id=dataset["id"], confidentiality_level="")

        assert RULE_SV in " ".join(raised.value.error_dict["private"])
        assert _stored(name) == {"private": False, "confidentiality_level": "0"}

    def test_an_update_that_drops_the_other_aspects_of_a_public_dataset_is_refused(self, world):
        name = _unique("incomplete")
        dataset = _public_dataset(world, name)
        shown = helpers.call_action("package_show", context=_as(world, "editor"), id=dataset["id"])
        del shown["availability_level"]

        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action("package_update", context=_as(world, "editor"), **shown)

        assert "availability_level" in raised.value.error_dict
        assert "tillgänglighet saknar nivå" in raised.value.error_dict["availability_level"][0]
        assert model.Package.get(name).extras["availability_level"] == OPEN_CLASSIFICATION["availability_level"]


class TestClassificationStamps:
    def test_stamps_come_from_the_acting_user_never_from_input(self, world):
        name = _unique("stamped")
        dataset = helpers.call_action(
            "package_create",
            context=_as(world, "editor"),
            name=name,
            owner_org=world["organization"]["id"],
            private=True,
            classified_by="mallory",
            classification_date="1999-01-01",
            **dataset_fields(),
        )

        assert dataset["classified_by"] == world["users"]["editor"]["id"]
        assert dataset["classification_date"] > "2024"
        assert model.Package.get(name).extras["classified_by"] == world["users"]["editor"]["id"]
        # Nor through the back door of free extras.
        with pytest.raises(toolkit.ValidationError):
            helpers.call_action(
                "package_patch",
                context=_as(world, "editor"),
                id=dataset["id"],
                extras=[{"key": "classified_by", "value": "mallory"}],
            )
        assert model.Package.get(name).extras["classified_by"] == world["users"]["editor"]["id"]

    def test_stamps_follow_the_levels(self, world):
        name = _unique("restamped")
        created = helpers.call_action(
            "package_create",
            context=_as(world, "editor"),
            name=name,
            owner_org=world["organization"]["id"],
            private=True,
            **dataset_fields(),
        )
        # Another change keeps the stamps, even if the request names someone.
        kept = helpers.call_action(
            "package_patch",
            context=_as(world, "admin"),
            id=created["id"],
            title_translated={"sv": "Ny titel"},
            classified_by=world["users"]["admin"]["id"],
        )
        assert (kept["classified_by"], kept["classification_date"]) == (
            created["classified_by"],
            created["classification_date"],
        )
        # A new level is a new classification, by whoever sets it.
        reclassified = helpers.call_action(
            "package_patch", context=_as(world, "admin"), id=created["id"], availability_level="2"
        )
        assert reclassified["classified_by"] == world["users"]["admin"]["id"]
        assert reclassified["classification_date"] >= created["classification_date"]
        # No level left, no classification stamp either.
        shown = helpers.call_action("package_show", context=_as(world, "admin"), id=created["id"])
        for field in ("confidentiality_level", "integrity_level", "availability_level"):
            shown.pop(field)
        cleared = helpers.call_action("package_update", context=_as(world, "admin"), **shown)
        assert "classified_by" not in cleared and "classification_date" not in cleared


class TestBadInput:
    @pytest.mark.parametrize("level", ["3", "hög", 5, -1, True, ["0"], {"sv": "0"}])
    def test_a_level_that_is_not_0_1_or_2_is_refused_and_nothing_is_stored(self, world, level):
        name = _unique("bad-level")
        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action(
                "package_create",
                context=_as(world, "editor"),
                name=name,
                owner_org=world["organization"]["id"],
                private=True,
                **dataset_fields(integrity_level=level),
            )
        assert raised.value.error_dict["integrity_level"][0] in ("Välj nivå 0, 1 eller 2", "Choose level 0, 1 or 2")
        assert model.Package.get(name) is None

    def test_a_create_without_private_asks_for_publication(self, world):
        # CKAN makes a dataset public unless told otherwise: without a
        # classification that is refused, with level 0 it is published.
        refused = _unique("implicit")
        fields = {key: value for key, value in dataset_fields().items() if key not in OPEN_CLASSIFICATION}
        with pytest.raises(toolkit.ValidationError):
            helpers.call_action(
                "package_create", context=_as(world, "editor"), name=refused, owner_org=world["organization"]["id"],
                **fields,
            )
        assert model.Package.get(refused) is None
        published = helpers.call_action(
            "package_create",
            context=_as(world, "editor"),
            name=_unique("implicit"),
            owner_org=world["organization"]["id"],
            **dataset_fields(),
        )
        assert published["private"] is False

    def test_the_http_api_answers_409_with_the_rule_in_the_language_asked_for(self, world):
        app = _get_app()
        token = helpers.call_action(
            "api_token_create", context={"user": world["users"]["editor"]["name"]},
            user=world["users"]["editor"]["name"], name="test",
        )["token"]
        name = _unique("http")
        payload = {"name": name, "owner_org": world["organization"]["id"], "private": False,
                   **dataset_fields(confidentiality_level="2")}
        for prefix, query, shown, hidden in (("", "", RULE_SV, RULE_EN), ("/en", "", RULE_EN, RULE_SV),
                                             ("", "?lang=en", RULE_EN, RULE_SV)):
            response = app.post(f"{prefix}/api/3/action/package_create{query}", json=payload,
                                headers={"Authorization": token}, status=409)
            messages = " ".join(response.json["error"]["private"])
            assert shown in messages and hidden not in messages
            assert response.json["error"]["confidentiality_level"]
        # Nonsense never gives a server error.
        for level in ({"a": 1}, [1, 2], "2; DROP TABLE package"):
            response = app.post("/api/3/action/package_create", json={**payload, "confidentiality_level": level},
                                headers={"Authorization": token}, status=409)
            assert "confidentiality_level" in response.json["error"]
        assert model.Package.get(name) is None


class TestBulkPublication:
    def test_one_dataset_that_may_not_be_public_keeps_the_whole_batch_private(self, world):
        open_one = _private_dataset(world, "0", _unique("bulk-open"))
        secret = _private_dataset(world, "2", _unique("bulk-secret"))

        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action(
                "bulk_update_public",
                context=_as(world, "admin"),
                datasets=[open_one["id"], secret["id"]],
                org_id=world["organization"]["id"],
            )

        messages = raised.value.error_dict["private"]
        assert len(messages) == 1 and messages[0].startswith(secret["name"] + ": ")
        assert RULE_SV in messages[0] and RULE_EN not in messages[0]
        assert _stored(open_one["name"])["private"] is True
        assert _stored(secret["name"])["private"] is True

        helpers.call_action(
            "bulk_update_public", context=_as(world, "admin"), datasets=[open_one["id"]],
            org_id=world["organization"]["id"],
        )
        assert _stored(open_one["name"])["private"] is False


class TestDatasetsStoredBeforeTheRule:
    """A public dataset without a classification (stored before the rule, or
    written past the action layer) is treated as private until it is
    classified, and cannot stay public through any save."""

    @pytest.fixture
    def legacy(self, world):
        name = _unique("legacy")
        dataset = _public_dataset(world, name)
        pkg = model.Package.get(name)
        for key in OPEN_CLASSIFICATION:  # as if stored before the rule existed
            del pkg.extras[key]
        model.Session.commit()
        from ckan.lib.search import rebuild

        rebuild(dataset["id"])
        yield dataset
        model.Session.remove()  # a fresh session: the test's may hold stale extras
        helpers.call_action("dataset_purge", context={"ignore_auth": True}, id=dataset["id"])

    def test_it_is_hidden_from_everyone_outside_the_organisation(self, world, legacy):
        anonymous = {"user": "", "ignore_auth": False}
        with pytest.raises(toolkit.ObjectNotFound):
            helpers.call_action("package_show", context=dict(anonymous), id=legacy["id"])
        assert not _found_by_anonymous(legacy["name"])
        assert legacy["name"] not in helpers.call_action("package_list", context=dict(anonymous))
        assert helpers.call_action("package_show", context=_as(world, "member"), id=legacy["id"])

    def test_no_save_keeps_it_public(self, world, legacy):
        with pytest.raises(toolkit.ValidationError):
            helpers.call_action(
                "resource_create", context=_as(world, "editor"), package_id=legacy["id"], **resource_fields()
            )
        with pytest.raises(toolkit.ValidationError):
            helpers.call_action("package_patch", context=_as(world, "editor"), id=legacy["id"], version="2")
        assert len(model.Package.get(legacy["id"]).resources) == 1

    def test_it_may_be_made_private_or_classified(self, world, legacy):
        classified = helpers.call_action(
            "package_patch", context=_as(world, "editor"), id=legacy["id"], **OPEN_CLASSIFICATION
        )
        assert classified["private"] is False
        assert _found_by_anonymous(legacy["name"])
        unpublished = helpers.call_action(
            "package_patch", context=_as(world, "editor"), id=legacy["id"], private=True, confidentiality_level=""
        )
        assert unpublished["private"] is True

    def test_the_publication_check_finds_it_and_can_make_it_private(self, world, legacy, cli):
        from ckan.cli.cli import ckan as ckan_command

        found = cli.invoke(ckan_command, ["gbgopendata", "publication-check"])
        assert found.exit_code == 1, found.output
        # In the portal's language, Swedish.
        assert f"{legacy['name']}: " in found.output and RULE_SV in found.output and RULE_EN not in found.output
        assert _stored(legacy["name"])["private"] is False

        fixed = cli.invoke(ckan_command, ["gbgopendata", "publication-check", "--make-private"])
        assert fixed.exit_code == 0, fixed.output
        assert _stored(legacy["name"])["private"] is True
        assert cli.invoke(ckan_command, ["gbgopendata", "publication-check"]).exit_code == 0


def _get_app():
    from ckan.tests.helpers import _get_test_app

    return _get_test_app()
