"""Link checks of distributions' accessURL and downloadURL, run as
background jobs; each result stored with its time and status.

INTERFACE (skeleton; the implementation fills it in).
"""
from __future__ import annotations

from typing import Iterable

from ckanext.gbgopendata.quality.scoring import LinkCheck


def results(urls: Iterable[str]) -> dict[str, LinkCheck]:
    """The stored result of each URL (LinkCheck(url, ok=None) when never checked)."""
    # provisional: replaced by the links branch
    import sqlalchemy as sa
    from ckan import model

    from ckanext.gbgopendata import model as gbg_model

    urls = sorted(set(urls))
    table = gbg_model.link_check
    found = {row.url: LinkCheck(row.url, row.ok, row.status, row.outcome, row.checked_at)
             for row in model.Session.execute(sa.select(table).where(table.c.url.in_(urls)))} if urls else {}
    return {url: found.get(url, LinkCheck(url, None)) for url in urls}


def request_checks(urls: Iterable[str], *, only_unchecked: bool = True) -> int:
    """Background checks asked for these URLs (those never checked, or all);
    returns how many were enqueued. Never checks in the caller's request."""
    # provisional: replaced by the links branch
    return 0
