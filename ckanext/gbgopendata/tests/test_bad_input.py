"""Bad input (issue 8): each request goes through the real action API over
HTTP (the test app), so a server error shows as 500. Bad input is refused
with a 409 ValidationError naming the field and stores nothing; the
table-driven fuzz over every schema field is test_bad_input_fuzz.py."""
from __future__ import annotations

import json
import struct
import zlib
from io import BytesIO
from typing import Any

import pytest

import ckan.model as model
from ckan.plugins import toolkit
from ckan.tests import helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage
from werkzeug.datastructures import FileStorage

from ckanext.gbgopendata.tests.helpers import dataset_fields, organization_fields, resource_fields

CONTACT = {"name": "Trafikkontoret", "email": "trafikkontoret@goteborg.se"}


def api(app, action: str, user: dict | None, language: str | None = None, **payload: Any):
    headers = {"Authorization": user["token"]} if user else {}
    if language:
        headers["Accept-Language"] = language
    return app.post(f"/api/action/{action}", json=payload, headers=headers, expect_errors=True)


def refused(response, field: str) -> Any:
    """The error of `field` in a 409 answer (a 500 or a success fails)."""
    assert response.status_code == 409, f"{response.status_code}: {response.get_data(as_text=True)[:500]}"
    error = response.json["error"]
    assert field in error, error
    return error[field]


def shown(dataset_id: str) -> dict:
    return helpers.call_action("package_show", id=dataset_id)


@pytest.fixture
def dataset(sysadmin, organization):
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="parkeringsplatser",
        owner_org=organization["id"],
        **dataset_fields(resources=[resource_fields(size=2048)], contact=[CONTACT], version="1.0"),
    )


def _resource_id(dataset: dict) -> str:
    return dataset["resources"][0]["id"]


def _png() -> bytes:
    """A white 1×1 PNG, which CKAN's upload type check recognises."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b"")


# --- resource size: PostgreSQL's bigint ----------------------------------------------

BAD_SIZES = [10**30, "99999999999999999999", 2**63, -1, "-1", [], {}, [2048], True, 1.5, "2 048", "２０４８"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("size", BAD_SIZES, ids=[repr(s) for s in BAD_SIZES])
def test_a_size_that_is_no_whole_number_of_bytes_the_database_holds_is_refused(app, sysadmin, dataset, size):
    before = shown(dataset["id"])

    error = refused(api(app, "resource_patch", sysadmin, id=_resource_id(dataset), size=size), "size")

    assert "byte" in json.dumps(error)
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_an_empty_size_means_no_size_and_the_largest_bigint_is_kept(app, sysadmin, dataset):
    response = api(app, "resource_patch", sysadmin, id=_resource_id(dataset), size="")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert shown(dataset["id"])["resources"][0].get("size") is None

    response = api(app, "resource_patch", sysadmin, id=_resource_id(dataset), size=2**63 - 1)
    assert response.status_code == 200
    assert shown(dataset["id"])["resources"][0]["size"] == 2**63 - 1


@pytest.mark.usefixtures("with_plugins")
def test_the_resource_form_saves_an_empty_size_as_no_size(app, sysadmin, dataset):
    resource = dataset["resources"][0]
    response = app.post(
        f"/dataset/{dataset['id']}/resource/{resource['id']}/edit",
        data={"id": resource["id"], "url": resource["url"], "format": "text/csv", "size": "", "save": ""},
        headers={"Authorization": sysadmin["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert shown(dataset["id"])["resources"][0].get("size") is None


# --- licences ------------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("value", ["http://[", "https://[::1", "http://creativecommons.org:port/"])
def test_a_licence_that_is_no_readable_address_is_refused(app, sysadmin, dataset, value):
    before = shown(dataset["id"])

    refused(api(app, "package_patch", sysadmin, id=dataset["id"], license_id=value), "license_id")
    refused(api(app, "resource_patch", sysadmin, id=_resource_id(dataset), license=value), "license")

    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_a_licence_list_is_not_no_licence(app, sysadmin, dataset):
    before = shown(dataset["id"])
    # Private: a public dataset without a licence is refused by the rule.
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], private=True, license_id=[]), "license_id")
    assert shown(dataset["id"]) == before


# --- characters that cannot be stored -------------------------------------------------

UNSAFE_TEXTS = {"NUL": "a\u0000b", "lone surrogate": "a\ud800b", "bell": "a\u0007b"}
# action, field, how the text is given; CKAN's own fields and a resource
# extra too, which no schema validator sees.
UNSAFE_PLACES = [
    ("package_patch", "title_translated", lambda text: {"sv": text}),
    ("package_patch", "version", lambda text: text),
    ("package_patch", "author", lambda text: text),
    ("package_patch", "contact", lambda text: [dict(CONTACT, name=text)]),
    ("package_patch", "tags_translated", lambda text: {"sv": [text]}),
    ("resource_patch", "mimetype", lambda text: text),
    ("resource_patch", "x_extra", lambda text: text),
    ("resource_patch", "description_translated", lambda text: {"en": text}),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("kind", list(UNSAFE_TEXTS))
def test_text_with_a_character_that_cannot_be_stored_is_refused(app, sysadmin, dataset, kind):
    text = UNSAFE_TEXTS[kind]
    before = shown(dataset["id"])
    for action, field, given in UNSAFE_PLACES:
        target = dataset["id"] if action == "package_patch" else _resource_id(dataset)

        error = refused(api(app, action, sysadmin, id=target, **{field: given(text)}), field)

        assert "U+" in json.dumps(error), (field, error)
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_an_organisation_with_a_nul_in_its_name_is_refused(app, sysadmin, organization):
    before = helpers.call_action("organization_show", id=organization["id"])
    response = api(app, "organization_patch", sysadmin, id=organization["id"], title_translated={"sv": "Trafik\u0000"})
    refused(response, "title_translated")
    assert helpers.call_action("organization_show", id=organization["id"]) == before


# --- very large values ------------------------------------------------------------------

MEGABYTE = "x" * 1_000_000
OVERSIZED = [
    ("package_patch", "title_translated", {"sv": MEGABYTE}, "500"),
    ("package_patch", "notes_translated", {"sv": MEGABYTE}, "10000"),
    ("package_patch", "version", MEGABYTE, "100"),
    ("package_patch", "conforms_to", ["https://goteborg.se/" + "x" * 100_000], "2000"),
    ("package_patch", "author", MEGABYTE, "100000"),
    ("resource_patch", "url", "https://goteborg.se/" + MEGABYTE, "2000"),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("action", "field", "value", "maximum"), OVERSIZED, ids=[r[1] for r in OVERSIZED])
def test_a_value_longer_than_the_field_holds_is_refused(app, sysadmin, dataset, action, field, value, maximum):
    before = shown(dataset["id"])
    target = dataset["id"] if action == "package_patch" else _resource_id(dataset)

    swedish = refused(api(app, action, sysadmin, id=target, **{field: value}), field)
    english = refused(api(app, action, sysadmin, "en", id=target, **{field: value}), field)

    assert f"högst {maximum} tecken" in swedish[0]
    assert f"at most {maximum} characters" in english[0]
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_a_resource_url_of_wide_characters_is_measured_in_bytes(app, sysadmin, dataset):
    # resource.url has a database index; 2,000 characters of four bytes each
    # would not fit in it.
    before = shown(dataset["id"])
    error = refused(
        api(app, "resource_patch", sysadmin, id=_resource_id(dataset), url="https://goteborg.se/" + "😀" * 1900), "url"
    )
    assert "högst 2000 byte i UTF-8" in error[0]
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_links_too_large_for_one_search_term_are_still_indexed(app, sysadmin, dataset):
    # JSON escapes a character outside the BMP to 12 bytes: three long links
    # make a value longer than Solr takes as one untokenised term.
    links = [f"https://goteborg.se/{number}/" + "😀" * 1900 for number in range(3)]

    response = api(app, "package_patch", sysadmin, id=dataset["id"], conforms_to=links)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert shown(dataset["id"])["conforms_to"] == links
    assert helpers.call_action("package_search", q="name:parkeringsplatser", include_private=True)["count"] == 1


# --- owner_org, bulk actions -----------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("owner_org", [5, {"id": "x"}, ["x"]], ids=["number", "object", "list"])
def test_an_owner_org_that_is_no_text_is_refused(app, sysadmin, organization, dataset, owner_org):
    before = shown(dataset["id"])
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], owner_org=owner_org), "owner_org")
    payload = dict(dataset_fields(), name="ny-datamangd", owner_org=owner_org)
    refused(api(app, "package_create", sysadmin, **payload), "owner_org")
    assert shown(dataset["id"]) == before
    assert model.Session.query(model.Package).filter_by(name="ny-datamangd").count() == 0


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("action", ["bulk_update_public", "bulk_update_private", "bulk_update_delete"])
def test_bulk_updates_need_an_organisation_and_dataset_names(app, sysadmin, organization, dataset, action):
    before = shown(dataset["id"])
    refused(api(app, action, sysadmin, org_id=[organization["id"]], datasets=[dataset["id"]]), "org_id")
    refused(api(app, action, sysadmin, org_id=organization["id"], datasets=[{"id": dataset["id"]}]), "datasets")
    refused(api(app, action, sysadmin, org_id=organization["id"], datasets=[dataset["id"] + "\u0000"]), "datasets")
    assert shown(dataset["id"]) == before


# --- access URLs -------------------------------------------------------------------------

BAD_ACCESS_URLS = ["javascript:alert(1)", "not a url", "http://[", "goteborg.se/p.csv", "file:///etc/passwd", "https://"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("url", BAD_ACCESS_URLS)
def test_an_access_url_that_is_no_web_address_is_refused(app, sysadmin, dataset, url):
    before = shown(dataset["id"])
    refused(api(app, "resource_patch", sysadmin, id=_resource_id(dataset), url=url), "url")
    response = api(app, "resource_create", sysadmin, package_id=dataset["id"], **resource_fields(url=url))
    refused(response, "url")
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_an_ftp_access_url_is_kept(app, sysadmin, dataset):
    response = api(app, "resource_patch", sysadmin, id=_resource_id(dataset), url="ftp://ftp.goteborg.se/p.csv")
    assert response.status_code == 200
    assert shown(dataset["id"])["resources"][0]["url"] == "ftp://ftp.goteborg.se/p.csv"


@pytest.mark.usefixtures("with_plugins")
def test_an_uploaded_file_keeps_its_name_and_is_saved_again(sysadmin, dataset):
    context = {"user": sysadmin["name"]}
    upload = helpers.call_action(
        "resource_create",
        context=dict(context),
        package_id=dataset["id"],
        upload=FakeFileStorage(BytesIO(b"plats;antal\nLindholmen;12\n"), "Parkering 2024.csv"),
        url="Parkering 2024.csv",
        format="text/csv",
    )
    assert upload["url_type"] == "upload"
    assert upload["url"].endswith("/download/parkering-2024.csv")

    # package_show gives the download address; saving it back keeps the file.
    helpers.call_action("package_update", context=dict(context), **shown(dataset["id"]))
    helpers.call_action("resource_patch", context=dict(context), id=upload["id"], name_translated={"sv": "Fil"})
    assert shown(dataset["id"])["resources"][1]["url"].endswith("/download/parkering-2024.csv")

    with pytest.raises(toolkit.ValidationError) as error:
        helpers.call_action("resource_patch", context=dict(context), id=upload["id"], url="javascript:alert(1)")
    assert "url" in error.value.error_dict


# --- organisations: nothing half-saved -------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_an_organisation_with_a_bad_logo_is_not_created(app, sysadmin):
    payload = dict(organization_fields(), name="miljoforvaltningen", image_url=7)

    refused(api(app, "organization_create", sysadmin, **payload), "image_url")

    assert model.Session.query(model.Group).filter_by(name="miljoforvaltningen").count() == 0


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("image_url", [9, "javascript:alert(1)", "data:image/png;base64,AAAA", ["https://x.se/a.png"]])
def test_a_bad_logo_refuses_the_whole_organisation_change(app, sysadmin, organization, image_url):
    before = helpers.call_action("organization_show", id=organization["id"])
    response = api(
        app, "organization_patch", sysadmin, id=organization["id"], image_url=image_url, title_translated={"sv": "Nytt"}
    )
    refused(response, "image_url")
    assert helpers.call_action("organization_show", id=organization["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_a_logo_is_a_web_address_or_an_uploaded_image(sysadmin):
    context = {"user": sysadmin["name"]}
    linked = helpers.call_action(
        "organization_create",
        context=dict(context),
        name="trafikkontoret",
        image_url="https://goteborg.se/logo.png",
        **organization_fields(),
    )
    assert linked["image_url"] == "https://goteborg.se/logo.png"
    uploaded = helpers.call_action(
        "organization_create",
        context=dict(context),
        name="miljoforvaltningen",
        image_upload=FileStorage(BytesIO(_png()), "Logotyp.png", content_type="image/png"),
        **organization_fields(title_translated={"sv": "Miljöförvaltningen"}),
    )
    assert uploaded["image_url"].endswith("Logotyp.png")
    assert "/" not in uploaded["image_url"]
    helpers.call_action("organization_patch", context=dict(context), id=uploaded["id"], email="miljo@goteborg.se")


# --- lists and objects where text is expected --------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_a_list_or_object_is_never_stored_as_its_text(app, sysadmin, organization, dataset):
    before = shown(dataset["id"])
    error = refused(
        api(app, "package_patch", sysadmin, id=dataset["id"], contact=[dict(CONTACT, email=["a@b.se"])]), "contact"
    )
    assert "email" in json.dumps(error)
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], tags_translated={"sv": [{"x": 1}]}), "tags_translated")
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], version=[1]), "version")
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], theme=[{"x": 1}]), "theme")
    assert shown(dataset["id"]) == before

    organization_before = helpers.call_action("organization_show", id=organization["id"])
    refused(api(app, "organization_patch", sysadmin, id=organization["id"], email=["a@b.se"]), "email")
    assert helpers.call_action("organization_show", id=organization["id"]) == organization_before


# --- dates, organisation numbers --------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    "value", ["2020-01-01garbage", "9999-12-31T99", "2020-02-30", "20200101", "２０２０-01-01", "2020-01-01T10:00:00 junk"]
)
def test_a_date_must_be_an_iso_date_and_nothing_more(app, sysadmin, dataset, value):
    before = shown(dataset["id"])
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], issued=value), "issued")
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    ("value", "stored"), [("2020-01-01", "2020-01-01"), ("2020-01-01T10:30:00+01:00", "2020-01-01"), ("2020", "2020")]
)
def test_a_date_or_a_date_and_time_is_stored_as_its_date(app, sysadmin, dataset, value, stored):
    response = api(app, "package_patch", sysadmin, id=dataset["id"], issued=value)
    assert response.status_code == 200
    assert shown(dataset["id"])["issued"] == stored


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("orgnr", ["２１２０００-１３５５", "٢١٢٠٠٠١٣٥٥", 2120001355])
def test_an_orgnr_in_other_digits_than_0_to_9_is_refused(app, sysadmin, organization, orgnr):
    before = helpers.call_action("organization_show", id=organization["id"])
    refused(api(app, "organization_patch", sysadmin, id=organization["id"], orgnr=orgnr), "orgnr")
    assert helpers.call_action("organization_show", id=organization["id"]) == before


# --- unknown fields, empty entries, shapes --------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_an_unknown_field_is_refused_by_name(app, sysadmin, organization, dataset):
    before = shown(dataset["id"])
    error = refused(api(app, "package_patch", sysadmin, id=dataset["id"], titel="Parkering"), "titel")
    assert "Unknown field titel" in error[0] or "titel" in error[0]
    payload = dict(dataset_fields(), name="ny-datamangd", owner_org=organization["id"], lisence_id="CC0-1.0")
    refused(api(app, "package_create", sysadmin, **payload), "lisence_id")
    refused(api(app, "organization_patch", sysadmin, id=organization["id"], hemsida="https://goteborg.se"), "hemsida")
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_what_show_returns_can_be_saved_back(sysadmin, organization, dataset):
    context = {"user": sysadmin["name"]}
    helpers.call_action("package_update", context=dict(context), **shown(dataset["id"]))
    organization_shown = helpers.call_action("organization_show", id=organization["id"], include_users=True)
    helpers.call_action("organization_update", context=dict(context), **organization_shown)


@pytest.mark.usefixtures("with_plugins")
def test_an_empty_entry_from_the_api_is_refused(app, sysadmin, organization, dataset):
    before = shown(dataset["id"])
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], contact=[{}]), "contact")
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], spatial_coverage=[{"uri": ""}]), "spatial_coverage")
    refused(api(app, "package_patch", sysadmin, id=dataset["id"], resources=[{}]), "resources")
    assert shown(dataset["id"]) == before

    payload = dict(dataset_fields(), name="ny-datamangd", owner_org=organization["id"], resources=[{}])
    refused(api(app, "package_create", sysadmin, **payload), "resources")
    assert model.Session.query(model.Package).filter_by(name="ny-datamangd").count() == 0


@pytest.mark.usefixtures("with_plugins")
def test_the_web_form_stores_no_empty_entries(app, editor, organization):
    response = app.post(
        "/dataset/new",
        data={
            "title_translated-sv": "Parkeringsplatser",
            "name": "parkeringsplatser",
            "notes_translated-sv": "Kommunala parkeringsplatser.",
            "owner_org": organization["id"],
            "contact-0-name": "Trafikkontoret",
            "contact-0-email": "trafikkontoret@goteborg.se",
            "contact-0-kind": "Organization",
            # the form's empty second block, and an untouched area
            "contact-1-name": "",
            "contact-1-email": "",
            "contact-1-kind": "Organization",
            "spatial_coverage-0-uri": "",
            "private": "True",
            "_ckan_phase": "dataset_new_1",
            "pkg_name": "",
            "save": "continue",
        },
        headers={"Authorization": editor["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    stored = helpers.call_action("package_show", id="parkeringsplatser")
    assert [contact["name"] for contact in stored["contact"]] == ["Trafikkontoret"]
    assert not stored.get("spatial_coverage")


@pytest.mark.usefixtures("with_plugins")
def test_the_web_form_without_javascript_stores_no_template_entries(app, editor, dataset):
    # Without JavaScript the browser also sends ckanext-scheming's hidden
    # template of a new entry (REPEATING-INDEX0).
    response = app.post(
        f"/dataset/edit/{dataset['name']}",
        data={
            "title_translated-sv": "Parkeringsplatser",
            "name": dataset["name"],
            "notes_translated-sv": "Kommunala parkeringsplatser.",
            "owner_org": dataset["owner_org"],
            "license_id": "CC0-1.0",
            "confidentiality_level": "0",
            "integrity_level": "1",
            "availability_level": "1",
            "contact-0-name": "Trafikkontoret",
            "contact-0-email": "trafikkontoret@goteborg.se",
            "contact-0-kind": "Organization",
            "contact-REPEATING-INDEX0-name": "",
            "contact-REPEATING-INDEX0-email": "",
            "contact-REPEATING-INDEX0-kind": "Organization",
            "spatial_coverage-REPEATING-INDEX0-uri": "",
            "private": "True",
            "save": "",
        },
        headers={"Authorization": editor["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    stored = shown(dataset["id"])
    assert stored["contact"] == [{"name": "Trafikkontoret", "email": "trafikkontoret@goteborg.se", "kind": "Organization"}]
    assert not stored.get("spatial_coverage")


BAD_SHAPES = [
    ("resources", "x"),
    ("resources", {"url": "https://goteborg.se/p.csv"}),
    ("resources", [resource_fields(), "x"]),
    ("contact", "Trafikkontoret"),
    ("contact", [CONTACT, 1]),
    ("tags", "parkering"),
    ("extras", [{"key": "a", "value": "b"}, "c"]),
    ("groups", [{"id": 5}]),
]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("field", "value"), BAD_SHAPES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_SHAPES)])
def test_a_wrong_shape_is_a_validation_error_that_echoes_nothing(app, sysadmin, dataset, field, value):
    before = shown(dataset["id"])

    response = api(app, "package_patch", sysadmin, id=dataset["id"], notes_translated={"sv": "HEMLIGT"}, **{field: value})

    refused(response, field)
    assert "HEMLIGT" not in response.get_data(as_text=True)
    assert shown(dataset["id"]) == before


@pytest.mark.usefixtures("with_plugins")
def test_two_saves_of_one_new_name_at_once_give_a_validation_error(app, sysadmin, organization):
    # A race: another request stores the same name after this one checked it
    # and before it is written; the database's unique name refuses it.
    import uuid

    import sqlalchemy as sa

    raced = []

    def other_request_stores_the_name(session, flush_context, instances):
        if not raced and any(isinstance(obj, model.Package) for obj in session.new):
            raced.append(True)
            with model.meta.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO package (id, name, state, type, private, metadata_created, metadata_modified)"
                        " VALUES (:id, 'samtidig', 'active', 'dataset', true, now(), now())"
                    ),
                    {"id": str(uuid.uuid4())},
                )

    sa.event.listen(model.Session, "before_flush", other_request_stores_the_name)
    try:
        payload = dict(dataset_fields(), name="samtidig", owner_org=organization["id"], private=True)
        response = api(app, "package_create", sysadmin, **payload)
    finally:
        sa.event.remove(model.Session, "before_flush", other_request_stores_the_name)
    assert raced

    assert "används redan" in refused(response, "name")[0]
    assert "Kommunala" not in response.get_data(as_text=True)
    assert api(app, "package_show", sysadmin, id="samtidig").status_code == 200
