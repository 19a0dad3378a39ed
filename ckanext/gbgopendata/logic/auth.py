"""Auth functions of the extension (IAuthFunctions), chained onto CKAN's."""
from __future__ import annotations

from typing import Callable


def get_auth_functions() -> dict[str, Callable]:
    return {}
