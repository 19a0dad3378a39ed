"""What every request needs around CKAN's own handling (IMiddleware).

- A request that fails with an exception CKAN does not handle never reaches
  CKAN's `after_request`, the only place that removes the database session;
  the session, stuck in its failed transaction, then failed every later
  request of the same worker (PendingRollbackError), whoever sent it.
- The action API gives its messages in the language the client asks for
  (`?lang=en`, or `Accept-Language`), not only under `/en/api/…`; Swedish
  stays the default.
- A page whose view lets an action's NotAuthorized, NotFound or
  ValidationError through (CKAN's /dataset/changes_multiple for anonymous
  visitors) answers 403/404/400, not 500.
- A NUL character anywhere in a request made PostgreSQL fail (HTTP 500).
  Such a request is refused before it reaches CKAN: the action API answers
  409 naming the parameter, a page 400.
- Every action API request is checked against its action's declaration
  (logic/request_guard.py) before CKAN's view runs: an undeclared action is
  not offered, an undeclared, repeated or wrongly typed parameter is a 409
  naming it. Pages that hand query parameters to actions unchecked (the
  DCAT pages, the autocompletes under /api/2/util, the feeds) are checked
  the same way and answer 400; an unknown DCAT format is a 404.
- A search the index cannot run (Solr's syntax error) that a page lets
  through is a 400, not a 500.
- The action API answered navl's DataError (a wrong shape) with the whole
  request echoed; it answers a 409 naming the field instead.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, urlencode

from ckan import model
from ckan.lib.search import SearchError
from ckan.plugins import toolkit

from ckanext.gbgopendata import csrf
from ckanext.gbgopendata.logic import existence, request_guard, validators

log = logging.getLogger(__name__)

# What no request may hold anywhere: NUL (PostgreSQL refuses it) and
# unpaired surrogates (not characters).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def install(app: Any) -> Any:
    csrf.install(app)
    app.teardown_request(_remove_failed_session)
    app.before_request(_refuse_what_cannot_be_stored)
    app.before_request(_guard_the_action_api)
    app.before_request(_guard_the_pages_that_call_actions)
    app.before_request(_no_pages_for_a_type_without_them)
    app.before_request(existence.refuse_unknown_page)
    app.after_request(_no_echo_of_the_request)
    app.wsgi_app = ApiLanguage(app.wsgi_app)
    for error, code, message in (
        (toolkit.NotAuthorized, 403, "Not authorised to see this page"),
        (toolkit.ObjectNotFound, 404, "Not found"),
        (toolkit.ValidationError, 400, "The request is missing a parameter or has a wrong one"),
        (SearchError, 400, "The request is missing a parameter or has a wrong one"),
    ):
        app.register_error_handler(error, _answered_as(app, code, message))
    app.register_error_handler(Exception, _error_page)
    return app


def _error_page(error: Exception) -> Any:
    """An unexpected error: the portal's error page in the visitor's
    language (templates/error_document_template.html), never a traceback.
    CKAN's own handler renders the page inside the failed database
    transaction, so a database error failed the error page too and reached
    the development server's debugger; the transaction is rolled back first.
    With `debug` on or in tests, the error is raised as CKAN does."""
    import flask

    app = flask.current_app
    if app.debug or app.testing:
        raise error
    log.error("Unexpected error on %s", flask.request.path, exc_info=error)
    model.Session.remove()
    try:
        return toolkit.render("error_document_template.html", {"code": 500, "name": "", "content": ""}), 500
    except Exception:  # noqa: BLE001 (the page itself failed: plain text, both languages)
        log.exception("The error page failed")
        text = "Något gick fel i portalen. / Something went wrong in the portal."
        return flask.Response(text, status=500, content_type="text/plain; charset=utf-8")


def _remove_failed_session(error: BaseException | None) -> None:
    if error is not None:
        # Rolls the failed transaction back and gives the next request a
        # new session.
        model.Session.remove()


def _refuse_what_cannot_be_stored() -> Any:
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
    return _refusal(errors, api)


def _refusal(errors: dict[str, Any], api: bool) -> Any:
    """None without errors; else the action API's 409 naming each
    parameter, or a page's 400."""
    import flask

    if not errors:
        return None
    if not api:
        name, problems = next(iter(errors.items()))
        return toolkit.abort(400, f"{name}: {_first_message(problems)}")
    body = {"success": False, "error": {"__type": "Validation Error", **errors}}
    return flask.Response(json.dumps(body), status=409, content_type="application/json;charset=utf-8")


def _guard_the_action_api() -> Any:
    """The action's declaration (request_guard) decides, on exactly the
    parameters CKAN's view will hand the action (its `_get_request_data`)."""
    import flask
    from ckan.views.api import _get_request_data

    request = flask.request
    if request.endpoint != "api.action":
        return None
    name = (request.view_args or {}).get("logic_function", "")
    try:
        function = toolkit.get_action(name)
    except KeyError:
        return None  # CKAN answers "Action name not known"
    if not request_guard.is_declared(name):
        message = toolkit._("Not offered by this portal's API: {action}").format(action=name)
        body = {"success": False, "error": {"__type": "Bad request", "message": message}}
        return flask.Response(json.dumps(body), status=400, content_type="application/json;charset=utf-8")
    from_query = getattr(function, "side_effect_free", False)
    try:
        data = _get_request_data(try_url_params=from_query)
    except ValueError:
        return None  # CKAN answers 400 itself
    source = request.form if request.method in ("POST", "PUT") and request.form else request.args if from_query else None
    repeated = {key for key, values in source.lists() if len(values) > 1} if source else set()
    return _refusal(request_guard.refused(name, data, repeated), api=True)


def _guard_the_pages_that_call_actions() -> Any:
    import flask

    request = flask.request
    kinds = request_guard.page_parameters(request.endpoint)
    if kinds is None:
        return None
    if not request_guard.known_format(request.endpoint, (request.view_args or {}).get("_format")):
        return toolkit.abort(404, toolkit._("Not found"))
    given = {name: request.args.get(name) for name in kinds if name in request.args}
    return _refusal(request_guard.problems(kinds, given), api=False)


def _no_pages_for_a_type_without_them() -> Any:
    """A dataset of a type the catalogue has no pages for (stored before
    the type check) has no page of its own: CKAN's dataset pages link to
    `<type>.read`, which does not exist, and failed with a 500. Lists that
    hold it link to the dataset pages (helpers.gbgopendata_dataset_url)."""
    import flask

    request = flask.request
    identifier = (request.view_args or {}).get("id")
    if not isinstance(identifier, str) or not request.path.startswith("/dataset/"):
        return None
    package = model.Package.get(identifier)
    if package is None or _has_pages(package.type):
        return None
    return existence.not_found_page()


def _has_pages(dataset_type: str) -> bool:
    from werkzeug.routing import BuildError

    try:
        toolkit.url_for(f"{dataset_type}.read", id="x")
    except BuildError:
        return False
    return True


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


def _first_message(errors: Any) -> str:
    if isinstance(errors, str):
        return errors
    values = errors.values() if isinstance(errors, dict) else errors
    return next((message for value in values if (message := _first_message(value))), "")


def _unstorable(value: Any) -> Iterator[str]:
    """UNSTORABLE characters anywhere in a value; other control characters
    are for the fields' own validation."""
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            yield validators.unsafe_character_message(value) or ""
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key)
            yield from _unstorable(item)
    elif isinstance(value, list):
        for item in value:
            yield from _unstorable(item)


def _no_echo_of_the_request(response: Any) -> Any:
    """CKAN's action API answers navl's DataError with the request echoed
    under "data" (HTTP 400): it becomes a 409 naming the field."""
    import flask

    if flask.request.blueprint != "api" or response.status_code != 400 or not response.is_json:
        return response
    body = response.get_json(silent=True) or {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("__type") != "Integrity Error":
        return response
    from ckanext.gbgopendata.logic import bad_input

    field = bad_input.data_error_field(str(error.get("message", "")))
    body["error"] = {
        "__type": "Validation Error",
        field: [toolkit._("The data has the wrong shape: a list of objects was expected")],
    }
    response.set_data(json.dumps(body))
    response.status_code = 409
    return response


class ApiLanguage:
    """Sets the language of an action API request (`/api/…` without a
    language prefix) from `?lang=` or else `Accept-Language`, before CKAN's
    own I18nMiddleware, which would give the default language."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        # No language prefix in the URL: CKAN 2.12's I18nMiddleware runs
        # inside this one (CKAN_LANG not set yet), 2.11's outside it (set to
        # the default); a `/en/api/...` prefix always wins.
        if environ.get("PATH_INFO", "").startswith("/api/") and environ.get("CKAN_LANG_IS_DEFAULT", True):
            language = _requested_language(environ)
            if language:
                if "CKAN_LANG" not in environ:
                    _handle_i18n(environ)  # CKAN's current URL and default language first
                environ["CKAN_LANG"] = language
                environ["CKAN_LANG_IS_DEFAULT"] = language == toolkit.config.get("ckan.locale_default")
        return self.app(environ, start_response)


def _handle_i18n(environ: dict) -> None:
    try:  # CKAN 2.12
        from ckan.config.middleware.flask_app import handle_i18n
    except ImportError:  # CKAN 2.11
        from ckan.views import handle_i18n
    handle_i18n(environ)


def _requested_language(environ: dict) -> str | None:
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    offered = toolkit.aslist(toolkit.config.get("ckan.locales_offered")) or [toolkit.config.get("ckan.locale_default")]
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    asked = [value for key, value in query if key == "lang"]
    if asked:
        # Not passed on: GET parameters are the action's arguments.
        environ["QUERY_STRING"] = urlencode([(key, value) for key, value in query if key != "lang"])
        return asked[-1] if asked[-1] in offered else None
    header = environ.get("HTTP_ACCEPT_LANGUAGE")
    if not header:
        return None
    return parse_accept_header(header, LanguageAccept).best_match(offered)


def _answered_as(app: Any, code: int, message: str) -> Callable:
    """An action error a view let through, answered as CKAN answers the
    HTTP error `code` (its error page, in the visitor's language)."""
    from werkzeug.exceptions import default_exceptions

    def handler(error: Exception) -> Any:
        return app.handle_http_exception(default_exceptions[code](description=toolkit._(message)))

    return handler
