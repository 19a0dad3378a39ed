"""DCAT-AP-SE -> our dataset dicts (harvest-in, and moving in from
EntryScape): the `dcat_ap_se` profile's parse_dataset.

sv/en literals go into the `_translated` fields (an untagged literal counts
as Swedish, the catalogue's language), vocabulary URIs are kept (normalised
to the vocabularies' form), the publisher's orgnr picks the organisation,
both format styles give our media type, and the deprecated forms
DCAT-AP-SE still tolerates are read into their current equivalents:
schema:startDate/endDate, cld frequencies, DCAT-AP 2 availability, ADMS
status and owl:versionInfo. The dict carries no classification and no
`private`: whoever stores it (package_create) decides, and the publication
rule applies as to any other write.
"""
from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

from ckanext.gbgopendata import languages, licenses, publishers
from ckanext.gbgopendata.dcat import agents, formats, services
from ckanext.gbgopendata.dcat.agents import VCARD
from ckanext.gbgopendata.vocabularies import normalise_uri

DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SCHEMA = Namespace("http://schema.org/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
EU = "http://publications.europa.eu/resource/authority/"
DEFAULT_LANGUAGE = "sv"

CLD_FREQUENCIES = {
    "annual": "ANNUAL", "biennial": "BIENNIAL", "bimonthly": "BIMONTHLY", "biweekly": "BIWEEKLY",
    "continuous": "CONT", "daily": "DAILY", "irregular": "IRREG", "monthly": "MONTHLY", "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2", "semimonthly": "MONTHLY_2", "semiweekly": "WEEKLY_2", "threeTimesAMonth": "MONTHLY_3",
    "threeTimesAWeek": "WEEKLY_3", "threeTimesAYear": "ANNUAL_3", "triennial": "TRIENNIAL", "weekly": "WEEKLY",
}
R5R_AVAILABILITY = "http://data.europa.eu/r5r/availability/"
ADMS_STATUS = {"Completed": "COMPLETED", "Deprecated": "DEPRECATED", "UnderDevelopment": "DEVELOP",
               "Withdrawn": "WITHDRAWN"}
_ORGNR = re.compile(r"^https?://dataportal\.se/organisation/SE(\d{10})")


def current_uri(value: str) -> str:
    """A vocabulary URI in its current DCAT-AP-SE form."""
    uri = normalise_uri(value)
    if uri.startswith("http://purl.org/cld/freq/"):
        code = CLD_FREQUENCIES.get(uri.rsplit("/", 1)[1])
        return EU + "frequency/" + code if code else uri
    if uri.startswith(R5R_AVAILABILITY):
        return EU + "planned-availability/" + uri[len(R5R_AVAILABILITY):].upper()
    if uri.startswith("http://purl.org/adms/status/"):
        code = ADMS_STATUS.get(uri.rsplit("/", 1)[1])
        return EU + "distribution-status/" + code if code else uri
    return uri


def stored_date(value: Any) -> str | None:
    """What our date fields store: a year or YYYY-MM-DD."""
    text = str(value).strip() if value is not None else ""
    match = re.match(r"^(\d{4})(-\d{2}-\d{2})?", text)
    return match.group(0) if match else None


class Parser:
    def __init__(self, graph) -> None:
        self.g = graph

    def texts(self, subject, predicate) -> dict[str, str]:
        found: dict[str, str] = {}
        for obj in self.g.objects(subject, predicate):
            if isinstance(obj, Literal) and str(obj).strip():
                lang = (obj.language or DEFAULT_LANGUAGE).split("-")[0].lower()
                found.setdefault(lang, str(obj).strip())
        return found

    def uris(self, subject, predicate) -> list[str]:
        return sorted(current_uri(str(o)) for o in self.g.objects(subject, predicate) if isinstance(o, URIRef))

    def uri(self, subject, predicate) -> str | None:
        values = self.uris(subject, predicate)
        return values[0] if values else None

    def value(self, subject, predicate) -> str | None:
        obj = self.g.value(subject, predicate)
        return str(obj).strip() if obj is not None and str(obj).strip() else None

    # --- the dataset -----------------------------------------------------------------

    def dataset(self, ref) -> dict[str, Any]:
        g = self.g
        data = self.described(ref)
        for key, predicate in (("theme", DCAT.theme), ("language", DCTERMS.language),
                               ("conforms_to", DCTERMS.conformsTo), ("documentation", FOAF.page),
                               ("hvd_category", DCATAP.hvdCategory),
                               ("applicable_legislation", DCATAP.applicableLegislation)):
            values = self.uris(ref, predicate)
            if values:
                data[key] = values
        for key, predicate in (("access_rights", DCTERMS.accessRights), ("frequency", DCTERMS.accrualPeriodicity),
                               ("url", DCAT.landingPage)):
            value = self.uri(ref, predicate)
            if value:
                data[key] = value
        version = self.value(ref, DCAT.version) or self.value(ref, OWL.versionInfo)
        if version:
            data["version"] = version
        for key, predicate in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
            date = stored_date(g.value(ref, predicate))
            if date:
                data[key] = date
        for statement in g.objects(ref, DCTERMS.provenance):
            provenance = self.texts(statement, DCTERMS.description) or (
                {DEFAULT_LANGUAGE: str(statement)} if isinstance(statement, Literal) else {})
            if provenance:
                data["provenance"] = provenance
                break
        for period in g.objects(ref, DCTERMS.temporal):
            for key, predicates in (("temporal_start", (DCAT.startDate, SCHEMA.startDate)),
                                    ("temporal_end", (DCAT.endDate, SCHEMA.endDate))):
                for predicate in predicates:
                    date = stored_date(g.value(period, predicate))
                    if date:
                        data.setdefault(key, date)
                        break
        places = []
        for place in sorted({p for p in g.objects(ref, DCTERMS.spatial) if isinstance(p, URIRef)}):
            entry = {"uri": normalise_uri(str(place))}
            for lang, label in self.texts(place, RDFS.label).items():
                if lang in languages.LANGUAGES:
                    entry["label_" + lang] = label
            places.append(entry)
        if places:
            data["spatial_coverage"] = places
        resources = [self.distribution(node) for node in g.objects(ref, DCAT.distribution)]
        resources.sort(key=lambda r: (r.get("url") or "", r.get("format") or ""))
        # The dataset's licence: given on the dataset (not DCAT-AP-SE's place
        # for it, but common elsewhere), else the one most distributions carry.
        distribution_ids = [licenses.canonical_license_id(r.get("license")) for r in resources]
        license_id = licenses.canonical_license_id(self.value(ref, DCTERMS.license)) or licenses.most_common_license(
            distribution_ids)
        if not license_id:
            # No licence stays no licence (the rule then keeps it private);
            # left out, package_create would give the portal's default.
            data["license_id"] = ""
        else:
            data["license_id"] = license_id
            dataset_url = licenses.get_license(license_id).url
            for resource in resources:
                if resource.get("license") == dataset_url:
                    del resource["license"]  # inherits the dataset's
        data["resources"] = resources
        from ckanext.gbgopendata.dcat import series

        return series.parse(g, ref, data)  # a dcat:DatasetSeries, a dataset's dcat:inSeries

    def described(self, ref) -> dict[str, Any]:
        """What a dataset, a series and a data service are described by
        alike (dcat:Resource): its identity in the source catalogue (written
        back unchanged), title, description, keywords, contact points and
        the organisation of its publisher."""
        g = self.g
        data: dict[str, Any] = {}
        if isinstance(ref, URIRef):
            data["uri"] = str(ref)
        identifier = self.value(ref, DCTERMS.identifier)
        if identifier:
            data["identifier"] = identifier
        title, notes = self.texts(ref, DCTERMS.title), self.texts(ref, DCTERMS.description)
        if title:
            data["title_translated"] = title
        if notes:
            data["notes_translated"] = notes
        tags: dict[str, list[str]] = {}
        for keyword in g.objects(ref, DCAT.keyword):
            if isinstance(keyword, Literal) and str(keyword).strip():
                lang = (keyword.language or DEFAULT_LANGUAGE).split("-")[0].lower()
                tags.setdefault(lang, []).append(str(keyword).strip())
        if tags:
            data["tags_translated"] = {lang: sorted(words) for lang, words in tags.items()}
        contacts = [self.contact(node) for node in g.objects(ref, DCAT.contactPoint)]
        contacts = sorted((c for c in contacts if c), key=lambda c: (c.get("email", ""), c.get("name", "")))
        if contacts:
            data["contact"] = contacts
        organisation = self.organisation(ref)
        if organisation:
            data["owner_org"] = organisation
        return data

    def contact(self, node) -> dict[str, str]:
        g = self.g
        contact: dict[str, str] = {}
        name = self.value(node, VCARD.fn)
        if name:
            contact["name"] = name
        email = self.value(node, VCARD.hasEmail)
        if email:
            contact["email"] = email.removeprefix("mailto:")
        telephone = g.value(node, VCARD.hasTelephone)
        if telephone is not None:
            number = g.value(telephone, VCARD.hasValue) if not isinstance(telephone, Literal) else telephone
            if number is not None:
                contact["telephone"] = str(number).removeprefix("tel:").replace("-", " ")
        url = self.uri(node, VCARD.hasURL)
        if url:
            contact["url"] = url
        address = g.value(node, VCARD.hasAddress)
        if address is not None:
            for key, prop in agents.ADDRESS_FIELDS:
                value = self.value(address, VCARD[prop])
                if value:
                    contact[key] = value
        if contact:
            contact["kind"] = "Individual" if (node, RDF.type, VCARD.Individual) in g else "Organization"
        return contact

    def publisher(self, ref) -> tuple[str | None, str | None]:
        """The publisher's URI and its orgnr (from a dataportal.se/organisation/SE…
        URI, else the publisher's dct:identifier), each None when not given."""
        publisher = self.g.value(ref, DCTERMS.publisher)
        if publisher is None:
            return None, None
        match = _ORGNR.match(str(publisher))
        orgnr = match.group(1) if match else re.sub(r"\D", "", self.value(publisher, DCTERMS.identifier) or "")
        return str(publisher), orgnr if len(orgnr) == 10 else None

    def organisation(self, ref) -> str | None:
        """The organisation of the publisher's orgnr: the creator's when it is
        one of ours with that orgnr, else the first (by name) carrying it."""
        _, orgnr = self.publisher(ref)
        if orgnr is None:
            return None
        candidates = sorted((o for o in publishers.organizations().values() if o.get("orgnr") == orgnr),
                            key=lambda o: o.get("name") or "")
        creator = str(self.g.value(ref, DCTERMS.creator) or "")
        for organisation in candidates:
            if creator.rstrip("/").endswith("/organization/" + organisation["id"]):
                return organisation["id"]
        return candidates[0]["id"] if candidates else None

    def service(self, ref) -> dict[str, Any]:
        """A dcat:DataService as a `dataservice` dict (dcat/services.py)."""
        return services.parse_service(self, ref)

    def services(self) -> list[tuple[Any, dict[str, Any]]]:
        """(node, dict) of every dcat:DataService of the graph, by URI."""
        return [(ref, self.service(ref)) for ref in sorted(set(self.g.subjects(RDF.type, DCAT.DataService)), key=str)]

    # --- a distribution --------------------------------------------------------------

    def distribution(self, node) -> dict[str, Any]:
        g = self.g
        resource: dict[str, Any] = {}
        if isinstance(node, URIRef):
            resource["uri"] = str(node)
        url = self.uri(node, DCAT.accessURL) or self.uri(node, DCAT.downloadURL)
        if url:
            resource["url"] = url
        # Kept even when it is the accessURL: it says the file itself can be
        # fetched there (and MQA counts it).
        download = self.uri(node, DCAT.downloadURL)
        if download:
            resource["download_url"] = download
        for key, predicate in (("name_translated", DCTERMS.title), ("description_translated", DCTERMS.description)):
            value = self.texts(node, predicate)
            if value:
                resource[key] = value
        media_type = formats.media_type_from_rdf(
            self.value(node, DCTERMS.format), self.value(node, DCAT.mediaType), self.value(node, DCAT.compressFormat))
        if media_type:
            resource["format"] = media_type
        licence = self.value(node, DCTERMS.license)
        if licence:
            resource["license"] = licenses.canonical_license_uri(licence) or licence
        for key, predicate in (("availability", DCATAP.availability), ("status", ADMS.status)):
            value = self.uri(node, predicate)
            if value:
                resource[key] = value
        size = self.value(node, DCAT.byteSize)
        if size and re.fullmatch(r"\d+(\.0+)?", size):
            resource["size"] = int(float(size))
        checksum = g.value(node, SPDX.checksum)
        if checksum is not None and self.value(checksum, SPDX.checksumValue):
            resource["hash"] = self.value(checksum, SPDX.checksumValue).lower()
        for key, predicate in (("conforms_to", DCTERMS.conformsTo),
                               ("applicable_legislation", DCATAP.applicableLegislation)):
            values = self.uris(node, predicate)
            if values:
                resource[key] = values
        service = services.access_service(self, node)
        if service:
            resource["access_service"] = service
        return resource
