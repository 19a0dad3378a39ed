"""How the middleware refuses a request: the action API's 409 naming each
parameter (the shape of CKAN's own validation errors), a page's 400."""
from __future__ import annotations

import json
from typing import Any

from ckan.plugins import toolkit


def refusal(errors: dict[str, Any], api: bool) -> Any:
    """None without errors; else the action API's 409 naming each
    parameter, or a page's 400 naming the first."""
    import flask

    if not errors:
        return None
    if not api:
        name, problems = next(iter(errors.items()))
        return toolkit.abort(400, f"{name}: {_first_message(problems)}")
    body = {"success": False, "error": {"__type": "Validation Error", **errors}}
    return flask.Response(json.dumps(body), status=409, content_type="application/json;charset=utf-8")


def _first_message(errors: Any) -> str:
    if isinstance(errors, str):
        return errors
    values = errors.values() if isinstance(errors, dict) else errors
    return next((message for value in values if (message := _first_message(value))), "")
