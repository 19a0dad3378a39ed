"""Template helpers of the extension, registered by the plugin."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as toolkit


def gbgopendata_support_email() -> str:
    return toolkit.config.get("ckanext.gbgopendata.support_email")


def all_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "gbgopendata_support_email": gbgopendata_support_email,
    }
