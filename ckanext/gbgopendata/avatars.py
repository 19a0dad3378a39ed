"""User pictures without a third party (issue 16, item 7).

CKAN shows a user without a picture of their own as their Gravatar: every
page with that user (the header of every logged-in page, profiles) made the
visitor's browser send an MD5 of the user's e-mail address to gravatar.com,
a US service. The city sends its staff's identities nowhere without a
decision: unless `ckanext.gbgopendata.gravatar` is true, such a user gets
CKAN's local placeholder picture. A picture the user uploaded or linked is
their own choice and is shown as CKAN shows it.
"""
from __future__ import annotations

from typing import Any, Callable

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import settings

PLACEHOLDER = "user/snippets/placeholder.html"  # CKAN's own (2.11 and 2.12)


def _gravatar_allowed() -> bool:
    return settings.current().gravatar


def user_image(next_helper: Callable[..., Any], user_id: str, size: int = 100) -> Any:
    """CKAN's `h.user_image`, the placeholder instead of a Gravatar."""
    user = model.User.get(user_id) if user_id else None
    if user is None or user.image_url or _gravatar_allowed():
        return next_helper(user_id, size)
    return toolkit.h.snippet(PLACEHOLDER, size=size, user_name=user.display_name)


def gravatar(next_helper: Callable[..., Any], email_hash: str, size: int = 100, default: str | None = None) -> Any:
    """CKAN's `h.gravatar`, for any template that calls it directly."""
    if _gravatar_allowed():
        return next_helper(email_hash, size, default)
    return toolkit.h.snippet(PLACEHOLDER, size=size, user_name="")
