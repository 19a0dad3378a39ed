"""Who DCAT-AP-SE names: publishers (legal entities), creators (the city's
departments) and contact points, each with an absolute URI and described the
same way in every document.

A publisher is a legal entity, identified by its organisationsnummer: the
city's departments share Göteborgs kommun's 212000-1355 and are one
publisher, "Göteborgs Stad". Its name, type, homepage and e-mail come from
the legal-entity register (legal_entities.json in this package, or the file
named by `ckanext.gbgopendata.legal_entities`). An orgnr the register does
not list is described by the organisation that carries it (a municipal
company with an orgnr of its own). The department that owns a dataset stays
visible as the dataset's dcterms:creator, with its portal URI.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any, Mapping

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF


from ckanext.gbgopendata import languages, publishers, settings

log = logging.getLogger(__name__)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LEGAL_ENTITIES_OPTION = settings.LEGAL_ENTITIES
DEFAULT_LEGAL_ENTITIES = Path(__file__).with_name("legal_entities.json")
LANGUAGES = languages.LANGUAGES


def texts(value: Any) -> dict[str, str]:
    """{lang: text} from a fluent value (languages.translations), keeping
    only non-empty texts under a well-formed language tag."""
    return {
        lang: text
        for lang, text in languages.translations(value).items()
        if re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*", lang) and isinstance(text, str)
    }


# Characters RFC 3987 allows in no IRI, which rdflib's Turtle and N-Triples
# writers refuse: percent-encoded, everything else left as stored.
_NOT_IN_IRI = {c: "%{:02X}".format(ord(c)) for c in ' <>"{}|\\^`'}


def iri(value: str) -> URIRef:
    return URIRef("".join(_NOT_IN_IRI.get(c, c) for c in value.strip()))


def add_link(g, subject, predicate, value: str, cls: URIRef) -> URIRef:
    """`subject predicate <value>`, and <value> typed with the class DCAT-AP's
    range asks for (foaf:Document, dct:Standard …), as stock ckanext-dcat
    does: a harvester's validator infers no class the document does not
    state. The type depends on the linked node alone, as every triple about
    a shared node must."""
    node = iri(value)
    g.add((subject, predicate, node))
    g.add((node, RDF.type, cls))
    return node


def catalogue_base() -> str:
    from ckanext.dcat.utils import catalog_uri

    return catalog_uri().rstrip("/")


# --- the legal-entity register -----------------------------------------------------------


@functools.cache
def _read_register(path: str) -> dict[str, dict[str, Any]]:
    data = json.loads(Path(path).read_text("utf-8"))
    return {
        re.sub(r"\D", "", orgnr): entry
        for orgnr, entry in data.items()
        if not orgnr.startswith("_") and isinstance(entry, dict)
    }


def legal_entities() -> dict[str, dict[str, Any]]:
    """orgnr (10 digits) -> {name: {sv, en}, type, homepage, email}."""
    path = settings.current().legal_entities or str(DEFAULT_LEGAL_ENTITIES)
    return _read_register(path)


def _organisations_with(orgnr: str) -> list[dict[str, Any]]:
    return sorted(
        (org for org in publishers.organizations().values() if (org.get("orgnr") or "") == orgnr),
        key=lambda org: org.get("name") or "",
    )


def publisher_facts(orgnr: str) -> dict[str, Any]:
    """What is said of the publisher with this orgnr: the register's entry,
    else the first organisation (by name) carrying it, so that every
    document describes it alike."""
    entity = legal_entities().get(orgnr)
    if entity:
        return {
            "names": texts(entity.get("name")),
            "type": entity.get("type"),
            "homepage": entity.get("homepage"),
            "email": entity.get("email") or settings.current().support_email,
        }
    candidates = _organisations_with(orgnr)
    organisation = candidates[0] if candidates else {}
    return {
        "names": dict(organisation.get("names") or {}),
        "type": organisation.get("publisher_type"),
        "homepage": organisation.get("homepage"),
        "email": organisation.get("email"),
    }


def _mailto(address: str) -> URIRef:
    return iri("mailto:" + address.strip().removeprefix("mailto:"))


def add_agent(g, agent: URIRef, facts: Mapping[str, Any], identifier: str | None = None) -> None:
    g.add((agent, RDF.type, FOAF.Organization))
    for lang, name in (facts.get("names") or {}).items():
        g.add((agent, FOAF.name, Literal(name, lang=lang)))
    if facts.get("type"):
        g.add((agent, DCTERMS.type, URIRef(facts["type"])))
    for lang, text in (facts.get("descriptions") or {}).items():
        g.add((agent, DCTERMS.description, Literal(text, lang=lang)))
    if identifier:
        g.add((agent, DCTERMS.identifier, Literal(identifier)))
    if facts.get("email"):
        g.add((agent, FOAF.mbox, _mailto(facts["email"])))
    if facts.get("homepage"):
        add_link(g, agent, FOAF.homepage, facts["homepage"], FOAF.Document)


def add_publisher(g, orgnr: str) -> URIRef:
    """Describes the publisher of `orgnr` in `g` and returns its URI."""
    agent = URIRef(publishers.publisher_uri(orgnr))
    add_agent(g, agent, publisher_facts(orgnr), identifier=orgnr)
    return agent


def creator_uri(organisation_id: str) -> str:
    return f"{catalogue_base()}/organization/{organisation_id}"


def add_creator(g, organisation: Mapping[str, Any]) -> URIRef | None:
    """The department as the dataset's creator, when it is part of a legal
    entity of the register (else it is the publisher itself)."""
    if not organisation.get("id") or (organisation.get("orgnr") or "") not in legal_entities():
        return None
    agent = URIRef(creator_uri(organisation["id"]))
    add_agent(
        g,
        agent,
        {
            "names": organisation.get("names"),
            "type": organisation.get("publisher_type"),
            "homepage": organisation.get("homepage"),
            "email": organisation.get("email"),
            "descriptions": organisation.get("descriptions"),
        },
    )
    return agent


# --- contact points -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ContactPoint:
    """A contact point as the document writes it, every property in its
    canonical form: the same contact however its e-mail is spelled (case,
    `mailto:`, spaces), and any real difference a different contact."""

    kind: str  # "Organization" or "Individual"
    name: str
    email: str  # lower case, without `mailto:` or spaces
    telephone: str  # a tel: URI (telephone_uri)
    url: str
    address: tuple[tuple[str, str], ...] = ()  # (vcard property, value) of vcard:hasAddress

    def uri(self) -> str:
        """A digest of all its properties: a contact node is shared only by
        contacts that are the same in every property, so two datasets that
        mention it write the same triples about it. (A contact without an
        address keeps the URI it had before addresses were kept.)"""
        values = dataclasses.astuple(self)
        canonical = json.dumps(values if self.address else values[:-1], ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
        return f"{catalogue_base()}/contact/{digest}"


# A contact's address fields and their vcard:Address properties.
ADDRESS_FIELDS = (
    ("street_address", "street-address"),
    ("postal_code", "postal-code"),
    ("locality", "locality"),
    ("region", "region"),
    ("country_name", "country-name"),
)


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def contact_point(contact: Mapping[str, Any]) -> ContactPoint | None:
    """The canonical contact point of a stored contact, None without a name or
    an e-mail address."""
    email = re.sub(r"\s+", "", contact["email"]) if isinstance(contact.get("email"), str) else ""
    email = re.sub(r"^mailto:", "", email, flags=re.IGNORECASE).lower()
    name = _text(contact.get("name"))
    if not (email or name):
        return None
    telephone = _text(contact.get("telephone"))
    return ContactPoint(
        kind="Individual" if contact.get("kind") == "Individual" else "Organization",
        name=name,
        email=email,
        telephone=telephone_uri(telephone) if telephone else "",
        url=str(iri(contact["url"])) if _text(contact.get("url")) else "",
        address=tuple((prop, _text(contact.get(key))) for key, prop in ADDRESS_FIELDS if _text(contact.get(key))),
    )


def contact_uri(contact: Mapping[str, Any]) -> str | None:
    point = contact_point(contact)
    return point.uri() if point else None


def telephone_uri(number: str) -> str:
    """tel:+46-31-365-00-00 from "+46 31 365 00 00" (RFC 3966: hyphens as
    visual separators, so the grouping survives a round trip); a national
    number (031 …) gets Sweden's country code."""
    text = re.sub(r"\s+", "-", re.sub(r"[^\d+()\-.\s]", "", number).strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("0"):
        text = "+46-" + text[1:]
    return "tel:" + text


def add_contact(g, contact: Mapping[str, Any]) -> URIRef | None:
    """Describes the contact point in `g` from its canonical form only."""
    point = contact_point(contact)
    if point is None:
        return None
    node = URIRef(point.uri())
    g.add((node, RDF.type, VCARD[point.kind]))
    if point.name:
        g.add((node, VCARD.fn, Literal(point.name, lang="sv")))
    if point.email:
        g.add((node, VCARD.hasEmail, _mailto(point.email)))
    if point.telephone:
        # Its node under the contact's: the contact's URI covers the number.
        phone = URIRef(f"{node}/telephone")
        g.add((node, VCARD.hasTelephone, phone))
        g.add((phone, RDF.type, VCARD.Voice))
        g.add((phone, VCARD.hasValue, URIRef(point.telephone)))
    if point.url:
        g.add((node, VCARD.hasURL, URIRef(point.url)))
    if point.address:
        address = URIRef(f"{node}/address")
        g.add((node, VCARD.hasAddress, address))
        g.add((address, RDF.type, VCARD.Address))
        for prop, value in point.address:
            g.add((address, VCARD[prop], Literal(value)))
    return node
