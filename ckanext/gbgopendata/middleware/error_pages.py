"""Errors a view lets through, answered as pages (Flask error handlers).

- A page whose view lets an action's NotAuthorized, NotFound or
  ValidationError through (CKAN's /dataset/changes_multiple for anonymous
  visitors), or a search the index cannot run (Solr's syntax error), answers
  403/404/400, not 500.
- A database error: CKAN's own error page is rendered inside the failed
  transaction, so it failed too and reached the development server's
  debugger. The transaction is rolled back first, then the error is
  answered as CKAN answers an HTTP 500 (the portal's error page in the
  visitor's language, templates/error_document_template.html). CKAN's
  handler of every other error stays as it is.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from ckan import model
from ckan.lib.search import SearchError
from ckan.plugins import toolkit
from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)

ACTION_ERRORS = (
    (toolkit.NotAuthorized, 403, "Not authorised to see this page"),
    (toolkit.ObjectNotFound, 404, "Not found"),
    (toolkit.ValidationError, 400, "The request is missing a parameter or has a wrong one"),
    (SearchError, 400, "The request is missing a parameter or has a wrong one"),
)


def install(app: Any) -> None:
    for error, code, message in ACTION_ERRORS:
        app.register_error_handler(error, _answered_as(app, code, message))
    app.register_error_handler(sa_exc.SQLAlchemyError, _database_error_page)


def _answered_as(app: Any, code: int, message: str) -> Callable:
    """An action error a view let through, answered as CKAN answers the
    HTTP error `code` (its error page, in the visitor's language)."""
    from werkzeug.exceptions import default_exceptions

    def handler(error: Exception) -> Any:
        return app.handle_http_exception(default_exceptions[code](description=toolkit._(message)))

    return handler


def _database_error_page(error: Exception) -> Any:
    """With `debug` on or in tests, the error is raised as CKAN does."""
    import flask
    from werkzeug.exceptions import InternalServerError

    app = flask.current_app
    if app.debug or app.testing:
        raise error
    log.error("Database error on %s", flask.request.path, exc_info=error)
    model.Session.remove()
    return app.handle_http_exception(InternalServerError())
