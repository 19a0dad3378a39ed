"""Web views that need more than CKAN gives them."""
from __future__ import annotations

import functools
from typing import Any, Callable

from ckan.plugins import toolkit


def handle_publication_errors(app: Any) -> Any:
    """CKAN's organisation bulk page (make public / make private) lets a
    ValidationError from bulk_update_public through as a server error; here
    it becomes a message on the same page, and nothing is published."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.endswith(".bulk_process"):
            app.view_functions[endpoint] = _flashing_validation_errors(view, endpoint)
    return app


def _flashing_validation_errors(view: Callable, endpoint: str) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except toolkit.ValidationError as error:
            for messages in error.error_dict.values():
                for message in messages if isinstance(messages, list) else [messages]:
                    toolkit.h.flash_error(str(message))
            return toolkit.h.redirect_to(endpoint, id=kwargs.get("id"))

    return wrapped
