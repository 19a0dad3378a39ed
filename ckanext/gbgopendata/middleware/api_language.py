"""The action API gives its messages in the language the client asks for
(`?lang=en`, or else `Accept-Language`), not only under `/en/api/…`;
Swedish stays the default. A language prefix in the URL always wins."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from ckan.plugins import toolkit


def install(app: Any) -> None:
    app.wsgi_app = ApiLanguage(app.wsgi_app)


class ApiLanguage:
    """WSGI: an action API request (`/api/…` without a language prefix) in
    the language it asks for, chosen the way CKAN documents: the language
    prefix of its URL. No database."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if environ.get("PATH_INFO", "").startswith("/api/") and environ.get("CKAN_LANG_IS_DEFAULT", True):
            language = requested_language(environ)
            if language and language != toolkit.config.get("ckan.locale_default"):
                if "CKAN_LANG" not in environ:
                    # CKAN 2.12: its I18nMiddleware runs inside this one and
                    # reads the prefix (and takes it off the path).
                    environ["PATH_INFO"] = f"/{language}{environ['PATH_INFO']}"
                else:
                    # CKAN 2.11: its I18nMiddleware ran outside this one and
                    # set the default language (a CKAN internal:
                    # docs/architecture.md).
                    environ["CKAN_LANG"] = language
                    environ["CKAN_LANG_IS_DEFAULT"] = False
        return self.app(environ, start_response)


def requested_language(environ: dict) -> str | None:
    """The offered language `?lang=` names (taken off the query string: GET
    parameters are the action's arguments), or else the best of
    `Accept-Language`."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    offered = toolkit.aslist(toolkit.config.get("ckan.locales_offered")) or [toolkit.config.get("ckan.locale_default")]
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    asked = [value for key, value in query if key == "lang"]
    if asked:
        environ["QUERY_STRING"] = urlencode([(key, value) for key, value in query if key != "lang"])
        return asked[-1] if asked[-1] in offered else None
    header = environ.get("HTTP_ACCEPT_LANGUAGE")
    if not header:
        return None
    return parse_accept_header(header, LanguageAccept).best_match(offered)
