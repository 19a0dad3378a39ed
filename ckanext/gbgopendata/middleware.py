"""What every request needs around CKAN's own handling (IMiddleware).

- A request that fails with an exception CKAN does not handle never reaches
  CKAN's `after_request`, the only place that removes the database session;
  the session, stuck in its failed transaction, then failed every later
  request of the same worker (PendingRollbackError), whoever sent it.
- The action API gives its messages in the language the client asks for
  (`?lang=en`, or `Accept-Language`), not only under `/en/api/…`; Swedish
  stays the default.
- CKAN core views the portal exposes that let an authorisation or lookup
  error through as a server error answer 403/404/400 instead.
"""
from __future__ import annotations

import functools
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from ckan import model
from ckan.plugins import toolkit

# Views of CKAN core that let NotAuthorized, NotFound or ValidationError
# escape (so an anonymous visitor got HTTP 500).
UNGUARDED_VIEWS = ("activity.package_changes_multiple",)


def install(app: Any) -> Any:
    app.teardown_request(_remove_failed_session)
    app.wsgi_app = ApiLanguage(app.wsgi_app)
    for endpoint in UNGUARDED_VIEWS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = _answering_action_errors(app.view_functions[endpoint])
    return app


def _remove_failed_session(error: BaseException | None) -> None:
    if error is not None:
        # Rolls the failed transaction back and gives the next request a
        # new session.
        model.Session.remove()


class ApiLanguage:
    """Sets the language of an action API request (`/api/…` without a
    language prefix) from `?lang=` or else `Accept-Language`, before CKAN's
    own I18nMiddleware, which would give the default language."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if environ.get("PATH_INFO", "").startswith("/api/") and "CKAN_LANG" not in environ:
            language = _requested_language(environ)
            if language:
                from ckan.config.middleware.flask_app import handle_i18n

                handle_i18n(environ)  # the default language, and CKAN's current URL
                environ["CKAN_LANG"] = language
                environ["CKAN_LANG_IS_DEFAULT"] = language == toolkit.config.get("ckan.locale_default")
        return self.app(environ, start_response)


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


def _answering_action_errors(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except toolkit.NotAuthorized:
            return toolkit.abort(403, toolkit._("Not authorised to see this page"))
        except toolkit.ObjectNotFound:
            return toolkit.abort(404, toolkit._("Not found"))
        except toolkit.ValidationError:
            return toolkit.abort(400, toolkit._("The request is missing a parameter or has a wrong one"))

    return wrapped
