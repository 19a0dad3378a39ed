"""Bringing a DCAT-AP-SE catalogue in: `ckan gbgopendata import-catalog`
(a one-time move, from EntryScape first) plans and stores what the
`dcat_ap_se` profile parses (dcat/parsing.py).

Each dataset of the document is matched with the one it became here by its
source URI, else its dct:identifier (logic/source_identity.py), so a second
run updates what changed and leaves the rest as it is. The source decides
the fields it describes; the portal keeps what is its own: the address
(name), classification, checklist, whether it is published. A new dataset
arrives private and follows every rule of the portal: package_create and
package_update as the site user, through the schema and the publication
rule, like any other write. Its organisation comes from the publisher's
orgnr, or from the organisation map the person gives.

A field the schema refuses (a licence outside the register, a place that
is not a Geonames URI) is left out rather than the whole dataset, and said
so; what the portal cannot say back is reported from the document itself
(dcat/losses.py).
"""
from __future__ import annotations

import dataclasses
import json
import re
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from ckan.plugins import toolkit

from ckanext.gbgopendata import publishers
from ckanext.gbgopendata.dcat import losses, series, services
from ckanext.gbgopendata.dcat.parsing import Parser
from ckanext.gbgopendata.logic import source_identity

# What the source describes, and so what an import replaces.
DATASET_FIELDS = (
    "uri", "identifier", "title_translated", "notes_translated", "tags_translated", "theme", "language",
    "conforms_to", "documentation", "hvd_category", "applicable_legislation", "access_rights", "frequency",
    "url", "version", "issued", "modified", "provenance", "temporal_start", "temporal_end",
    "spatial_coverage", "contact", "license_id", "in_series",
    "endpoint_url", "endpoint_description", "serves_dataset",  # a data service's
)
RESOURCE_FIELDS = (
    "uri", "url", "download_url", "name_translated", "description_translated", "format", "license",
    "availability", "status", "size", "hash", "conforms_to", "applicable_legislation", "access_service",
)
# Without these the dataset is not stored at all.
ESSENTIAL = {"title_translated", "owner_org", "name", "resources"}

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
# The organisation map's key for what no other key maps (--default-organization).
DEFAULT_ORGANISATION = "*"

# rdflib's parser names by file suffix and media type; RDF/JSON is read here.
RDF_JSON = "rdf-json"
SUFFIXES = {".rdf": "xml", ".xml": "xml", ".owl": "xml", ".ttl": "turtle", ".n3": "n3", ".nt": "nt",
            ".jsonld": "json-ld", ".json-ld": "json-ld", ".rj": RDF_JSON}
MEDIA_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/n-triples": "nt", "application/rdf+json": RDF_JSON, "text/n3": "n3"}


class DocumentError(ValueError):
    """The document cannot be read (the person's input: shown, no traceback)."""


# --- reading the document -------------------------------------------------------------


def _rdf_json(text: str, graph: Graph) -> None:
    """RDF 1.1 JSON Alternate Serialization (RDF/JSON), which rdflib lacks."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise DocumentError(toolkit._("Not RDF/JSON: {error}").format(error=error)) from error
    if not isinstance(document, dict):
        raise DocumentError(toolkit._("Not RDF/JSON: the document is no object of subjects"))

    def term(value: str):
        return BNode(value[2:]) if value.startswith("_:") else URIRef(value)

    for subject, properties in document.items():
        if not isinstance(properties, dict):
            raise DocumentError(toolkit._("Not RDF/JSON: {subject} has no object of properties").format(subject=subject))
        for predicate, objects in properties.items():
            for obj in objects if isinstance(objects, list) else []:
                if not isinstance(obj, dict) or not isinstance(obj.get("value"), str):
                    raise DocumentError(toolkit._("Not RDF/JSON: a value of {predicate} is malformed").format(
                        predicate=predicate))
                if obj.get("type") == "literal":
                    value = Literal(obj["value"], lang=obj.get("lang"),
                                    datatype=URIRef(obj["datatype"]) if obj.get("datatype") else None)
                elif obj.get("type") == "bnode":
                    value = BNode(obj["value"][2:] if obj["value"].startswith("_:") else obj["value"])
                else:
                    value = URIRef(obj["value"])
                graph.add((term(subject), URIRef(predicate), value))


def _looks_like_rdf_json(text: str) -> bool:
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return (isinstance(document, dict) and bool(document) and "@context" not in document
            and "@graph" not in document and all(isinstance(v, dict) for v in document.values()))


def parse_text(text: str, syntax: str | None, name: str = "") -> Graph:
    graph = Graph()
    if syntax is None and _looks_like_rdf_json(text):
        syntax = RDF_JSON
    if syntax is None:
        stripped = text.lstrip()
        syntax = "json-ld" if stripped.startswith(("{", "[")) else "xml" if stripped.startswith("<") else "turtle"
    try:
        if syntax == RDF_JSON:
            _rdf_json(text, graph)
        else:
            graph.parse(data=text, format=syntax)
    except DocumentError:
        raise
    except Exception as error:  # noqa: BLE001 (rdflib's parsers raise many kinds)
        raise DocumentError(toolkit._("{name} is not {syntax}: {error}").format(
            name=name or toolkit._("The document"), syntax=syntax, error=error)) from error
    return graph


def read_document(source: str, syntax: str | None = None) -> Graph:
    """A file or a web address (the person's own: fetched as given)."""
    if re.match(r"^https?://", source):
        request = urllib.request.Request(source, headers={
            "Accept": "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1",
            "User-Agent": "ckanext-gbgopendata import-catalog"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                text = response.read().decode(response.headers.get_content_charset() or "utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DocumentError(toolkit._("Cannot read {source}: {error}").format(source=source, error=error))
        return parse_text(text, syntax or MEDIA_TYPES.get(media_type), source)
    path = Path(source)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(toolkit._("Cannot read {source}: {error}").format(source=source, error=error))
    return parse_text(text, syntax or SUFFIXES.get(path.suffix.lower()), path.name)


# --- the organisation map -------------------------------------------------------------


def organization_map(entries: Iterable[str]) -> dict[str, str]:
    """{orgnr or publisher URI: organisation id} from KEY=ORGANISATION
    entries, each given as such or as a file of such lines (or a JSON object)."""
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        path = Path(entry)
        if "=" not in entry and path.is_file():
            text = path.read_text("utf-8")
            if text.lstrip().startswith("{"):
                try:
                    pairs.extend((str(k), str(v)) for k, v in json.loads(text).items())
                except (ValueError, AttributeError) as error:
                    raise DocumentError(toolkit._("{file} is no JSON object: {error}").format(file=entry, error=error))
            else:
                pairs.extend(tuple(part.strip() for part in line.split("=", 1))
                             for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#"))
        elif "=" in entry:
            key, value = entry.split("=", 1)
            pairs.append((key.strip(), value.strip()))
        else:
            raise DocumentError(toolkit._("{entry} is neither KEY=ORGANISATION nor a file").format(entry=entry))
    mapping = {}
    for key, value in pairs:
        digits = re.sub(r"\D", "", key)
        mapping[digits if len(digits) == 10 and not key.startswith("http") else key] = _organisation_id(value)
    return mapping


def _organisation_id(name_or_id: str) -> str:
    """The id of the portal's organisation named or identified so."""
    organisations = publishers.organizations()
    if name_or_id in organisations:
        return name_or_id
    found = next((o["id"] for o in organisations.values() if o.get("name") == name_or_id), None)
    if found is None:
        raise DocumentError(toolkit._("No organisation {name} in the portal").format(name=name_or_id))
    return found


def with_default(mapping: dict[str, str], organisation: str | None) -> dict[str, str]:
    """The map with the organisation for a publisher it does not name (or none)."""
    if not organisation:
        return mapping
    return {**mapping, DEFAULT_ORGANISATION: _organisation_id(organisation)}


# --- planning ---------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    action: str
    title: str
    identifier: str | None
    uri: str | None
    organization: str | None = None
    dataset_id: str | None = None
    reasons: list[str] = dataclasses.field(default_factory=list)
    # Fields the schema refused, left out so that the rest is stored.
    left_out: list[str] = dataclasses.field(default_factory=list)
    # What the source says that the portal does not say back (losses.py).
    not_kept: list[str] = dataclasses.field(default_factory=list)
    # What is stored (create/update), and for refused ones nothing; what the source says.
    data: dict[str, Any] | None = dataclasses.field(default=None, repr=False)
    parsed: dict[str, Any] | None = dataclasses.field(default=None, repr=False)
    ref: Any = dataclasses.field(default=None, repr=False)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _source_view(dataset: dict[str, Any]) -> dict[str, Any]:
    """The fields the source decides, as the portal stores them: what a
    second run compares to decide whether anything changed."""
    view = {key: dataset.get(key) for key in DATASET_FIELDS if not _empty(dataset.get(key))}
    view["contact"] = [{k: v for k, v in c.items() if not _empty(v)} for c in dataset.get("contact") or []]
    view["spatial_coverage"] = [{k: v for k, v in c.items() if not _empty(v)}
                                for c in dataset.get("spatial_coverage") or []]
    resources = [{key: r.get(key) for key in RESOURCE_FIELDS if not _empty(r.get(key))}
                 for r in dataset.get("resources") or []]
    view["resources"] = sorted(resources, key=lambda r: (r.get("uri") or "", r.get("url") or ""))
    return json.loads(json.dumps(view, sort_keys=True, default=str))


def _merged(parsed: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The existing dataset with the source's fields replaced; its
    distributions matched by source URI, else by address, keep their ids."""
    merged = {key: value for key, value in existing.items() if key not in DATASET_FIELDS}
    merged.update({key: parsed[key] for key in DATASET_FIELDS if key in parsed})
    merged["owner_org"] = existing["owner_org"]  # the portal's once the dataset is here
    old = list(existing.get("resources") or [])
    resources = []
    for resource in parsed.get("resources") or []:
        match = next((r for r in old if resource.get("uri") and r.get("uri") == resource["uri"]), None) or next(
            (r for r in old if not r.get("uri") and r.get("url") == resource.get("url")), None)
        if match is not None:
            old.remove(match)
            kept = {key: value for key, value in match.items() if key not in RESOURCE_FIELDS}
            resources.append({**kept, **resource})
        else:
            resources.append(dict(resource))
    merged["resources"] = resources
    return merged


def _title(parsed: dict[str, Any]) -> str:
    titles = parsed.get("title_translated") or {}
    return titles.get("sv") or titles.get("en") or next(iter(titles.values()), "") or "–"


def dataset_refs(graph: Graph) -> list:
    """The document's datasets that are no series (series.series_refs)."""
    series_nodes = set(series.series_refs(graph))
    return sorted(set(graph.subjects(RDF.type, DCAT.Dataset)) - series_nodes, key=str)


def service_refs(graph: Graph) -> list:
    return sorted(set(graph.subjects(RDF.type, DCAT.DataService)), key=str)


def _links(graph: Graph, ref, data: dict[str, Any], planned: set[str]) -> list[tuple[tuple, str]]:
    """The source's links from `ref` to other packages (dcat:inSeries,
    dcat:servesDataset, a distribution's dcat:accessService) that `data`
    keeps: as the id of the package the URI names, or (in a dry run, before
    anything is stored) as the URI of a node this document brings."""

    def named(subject, predicate):
        return [str(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef)]

    def kept(uri: str, stored: Any, kind: str) -> bool:
        values = stored if isinstance(stored, list) else [stored]
        return (uri in planned and uri in values) or any(
            value and value == (series.resolve(uri) if kind == "series" else services._id_from(uri, kind))
            for value in values)

    found = [losses.link((DCAT.inSeries,), uri) for uri in named(ref, DCAT.inSeries)
             if kept(uri, data.get(series.FIELD), "series") or (uri in planned and not data.get(series.FIELD))]
    found += [losses.link((DCAT.servesDataset,), uri) for uri in named(ref, DCAT.servesDataset)
              if kept(uri, services._list(data.get("serves_dataset")), "dataset")]
    by_uri = {r.get("uri"): r for r in data.get("resources") or [] if isinstance(r, dict) and r.get("uri")}
    for node in graph.objects(ref, DCAT.distribution):
        resource = by_uri.get(str(node)) if isinstance(node, URIRef) else None
        for uri in named(node, DCAT.accessService):
            if resource is not None and kept(uri, resource.get("access_service"), "dataservice"):
                found.append(losses.link((DCAT.distribution, losses.node_value(DCAT.distribution, node),
                                          DCAT.accessService), uri))
    return found


def _parse(parser: Parser, graph: Graph, ref) -> dict[str, Any]:
    if (ref, RDF.type, DCAT.DataService) in graph:
        return parser.service(ref)
    return parser.dataset(ref)


def plan(graph: Graph, mapping: dict[str, str], context: dict[str, Any], refs: list) -> list[Outcome]:
    """What to do with each node of `refs` (a link to another package
    resolves only to one already stored: `run` plans in that order)."""
    outcomes = []
    parser = Parser(graph)
    for ref in refs:
        parsed = _parse(parser, graph, ref)
        outcome = Outcome(CREATE, _title(parsed), parsed.get("identifier"), parsed.get("uri"), ref=ref)
        publisher, orgnr = parser.publisher(ref)
        keys = [key for key in (publisher, orgnr) if key]
        organisation = next((mapping[key] for key in keys if key in mapping), None) or parsed.get(
            "owner_org") or mapping.get(DEFAULT_ORGANISATION)
        if organisation is None:
            outcome.action = REFUSED
            outcome.reasons.append(
                toolkit._("No organisation for its publisher {publisher}: give one with --organization-map or "
                          "--default-organization").format(
                    publisher=publisher or toolkit._("(none given)")))
            outcomes.append(outcome)
            continue
        parsed["owner_org"] = organisation
        outcome.organization = publishers.organizations().get(organisation, {}).get("name") or organisation
        existing_id = source_identity.find(parsed.get("identifier"), parsed.get("uri"))
        if existing_id:
            existing = toolkit.get_action("package_show")(dict(context), {"id": existing_id})
            outcome.dataset_id = existing_id
            data = _merged(parsed, existing)
            outcome.organization = publishers.organizations().get(data["owner_org"], {}).get("name")
            outcome.action = UNCHANGED if _source_view(existing) == _source_view(data) else UPDATE
        else:
            data = dict(parsed, private=True)
        outcome.data, outcome.parsed = data, parsed
        outcomes.append(outcome)
    return outcomes


# --- storing ----------------------------------------------------------------------------


def _messages(error_dict: dict[str, Any]) -> list[tuple[tuple, str]]:
    """(key path, message) of a ValidationError's dict, resources included."""
    found = []
    for key, value in (error_dict or {}).items():
        if key == "resources" and isinstance(value, list):
            for index, errors in enumerate(value):
                for sub_key, messages in (errors or {}).items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        found.append((("resources", index, sub_key), str(message)))
        elif isinstance(value, list):
            for message in value:
                found.append(((key,), message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)))
        else:
            found.append(((key,), str(value)))
    return found


def _drop(data: dict[str, Any], path: tuple) -> bool:
    """Leaves out a field the schema refused; False for one it cannot lose."""
    if path[0] == "resources" and len(path) == 3:
        resources = data.get("resources") or []
        if path[1] < len(resources) and path[2] not in ("url",) and path[2] in resources[path[1]]:
            del resources[path[1]][path[2]]
            return True
        return False
    if path[0] in ESSENTIAL or path[0] not in data or path[0] in ("private", "uri", "identifier"):
        return False
    del data[path[0]]
    return True


def store(outcome: Outcome, context: dict[str, Any]) -> Outcome:
    """Creates or updates the dataset of a planned outcome."""
    if outcome.action not in (CREATE, UPDATE):
        return outcome
    action = toolkit.get_action("package_create" if outcome.action == CREATE else "package_update")
    if outcome.action == UPDATE:
        # Merged with the dataset as it is now, not as the plan read it: an
        # edit made here meanwhile to what is the portal's is not undone.
        existing = toolkit.get_action("package_show")(dict(context, use_cache=False), {"id": outcome.dataset_id})
        outcome.data = _merged(outcome.parsed, existing)
    data = json.loads(json.dumps(outcome.data, default=str))
    for attempt in range(3):
        try:
            stored = action(dict(context), data)
        except toolkit.ValidationError as error:
            problems = _messages(error.error_dict)
            if attempt < 2 and problems and all(_drop(data, path) for path, _ in problems):
                outcome.left_out.extend(
                    toolkit._("{field}: {message}").format(field=".".join(map(str, path)), message=message)
                    for path, message in problems)
                continue
            outcome.action = REFUSED
            outcome.reasons.extend(f"{'.'.join(map(str, path))}: {message}" for path, message in problems)
            return outcome
        outcome.dataset_id = stored["id"]
        return outcome
    return outcome


def not_kept_after_storing(graph: Graph, outcome: Outcome, context: dict[str, Any]) -> None:
    """The report from what was stored (the schema's own forms), not from the plan."""
    if outcome.dataset_id and outcome.action in (CREATE, UPDATE, UNCHANGED):
        stored = toolkit.get_action("package_show")(dict(context), {"id": outcome.dataset_id})
        outcome.not_kept = losses.not_kept(graph, outcome.ref, stored, _links(graph, outcome.ref, stored, set()))


def run(graph: Graph, mapping: dict[str, str], dry_run: bool,
        progress: Callable[[Iterable[Outcome]], Iterable[Outcome]] = lambda items: items) -> list[Outcome]:
    """Series, then data services, then datasets, each stored before the
    next is planned, so that a dataset's in_series and a distribution's
    access_service name what is already here; then the services once more,
    now that the datasets they serve are here too."""
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"]}
    phases = [series.series_refs(graph), service_refs(graph), dataset_refs(graph)]
    outcomes: list[Outcome] = []
    for refs in phases:
        planned = plan(graph, mapping, context, refs)
        if not dry_run:
            for outcome in progress(planned) if refs is phases[-1] else planned:
                store(outcome, context)
        outcomes += planned
    if dry_run:
        brought = {o.uri for o in outcomes if o.action != REFUSED and o.uri}
        for outcome in outcomes:
            if outcome.data is not None:
                outcome.not_kept = losses.not_kept(graph, outcome.ref, outcome.data,
                                                   _links(graph, outcome.ref, outcome.data, brought))
        return outcomes
    services_first = {o.uri: o for o in outcomes if o.ref in set(phases[1])}
    for again in plan(graph, mapping, context, phases[1]):
        store(again, context)
        first = services_first.get(again.uri)
        if first is not None and again.action != REFUSED:
            first.left_out = again.left_out  # what the first save left out for want of a dataset
            if first.action == UNCHANGED and again.action == UPDATE:
                first.action = UPDATE
    for outcome in outcomes:
        not_kept_after_storing(graph, outcome, context)
    return outcomes


# --- the report -------------------------------------------------------------------------


def action_label(action: str, dry_run: bool) -> str:
    if dry_run:
        return {CREATE: toolkit._("would be created"), UPDATE: toolkit._("would be updated"),
                UNCHANGED: toolkit._("unchanged"), REFUSED: toolkit._("would be refused")}[action]
    return {CREATE: toolkit._("created"), UPDATE: toolkit._("updated"), UNCHANGED: toolkit._("unchanged"),
            REFUSED: toolkit._("refused")}[action]


def report(outcomes: list[Outcome], dry_run: bool) -> list[str]:
    """A table, a line per dataset, with why and what was not kept under it,
    and the counts."""
    headings = (toolkit._("Action"), toolkit._("Title"), toolkit._("Organisation"), toolkit._("Source identifier"))
    rows = [(action_label(o.action, dry_run), o.title, o.organization or "–", o.identifier or o.uri or "–")
            for o in outcomes]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headings)]
    widths[1] = min(widths[1], 60)

    def line(cells):
        return "  ".join(str(cell)[:width].ljust(width) for cell, width in zip(cells, widths)).rstrip()

    lines = [line(headings), line("-" * w for w in widths)]
    for outcome, row in zip(outcomes, rows):
        lines.append(line(row))
        lines.extend("    " + toolkit._("why: {reason}").format(reason=reason) for reason in outcome.reasons)
        lines.extend("    " + toolkit._("left out: {field}").format(field=field) for field in outcome.left_out)
        lines.extend("    " + toolkit._("not kept: {statement}").format(statement=s) for s in outcome.not_kept)
    counts = {action: sum(1 for o in outcomes if o.action == action) for action in (CREATE, UPDATE, UNCHANGED, REFUSED)}
    lines.append("")
    lines.append(", ".join(f"{action_label(action, dry_run)}: {count}" for action, count in counts.items()))
    return lines
