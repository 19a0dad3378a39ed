"""CSRF protection that holds, whatever requests came before.

CKAN 2.12 exempts a view from Flask-WTF's CSRF check for the rest of the
process (`csrf.exempt` in `ckan_before_request`) the first time a request to
it comes with an `Authorization` header or without a session (even one that
gets a 404): from then on a hostile page could post to it with the cookie of
a logged-in editor. CKAN 2.11 exempts each such request only, but also every
plugin blueprint (`ckan.csrf_protection.ignore_extensions`, on by default).
So after CKAN's own check, every state-changing request of a user logged in
by a session cookie is checked again with Flask-WTF's `protect()`, which
applies no exemption; only a request authenticated by a valid API token of
the very user it acts as needs no CSRF token (a hostile page cannot set that
header). Anonymous requests carry no one's authority and stay as CKAN
decides.
"""
from __future__ import annotations

import logging
from typing import Any

from ckan.plugins import toolkit

log = logging.getLogger(__name__)


def install(app: Any) -> None:
    """After CKAN's before_request handlers (IMiddleware runs after
    `csrf.init_app`), so after CKAN has identified the user."""
    from flask_wtf.csrf import CSRFError

    app.before_request(_require_csrf_token_of_cookie_writes)
    app.register_error_handler(CSRFError, _refused)


def _require_csrf_token_of_cookie_writes() -> None:
    import flask

    app = flask.current_app
    if not app.config.get("WTF_CSRF_ENABLED") or flask.request.method not in app.config["WTF_CSRF_METHODS"]:
        return
    if flask.g.get("csrf_valid") or not toolkit.current_user.is_authenticated or _sent_by_api_token():
        return
    app.extensions["csrf"].protect()  # raises CSRFError


def _sent_by_api_token() -> bool:
    """The request is authenticated by the API token in its header, as the
    user it acts as (CKAN 2.11 lets a session cookie win over the token)."""
    from ckan.lib import api_token

    token = toolkit.request.headers.get(toolkit.config.get("apitoken_header_name"))
    if not token:
        return False
    owner = api_token.get_user_from_token(str(token), update_access_time=False)
    return owner is not None and owner.id == toolkit.current_user.id


def _refused(error: Exception) -> Any:
    """CKAN's own refusal and ours: Flask-WTF's English reason is logged; the
    visitor gets a 400 in their language (a page, or the API's error)."""
    import flask
    from werkzeug.exceptions import BadRequest

    log.info("CSRF check failed on %s %s: %s", flask.request.method, flask.request.path, error)
    message = toolkit._(
        "The request was refused: its security token is missing or has expired,"
        " so it may not come from this portal's page. Reload the page and try again."
    )
    if flask.request.blueprint == "api":
        body = {"success": False, "error": {"__type": "Bad request", "message": message}}
        return flask.jsonify(body), 400
    return flask.current_app.handle_http_exception(BadRequest(description=message))
