"""Data and helpers shared by the licence tests (test_licenses_*.py)."""
from __future__ import annotations

from typing import Any

from rdflib import Namespace

from ckanext.dcat.processors import RDFParser

import ckan.model as model
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import dataset_fields

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
CC_BY_NC = "http://creativecommons.org/licenses/by-nc/4.0/"
ODRS = Namespace("http://schema.theodi.org/odrs#")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")

CC0_EXPLANATION_SV = (
    "Du får använda data hur du vill – sprida, göra om, modifiera och bygga vidare på – "
    "utan att tala om var den kommer ifrån."
)
CC_BY_EXPLANATION_SV = (
    "Du får använda data hur du vill – sprida, göra om, modifiera och bygga vidare på – "
    "men du behöver ange källan."
)
CC_BY_EXPLANATION_EN = (
    "You may use the data however you like – share, adapt, modify and build upon it – "
    "but you must credit the source."
)


# Condition 1 of the publication rule (classification), met, so that public
# datasets here are judged by their licence alone.
OPEN_CLASSIFICATION = {"confidentiality_level": "0", "integrity_level": "0", "availability_level": "0"}


def _create(user: dict, organization: dict, name: str = "parkeringsplatser", **fields: Any) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": user["name"]},
        name=name,
        owner_org=organization["id"],
        **dataset_fields(**{**OPEN_CLASSIFICATION, **fields}),
    )


def _dataset_count() -> int:
    return model.Session.query(model.Package).count()


def _parse(turtle: str) -> dict:
    parser = RDFParser(profiles=["dcat_ap_se"])
    parser.parse(turtle, _format="turtle")
    return next(parser.datasets())


def _harvested(*licence_uris: str, dataset_licence: str | None = None) -> str:
    distributions = "".join(
        f"""
        <http://example.org/d/1/r/{index}> a dcat:Distribution ;
            dcat:accessURL <http://example.org/file{index}.csv> ;
            dcterms:license <{uri}> .
        """
        for index, uri in enumerate(licence_uris)
    )
    links = ", ".join(f"<http://example.org/d/1/r/{index}>" for index in range(len(licence_uris)))
    dataset_licence_triple = f"dcterms:license <{dataset_licence}> ;" if dataset_licence else ""
    return f"""
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <http://example.org/d/1> a dcat:Dataset ;
            dcterms:title "Cykelflöden"@sv ;
            {dataset_licence_triple}
            dcat:distribution {links} .
        {distributions}
    """
