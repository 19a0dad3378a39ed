"""Each dataset's metadata quality, kept beside its DCAT fragment.

INTERFACE (skeleton; the implementation fills it in). Output shape of
`show` (= gbg_quality_show), texts in the request's language:

    {"package_id", "built_at", "current": bool,
     "variants": {"eu"|"se": {"total", "maximum", "rating", "rating_label",
                              "dimensions": [{"key", "label", "points", "maximum"}],
                              "indicators": [{"key", "label", "dimension", "points", "maximum",
                                              "state", "field", "distribution"}]}},
     "improvements": [{"key", "label", "advice", "gain": {"eu": n, "se": n}, "field", "distribution"}],
     "links": [{"url", "ok", "status", "outcome", "checked_at"}],
     "compliance": {"checked": bool, "violations": [str]}}
"""
from __future__ import annotations

from typing import Any, Iterable


def rebuild(package_ids: Iterable[str]) -> int:
    """Scores (both variants) of these datasets rebuilt and stored."""
    raise NotImplementedError


def rescore_urls(urls: Iterable[str]) -> int:
    """After link checks: the datasets naming one of these URLs rescored."""
    raise NotImplementedError


def show(package_id: str) -> dict[str, Any]:
    """The dataset's current quality (rebuilt first when stale)."""
    raise NotImplementedError


def preview(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The quality a dataset would have as given (package_update's input
    shape, not saved): the form's live score. Same shape as `show`."""
    raise NotImplementedError


def summary(organization_id: str | None = None, scope: str = "open") -> dict[str, Any]:
    """The catalogue's (or one organisation's) figures."""
    raise NotImplementedError
