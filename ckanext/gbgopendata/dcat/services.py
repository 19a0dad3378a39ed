"""Data services in DCAT-AP-SE 3.0.1 (dcat:DataService): serialising a
`dataservice` package (called from the `dcat_ap_se` profile), parsing one
(called from parsing.Parser), and the links between the open catalogue's
members, which are decided when the document is read.

A service's fragment holds what it says of itself (title, endpoint URL and
description, contact point, keywords, licence, access rights, standards,
documentation, publisher, HVD). The links (`dcat:servesDataset` from a
service to a dataset, `dcat:accessService` from a distribution to a
service, the catalogue's `dcat:service`) are written only between members
of the document being read (`links`): a private, classified or deleted
dataset or service is never named, and a change of membership needs no
rebuild of the fragments that link to it. `link_key` is what of the links a
fragment's digest covers, so that a changed link changes the ETag.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

from ckanext.dcat.utils import catalog_uri, dataset_uri, resource_uri

from ckanext.gbgopendata import dataset_types, licenses
from ckanext.gbgopendata.dcat import agents

DCATAP = Namespace("http://data.europa.eu/r5r/")
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
SERVICE_TYPE = dataset_types.SERVICE_TYPE


def is_service(dataset_dict: dict[str, Any]) -> bool:
    return (dataset_dict.get("type") or dataset_types.DEFAULT_TYPE) == SERVICE_TYPE


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value.strip()] if value.strip() else []
        value = parsed if isinstance(parsed, list) else [value]
    return [item.strip() for item in (value or []) if isinstance(item, str) and item.strip()]


# --- URIs ------------------------------------------------------------------------------------


def service_uri(service_dict: dict[str, Any]) -> str:
    """A service's URI: its own `uri` if it has one, else under the
    catalogue's, as a dataset's is (`<catalogue>/dataservice/<id>`)."""
    if service_dict.get("uri"):
        return service_dict["uri"]
    return f"{catalog_uri().rstrip('/')}/dataservice/{service_dict['id']}"


def package_uri(package_dict: dict[str, Any]) -> str:
    """The URI of a member of the catalogue, service or dataset."""
    return service_uri(package_dict) if is_service(package_dict) else dataset_uri(package_dict)


def own_uri(package_dict: dict[str, Any], default_uri: str) -> str | None:
    """For ckanext-dcat's dataset_uri (IDCATURIGenerator, so its own
    endpoints agree with the catalogue): a service without a `uri` of its
    own is named under `<catalogue>/dataservice/`; None leaves the default."""
    if is_service(package_dict) and package_dict.get("id") and not package_dict.get("uri"):
        return service_uri(package_dict)
    return None


def _id_from(uri: str, kind: str) -> str:
    """A package id from one of this catalogue's URIs of `kind` (dataset,
    dataservice) or from the source URI a package brought in keeps
    (logic/source_identity.py); any other URI is kept as it is (a link to
    something not brought in yet, which the link's validator refuses)."""
    from ckanext.gbgopendata.logic import source_identity

    match = re.fullmatch(re.escape(catalog_uri().rstrip("/")) + f"/{kind}/([0-9a-f-]{{36}})", uri)
    if match:
        return match.group(1)
    found = source_identity.datasets_with("uri", uri)
    return found[0] if found else uri


# --- CKAN -> RDF ------------------------------------------------------------------------------


def graph_from_service(profile: Any, service_dict: dict[str, Any], ref: URIRef) -> None:
    """The service's own triples, with the profile's writers of texts,
    links, licences and agents (`profile.g` is the graph)."""
    g = profile.g
    g.add((ref, RDF.type, DCAT.DataService))
    profile._described(service_dict, ref)  # title, description, identifier, keywords, agents, contacts
    if service_dict.get("endpoint_url"):
        agents.add_link(g, ref, DCAT.endpointURL, service_dict["endpoint_url"], RDFS.Resource)
    # DCAT-AP's range: rdfs:Resource, typed so that it validates as harvested
    profile._uris(ref, DCAT.endpointDescription, _list(service_dict.get("endpoint_description")), RDFS.Resource)
    licence = licenses.get_license(service_dict.get("license_id") or "")
    if licence is not None:
        profile._licence(ref, licence.url)
    if service_dict.get("access_rights"):
        g.add((ref, DCTERMS.accessRights, agents.iri(service_dict["access_rights"])))
    profile._uris(ref, DCTERMS.conformsTo, _list(service_dict.get("conforms_to")), DCTERMS.Standard)
    profile._uris(ref, FOAF.page, _list(service_dict.get("documentation")), FOAF.Document)
    if HVD_LEGISLATION in _list(service_dict.get("applicable_legislation")):
        g.add((ref, DCATAP.applicableLegislation, URIRef(HVD_LEGISLATION)))
        profile._uris(ref, DCATAP.hvdCategory, _list(service_dict.get("hvd_category")))


def link_key(package_dict: dict[str, Any]) -> str:
    """What the package links to (its served datasets, its distributions'
    services), for the fragment's digest."""
    if is_service(package_dict):
        return " ".join(sorted(_list(package_dict.get("serves_dataset"))))
    pairs = sorted(
        f"{resource.get('id')}>{resource['access_service']}"
        for resource in package_dict.get("resources") or []
        if isinstance(resource, dict) and resource.get("access_service")
    )
    return " ".join(pairs)


class Member:
    """A member of the document, as far as its links go."""

    def __init__(self, package_id: str, uri: str, is_a_service: bool, serves: Iterable[str] = (),
                 accessed: Iterable[tuple[str, str]] = ()) -> None:
        self.package_id = package_id
        self.uri = uri
        self.is_service = is_a_service
        self.serves = list(serves)  # dataset ids
        self.accessed = list(accessed)  # (distribution URI, service id)


def member_of(package_dict: dict[str, Any], uri: str) -> Member:
    """A member from a package dict (package_show's output)."""
    if is_service(package_dict):
        return Member(package_dict["id"], uri, True, serves=_list(package_dict.get("serves_dataset")))
    accessed = []
    for resource in package_dict.get("resources") or []:
        if isinstance(resource, dict) and resource.get("access_service"):
            resource = dict(resource, package_id=resource.get("package_id") or package_dict.get("id"))
            accessed.append((resource_uri(resource), resource["access_service"]))
    return Member(package_dict["id"], uri, False, accessed=accessed)


def links(catalogue_ref: URIRef, members: Iterable[Member]) -> list[tuple]:
    """The catalogue's dcat:service for each service; dcat:servesDataset
    and dcat:accessService where both ends are members."""
    members = list(members)
    by_id = {member.package_id: member for member in members}
    triples: list[tuple] = []
    for member in members:
        if member.is_service:
            triples.append((catalogue_ref, DCAT.service, URIRef(member.uri)))
            for dataset_id in member.serves:
                dataset = by_id.get(dataset_id)
                if dataset is not None and not dataset.is_service:
                    triples.append((URIRef(member.uri), DCAT.servesDataset, URIRef(dataset.uri)))
        for distribution, service_id in member.accessed:
            service = by_id.get(service_id)
            if service is not None and service.is_service:
                triples.append((URIRef(distribution), DCAT.accessService, URIRef(service.uri)))
    return triples


def members_from_database(connection: Any, rows: Iterable[tuple[str, str, str]]) -> list[Member]:
    """Members from (package id, URI, type) rows of the document's snapshot,
    their links read in the same snapshot: the services' served datasets,
    the distributions that name a service."""
    import sqlalchemy as sa
    from ckan import model

    rows = list(rows)
    service_ids = [package_id for package_id, _, kind in rows if kind == SERVICE_TYPE]
    serves: dict[str, list[str]] = {}
    accessed: dict[str, list[tuple[str, str]]] = {}
    if service_ids:
        package = model.package_table
        if "extras" in package.c:  # CKAN 2.12: a JSONB column
            query = sa.select(package.c.id, package.c.extras["serves_dataset"].astext).where(
                package.c.id.in_(service_ids))
        else:  # CKAN 2.11: package_extra rows
            extra = model.package_extra_table
            clauses = [extra.c.package_id.in_(service_ids), extra.c.key == "serves_dataset"]
            if "state" in extra.c:
                clauses.append(extra.c.state == "active")
            query = sa.select(extra.c.package_id, extra.c.value).where(*clauses)
        for package_id, value in connection.execute(query):
            serves[package_id] = _list(value)
        resource = model.resource_table
        # only distributions that name a service carry the key
        found = connection.execute(
            sa.select(resource.c.id, resource.c.package_id, resource.c.extras).where(
                resource.c.state == "active", sa.cast(resource.c.extras, sa.UnicodeText).like('%"access_service"%'))
        )
        for resource_id, package_id, extras in found:
            values = json.loads(extras) if isinstance(extras, str) else (extras or {})
            service_id = values.get("access_service")
            if service_id:
                uri = resource_uri({"id": resource_id, "package_id": package_id, "uri": values.get("uri")})
                accessed.setdefault(package_id, []).append((uri, service_id))
    return [
        Member(package_id, uri, kind == SERVICE_TYPE, serves.get(package_id, ()), accessed.get(package_id, ()))
        for package_id, uri, kind in rows
    ]


# --- RDF -> CKAN (harvest-in) -----------------------------------------------------------------


def parse_service(parser: Any, ref: Any) -> dict[str, Any]:
    """A dcat:DataService node as a `dataservice` dict (parsing.Parser's
    readers of texts, URIs, contacts and publishers). Datasets it serves
    and that are this catalogue's are named by id, others by URI."""
    g = parser.g
    data: dict[str, Any] = {"type": SERVICE_TYPE, **parser.described(ref)}
    endpoint = parser.uri(ref, DCAT.endpointURL)
    if endpoint:
        data["endpoint_url"] = endpoint
    for key, predicate in (("endpoint_description", DCAT.endpointDescription), ("conforms_to", DCTERMS.conformsTo),
                           ("documentation", FOAF.page), ("hvd_category", DCATAP.hvdCategory),
                           ("applicable_legislation", DCATAP.applicableLegislation)):
        values = parser.uris(ref, predicate)
        if values:
            data[key] = values
    access_rights = parser.uri(ref, DCTERMS.accessRights)
    if access_rights:
        data["access_rights"] = access_rights
    # No licence stays no licence, as for a dataset (never the portal's default).
    data["license_id"] = licenses.canonical_license_id(parser.value(ref, DCTERMS.license)) or ""
    served = sorted(_id_from(str(o), "dataset") for o in g.objects(ref, DCAT.servesDataset) if isinstance(o, URIRef))
    if served:
        data["serves_dataset"] = served
    return data


def access_service(parser: Any, node: Any) -> str | None:
    """A distribution's dcat:accessService: this catalogue's service by id,
    another's by URI."""
    service = parser.g.value(node, DCAT.accessService)
    return _id_from(str(service), "dataservice") if isinstance(service, URIRef) else None
