"""Datasets for the DCAT-AP-SE tests: a complete one (every field of the
schema) and a minimal one (the mandatory fields)."""
from __future__ import annotations

from typing import Any

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION

HVD = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
EU = "http://publications.europa.eu/resource/authority/"


def complete_dataset(**overrides: Any) -> dict[str, Any]:
    fields = {
        "name": "parkeringsplatser",
        "title_translated": {"sv": "Parkeringsplatser", "en": "Parking spaces"},
        "notes_translated": {"sv": "Kommunala parkeringsplatser.", "en": "Municipal parking spaces."},
        "tags_translated": {"sv": ["parkering", "trafik"], "en": ["parking", "traffic"]},
        "theme": [EU + "data-theme/TRAN", EU + "data-theme/REGI"],
        "contact": [{
            "name": "Trafikkontoret, kundservice",
            "email": "kundservice@trafikkontoret.goteborg.se",
            "telephone": "+46 31 365 00 00",
            "url": "https://goteborg.se/trafik",
            "kind": "Organization",
        }],
        "access_rights": EU + "access-right/PUBLIC",
        "temporal_start": "2020-01-01",
        "temporal_end": "2024-12-31",
        "spatial_coverage": [{"uri": "http://sws.geonames.org/2711533"}],
        "issued": "2021-03-01",
        "modified": "2024-06-30",
        "conforms_to": ["https://example.org/spec/parkering"],
        "frequency": EU + "frequency/DAILY",
        "language": [EU + "language/SWE", EU + "language/ENG"],
        "url": "https://goteborg.se/parkering",
        "documentation": ["https://goteborg.se/parkering/dokumentation"],
        "version": "2.1",
        "provenance": {"sv": "Insamlat av Trafikkontoret.", "en": "Collected by the Urban Transport Administration."},
        "applicable_legislation": [HVD],
        "hvd_category": ["http://data.europa.eu/bna/c_b79e35eb"],
        "license_id": "CC-BY-4.0",
        "private": False,
        "resources": [
            {
                "url": "https://goteborg.se/opendata/parkering.csv",
                "format": "text/csv",
                "name_translated": {"sv": "Parkeringsplatser (CSV)", "en": "Parking spaces (CSV)"},
                "description_translated": {"sv": "Alla platser.", "en": "All spaces."},
                "availability": EU + "planned-availability/STABLE",
                "download_url": "https://goteborg.se/opendata/parkering-full.csv",
                "status": EU + "distribution-status/COMPLETED",
                "size": 123456,
                "hash": "0123456789abcdef0123456789abcdef01234567",
                "conforms_to": ["https://goteborg.se/opendata/parkering-schema.json"],
                "applicable_legislation": [HVD],
            },
            {
                "url": "https://goteborg.se/opendata/parkering.zip",
                "format": "text/csv+zip",
                "name_translated": {"sv": "Parkeringsplatser (zip)", "en": "Parking spaces (zip)"},
                "license": "http://creativecommons.org/publicdomain/zero/1.0/",
                "applicable_legislation": [HVD],
            },
            # A dataset's licence is not in DCAT-AP-SE (only its distributions'):
            # parsing takes the one most distributions carry.
            {"url": "https://goteborg.se/opendata/parkering.json", "format": "application/json"},
        ],
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields


def minimal_dataset(**overrides: Any) -> dict[str, Any]:
    fields = {
        "name": "minimal",
        "title_translated": {"sv": "Minimal"},
        "notes_translated": {"sv": "Bara det obligatoriska."},
        "license_id": "CC0-1.0",
        "private": False,
        "resources": [{"url": "https://goteborg.se/opendata/minimal.json", "format": "application/json"}],
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields
