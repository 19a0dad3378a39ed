"""The `gbgopendata_licenses` profile of Göteborgs Stad's catalogue.

`gbgopendata_licenses` runs after `euro_dcat_ap_3` and puts the licences in
the form DCAT-AP-SE asks for: the canonical Creative Commons URI on every
distribution (its own licence, else the dataset's), typed with the ADMS
licence types, and, for licences that require attribution, an
odrs:RightsStatement with the attribution text in dcterms:rights. When
parsing (harvest-in) it maps the many ways licences are written to the
register's ids and URIs.

Superseded by `dcat_ap_se` (dcat_ap_se.py), which writes and parses the
licences itself; kept registered only for configs that still name it.
"""
from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ckan.plugins import toolkit
from ckanext.dcat.profiles import DCT, RDFProfile
from ckanext.dcat.profiles.base import CleanedURIRef
from ckanext.dcat.utils import resource_uri

from ckanext.gbgopendata import licenses

ODRS = Namespace("http://schema.theodi.org/odrs#")
UNKNOWN_IPR = URIRef("http://purl.org/adms/licencetype/UnknownIPR")


def dataset_page_url(dataset_dict: dict[str, Any]) -> str:
    site_url = toolkit.config.get("ckan.site_url", "").rstrip("/")
    return f"{site_url}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


class GbgOpenDataLicenseProfile(RDFProfile):
    """Licences and CC BY attribution, as DCAT-AP-SE wants them."""

    # --- CKAN -> RDF -------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        self.g.bind("odrs", ODRS)
        attribution = None
        for resource_dict in dataset_dict.get("resources", []):
            # The same reference ckanext-dcat made for the distribution.
            distribution = CleanedURIRef(resource_uri(resource_dict))
            licence = licenses.effective_license(resource_dict, dataset_dict)
            if licence is None:
                continue  # a licence outside the register: left as ckanext-dcat wrote it
            self._set_license(distribution, licence)
            if licence.attribution_required:
                attribution = attribution or licenses.dataset_attribution(dataset_dict, licence)
                self._add_attribution(distribution, attribution, dataset_dict)

    def _set_license(self, distribution, licence: licenses.Licence) -> None:
        g = self.g
        for written in list(g.objects(distribution, DCT.license)):
            g.remove((distribution, DCT.license, written))
            # ckanext-dcat types every licence as "unknown IPR"; ours are known.
            g.remove((written, DCT.type, UNKNOWN_IPR))
        document = URIRef(licence.url)
        g.add((distribution, DCT.license, document))
        g.add((document, RDF.type, DCT.LicenseDocument))
        for licence_type in licence.licence_types:
            g.add((document, DCT.type, URIRef(licence_type)))
        for lang in licenses.LANGUAGES:
            g.add((document, DCT.title, Literal(licence.title(lang), lang=lang)))

    def _add_attribution(self, distribution, attribution: dict[str, str] | None, dataset_dict) -> None:
        if not attribution:
            return
        g = self.g
        # DCAT-AP-SE allows one rights statement per distribution: reuse a
        # blank-node statement ckanext-dcat wrote from a `rights` value.
        statement = next((o for o in g.objects(distribution, DCT.rights) if isinstance(o, BNode)), None)
        if statement is None:
            statement = BNode()
            g.add((distribution, DCT.rights, statement))
        g.add((statement, RDF.type, ODRS.RightsStatement))
        g.add((statement, RDF.type, DCT.RightsStatement))
        for lang, text in attribution.items():
            if text:
                g.add((statement, ODRS.attributionText, Literal(text, lang=lang)))
        g.add((statement, ODRS.attributionURL, URIRef(dataset_page_url(dataset_dict))))

    # --- RDF -> CKAN (harvest-in) -------------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        resources = dataset_dict.get("resources", [])
        distribution_ids = []
        for resource_dict in resources:
            license_id = licenses.canonical_license_id(resource_dict.get("license"))
            if license_id:
                resource_dict["license"] = licenses.get_license(license_id).url
            distribution_ids.append(license_id)
            self._drop_attribution_statement(resource_dict)

        # The dataset's licence: as given on the dataset (not DCAT-AP-SE's
        # place for it, but common elsewhere), else the one most of its
        # distributions carry (ckanext-dcat takes whichever distribution the
        # graph yields first), else what an earlier profile found.
        dataset_license = (
            licenses.canonical_license_id(self._object_value(dataset_ref, DCT.license))
            or licenses.most_common_license(distribution_ids)
            or licenses.canonical_license_id(dataset_dict.get("license_id"))
        )
        if dataset_license:
            dataset_dict["license_id"] = dataset_license
            # Distributions with the dataset's licence inherit it.
            dataset_url = licenses.get_license(dataset_license).url
            for resource_dict in resources:
                if resource_dict.get("license") == dataset_url:
                    del resource_dict["license"]
        return dataset_dict

    def _drop_attribution_statement(self, resource_dict) -> None:
        """An odrs attribution statement is derived from the licence, not
        data to store: ckanext-dcat would keep it as a blank node's id."""
        reference = resource_dict.get("distribution_ref")
        if not reference or "rights" not in resource_dict:
            return
        distribution = URIRef(reference) if resource_dict.get("uri") else BNode(reference)
        for statement in self.g.objects(distribution, DCT.rights):
            if (statement, RDF.type, ODRS.RightsStatement) in self.g and str(statement) == resource_dict["rights"]:
                del resource_dict["rights"]
                return
