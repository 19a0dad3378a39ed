"""A NUL character anywhere in a request made PostgreSQL fail (HTTP 500), an
unpaired surrogate the UTF-8 encoding. Such a request is refused before it
reaches CKAN: the action API answers 409 naming the parameter, a page 400.
Other control characters are for the fields' own validation
(logic/input_limits.py holds both checks)."""
from __future__ import annotations

from typing import Any, Iterator

from ckanext.gbgopendata.logic import input_limits
from ckanext.gbgopendata.middleware.refusal import refusal


def refuse_what_cannot_be_stored() -> Any:
    """A before_request over the path, the query string, the form fields
    (as CKAN's view reads them; uploaded files are not read) and the action
    API's JSON body. No database."""
    import flask

    request = flask.request
    api = request.blueprint == "api"
    given: list[tuple[str, Any]] = [("path", request.path)]
    given += list(request.args.items(multi=True)) + list(request.form.items(multi=True))
    if api and request.is_json:
        body = request.get_json(silent=True)
        given += list(body.items()) if isinstance(body, dict) else []
    errors: dict[str, Any] = {}
    for key, value in given:
        if str(key) not in errors and (problems := _problems(value)):
            errors[str(key)] = problems
    return refusal(errors, api)


def _problems(value: Any) -> list | None:
    """The errors of one parameter, shaped as navl shapes them: per entry
    and key for a list of objects (contact, resources), else a list of
    messages."""
    if isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value):
        entries = [
            {str(key): [problem] for key, item in entry.items() if (problem := next(_unstorable([key, item]), None))}
            for entry in value
        ]
        return entries if any(entries) else None
    problem = next(_unstorable(value), None)
    return [problem] if problem else None


def _unstorable(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if problem := input_limits.unsafe_character_message(value, anywhere=True):
            yield problem
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key)
            yield from _unstorable(item)
    elif isinstance(value, list):
        for item in value:
            yield from _unstorable(item)
