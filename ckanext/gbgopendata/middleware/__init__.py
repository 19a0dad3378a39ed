"""What every request needs around CKAN's own handling (IMiddleware), one
job per module, wired by `install` in the order they run:

- `csrf` (../csrf.py): CSRF that holds for session-cookie writes;
- `session_cleanup`: a failed request's database session is removed;
- `unstorable_input`: a NUL or an unpaired surrogate anywhere in a request
  is refused before CKAN reads it;
- `action_guard`: the request guard (logic/request_guard.py) on the action
  API and on the pages that hand query parameters to actions;
- `existence.refuse_unknown_page` (logic/existence.py): a page naming what
  the caller may not know of, or a dataset of a type without pages, is 404;
- `api_language`: the action API's language from `?lang=`/`Accept-Language`;
- `error_pages`: action errors a view lets through are 403/404/400, a
  database error the portal's 500 page in the visitor's language;
- `charset`: every text response says `charset=utf-8`.

Only `existence` reads the database, and only for a page that names an
object (tests/test_middleware_cost.py counts it).
"""
from __future__ import annotations

from typing import Any

from ckanext.gbgopendata import csrf
from ckanext.gbgopendata.logic import existence
from ckanext.gbgopendata.middleware import (
    action_guard,
    api_language,
    charset,
    error_pages,
    session_cleanup,
    unstorable_input,
)


def install(app: Any) -> Any:
    csrf.install(app)
    app.teardown_request(session_cleanup.remove_failed_session)
    app.before_request(unstorable_input.refuse_what_cannot_be_stored)
    app.before_request(action_guard.guard_the_action_api)
    app.before_request(action_guard.guard_the_pages_that_call_actions)
    app.before_request(existence.refuse_unknown_page)
    api_language.install(app)
    error_pages.install(app)
    app.after_request(charset.declare_utf8)
    return app
