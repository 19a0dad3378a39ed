"""The request guard (logic/request_guard.py) where requests reach actions:
every action API request is checked against its action's declaration
before CKAN's view runs (an undeclared action is not offered, an
undeclared, repeated or wrongly typed parameter is a 409 naming it); the
pages that hand query parameters to actions unchecked (the DCAT pages, the
autocompletes under /api/2/util, the feeds, the login's came_from) are
checked the same way and answer 400, an unknown DCAT format 404. No
database: the guard reads no user and no stored object."""
from __future__ import annotations

import json
from typing import Any

from ckan.plugins import toolkit

from ckanext.gbgopendata.logic import request_guard
from ckanext.gbgopendata.middleware.refusal import refusal


def guard_the_action_api() -> Any:
    """The action's declaration decides, on exactly the parameters CKAN's
    view will hand the action (its `_get_request_data`, a CKAN internal:
    docs/architecture.md)."""
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
    return refusal(request_guard.refused(name, data, repeated), api=True)


def guard_the_pages_that_call_actions() -> Any:
    import flask

    request = flask.request
    kinds = request_guard.page_parameters(request.endpoint)
    if kinds is None:
        return None
    if not request_guard.known_format(request.endpoint, (request.view_args or {}).get("_format")):
        return toolkit.abort(404, toolkit._("Not found"))
    given = {name: request.args.get(name) for name in kinds if name in request.args}
    return refusal(request_guard.problems(kinds, given), api=False)
