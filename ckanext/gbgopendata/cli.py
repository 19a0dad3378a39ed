"""`ckan gbgopendata …` commands."""
from __future__ import annotations

import io
import json
import secrets
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import click

import ckan.plugins.toolkit as toolkit

DEMO_ADMIN = "admin"


def get_commands() -> list[click.Command]:
    return [gbgopendata]


@click.group(short_help="Göteborgs Stad open-data catalogue commands.")
def gbgopendata() -> None:
    """Commands of ckanext-gbgopendata."""


def _demo_data() -> dict[str, Any]:
    """The demo's organisations, datasets, users and where each dataset
    stands in the publishing process (`publication`)."""
    text = resources.files("ckanext.gbgopendata").joinpath("demo/demo_data.json").read_text("utf-8")
    data = json.loads(text)
    data.get("publication", {}).pop("_comment", None)
    data.pop("_files_comment", None)
    for dataset in data["datasets"]:
        dataset["resources"] = [_hosted(dataset["name"], resource) for resource in dataset.get("resources", [])]
    return data


DEMO_FILES = "demo/files"


def _demo_file(name: str):
    return resources.files("ckanext.gbgopendata").joinpath(DEMO_FILES, name)


def _hosted(dataset_name: str, resource: dict[str, Any]) -> dict[str, Any]:
    """A distribution whose file the portal hosts ("file": a name under
    demo/files) as CKAN stores an upload: the file's name with url_type
    upload, a fixed id (so a second load updates it), the file's byte size,
    and the portal's download address of it as its downloadURL."""
    if "file" not in resource:
        return resource
    resource = dict(resource)
    name = resource.pop("file")
    resource_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"gbgopendata-demo:{dataset_name}:{name}"))
    site = toolkit.config.get("ckan.site_url", "").rstrip("/")
    return {
        "id": resource_id,
        "url": name,
        "url_type": "upload",
        "download_url": f"{site}/dataset/{dataset_name}/resource/{resource_id}/download/{name}",
        "size": len(_demo_file(name).read_bytes()),
        **resource,
    }


def _upload_demo_files(context: dict[str, Any], dataset: dict[str, Any]) -> int:
    """The dataset's hosted files put in CKAN's file store (ckan.storage_path)
    through the action API, as the resource form uploads them."""
    from werkzeug.datastructures import FileStorage

    uploaded = 0
    for resource in dataset.get("resources", []):
        if resource.get("url_type") != "upload":
            continue
        content = _demo_file(resource["url"]).read_bytes()
        toolkit.get_action("resource_patch")(
            dict(context),
            {"id": resource["id"], "upload": FileStorage(io.BytesIO(content), filename=resource["url"],
                                                          content_type=resource.get("format"))},
        )
        uploaded += 1
    return uploaded


def _ensure_sysadmin(password_file: Path) -> str:
    """Creates the demo sysadmin once and returns its password.

    The password is generated on first use and kept in `password_file`, so a
    second `make serve` prints the same login instead of changing it.
    """
    if password_file.exists():
        password = password_file.read_text("utf-8").strip()
    else:
        password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password + "\n", "utf-8")
        password_file.chmod(0o600)

    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    try:
        toolkit.get_action("user_show")(context, {"id": DEMO_ADMIN})
        toolkit.get_action("user_patch")(context, {"id": DEMO_ADMIN, "password": password})
    except toolkit.ObjectNotFound:
        toolkit.get_action("user_create")(
            context,
            {
                "name": DEMO_ADMIN,
                "email": "admin@localhost.localdomain",
                "password": password,
                "fullname": toolkit._("Portal administrator"),
            },
        )
    # Sysadmin rights are granted through the model, as `ckan sysadmin add` does.
    import ckan.model as model

    user = model.User.get(DEMO_ADMIN)
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    return password


def _upsert(context: dict[str, Any], kind: str, data: dict[str, Any]) -> str:
    """Creates or updates an organization or dataset; returns what it did.
    Invalid demo data stops the command with the validation errors."""
    try:
        try:
            toolkit.get_action(f"{kind}_show")(dict(context), {"id": data["name"]})
        except toolkit.ObjectNotFound:
            toolkit.get_action(f"{kind}_create")(dict(context), dict(data))
            return "created"
        toolkit.get_action(f"{kind}_update")(dict(context), dict(data, id=data["name"]))
        return "updated"
    except toolkit.ValidationError as error:
        raise click.ClickException(f"{kind} {data['name']}: {error.error_dict}")


@gbgopendata.command("load-demo")
@click.option(
    "--admin-password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where the demo sysadmin's password is kept (created when missing).",
)
def load_demo(admin_password_file: Path) -> None:
    """Creates the demo sysadmin and loads the demo organizations and datasets.

    Safe to run again: existing records are updated, not duplicated.
    """
    flask_app = click.get_current_context().meta["flask_app"]
    with flask_app.test_request_context():
        password = _ensure_sysadmin(admin_password_file)
        context = {"user": DEMO_ADMIN}
        data = _demo_data()
        for organization in data["organizations"]:
            outcome = _upsert(context, "organization", organization)
            click.echo(f"  organization {organization['name']}: {outcome}")
        for user in data.get("users", []):
            _ensure_demo_user(user, password)
        for dataset in data["datasets"]:
            # Every dataset starts private, as a new one does; its place in
            # the publishing process is then made as a publisher makes it.
            outcome = _upsert(context, "package", dict(dataset, private=True) if _is_new(dataset) else dataset)
            click.echo(f"  dataset {dataset['name']}: {outcome}")
            if _upload_demo_files(context, dataset):
                click.echo("    " + toolkit._("files uploaded to the portal's file store"))
            if outcome == "created":
                status = _demo_publication(context, dataset["name"], data.get("publication", {}).get(dataset["name"], {}))
                click.echo(f"    {status}")
        from ckanext.gbgopendata.quality import links

        # checked by the jobs worker (make serve starts one), not here
        asked = links.request_checks(links.all_urls(), only_unchecked=False)
        click.echo(toolkit._("Link checks asked for: {count}").format(count=asked))
        click.secho(
            toolkit._("Sysadmin login: user {user}, password {password}").format(
                user=DEMO_ADMIN, password=password
            ),
            fg="green",
        )
        for user in data.get("users", []):
            click.secho(
                toolkit._("Login as {role} of {organization}: user {user}, password {password}").format(
                    role={"editor": toolkit._("Editor"), "admin": toolkit._("Admin")}[user["role"]], organization=user["organization"], user=user["name"], password=password
                ),
                fg="green",
            )


def _is_new(dataset: dict[str, Any]) -> bool:
    import ckan.model as model

    return model.Package.get(dataset["name"]) is None


def _ensure_demo_user(user: dict[str, Any], password: str) -> None:
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    fields = {key: user[key] for key in ("name", "fullname", "email")}
    try:
        toolkit.get_action("user_show")(dict(context), {"id": user["name"]})
        toolkit.get_action("user_patch")(dict(context), {"id": user["name"], "password": password})
    except toolkit.ObjectNotFound:
        toolkit.get_action("user_create")(dict(context), dict(fields, password=password))
    toolkit.get_action("organization_member_create")(
        dict(context), {"id": user["organization"], "username": user["name"], "role": user["role"]}
    )


def _demo_publication(context: dict[str, Any], name: str, publication: dict[str, Any]) -> str:
    """Brings a new demo dataset to its place in the publishing process,
    through the checklist actions (the demo sysadmin confirms)."""
    import ckan.model as model
    from ckan.lib import search

    from ckanext.gbgopendata import checklist

    status = publication.get("status", "public")
    pkg = model.Package.get(name)
    confirmable = [item.id for item in checklist.current().items if not item.automatic]
    if status in ("public", "ready"):
        confirmed = confirmable
    else:
        confirmed = [item for item in publication.get("confirmed", []) if item in confirmable]
    if confirmed:
        toolkit.get_action("gbg_checklist_update")(
            dict(context), {"id": pkg.id, "items": [{"id": item, "confirmed": True} for item in confirmed]}
        )
    if status == "public":
        toolkit.get_action("gbg_dataset_publish")(dict(context), {"id": pkg.id})
    elif status == "public_incomplete":
        # As a portal upgraded from before the checklist has them: public
        # since before the checklist existed, listed by the overviews.
        pkg = model.Package.get(pkg.id)
        pkg.private = False
        model.repo.commit()
        search.rebuild(pkg.id)
    shown = toolkit.get_action("gbg_checklist_show")(dict(context), {"id": pkg.id})
    return shown["status"]


def _dataset_ids() -> list[str]:
    """Every dataset that is not deleted, public or private, draft or not
    (straight from the database: the search index may lag behind)."""
    import ckan.model as model

    rows = model.Session.query(model.Package.id).filter(model.Package.state != "deleted").order_by(model.Package.name)
    return [row.id for row in rows]


def _migrate_dataset(context: dict[str, Any], dataset: dict[str, Any], changes: dict[str, Any]) -> None:
    patch: dict[str, Any] = {"id": dataset["id"]}
    if "license_id" in changes:
        patch["license_id"] = changes["license_id"][1]
    if "resources" in changes:
        new_uris = {resource_id: new for resource_id, (_old, new) in changes["resources"].items()}
        patch["resources"] = [
            dict(resource, license=new_uris[resource["id"]]) if resource["id"] in new_uris else resource
            for resource in dataset["resources"]
        ]
    toolkit.get_action("package_patch")(dict(context), patch)


@gbgopendata.command("migrate-licenses")
@click.option("--dry-run", is_flag=True, help="Report what would change, and change nothing.")
def migrate_licenses(dry_run: bool) -> None:
    """Moves existing datasets onto the catalogue's licence register.

    CKAN's default licence ids (cc-zero, cc-by, cc-by-sa) become the
    register's ids (CC0-1.0, CC-BY-4.0, CC-BY-SA-4.0), and distribution
    licences written as variant URIs become the canonical Creative Commons
    URIs. Licences the register does not know are reported, not changed:
    they need a person's decision. Exits non-zero if a dataset could not be
    changed.
    """
    from ckanext.gbgopendata import licenses

    flask_app = click.get_current_context().meta["flask_app"]
    with flask_app.test_request_context():
        site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"], "ignore_auth": True}
        changed = undecided = failed = 0
        for dataset_id in _dataset_ids():
            # From the database, not the search index's copy.
            dataset = toolkit.get_action("package_show")(dict(context, use_cache=False), {"id": dataset_id})
            changes = licenses.migration_changes(dataset)
            name = dataset["name"]
            for unknown in changes.get("unknown", []):
                click.echo(
                    "  "
                    + toolkit._("{dataset}: the licence {license} is not in the catalogue's register; choose one by hand").format(
                        dataset=name, license=unknown
                    )
                )
            if changes.get("unknown"):
                undecided += 1
            if "license_id" not in changes and "resources" not in changes:
                continue
            if "license_id" in changes:
                old, new = changes["license_id"]
                click.echo("  " + toolkit._("{dataset}: licence {old} → {new}").format(dataset=name, old=old, new=new))
            for resource_id, (old, new) in changes.get("resources", {}).items():
                click.echo(
                    "  "
                    + toolkit._("{dataset}: distribution {resource}: licence {old} → {new}").format(
                        dataset=name, resource=resource_id, old=old, new=new
                    )
                )
            if dry_run:
                changed += 1
                continue
            try:
                _migrate_dataset(context, dataset, changes)
                changed += 1
            except toolkit.ValidationError as error:
                failed += 1
                click.secho(
                    "  " + toolkit._("{dataset}: not changed: {errors}").format(dataset=name, errors=error.error_dict),
                    fg="red",
                )
        if dry_run:
            summary = toolkit._("Dry run, nothing was changed. Datasets to change: {changed}. Needing a decision: {undecided}.")
        else:
            summary = toolkit._("Datasets changed: {changed}. Needing a decision: {undecided}. Failed: {failed}.")
        click.secho(summary.format(changed=changed, undecided=undecided, failed=failed), fg="red" if failed else "green")
    if failed:
        raise SystemExit(1)


@gbgopendata.command("publication-check")
@click.option(
    "--make-private",
    is_flag=True,
    help="Make every public dataset that breaks the publication rule private (through the action layer).",
)
def publication_check(make_private: bool) -> None:
    """Lists the public datasets that break the publication rule, and those
    published without a complete checklist.

    Datasets stored before the rule (no classification, or another licence)
    are already hidden from everyone outside their organisation once the
    search index is rebuilt; this finds them, says what each one lacks and,
    with --make-private, makes them private so that their organisation can
    classify and publish them again. Exits non-zero while any remains public.

    Datasets published before the checklist existed (or before an item was
    added to it) stay public: they are listed with the items they lack, so
    that their organisation can complete the checklist, and do not change
    the exit status.
    """
    import ckan.model as model

    from ckanext.gbgopendata import languages
    from ckanext.gbgopendata import model as gbg_model
    from ckanext.gbgopendata.logic import facts

    flask_app = click.get_current_context().meta["flask_app"]
    with flask_app.test_request_context():
        site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"], "ignore_auth": True}
        public = facts.packages_with_resources(
            model.Session.query(model.Package)
            .filter(model.Package.state == "active", model.Package.private.is_(False))
            .order_by(model.Package.name)
        )
        confirmations = gbg_model.checklist_confirmations_of([pkg.id for pkg in public])
        breaking = made_private = incomplete = 0
        for pkg in public:
            dataset_id, dataset = pkg.id, {"name": pkg.name}
            decided = facts.assess_package(pkg, confirmations=confirmations.get(pkg.id, {}))
            blockers = decided.standing
            if not blockers:
                missing = decided.checklist.incomplete_required()
                if missing:
                    incomplete += 1
                    click.echo(
                        "  "
                        + toolkit._("{dataset}: published without a complete checklist; missing: {items}").format(
                            dataset=dataset["name"], items=", ".join(state.item.id for state in missing)
                        )
                    )
                continue
            breaking += 1
            for blocker in blockers:
                # The portal's language, as the command's other lines (toolkit._).
                click.echo(f"  {dataset['name']}: {blocker.message(languages.DEFAULT_LANGUAGE)}")
            if make_private:
                if any(blocker.code == "type_without_rule" for blocker in blockers):
                    _make_private_past_the_schema(dataset_id)
                else:
                    toolkit.get_action("package_patch")(dict(context), {"id": dataset_id, "private": True})
                made_private += 1
                click.echo("  " + toolkit._("{dataset}: made private").format(dataset=dataset["name"]))
        remaining = breaking - made_private
        click.echo(
            toolkit._("Published without a complete checklist: {count}.").format(count=incomplete)
        )
        click.secho(
            toolkit._("Public datasets that break the publication rule: {breaking}. Made private: {private}.").format(
                breaking=breaking, private=made_private
            ),
            fg="red" if remaining else "green",
        )
    if remaining:
        raise SystemExit(1)


@gbgopendata.command("reload-checklist")
@click.option("--lang", type=click.Choice(["sv", "en"]), help="The language of the answer (default: ckan.locale_default).")
def reload_checklist(lang: str | None) -> None:
    """Validates the checklist file (ckanext.gbgopendata.checklist_file) and
    makes every worker of the site apply it from its next request.

    Editing the file changes nothing until this command is run: each worker
    reads the file once, at start-up. A file that cannot be used is refused,
    naming the problem, and the checklist in force stays. Exits non-zero
    then.
    """
    import flask_babel

    from ckanext.gbgopendata import checklist, settings
    from ckanext.gbgopendata.checklist import in_force

    flask_app = click.get_current_context().meta["flask_app"]
    lang = lang or toolkit.config.get("ckan.locale_default") or "sv"
    with flask_app.test_request_context(), flask_babel.force_locale(lang):
        path = in_force.configured_path(settings.current().checklist_file)
        try:
            reloaded = in_force.reload(settings.current().checklist_file)
        except checklist.ChecklistFileError as error:
            click.secho(
                toolkit._("The checklist file cannot be used; the checklist in force stays: {problem}").format(problem=error),
                fg="red", err=True,
            )
            raise SystemExit(1)
        required = sum(1 for item in reloaded.items if item.required)
        click.secho(
            toolkit._("Checklist {file} applied by every worker from its next request: {items} items, {required} of them required.").format(
                file=path, items=len(reloaded.items), required=required
            ),
            fg="green",
        )


def _make_private_past_the_schema(dataset_id: str) -> None:
    """A dataset of a type the catalogue has no schema for cannot be saved
    through package_update (which refuses the type); making it private is
    the one change it may have, written as CKAN's bulk_update_private does."""
    import ckan.model as model
    from ckan.lib import search

    from ckanext.gbgopendata.logic import visibility

    pkg = model.Package.get(dataset_id)
    pkg.private = True
    model.repo.commit()
    visibility.hide_past_activities([pkg.id])
    model.repo.commit()
    search.rebuild(pkg.id)


# SHACL validation of DCAT-AP-SE documents lives with the DCAT code.
from ckanext.gbgopendata.dcat.cli import import_catalog, rebuild_catalog, validate  # noqa: E402

gbgopendata.add_command(validate)
gbgopendata.add_command(rebuild_catalog)
gbgopendata.add_command(import_catalog)

# Link checks live with the quality code.
from ckanext.gbgopendata.quality.links_cli import check_links  # noqa: E402

gbgopendata.add_command(check_links)

@gbgopendata.command("rebuild-quality")
@click.option("--all", "everything", is_flag=True, help="Every dataset's score, not only the stale ones.")
def rebuild_quality(everything: bool) -> None:
    """Rebuilds the kept quality scores (MQA) of the datasets whose score is
    stale (or of every dataset under the rule, with --all)."""
    from ckanext.gbgopendata.quality import kept as quality

    ids = quality.stale() if not everything else quality.stale(everything=True)
    built = 0
    with click.progressbar(length=len(ids), label=toolkit._("Quality scores"), file=click.get_text_stream("stderr")) as bar:
        for start in range(0, len(ids), quality.BATCH):
            chunk = ids[start:start + quality.BATCH]
            built += quality.rebuild(chunk)
            bar.update(len(chunk))
    click.secho(toolkit._("{built} quality scores rebuilt.").format(built=built), fg="green")
