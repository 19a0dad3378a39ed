"""The `dcat_ap_se` profile: Göteborgs Stad's catalogue as DCAT-AP-SE 3.0.1.

Built on ckanext-dcat's `euro_dcat_ap_3` (whose parsing it extends), it
writes every field of our schema itself rather than correcting what
`euro_dcat_ap_3` writes, because DCAT-AP-SE differs from it almost
everywhere that matters to Sveriges dataportal:

- no blank node: periods, rights statements, checksums, telephones and
  provenance statements get URIs under their dataset's or contact's URI;
- one publisher per organisationsnummer (agents.py), the department as
  dcterms:creator, contact points typed vcard:Organization/Individual with
  a URI per contact (a digest of all its properties);
- what a link points at typed with the class DCAT-AP's range asks for
  (foaf:Document, dct:Standard, dct:LicenseDocument, dct:MediaType…), as
  stock ckanext-dcat does, so that it validates as a harvester receives it;
- every text language-tagged, one literal per keyword and language;
- formats in the EU style or DIGG's literal style (formats.py);
- canonical licence URIs on every distribution, CC BY attribution, HVD
  properties only on high-value datasets;
- nothing internal (classification, checklist, users) and no
  dcat:CatalogRecord.

It only adds triples about its own dataset (and the shared agents, licences,
places, documents and standards it names, each described from that node's
own facts alone, so that every dataset naming it says the same of it),
never scans the graph, so serialising N datasets into
one graph stays linear. Parsing (harvest-in) is in parse_dataset.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ckan.plugins import toolkit
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import resource_uri

from ckanext.gbgopendata import languages, licenses, publishers
from ckanext.gbgopendata.dcat import agents, formats, series, services
from ckanext.gbgopendata.dcat.settings import CATALOGUE_LICENSE, catalogue_settings
from ckanext.gbgopendata.vocabularies import get_vocabulary

DCATAP = Namespace("http://data.europa.eu/r5r/")
ODRS = Namespace("http://schema.theodi.org/odrs#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = agents.VCARD
SCHEMA = Namespace("http://schema.org/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"

NAMESPACES = {
    "rdf": str(RDF),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "dcatap": str(DCATAP),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "odrs": str(ODRS),
    "spdx": str(SPDX),
    "adms": str(ADMS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        import json

        try:
            parsed = json.loads(value)
        except ValueError:
            return [value] if value.strip() else []
        value = parsed if isinstance(parsed, list) else [value]
    return [item.strip() for item in (value or []) if isinstance(item, str) and item.strip()]


def date_literal(value: Any) -> Literal | None:
    """A stored date as xsd:gYear, xsd:date or xsd:dateTime."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    return Literal(text, datatype=XSD.dateTime)


def dataset_page_url(dataset_dict: dict[str, Any]) -> str:
    site_url = (toolkit.config.get("ckan.site_url") or "").rstrip("/")
    return f"{site_url}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


def is_hvd(dataset_dict: dict[str, Any]) -> bool:
    return HVD_LEGISLATION in _list(dataset_dict.get("applicable_legislation"))


def open_catalogue_search(data_dict: dict[str, Any]) -> dict[str, Any]:
    """package_search over the open catalogue only, as an anonymous visitor
    (the context flag also strips the internal fields)."""
    from ckanext.gbgopendata.logic import visibility

    context = {"user": "", "ignore_auth": False, visibility.OPEN_CATALOGUE: True}
    data_dict = dict(data_dict, fq=visibility.open_catalogue_filter(data_dict.get("fq")))
    return toolkit.get_action("package_search")(context, data_dict)


def newest_change() -> str | None:
    """The newest metadata_modified in the open catalogue."""
    result = open_catalogue_search({"q": "*:*", "sort": "metadata_modified desc", "rows": 1})
    return result["results"][0]["metadata_modified"] if result.get("results") else None


class DcatApSeProfile(EuropeanDCATAP3Profile):
    """DCAT-AP-SE 3.0.1 (serialising and parsing)."""

    # --- CKAN -> RDF -----------------------------------------------------------------

    def _bind(self) -> None:
        for prefix, namespace in NAMESPACES.items():
            self.g.bind(prefix, namespace, override=True)

    def _texts(self, subject, predicate, value: Any) -> None:
        for lang, text in agents.texts(value).items():
            self.g.add((subject, predicate, Literal(text, lang=lang)))

    def _uris(self, subject, predicate, values: Iterable[str], cls: URIRef | None = None) -> None:
        for value in values:
            if cls is None:
                self.g.add((subject, predicate, agents.iri(value)))
            else:
                agents.add_link(self.g, subject, predicate, value, cls)

    def _place(self, subject, uri: str, entry: dict[str, Any] | None = None) -> None:
        place = agents.add_link(self.g, subject, DCTERMS.spatial, uri, DCTERMS.Location)
        term = get_vocabulary("spatial").get(uri)
        if term is not None:
            self.g.add((place, SKOS.prefLabel, Literal(term.label_sv, lang="sv")))
            self.g.add((place, SKOS.prefLabel, Literal(term.label_en, lang="en")))
        # The name the dataset's source gave the place, as it gave it.
        for lang in languages.LANGUAGES:
            label = (entry or {}).get("label_" + lang)
            if isinstance(label, str) and label.strip():
                self.g.add((place, RDFS.label, Literal(label.strip(), lang=lang)))

    def _licence(self, subject, uri: str) -> None:
        """The licence document, described from the register by its URI alone."""
        licence = licenses.get_license(licenses.canonical_license_id(uri))
        document = agents.add_link(self.g, subject, DCTERMS.license, licence.url if licence else uri,
                                   DCTERMS.LicenseDocument)
        if licence is None:
            return
        for licence_type in licence.licence_types:
            self.g.add((document, DCTERMS.type, URIRef(licence_type)))
        for lang in languages.LANGUAGES:
            self.g.add((document, DCTERMS.title, Literal(licence.title(lang), lang=lang)))

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        self._bind()
        if services.is_service(dataset_dict):  # a dcat:DataService (dcat/services.py)
            return services.graph_from_service(self, dataset_dict, dataset_ref)
        ref = dataset_ref
        g.add((ref, RDF.type, DCAT.Dataset))
        self._described(dataset_dict, ref)
        self._uris(ref, DCAT.theme, _list(dataset_dict.get("theme")))

        for key, predicate in (("access_rights", DCTERMS.accessRights), ("frequency", DCTERMS.accrualPeriodicity)):
            if dataset_dict.get(key):
                g.add((ref, predicate, agents.iri(dataset_dict[key])))
        self._uris(ref, DCTERMS.language, _list(dataset_dict.get("language")))
        self._uris(ref, DCTERMS.conformsTo, _list(dataset_dict.get("conforms_to")), DCTERMS.Standard)
        self._uris(ref, FOAF.page, _list(dataset_dict.get("documentation")), FOAF.Document)
        if dataset_dict.get("url"):
            agents.add_link(g, ref, DCAT.landingPage, dataset_dict["url"], FOAF.Document)
        if dataset_dict.get("version"):
            g.add((ref, DCAT.version, Literal(dataset_dict["version"])))
        for key, predicate in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
            literal = date_literal(dataset_dict.get(key))
            if literal is not None:
                g.add((ref, predicate, literal))

        provenance = agents.texts(dataset_dict.get("provenance"))
        if provenance:
            statement = URIRef(f"{ref}/provenance")
            g.add((ref, DCTERMS.provenance, statement))
            g.add((statement, RDF.type, DCTERMS.ProvenanceStatement))
            self._texts(statement, DCTERMS.description, provenance)

        start, end = date_literal(dataset_dict.get("temporal_start")), date_literal(dataset_dict.get("temporal_end"))
        if start is not None or end is not None:
            period = URIRef(f"{ref}/temporal")
            g.add((ref, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if start is not None:
                g.add((period, DCAT.startDate, start))
            if end is not None:
                g.add((period, DCAT.endDate, end))

        for entry in dataset_dict.get("spatial_coverage") or []:
            uri = entry.get("uri") if isinstance(entry, dict) else None
            if uri:
                self._place(ref, uri, entry)

        hvd = is_hvd(dataset_dict)
        if hvd:
            g.add((ref, DCATAP.applicableLegislation, URIRef(HVD_LEGISLATION)))
            self._uris(ref, DCATAP.hvdCategory, _list(dataset_dict.get("hvd_category")))

        for resource_dict in dataset_dict.get("resources") or []:
            self._distribution(dataset_dict, ref, resource_dict, hvd)
        series.describe(self, dataset_dict, ref)  # dcat:DatasetSeries, dcat:inSeries

    def _described(self, package_dict, ref) -> None:
        """What a dataset, a series and a data service are described by
        alike (the writing twin of parsing.Parser.described): title,
        description, identifier, keywords, publisher and creator, contact
        points."""
        g = self.g
        self._texts(ref, DCTERMS.title, package_dict.get("title_translated") or package_dict.get("title"))
        self._texts(ref, DCTERMS.description, package_dict.get("notes_translated") or package_dict.get("notes"))
        # DIGG de-duplicates across catalogues on the identifier: the one of
        # the catalogue a package came from, else its UUID here.
        identifier = package_dict.get("identifier") or package_dict.get("id")
        if identifier:
            g.add((ref, DCTERMS.identifier, Literal(identifier)))
        tags = package_dict.get("tags_translated")
        if isinstance(tags, dict):
            for lang, keywords in tags.items():
                for keyword in _list(keywords):
                    g.add((ref, DCAT.keyword, Literal(keyword, lang=lang)))
        self._agents(package_dict, ref)
        for contact in package_dict.get("contact") or []:
            if isinstance(contact, dict):
                node = agents.add_contact(g, contact)
                if node is not None:
                    g.add((ref, DCAT.contactPoint, node))

    def _agents(self, dataset_dict, ref) -> None:
        organisation = publishers.dataset_organization(dataset_dict)
        orgnr = organisation.get("orgnr") or (dataset_dict.get("organization") or {}).get("orgnr")
        if orgnr:
            self.g.add((ref, DCTERMS.publisher, agents.add_publisher(self.g, orgnr)))
        creator = agents.add_creator(self.g, organisation)
        if creator is not None:
            self.g.add((ref, DCTERMS.creator, creator))

    def _distribution(self, dataset_dict, dataset_ref, resource_dict, hvd: bool) -> None:
        g = self.g
        resource_dict = dict(resource_dict)
        resource_dict.setdefault("package_id", dataset_dict.get("id"))
        ref = URIRef(resource_uri(resource_dict))
        g.add((dataset_ref, DCAT.distribution, ref))
        g.add((ref, RDF.type, DCAT.Distribution))
        self._texts(ref, DCTERMS.title, resource_dict.get("name_translated") or resource_dict.get("name"))
        self._texts(ref, DCTERMS.description, resource_dict.get("description_translated"))
        if resource_dict.get("url"):
            g.add((ref, DCAT.accessURL, agents.iri(resource_dict["url"])))
        if resource_dict.get("download_url"):
            g.add((ref, DCAT.downloadURL, agents.iri(resource_dict["download_url"])))

        media_type = resource_dict.get("format") or resource_dict.get("mimetype")
        if media_type:
            if formats.format_style() == "se":
                g.add((ref, DCTERMS.format, Literal(media_type)))
            else:
                terms = formats.eu_terms(media_type)
                agents.add_link(g, ref, DCTERMS.format, terms["format"], DCTERMS.MediaTypeOrExtent)
                agents.add_link(g, ref, DCAT.mediaType, terms["media_type"], DCTERMS.MediaType)
                if "compress_format" in terms:
                    agents.add_link(g, ref, DCAT.compressFormat, terms["compress_format"], DCTERMS.MediaType)

        licence = licenses.effective_license(resource_dict, dataset_dict)
        if licence is not None:
            self._licence(ref, licence.url)
            if licence.attribution_required:
                self._attribution(dataset_dict, dataset_ref, ref, licence)
            else:
                self._reuse_terms(dataset_ref, ref, licence)
        elif resource_dict.get("license"):
            self._licence(ref, resource_dict["license"])

        for key, predicate in (("availability", DCATAP.availability), ("status", ADMS.status)):
            if resource_dict.get(key):
                g.add((ref, predicate, agents.iri(resource_dict[key])))
        size = resource_dict.get("size")
        if isinstance(size, int) or (isinstance(size, str) and size.isdigit()):
            g.add((ref, DCAT.byteSize, Literal(int(size), datatype=XSD.nonNegativeInteger)))
        if resource_dict.get("hash"):
            checksum = URIRef(f"{ref}/checksum")
            g.add((ref, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha1))
            g.add((checksum, SPDX.checksumValue, Literal(resource_dict["hash"].lower(), datatype=XSD.hexBinary)))
        self._uris(ref, DCTERMS.conformsTo, _list(resource_dict.get("conforms_to")), DCTERMS.Standard)
        if hvd and HVD_LEGISLATION in _list(resource_dict.get("applicable_legislation")):
            g.add((ref, DCATAP.applicableLegislation, URIRef(HVD_LEGISLATION)))

    def _reuse_terms(self, dataset_ref, distribution, licence) -> None:
        """A licence without attribution (CC0): what it lets a user do, in
        the register's words, as the distribution's rights statement
        (MQA's "rights"; a CC BY distribution's is its attribution)."""
        texts = {lang: text for lang, text in (licence.explanation_translated or {}).items() if text}
        if not texts:
            return
        g = self.g
        statement = URIRef(f"{dataset_ref}/rights")
        g.add((distribution, DCTERMS.rights, statement))
        g.add((statement, RDF.type, DCTERMS.RightsStatement))
        for lang, text in texts.items():
            g.add((statement, RDFS.label, Literal(text, lang=lang)))

    def _attribution(self, dataset_dict, dataset_ref, distribution, licence) -> None:
        attribution = licenses.dataset_attribution(dataset_dict, licence)
        if not attribution:
            return
        g = self.g
        statement = URIRef(f"{dataset_ref}/attribution")
        g.add((distribution, DCTERMS.rights, statement))
        g.add((statement, RDF.type, ODRS.RightsStatement))
        g.add((statement, RDF.type, DCTERMS.RightsStatement))
        for lang, text in attribution.items():
            if text:
                g.add((statement, ODRS.attributionText, Literal(text, lang=lang)))
        g.add((statement, ODRS.attributionURL, URIRef(dataset_page_url(dataset_dict))))

    # --- RDF -> CKAN (harvest-in) --------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        from ckanext.gbgopendata.dcat.parsing import Parser

        dataset_dict.update(Parser(self.g).dataset(dataset_ref))
        return dataset_dict

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        self._bind()
        settings = catalogue_settings()
        catalog_dict = catalog_dict or {}
        g.add((catalog_ref, RDF.type, DCAT.Catalog))
        self._texts(catalog_ref, DCTERMS.title, settings.title)
        self._texts(catalog_ref, DCTERMS.description, settings.description)
        if settings.publisher_orgnr:
            g.add((catalog_ref, DCTERMS.publisher, agents.add_publisher(g, settings.publisher_orgnr)))
        self._licence(catalog_ref, CATALOGUE_LICENSE)
        if settings.homepage:
            agents.add_link(g, catalog_ref, FOAF.homepage, settings.homepage, FOAF.Document)
        self._uris(catalog_ref, DCTERMS.language, settings.languages)
        self._uris(catalog_ref, DCAT.themeTaxonomy, settings.theme_taxonomies)
        for uri in settings.spatial:
            self._place(catalog_ref, uri)
        # ckanext-dcat's own catalogue endpoints pass no dates: theirs is the
        # newest change of a dataset it may show (the same search for everyone).
        modified = catalog_dict.get("modified")
        if modified is None and not catalog_dict.get("_no_dates"):
            modified = newest_change()
        for key, predicate, value in (("issued", DCTERMS.issued, catalog_dict.get("issued")),
                                      ("modified", DCTERMS.modified, modified)):
            if value:
                g.add((catalog_ref, predicate, Literal(str(value)[:19], datatype=XSD.dateTime)))
