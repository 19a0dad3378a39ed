"""Link checks of distributions' accessURL and downloadURL, run as
background jobs; each result stored with its time and status.

INTERFACE (skeleton; the implementation fills it in).
"""
from __future__ import annotations

from typing import Iterable

from ckanext.gbgopendata.quality.scoring import LinkCheck


def results(urls: Iterable[str]) -> dict[str, LinkCheck]:
    """The stored result of each URL (LinkCheck(url, ok=None) when never checked)."""
    raise NotImplementedError


def request_checks(urls: Iterable[str], *, only_unchecked: bool = True) -> int:
    """Background checks asked for these URLs (those never checked, or all);
    returns how many were enqueued. Never checks in the caller's request."""
    raise NotImplementedError
