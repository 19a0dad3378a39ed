"""Auth functions of the extension (IAuthFunctions), chained onto CKAN's."""
from __future__ import annotations

from typing import Callable

from ckan import model
from ckan.plugins import toolkit


def _signed_in_on_a_dataset(name: str) -> Callable:
    """CKAN's collaborator auth functions assert that the user and the
    dataset exist, so an anonymous request (or an unknown dataset) was an
    AssertionError, HTTP 500; it is refused instead."""

    @toolkit.chained_auth_function
    def auth(up_func, context, data_dict):
        user = model.User.get(context.get("user") or "") if context.get("user") else None
        dataset_id = (data_dict or {}).get("id")
        dataset = model.Package.get(dataset_id) if isinstance(dataset_id, str) and dataset_id else None
        if user is None or dataset is None:
            return {"success": False, "msg": toolkit._("Only a signed-in user may manage a dataset's collaborators")}
        return up_func(context, data_dict)

    auth.__name__ = name
    return auth


def get_auth_functions() -> dict[str, Callable]:
    return {
        name: _signed_in_on_a_dataset(name)
        for name in ("package_collaborator_list", "package_collaborator_create", "package_collaborator_delete")
    }
