"""The checklist in force: read once, the same in every worker.

CKAN runs as several processes (uWSGI or gunicorn workers, on one machine
or several), each with its own copy of the settings. Were each to read the
checklist file when it wanted, two workers could apply different checklists
while the file is edited, and a half-saved file could reach some of them.
So the file is read at start-up only, and the checklist a worker applies is
the one last *published* for this site and file, in Redis (which every
worker of a site already shares):

- at start-up a worker adopts the published checklist if there is one
  (a worker recycled after the file was edited still applies what the
  others apply); if none is, it reads the file, validates it and publishes
  it;
- `ckan gbgopendata reload-checklist` reads the file, validates it and
  publishes it (version and text); a file that cannot be used is refused
  and nothing changes;
- every worker compares the published version with its own at most once per
  request (one Redis HGET of the version; outside a request at most once every
  FOLLOW_INTERVAL seconds) and, when it changed, takes the published text,
  validated already, into its settings.

The text is published, not only a version, so that every worker applies
exactly what the command validated, even if the file is edited again.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from ckanext.gbgopendata import settings
from ckanext.gbgopendata.checklist import automatic, definition

log = logging.getLogger(__name__)

FOLLOW_INTERVAL = 5.0
_VERSION, _TEXT = "version", "text"

_followed_at = 0.0


def configured_path(configured: str) -> str:
    return configured or definition.DEFAULT_FILE


def _key(path: str) -> str:
    from ckan.plugins import toolkit

    # The site and the file: processes of another site, or configured with
    # another file (a test run's own), never follow this one.
    return f"ckanext.gbgopendata:{toolkit.config.get('ckan.site_id')}:checklist:{definition.version_of(path)}"


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def _published(path: str) -> tuple[str, str] | None:
    version, text = _redis().hmget(_key(path), [_VERSION, _TEXT])
    if not version or text is None:
        return None
    return _str(version), _str(text)


def _str(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _publish(path: str, text: str) -> str:
    version = definition.version_of(text)
    _redis().hset(_key(path), mapping={_VERSION: version, _TEXT: text})
    return version


def at_start(configured: str) -> definition.Checklist:
    """The checklist this process starts with (the settings' loader)."""
    global _followed_at
    path = configured_path(configured)
    published = _published(path)
    if published is not None:
        version, text = published
        try:
            checklist = definition.read(text, path, automatic.CHECK_NAMES)
        except definition.ChecklistFileError as error:
            # published by another version of the extension: the file decides
            log.warning("%s: the published checklist cannot be used (%s); reading the file", settings.CHECKLIST_FILE, error)
        else:
            if _file_version(path) != checklist.version:
                log.warning(
                    "%s: %s differs from the checklist in force; `ckan gbgopendata reload-checklist` applies it",
                    settings.CHECKLIST_FILE, path,
                )
            _followed_at = time.monotonic()
            return checklist
    try:
        text = definition.read_file(path)
        checklist = definition.read(text, path, automatic.CHECK_NAMES)
    except definition.ChecklistFileError as error:
        raise settings.SettingsError(f"{settings.CHECKLIST_FILE}: {error}") from None
    _publish(path, text)
    _followed_at = time.monotonic()
    return checklist


def _file_version(path: str) -> str | None:
    try:
        return definition.version_of(definition.read_file(path))
    except definition.ChecklistFileError:
        return None


def reload(configured: str) -> definition.Checklist:
    """Validates the file and publishes it to every worker (the CLI);
    raises ChecklistFileError, publishing nothing, for a file that cannot
    be used."""
    path = configured_path(configured)
    text = definition.read_file(path)
    checklist = definition.read(text, path, automatic.CHECK_NAMES)
    _publish(path, text)
    return checklist


def _due() -> bool:
    """Whether to compare with the published version now: once per request,
    else once per FOLLOW_INTERVAL."""
    global _followed_at
    import flask

    if flask.has_request_context():
        if getattr(flask.g, "gbgopendata_checklist_followed", False):
            return False
        flask.g.gbgopendata_checklist_followed = True
        return True
    now = time.monotonic()
    if now - _followed_at < FOLLOW_INTERVAL:
        return False
    _followed_at = now
    return True


def current() -> definition.Checklist:
    """The checklist in force, after following a reload another process
    published."""
    in_force = settings.current()
    if not _due():
        return in_force.checklist
    path = configured_path(in_force.checklist_file)
    try:
        version = _redis().hget(_key(path), _VERSION)  # the text only when it changed
        published = None if not version or _str(version) == in_force.checklist.version else _published(path)
    except Exception as error:  # Redis unreachable: keep applying what this process has
        log.error("%s: cannot read the published checklist (%s)", settings.CHECKLIST_FILE, error)
        return in_force.checklist
    if published is None or published[0] == in_force.checklist.version:
        return in_force.checklist
    version, text = published
    try:
        checklist = definition.read(text, path, automatic.CHECK_NAMES)
    except definition.ChecklistFileError as error:
        log.error("%s: the published checklist cannot be used (%s); the one in force stays", settings.CHECKLIST_FILE, error)
        return in_force.checklist
    settings.with_checklist(checklist)
    log.info("%s: checklist %s applied", settings.CHECKLIST_FILE, version[:12])
    return checklist
