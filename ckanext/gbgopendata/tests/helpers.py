"""Data and helpers shared by the tests (fixtures are in conftest.py)."""
from __future__ import annotations

from typing import Any

from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
GOTEBORGS_KOMMUN_ORGNR = "2120001355"
# A classification that allows publication (Göteborgs Stads riktlinjer för
# informationssäkerhet: confidentiality level 0).
OPEN_CLASSIFICATION = {"confidentiality_level": "0", "integrity_level": "1", "availability_level": "1"}


def reset_database(reset_db, migrate_db_for) -> None:
    """CKAN's reset_db, plus the tables of the activity plugin, of
    ckanext-harvest and of this extension, whose own migrations CKAN's
    reset_db does not apply; and what it does not empty: the link checks (no dataset's row: kept by URL) and
    the link checks' per-host keys in Redis."""
    from ckan import model
    from ckan.lib import redis as ckan_redis

    from ckanext.gbgopendata import model as gbg_model

    reset_db()
    migrate_db_for("activity")
    migrate_db_for("gbgopendata")
    migrate_db_for("harvest")
    with model.meta.engine.begin() as connection:
        connection.execute(gbg_model.link_check.delete())
    redis = ckan_redis.connect_to_redis()
    for key in redis.scan_iter("gbgopendata:link-host:*"):
        redis.delete(key)


def organization_fields(**overrides: Any) -> dict[str, Any]:
    """The fields a publisher needs under the DCAT-AP-SE schema."""
    fields = {
        "title_translated": {"sv": "Trafikkontoret", "en": "Urban Transport Administration"},
        "orgnr": "212000-1355",
        "publisher_type": LOCAL_AUTHORITY,
    }
    fields.update(overrides)
    return fields


def dataset_fields(**overrides: Any) -> dict[str, Any]:
    """A minimal valid dataset under the DCAT-AP-SE schema (mandatory fields),
    classified so that it may be public (confidentiality level 0)."""
    fields = {
        "title_translated": {"sv": "Parkeringsplatser", "en": "Parking spaces"},
        "notes_translated": {"sv": "Kommunala parkeringsplatser.", "en": "Municipal parking spaces."},
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields


def resource_fields(**overrides: Any) -> dict[str, Any]:
    fields = {"url": "https://goteborg.se/opendata/parkering.csv", "format": "text/csv"}
    fields.update(overrides)
    return fields


def organization_member(organization: dict[str, Any], role: str, **user_fields: Any) -> dict[str, Any]:
    """A new user (with an API token) holding `role` in `organization`;
    `user_fields` go to the user factory (a known `password`, say)."""
    user = factories.UserWithToken(**user_fields)
    ckan_helpers.call_action(
        "organization_member_create",
        context={"ignore_auth": True},
        id=organization["id"],
        username=user["name"],
        role=role,
    )
    return user


def derived_ini_text(original: Any, settings: dict[str, str], loggers_at_info: tuple[str, ...] = ()) -> str:
    """A config file that is `original` (CKAN reads the chain; `here` is
    resolved per file) with `settings` changed. It has all of the logging
    sections: CKAN applies a file's logging only when it has them all, and
    CKAN 2.11 fails (KeyError 'formatters') on a file that has none.
    `loggers_at_info` are logged at INFO (werkzeug: the access lines)."""
    lines = ["[app:main]", f"use = config:{original}", *(f"{key} = {value}" for key, value in settings.items())]
    logging = [
        "[loggers]", "keys = " + ", ".join(("root", *loggers_at_info)), "",
        "[handlers]", "keys = console", "",
        "[formatters]", "keys = generic", "",
        "[logger_root]", "level = WARN", "handlers = console", "",
    ]
    for name in loggers_at_info:
        logging += [f"[logger_{name}]", f"qualname = {name}", "handlers =", "level = INFO", ""]
    logging += [
        "[handler_console]", "class = StreamHandler", "args = (sys.stderr,)", "level = NOTSET", "formatter = generic", "",
        "[formatter_generic]", "format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s",
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(logging) + "\n"


def free_port() -> int:
    """A loopback port no one listens on, for a server a test starts."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def derived_ini(path: Any, **settings: str) -> Any:
    """A config file at `path` that is the test run's configuration with
    `settings` changed (for a CLI command or a process of its own, which read
    their configuration from a file)."""
    from pathlib import Path

    from ckan.plugins import toolkit

    original = Path(toolkit.config["__file__"]).resolve()
    Path(path).write_text(derived_ini_text(original, settings), "utf-8")
    return path


def form_values(form: Any) -> list[tuple[str, str]]:
    """What a browser sends for a form (BeautifulSoup) as it stands, submit
    buttons aside: (name, value) pairs in order."""
    values = []
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in ("radio", "checkbox") and not field.has_attr("checked") or kind in ("submit", "button", "file"):
                continue
            values.append((name, field.get("value", "")))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            values.extend((name, option.get("value", option.get_text())) for option in chosen)
        else:
            values.append((name, field.get_text()))
    return values
