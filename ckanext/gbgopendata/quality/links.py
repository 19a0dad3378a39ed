"""Link checks of distributions' accessURL and downloadURL, run as
background jobs; each result stored with its time and status.

- `check(url)`: one check over HTTP (HEAD, GET where HEAD is refused or for
  an OGC service; redirects followed by hand, at most 5). Safe by
  construction: only http and https, and no request to a loopback, private,
  link-local, multicast or reserved address (checked on the name's
  addresses before connecting and on the socket's peer after, on every
  redirect) unless the host is the portal's own or allowed by
  `ckanext.gbgopendata.link_check_allowed_hosts`. Never through a proxy of
  the environment (the peer check would then see the proxy).
- `check_and_store(urls)`: the checks of a job, a few at a time, with a
  per-host rate limit shared by every worker (a Redis key per host), each
  result stored in `gbgopendata_link_check`.
- `request_checks(urls)`: background jobs asked for (never a check in the
  caller's request); `results`, `stale`, `all_urls`, `unchecked`.
"""
from __future__ import annotations

import datetime
import ipaddress
import logging
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence

import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter
from sqlalchemy.dialects.postgresql import insert
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ckanext.gbgopendata import settings
from ckanext.gbgopendata.quality.scoring import LinkCheck

log = logging.getLogger(__name__)

OUTCOMES = ("ok", "http_error", "timeout", "refused", "dns", "not_allowed", "invalid", "error")
MAX_REDIRECTS = 5
# HEAD answered with one of these: the server does not take HEAD; ask with GET.
HEAD_REFUSED = frozenset({400, 403, 405, 501})
OGC_SERVICES = frozenset({"wms", "wfs", "wcs", "wmts"})
# A GET reads at most this much of the body (enough to know it answers).
GET_BYTES = 4096
# The checks one job asks for (a cron of every URL gives many small jobs).
BATCH = 50
# A URL asked for and not yet checked is not asked for again before this.
REQUEST_WINDOW = datetime.timedelta(minutes=10)
JOB = "ckanext.gbgopendata.jobs.check_links"  # by name: jobs imports this module
_HOST_KEY = "gbgopendata:link-host:"


class NotAllowed(Exception):
    """The address is one the checker never asks (not an OSError, so
    urllib3 does not retry it)."""


@dataclass(frozen=True)
class Probe:
    """What one check found (a `LinkCheck` and how it was reached)."""

    result: LinkCheck
    method: str | None = None
    final_url: str | None = None
    elapsed_ms: int | None = None
    error: str | None = None


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# --- which addresses may be asked -------------------------------------------------------------


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _allowed_hosts() -> set[tuple[str, int | None]]:
    """(host, port) pairs asked whatever their address: the portal's own
    (ckan.site_url) and the configured ones (port None: any port)."""
    current = settings.current()
    allowed: set[tuple[str, int | None]] = set()
    site = urllib.parse.urlsplit(current.site_url)
    if site.hostname:
        allowed.add((site.hostname.lower(), site.port or _default_port(site.scheme)))
    for entry in current.link_check_allowed_hosts:
        parsed = urllib.parse.urlsplit("//" + entry)
        if parsed.hostname:
            allowed.add((parsed.hostname.lower(), parsed.port))
    return allowed


def _is_allowed_host(host: str, port: int) -> bool:
    host = host.lower().strip("[]")
    return any(h == host and p in (None, port) for h, p in _allowed_hosts())


def _is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # is_global also leaves out shared (100.64/10) and documentation ranges
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def _refuse_unless_public(address: str, host: str, port: int) -> None:
    if not _is_public_address(address) and not _is_allowed_host(host, port):
        raise NotAllowed(f"{host}:{port} is {address}, not a public address")


class _PeerChecked:
    """A connection refused once connected when its peer is no public
    address (and not an allowed host)."""

    def _new_conn(self):
        sock = super()._new_conn()
        try:
            _refuse_unless_public(sock.getpeername()[0], self.host, self.port)
        except NotAllowed:
            sock.close()
            raise
        return sock


class _GuardedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """Every connection's peer is checked after it connects: a name that
    resolves otherwise the second time (DNS rebinding) is refused too."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy, no .netrc credentials
    adapter = _GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": user_agent(), "Accept": "*/*"})
    return session


def user_agent() -> str:
    site = settings.current().site_url.rstrip("/") or "http://localhost"
    # ASCII: a header value is Latin-1 on the wire
    return f"Goteborgs Stads dataportal lankkontroll (+{site})"


# --- one check ------------------------------------------------------------------------------


def _is_ogc(url: str) -> bool:
    query = {key.lower(): value for key, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)}
    return query.get("service", "").lower() in OGC_SERVICES or query.get("request", "").lower() == "getcapabilities"


def _target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL the checker may ask; raises ValueError
    for one it cannot (not http/https, no host)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url[:200]}")
    return scheme, parts.hostname, parts.port or _default_port(scheme)


def _resolve_and_check(host: str, port: int) -> None:
    """Before connecting: every address of the name must be public (or the
    host allowed). socket.gaierror for a name that does not resolve."""
    if _is_allowed_host(host, port):
        return
    for *_ignored, sockaddr in socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM):
        _refuse_unless_public(sockaddr[0], host, port)


def _wait_for_host(host: str, port: int) -> float:
    """At most one request per host every `link_check_host_interval`
    seconds, across every worker (Redis SET NX PX); the seconds waited."""
    interval_ms = int(settings.current().link_check_host_interval * 1000)
    if interval_ms <= 0:
        return 0.0
    started = time.monotonic()
    try:
        from ckan.lib import redis as ckan_redis

        connection = ckan_redis.connect_to_redis()
        key = f"{_HOST_KEY}{host.lower()}:{port}"
        while not connection.set(key, "1", nx=True, px=interval_ms):
            remaining = connection.pttl(key)
            time.sleep(max(remaining, 10) / 1000 if remaining and remaining > 0 else 0.01)
    except Exception:  # noqa: BLE001 (Redis down: check without the shared limit)
        log.warning("cannot reach Redis for the rate limit of %s", host)
    return time.monotonic() - started


def _request(session: requests.Session, method: str, url: str, timeout: float, waited: list[float]) -> requests.Response:
    scheme, host, port = _target(url)
    _resolve_and_check(host, port)
    waited[0] += _wait_for_host(host, port)
    response = session.request(method, url, allow_redirects=False, timeout=timeout, stream=True)
    if method == "GET":
        # a few KB are enough to know it answers; the rest is never read
        for _chunk in response.iter_content(GET_BYTES):
            break
    response.close()
    return response


def _follow(session: requests.Session, method: str, url: str, timeout: float,
            waited: list[float]) -> tuple[requests.Response, str]:
    """The response at the end of the redirects (each target checked as the
    first URL is); raises requests.TooManyRedirects after MAX_REDIRECTS."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        response = _request(session, method, current, timeout, waited)
        location = response.headers.get("Location")
        if not (response.is_redirect and location):
            return response, current
        current = urllib.parse.urljoin(current, location)
    raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


def _elapsed_ms(started: float, waited: list[float]) -> int:
    # the time the servers took, not the rate limit's waits
    return max(0, int((time.monotonic() - started - waited[0]) * 1000))


def _failure(url: str, outcome: str, error: str, method: str | None, started: float, waited: list[float]) -> Probe:
    return Probe(
        LinkCheck(url, ok=False, status=None, outcome=outcome, checked_at=_now()),
        method=method, elapsed_ms=_elapsed_ms(started, waited), error=error[:500],
    )


def _connection_outcome(error: BaseException) -> str:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, NotAllowed):
            return "not_allowed"
        if isinstance(error, socket.gaierror) or type(error).__name__ == "NameResolutionError":
            return "dns"
        if isinstance(error, ConnectionRefusedError):
            return "refused"
        if isinstance(error, (socket.timeout, TimeoutError)) or "ConnectTimeout" in type(error).__name__:
            return "timeout"
        nested = getattr(error, "reason", None) or (error.args[0] if error.args and isinstance(error.args[0], BaseException) else None)
        error = nested or error.__cause__ or error.__context__
    return "error"


def probe(url: str, session: requests.Session | None = None) -> Probe:
    """One check of `url`, with how it was reached."""
    started, waited = time.monotonic(), [0.0]
    timeout = settings.current().link_check_timeout
    session = session or _session()
    method = "GET" if _is_ogc(url) else "HEAD"
    try:
        _target(url)
        response, final = _follow(session, method, url, timeout, waited)
        if method == "HEAD" and response.status_code in HEAD_REFUSED:
            method = "GET"
            response, final = _follow(session, method, url, timeout, waited)
    except ValueError as error:
        return _failure(url, "invalid", str(error), None, started, waited)
    except NotAllowed as error:
        return _failure(url, "not_allowed", str(error), method, started, waited)
    except socket.gaierror as error:
        return _failure(url, "dns", str(error), method, started, waited)
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectTimeout) as error:
        return _failure(url, "timeout", str(error), method, started, waited)
    except requests.TooManyRedirects as error:
        return _failure(url, "error", str(error), method, started, waited)
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
            UnicodeError) as error:
        return _failure(url, "invalid", str(error), method, started, waited)
    except requests.exceptions.ConnectionError as error:
        return _failure(url, _connection_outcome(error), str(error), method, started, waited)
    except Exception as error:  # noqa: BLE001 (a broken server never stops the job)
        return _failure(url, "error", f"{type(error).__name__}: {error}", method, started, waited)
    status = response.status_code
    ok = 200 <= status < 400
    return Probe(
        LinkCheck(url, ok=ok, status=status, outcome="ok" if ok else "http_error", checked_at=_now()),
        method=method, final_url=final, elapsed_ms=_elapsed_ms(started, waited),
    )


def check(url: str) -> LinkCheck:
    """One HTTP check of `url` (not stored)."""
    return probe(url).result


# --- stored results -------------------------------------------------------------------------


def _table():
    from ckanext.gbgopendata import model as gbg_model

    return gbg_model.link_check


def _engine():
    from ckan import model

    return model.meta.engine


def _host(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _clean(urls: Iterable[str]) -> list[str]:
    return sorted({url.strip() for url in urls if isinstance(url, str) and url.strip()})


def store(probes: Sequence[Probe]) -> None:
    """Each result upserted by URL (its time, status, outcome, method, final URL, elapsed ms)."""
    if not probes:
        return
    table = _table()
    rows = [
        {
            "url": p.result.url, "host": _host(p.result.url), "ok": p.result.ok, "status": p.result.status,
            "outcome": p.result.outcome, "method": p.method, "final_url": p.final_url, "error": p.error,
            "elapsed_ms": p.elapsed_ms, "checked_at": p.result.checked_at,
        }
        for p in probes
    ]
    statement = insert(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["url"],
        set_={key: statement.excluded[key] for key in rows[0] if key != "url"},
    )
    with _engine().begin() as connection:
        connection.execute(statement)


# How long a job waits for the portal's own web server (started beside the
# jobs worker, and perhaps after it) before checking the files it hosts.
OWN_PORTAL_WAIT_SECONDS = 60


def _wait_for_own_portal(urls: Sequence[str]) -> None:
    site = urllib.parse.urlsplit(settings.current().site_url)
    if not site.hostname:
        return
    own = (site.hostname.lower(), site.port or _default_port(site.scheme))
    if not any((_host(url), urllib.parse.urlsplit(url).port or _default_port(urllib.parse.urlsplit(url).scheme)) == own
               for url in urls):
        return
    deadline = time.monotonic() + OWN_PORTAL_WAIT_SECONDS
    while True:
        try:
            socket.create_connection(own, timeout=2).close()
            return
        except OSError:
            if time.monotonic() >= deadline:
                return  # checked anyway: refused is what a harvester would see
            time.sleep(1)


def check_and_store(urls: Iterable[str]) -> list[LinkCheck]:
    """The checks of one job: a few at a time (link_check_concurrency), each
    host at its rate, every result stored."""
    urls = _clean(urls)
    if not urls:
        return []
    _wait_for_own_portal(urls)
    current = settings.current()
    # settings.current() in the threads: the same frozen object
    with ThreadPoolExecutor(max_workers=max(1, current.link_check_concurrency)) as pool:
        probes = list(pool.map(probe, urls))
    store(probes)
    return [p.result for p in probes]


def results(urls: Iterable[str]) -> dict[str, LinkCheck]:
    """The stored result of each URL (LinkCheck(url, ok=None) when never checked)."""
    urls = _clean(urls)
    found = {url: LinkCheck(url, ok=None) for url in urls}
    if not urls:
        return found
    table = _table()
    with _engine().connect() as connection:
        rows = connection.execute(
            sa.select(table.c.url, table.c.ok, table.c.status, table.c.outcome, table.c.checked_at)
            .where(table.c.url.in_(urls), table.c.checked_at.isnot(None))
        )
        for row in rows:
            found[row.url] = LinkCheck(row.url, ok=row.ok, status=row.status, outcome=row.outcome,
                                       checked_at=row.checked_at)
    return found


def request_checks(urls: Iterable[str], *, only_unchecked: bool = True) -> int:
    """Background checks asked for these URLs (those never checked or whose
    last check failed, or all); returns how many were enqueued. Never checks
    in the caller's request.

    A URL already asked for within REQUEST_WINDOW and not checked since is
    not asked again (one upsert decides, so two saves at once ask once)."""
    urls = _clean(urls)
    if not urls:
        return 0
    table = _table()
    now = _now()
    pending_recently = sa.and_(
        table.c.requested_at.isnot(None),
        table.c.requested_at > now - REQUEST_WINDOW,
        sa.or_(table.c.checked_at.is_(None), table.c.checked_at < table.c.requested_at),
    )
    condition = sa.not_(pending_recently)
    if only_unchecked:
        # a link that failed is asked again after a save: the save may be its
        # fix, or the publication that makes the portal's own file public
        condition = sa.and_(condition, sa.or_(table.c.checked_at.is_(None), table.c.ok.is_(False)))
    statement = insert(table).values([{"url": url, "host": _host(url), "requested_at": now} for url in urls])
    statement = statement.on_conflict_do_update(
        index_elements=["url"], set_={"requested_at": now}, where=condition
    ).returning(table.c.url)
    with _engine().begin() as connection:
        asked = sorted(row.url for row in connection.execute(statement))
    from ckan.plugins import toolkit

    for start in range(0, len(asked), BATCH):
        batch = asked[start:start + BATCH]
        try:
            toolkit.enqueue_job(JOB, [batch], title=f"gbgopendata: link checks ({len(batch)})",
                                rq_kwargs={"timeout": 60 + len(batch) * 30})
        except Exception:  # noqa: BLE001 (a save never fails for want of a job)
            log.exception("cannot enqueue link checks")
            with _engine().begin() as connection:
                connection.execute(table.update().where(table.c.url.in_(batch)).values(requested_at=None))
            return start
    return len(asked)


def stale(older_than_days: float) -> list[str]:
    """The URLs last checked more than `older_than_days` days ago."""
    table = _table()
    cutoff = _now() - datetime.timedelta(days=older_than_days)
    with _engine().connect() as connection:
        return [row.url for row in connection.execute(
            sa.select(table.c.url).where(table.c.checked_at < cutoff).order_by(table.c.url))]


def unchecked(urls: Iterable[str]) -> list[str]:
    """Those of `urls` never checked."""
    return [url for url, result in results(urls).items() if result.checked_at is None]


def all_urls() -> list[str]:
    """Every accessURL and downloadURL of the active datasets (resource
    `url`, as package_show gives it for an upload, and `download_url`)."""
    from ckan import model
    from ckan.lib import munge

    site = settings.current().site_url.rstrip("/")
    rows = (
        model.Session.query(model.Resource.id, model.Resource.url, model.Resource.url_type, model.Resource.extras,
                            model.Package.id, model.Package.type)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Package.state == "active", model.Resource.state == "active")
    )
    urls: set[str] = set()
    for resource_id, url, url_type, extras, package_id, package_type in rows:
        if url and url_type == "upload":
            name = munge.munge_filename(url.rsplit("/")[-1])
            url = f"{site}/{package_type or 'dataset'}/{package_id}/resource/{resource_id}/download/{name}"
        for value in (url, (extras or {}).get("download_url")):
            if isinstance(value, str) and value.strip():
                urls.add(value.strip())
    return sorted(urls)
