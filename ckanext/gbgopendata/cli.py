"""`ckan gbgopendata …` commands."""
from __future__ import annotations

import json
import secrets
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
    text = resources.files("ckanext.gbgopendata").joinpath("demo/demo_data.json").read_text("utf-8")
    return json.loads(text)


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
                "fullname": "Portaladministratör",
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
    """Creates or updates an organization or dataset; returns what it did."""
    try:
        toolkit.get_action(f"{kind}_show")(dict(context), {"id": data["name"]})
    except toolkit.ObjectNotFound:
        toolkit.get_action(f"{kind}_create")(dict(context), dict(data))
        return "created"
    toolkit.get_action(f"{kind}_update")(dict(context), dict(data, id=data["name"]))
    return "updated"


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
        for dataset in data["datasets"]:
            dataset = dict(dataset, tags=[{"name": tag} for tag in dataset.get("tags", [])])
            outcome = _upsert(context, "package", dataset)
            click.echo(f"  dataset {dataset['name']}: {outcome}")
        click.secho(
            toolkit._("Sysadmin login: user {user}, password {password}").format(
                user=DEMO_ADMIN, password=password
            ),
            fg="green",
        )
