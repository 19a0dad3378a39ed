"""The open catalogue kept, not computed: each dataset's DCAT-AP-SE fragment
is built when the dataset changes and stored in PostgreSQL, where every
worker on every machine reads the same bytes; /datasets/dcat streams the
stored fragments.

- **Built from the one assessment.** A fragment is the profile's output for
  the dataset as the open catalogue shows it, with the rule's standing
  (`meets_rule`) from the same assessment the save and the permission
  labels use.
- **Membership is decided at read time**, from the database, in the
  snapshot the document is read in: active, public, of a type under the
  rule, at confidentiality level 0 and meeting the rule. A fragment never
  decides that its dataset is public.
- **Never stale.** A fragment records the dataset's `metadata_modified` it
  was built from; before a document is read, every member whose fragment is
  missing or older than the dataset is rebuilt (a background job has
  usually done so already). A fragment records the stamp of the profile
  and settings it was built with; fragments with another stamp (a new
  profile version, a changed licence setting) are served while a
  background job rebuilds them, and only while their dataset is a member.
- **Shared nodes once.** What datasets share (publishers, creators, contact
  points, licence documents, places) is stored once per distinct
  description (its key is the digest of its triples) and written once per
  document.
"""
from __future__ import annotations

import datetime
import hashlib
import heapq
import itertools
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol, Sequence

import sqlalchemy as sa
from rdflib import Graph
from rdflib.plugins.serializers.nt import _nt_row  # rdflib's N-Triples line (tests/test_dcat_kept.py)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import dataset_types, settings
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.classification import OPEN_CONFIDENTIALITY_LEVEL
from ckanext.gbgopendata.dcat import catalogue, services
from ckanext.gbgopendata.dcat.agents import legal_entities

log = logging.getLogger(__name__)

# Raise when the profile's output changes: every fragment is rebuilt (in the
# background; the old ones are served until then).
PROFILE_VERSION = "2026-12-07.1"
FORMATS = ("xml", "ttl", "jsonld")
# Stale members rebuilt within a request before the document is read; more
# than this (a bulk change no job has caught up with) are left to a job.
INLINE_REBUILD_LIMIT = 200
FETCH_SIZE = 500  # fragments per round trip while streaming (about 4 MB)

fragment_table = gbg_model.dcat_fragment
node_table = gbg_model.dcat_node
document_table = gbg_model.dcat_document


# --- what a fragment is built with ---------------------------------------------------------


def stamp() -> str:
    """The profile version and every setting the fragments depend on."""
    current = settings.current()
    parts = (
        PROFILE_VERSION,
        toolkit.config.get("ckan.site_url") or "",
        toolkit.config.get("ckanext.dcat.base_uri") or "",
        current.dcat_format_style,
        repr(current.open_licenses),
        current.default_license,
        repr(sorted(legal_entities().items())),
    )
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def header_stamp() -> str:
    """What the document's own description (dcat:Catalog) depends on."""
    return hashlib.sha1(repr((stamp(), settings.current().catalogue)).encode("utf-8")).hexdigest()


# --- building ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    key: str
    subject: str
    ntriples: str  # its triples, canonical (sorted N-Triples lines)
    texts: dict[str, str]  # format -> serialised triples


@dataclass(frozen=True)
class Fragment:
    package_id: str
    source_modified: datetime.datetime | None
    meets_rule: bool
    uri: str
    texts: dict[str, str]
    nodes: tuple[Node, ...]
    # What it links to (services.link_key): the links are written when the
    # document is read, between its members, and a changed one changes the digest.
    links: str = ""

    @property
    def digest(self) -> str:
        parts = [self.uri, *(self.texts[fmt] for fmt in FORMATS), *(node.key for node in self.nodes)]
        if self.links:
            parts.append("links:" + self.links)
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _writers() -> dict[str, Any]:
    return {fmt: catalogue.WRITERS[fmt]() for fmt in FORMATS}


def nodes_of(triples: Iterable[tuple], writers: dict[str, Any]) -> list[Node]:
    """Shared triples as nodes, one per subject, keyed by their content."""
    nodes = []
    for subject_triples in catalogue.by_subject(triples).values():
        canonical = "".join(sorted(_nt_row(triple) for triple in subject_triples))
        key = hashlib.sha1(canonical.encode("utf-8")).hexdigest()
        texts = {fmt: writers[fmt].fragment(subject_triples) for fmt in FORMATS}
        nodes.append(Node(key, str(subject_triples[0][0]), canonical, texts))
    return sorted(nodes, key=lambda node: node.key)


def as_timestamp(value: Any) -> datetime.datetime | None:
    """A stored time (package_show gives ISO text), or None."""
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def dataset_graph(dataset_dict: dict[str, Any], assembler: catalogue.Assembler | None = None) -> tuple[Any, Graph]:
    """(ref, graph) of a dataset (package_show's output) as the open
    catalogue shows it (no internal field), whatever its privacy: the one
    graph its fragment and its quality score are built from."""
    from ckanext.gbgopendata.logic import visibility

    return (assembler or catalogue.Assembler()).dataset_graph(visibility.strip_internal_fields(dataset_dict))


def build(
    dataset_dict: dict[str, Any],
    assembler: catalogue.Assembler | None = None,
    graph: tuple[Any, Graph] | None = None,
) -> Fragment:
    """The fragment of a dataset (package_show's output): the rule's standing
    from the whole dataset, the triples from what the open catalogue shows
    of it (no internal field; `graph`, when given, is `dataset_graph`'s)."""
    from ckanext.gbgopendata.logic import facts

    writers = _writers()
    ref, graph = graph or dataset_graph(dataset_dict, assembler)
    own, shared = catalogue.split(ref, graph)
    return Fragment(
        package_id=dataset_dict["id"],
        source_modified=as_timestamp(dataset_dict.get("metadata_modified")),
        meets_rule=not facts.standing(dataset_dict),
        uri=str(ref),
        texts={fmt: writers[fmt].fragment(own) for fmt in FORMATS},
        nodes=tuple(nodes_of(shared, writers)),
        links=services.link_key(dataset_dict),
    )


def _stored(package_id: str) -> dict[str, Any] | None:
    """package_show's output as CKAN's own internal reads get it (the
    internal fields included: the rule reads them)."""
    try:
        return toolkit.get_action("package_show")({"user": "", "ignore_auth": True}, {"id": package_id})
    except toolkit.ObjectNotFound:
        return None


_STORE_NODE = insert(node_table).on_conflict_do_nothing(index_elements=["key"])
_FRAGMENT_INSERT = insert(fragment_table)
_STORE_FRAGMENT = _FRAGMENT_INSERT.on_conflict_do_update(
    index_elements=["package_id"],
    set_={column.name: _FRAGMENT_INSERT.excluded[column.name] for column in fragment_table.c if column.name != "package_id"},
)


def store(fragments: Sequence[Fragment], built_stamp: str) -> None:
    """Writes fragments and their nodes in the current transaction (one
    statement each for all nodes and all fragments)."""
    if not fragments:
        return
    nodes = {node.key: node for fragment in fragments for node in fragment.nodes}
    if nodes:
        model.Session.execute(_STORE_NODE, [
            {"key": node.key, "subject": node.subject, "ntriples": node.ntriples, **node.texts}
            for node in sorted(nodes.values(), key=lambda node: node.key)
        ])
    now = gbg_model._now()
    model.Session.execute(_STORE_FRAGMENT, [
        {
            "package_id": fragment.package_id,
            "source_modified": fragment.source_modified,
            "stamp": built_stamp,
            "meets_rule": fragment.meets_rule,
            "uri": fragment.uri,
            "digest": fragment.digest,
            "nodes": [node.key for node in fragment.nodes],
            **fragment.texts,
            "built_at": now,
        }
        for fragment in fragments
    ])


class Derived(Protocol):
    """What else is built from a dataset's graph while its fragment is (the
    quality score, quality/kept.py): `add` per dataset, `store` in the
    fragments' transaction."""

    def add(self, dataset_dict: dict[str, Any], ref: Any, graph: Graph) -> None: ...

    def store(self) -> None: ...


def rebuild(package_ids: Iterable[str], progress: Any = None, derived: Derived | None = None) -> int:
    """Rebuilds and commits the fragments of these datasets (those that
    still exist), a hundred a transaction; returns how many were built.
    `derived` is built from each dataset's same graph."""
    assembler = catalogue.Assembler()
    built_stamp = stamp()
    built = 0
    batch: list[Fragment] = []

    def flush() -> None:
        store(batch, built_stamp)
        if derived is not None:
            derived.store()
        model.Session.commit()

    for package_id in package_ids:
        dataset_dict = _stored(package_id)
        if dataset_dict is not None:
            graph = dataset_graph(dataset_dict, assembler)
            batch.append(build(dataset_dict, assembler, graph))
            if derived is not None:
                derived.add(dataset_dict, *graph)
        if len(batch) >= 100:
            flush()
            built += len(batch)
            batch = []
        if progress is not None:
            progress.update(1)
    flush()
    return built + len(batch)


# --- membership ----------------------------------------------------------------------------


def _confidentiality_open(package: sa.Table) -> Any:
    """The stored confidentiality is level 0. CKAN 2.12 keeps extras in a
    JSONB column of package; 2.11 in package_extra rows."""
    if "extras" in package.c:
        return package.c.extras["confidentiality_level"].astext == OPEN_CONFIDENTIALITY_LEVEL
    extra = model.package_extra_table
    clauses = [extra.c.package_id == package.c.id, extra.c.key == "confidentiality_level",
               extra.c.value == OPEN_CONFIDENTIALITY_LEVEL]
    if "state" in extra.c:
        clauses.append(extra.c.state == "active")
    return sa.exists(sa.select(sa.literal(1)).where(*clauses))


def candidates() -> Any:
    """The condition for a dataset that may be in the open catalogue, read
    from the package table itself."""
    package = model.package_table
    return sa.and_(
        package.c.state == "active",
        sa.not_(sa.func.coalesce(package.c.private, False)),
        package.c.type.in_(dataset_types.types_under_the_rule() or ["-"]),
        _confidentiality_open(package),
    )


def _stale() -> Any:
    """A candidate's fragment is missing or older than its dataset (in a
    query over package outer-joined with the fragments)."""
    package = model.package_table
    return sa.or_(
        fragment_table.c.package_id.is_(None),
        fragment_table.c.source_modified.is_distinct_from(package.c.metadata_modified),
    )


def stale_candidates(limit: int | None = None) -> list[str]:
    """Candidates whose fragment is missing or older than the dataset."""
    package = model.package_table
    query = (
        sa.select(package.c.id)
        .select_from(package.outerjoin(fragment_table, fragment_table.c.package_id == package.c.id))
        .where(
            candidates(),
            _stale(),
        )
        .order_by(package.c.metadata_modified.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [row[0] for row in model.Session.execute(query)]


def all_candidates() -> list[str]:
    package = model.package_table
    return [row[0] for row in model.Session.execute(sa.select(package.c.id).where(candidates()).order_by(package.c.name))]


def refresh() -> bool:
    """Members' fragments made current (those missing or older than their
    dataset). True when more were stale than a request rebuilds: a
    background job rebuilds the rest."""
    stale = stale_candidates(limit=INLINE_REBUILD_LIMIT + 1)
    too_many = len(stale) > INLINE_REBUILD_LIMIT
    if too_many:
        log.warning("more than %s datasets changed since their DCAT fragment was built: a job rebuilds the rest",
                    INLINE_REBUILD_LIMIT)
        stale = stale[:INLINE_REBUILD_LIMIT]
    if stale:
        rebuild(stale)
    return too_many


def current_snapshot() -> tuple["Snapshot", bool]:
    """A snapshot of the catalogue whose members' fragments are current
    (rebuilt first if one is stale: usually none is, and the state's one
    query says so), and whether a background rebuild is needed (fragments
    of another stamp, or too many stale ones)."""
    snapshot = Snapshot()
    needs_job = False
    if snapshot.state.stale:
        snapshot.close()
        needs_job = refresh()
        snapshot = Snapshot()
    return snapshot, needs_job or bool(snapshot.state.outdated)


def refresh_outdated(derived: Derived | None = None) -> int:
    """The background job's work: every candidate whose fragment is stale or
    built with another stamp."""
    package = model.package_table
    ids = [row[0] for row in model.Session.execute(
        sa.select(package.c.id)
        .select_from(package.outerjoin(fragment_table, fragment_table.c.package_id == package.c.id))
        .where(candidates(), sa.or_(_stale(), fragment_table.c.stamp != stamp()))
    )]
    return rebuild(ids, derived=derived)


def rebuild_catalogue(progress_factory: Any = None) -> tuple[int, int]:
    """Recreates everything derived: every candidate's fragment, then drops
    fragments of datasets that are no candidates and nodes no fragment
    names. Returns (built, removed fragments)."""
    ids = all_candidates()
    if progress_factory is not None:
        with progress_factory(len(ids)) as progress:
            built = rebuild(ids, progress)
    else:
        built = rebuild(ids)
    package = model.package_table
    removed = model.Session.execute(
        fragment_table.delete().where(
            fragment_table.c.package_id.not_in(sa.select(package.c.id).where(candidates()))
        )
    ).rowcount
    named = sa.select(sa.func.unnest(fragment_table.c.nodes))
    model.Session.execute(node_table.delete().where(node_table.c.key.not_in(named)))
    model.Session.execute(document_table.delete())
    model.Session.commit()
    return built, removed


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What the document in the snapshot is: enough for its validators."""

    count: int
    etag: str  # format-independent
    issued: datetime.datetime | None
    modified: datetime.datetime | None
    stale: int  # candidates whose fragment is missing or older than the dataset
    outdated: int  # members whose fragment another stamp built


def _state(connection: sa.engine.Connection) -> State:
    """One pass over the candidates: the members' digest and dates, and how
    many fragments are stale or outdated."""
    package = model.package_table
    fragment = fragment_table
    rows = (
        sa.select(
            package.c.id, package.c.name, package.c.metadata_created, package.c.metadata_modified,
            fragment.c.digest, sa.func.coalesce(fragment.c.meets_rule, False).label("member"),
            _stale().label("stale"),
            (fragment.c.stamp != stamp()).label("outdated"),
        )
        .select_from(package.outerjoin(fragment, fragment.c.package_id == package.c.id))
        .where(candidates())
        .subquery()
    )
    member = rows.c.member
    row = connection.execute(
        sa.select(
            sa.func.count().filter(member),
            sa.func.md5(sa.func.coalesce(sa.func.string_agg(
                rows.c.id + ":" + rows.c.digest, aggregate_order_by(sa.literal_column("','"), rows.c.name)
            ).filter(member), "")),
            sa.func.min(rows.c.metadata_created).filter(member),
            sa.func.max(rows.c.metadata_modified).filter(member),
            sa.func.count().filter(rows.c.stale),
            sa.func.count().filter(sa.and_(member, rows.c.outdated)),
        )
    ).one()
    count, digest, issued, modified, stale, outdated = row
    etag = hashlib.sha1(f"{header_stamp()}|{count}|{digest}|{issued}|{modified}".encode()).hexdigest()
    return State(count=count, etag=etag, issued=issued, modified=modified, stale=stale, outdated=outdated)


def last_modified(etag: str) -> datetime.datetime:
    """When the document first became this one (whole seconds, UTC): a new
    validator moves it on, so If-Modified-Since never hides a change."""
    now = gbg_model._now().replace(microsecond=0)
    statement = insert(document_table).values(name="catalogue", etag=etag, since=now)
    with model.meta.engine.begin() as connection:
        since = connection.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"etag": statement.excluded.etag, "since": statement.excluded.since},
                where=document_table.c.etag != statement.excluded.etag,
            ).returning(document_table.c.since)
        ).scalar()
        if since is None:  # unchanged: the row was not updated
            since = connection.execute(
                sa.select(document_table.c.since).where(document_table.c.name == "catalogue")
            ).scalar()
    return since


class Snapshot:
    """One consistent read of the kept catalogue (a REPEATABLE READ
    transaction on a connection of its own): the state its validators come
    from and the document, streamed, are of the same moment."""

    def __init__(self) -> None:
        self.connection = model.meta.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        self.transaction = self.connection.begin()
        try:
            # Every read here covers the whole catalogue: a hash join is the
            # plan (the planner cannot estimate the JSONB confidentiality
            # test and would loop over an index 10,000 times).
            self.connection.execute(sa.text("SET LOCAL enable_nestloop = off"))
            self.state = _state(self.connection)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        try:
            self.transaction.rollback()
        finally:
            self.connection.close()

    def document(self, fmt: str) -> Iterator[bytes]:
        """The document in UTF-8, piece by piece; closes the snapshot at the end."""
        try:
            yield from self._document(fmt)
        finally:
            self.close()

    def _document(self, fmt: str) -> Iterator[bytes]:
        package = model.package_table
        # Sorted with the texts still TOASTed (the sort moves pointers, not
        # 85 MB); a text is read only as it is sent.
        members = (
            sa.select(fragment_table.c.uri, fragment_table.c.nodes, fragment_table.c[fmt].label("text"),
                      package.c.id, package.c.type)
            .select_from(package.join(fragment_table, fragment_table.c.package_id == package.c.id))
            .where(candidates(), fragment_table.c.meets_rule)
            .order_by(package.c.name)
            .subquery()
        )
        query = sa.select(members.c.uri, members.c.nodes, members.c.text, members.c.id, members.c.type)
        result = self.connection.execution_options(stream_results=True, yield_per=FETCH_SIZE).execute(query)

        def named_nodes(keys: list[str]) -> Iterator[tuple[str, str, str]]:
            # by subject, so that the descriptions of one subject come together
            named = sa.bindparam("keys", keys, type_=sa.ARRAY(sa.UnicodeText))
            result = self.connection.execution_options(stream_results=True, yield_per=FETCH_SIZE).execute(
                sa.select(node_table.c.subject, node_table.c.ntriples, node_table.c[fmt])
                .where(node_table.c.key == sa.any_(named))
                .order_by(node_table.c.subject, node_table.c.key)
            )
            for row in result:
                yield tuple(row)

        yield from assemble(fmt, result.partitions(FETCH_SIZE), named_nodes, self.state.issued, self.state.modified,
                            lambda rows: services.members_from_database(self.connection, rows))


def assemble(
    fmt: str,
    batches: Iterable[Iterable[tuple[str, list[str], str]]],
    named_nodes: Any,
    issued: datetime.datetime | None,
    modified: datetime.datetime | None,
    members_of: Any,
) -> Iterator[bytes]:
    """The document in UTF-8 from batches of members (uri, node keys,
    fragment text, package id, type), then the catalogue's description with
    the links between members (`members_of(rows of (id, uri, type))`:
    services.Member), and the nodes the members name (`named_nodes(keys)`:
    (subject, ntriples, text), ordered by subject), each subject once."""
    from rdflib import URIRef
    from rdflib.namespace import DCAT

    writer = catalogue.WRITERS[fmt]()
    separator = writer.SEPARATOR
    node_keys: set[str] = set()
    rows: list[tuple[str, str, str]] = []
    first = True

    def joined(texts: Iterable[str]) -> bytes:
        nonlocal first
        pieces = []
        for text in texts:
            if text:
                if not first:
                    pieces.append(separator)
                pieces.append(text)
                first = False
        return "".join(pieces).encode("utf-8")

    yield writer.header().encode("utf-8")
    for batch in batches:
        texts = []
        for uri, nodes, text, package_id, kind in batch:
            rows.append((package_id, uri, kind))
            node_keys.update(nodes)
            texts.append(text)
        yield joined(texts)
    catalogue_ref, graph = catalogue.Assembler().catalogue_graph({
        "issued": issued.isoformat() if issued else None,
        "modified": modified.isoformat() if modified else None,
    })
    own, shared = catalogue.split(catalogue_ref, graph)
    # the links to the datasets written as triples, past rdflib's graph
    # (10,000 additions to it cost more than writing them)
    own.extend((catalogue_ref, DCAT.dataset, URIRef(uri)) for _, uri, kind in rows if kind != services.SERVICE_TYPE)
    # dcat:service, dcat:servesDataset and dcat:accessService between members only
    own.extend(services.links(catalogue_ref, members_of(rows)))
    yield joined([writer.fragment(own)])
    own_nodes = {}
    for node in nodes_of(shared, _writers()):
        if node.key not in node_keys:
            own_nodes.setdefault(node.subject, []).append((node.subject, node.ntriples, node.texts[fmt]))
    variants = heapq.merge(named_nodes(sorted(node_keys)), sorted(v for vs in own_nodes.values() for v in vs))
    for _, group in itertools.groupby(variants, key=lambda variant: variant[0]):
        group = list(group)
        if len(group) == 1:
            yield joined([group[0][2]])
        else:  # one subject described in several ways: their union
            triples = Graph().parse(data="".join(variant[1] for variant in group), format="nt")
            yield joined([writer.fragment(triples)])
    yield writer.footer().encode("utf-8")


def standalone(fmt: str, datasets: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A document of these datasets built in memory, none kept (for a
    dataset that is no dataset of the portal: tests, validation)."""
    datasets = list(datasets)
    fragments = [build(dataset) for dataset in datasets]
    nodes = {node.key: node for fragment in fragments for node in fragment.nodes}
    members = [(fragment.uri, [node.key for node in fragment.nodes], fragment.texts[fmt], dataset.get("id"),
                dataset.get("type") or dataset_types.DEFAULT_TYPE) for fragment, dataset in zip(fragments, datasets)]
    linked = [services.member_of(dataset, fragment.uri) for fragment, dataset in zip(fragments, datasets)]

    def named_nodes(keys: list[str]) -> list[tuple[str, str, str]]:
        return sorted((nodes[key].subject, nodes[key].ntriples, nodes[key].texts[fmt]) for key in keys)

    yield from assemble(fmt, [members], named_nodes, None, None, lambda rows: linked)


def fragments_of_organization(organization_id: str) -> list[str]:
    package = model.package_table
    return [row[0] for row in model.Session.execute(
        sa.select(package.c.id).where(candidates(), package.c.owner_org == organization_id)
    )]

