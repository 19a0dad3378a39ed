"""Background jobs (CKAN's RQ queue on the stack's Redis, run by `ckan jobs
worker`): the kept DCAT fragments and quality scores rebuilt after a
change, debounced.

A job is asked for at most once per debounce window per subject: a burst of
saves of one dataset, or of an organisation, gives one rebuild. Nothing
depends on a job having run for correctness: /datasets/dcat rebuilds a
stale member's fragment itself (dcat/kept.py); the jobs keep that rare.
"""
from __future__ import annotations

import logging

from ckan.lib import redis as ckan_redis
from ckan.plugins import toolkit

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 30
_KEY = "gbgopendata:job:"


def _first_in_window(subject: str) -> bool:
    """True once per window for `subject` (a Redis SET NX with expiry,
    shared by every worker and machine)."""
    try:
        return bool(ckan_redis.connect_to_redis().set(_KEY + subject, "1", nx=True, ex=DEBOUNCE_SECONDS))
    except Exception:  # noqa: BLE001 (Redis down: the read path still rebuilds)
        log.warning("cannot reach Redis to debounce %s; asking for the job anyway", subject)
        return True


def _release(subject: str) -> None:
    try:
        ckan_redis.connect_to_redis().delete(_KEY + subject)
    except Exception:  # noqa: BLE001
        pass


def _enqueue(subject: str, function, args: list, title: str, timeout: int | None = None) -> None:
    if not _first_in_window(subject):
        return
    try:
        toolkit.enqueue_job(function, args, title=title, rq_kwargs={"timeout": timeout} if timeout else None)
    except Exception:  # noqa: BLE001 (a save never fails for want of a job)
        _release(subject)
        log.exception("cannot enqueue %s", title)


def enqueue_dataset(package_id: str) -> None:
    _enqueue("dataset:" + package_id, rebuild_dataset, [package_id], f"gbgopendata: DCAT fragment of {package_id}")


def enqueue_organization(organization_id: str) -> None:
    _enqueue("organization:" + organization_id, rebuild_organization, [organization_id],
             f"gbgopendata: DCAT fragments of organisation {organization_id}")


def enqueue_catalogue_refresh() -> None:
    # the whole catalogue may be outdated (a new profile version)
    _enqueue("catalogue", refresh_catalogue, [], "gbgopendata: outdated DCAT fragments", timeout=3600)


# --- the jobs (run by the worker) -----------------------------------------------------------


def rebuild_dataset(package_id: str) -> None:
    from ckanext.gbgopendata.dcat import kept
    from ckanext.gbgopendata.quality import kept as quality, links

    _release("dataset:" + package_id)  # a save after this point asks again
    # the fragment and the quality score from one graph; then its links checked
    rebuilder = quality.Rebuilder()
    kept.rebuild([package_id], derived=rebuilder)
    links.request_checks(sorted(rebuilder.urls))


def rebuild_organization(organization_id: str) -> None:
    from ckanext.gbgopendata.dcat import kept
    from ckanext.gbgopendata.quality import kept as quality

    _release("organization:" + organization_id)
    rebuilder = quality.Rebuilder()
    kept.rebuild(kept.fragments_of_organization(organization_id), derived=rebuilder)
    # the organisation's datasets the open catalogue does not show are scored too
    quality.rebuild(sorted(set(quality.datasets_of_organization(organization_id)) - set(rebuilder.built)))


def refresh_catalogue() -> None:
    from ckanext.gbgopendata.dcat import kept
    from ckanext.gbgopendata.quality import kept as quality

    _release("catalogue")
    rebuilder = quality.Rebuilder()
    built = kept.refresh_outdated(derived=rebuilder)
    log.info("rebuilt %s outdated DCAT fragments", built)
    rescored = quality.rebuild(quality.stale())
    log.info("rebuilt %s more quality scores", rescored)


def enqueue_quality_refresh() -> None:
    _enqueue("quality", refresh_quality, [], "gbgopendata: stale quality scores", timeout=3600)


def refresh_quality() -> None:
    """Every stale quality score rebuilt (those a summary left)."""
    from ckanext.gbgopendata.quality import kept as quality

    _release("quality")
    log.info("rebuilt %s stale quality scores", quality.rebuild(quality.stale()))


def check_links(urls: list[str]) -> None:
    """Link checks (quality/links.py, enqueued by `links.request_checks`),
    each result stored; then the datasets naming these URLs are rescored."""
    from ckanext.gbgopendata.quality import kept, links

    checked = links.check_and_store(urls)
    log.info("checked %s links: %s ok", len(checked), sum(1 for result in checked if result.ok))
    kept.rescore_urls([result.url for result in checked])
