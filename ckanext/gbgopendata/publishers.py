"""Publishers: a DCAT-AP-SE publisher is identified by its
organisationsnummer, so Sveriges dataportal merges it with the same
organisation harvested from other catalogues."""
from __future__ import annotations

from typing import Any, Callable

# DIGG's harvesting rules: http://dataportal.se/organisation/SE<orgnr>.
PUBLISHER_URI_BASE = "http://dataportal.se/organisation/SE"


def publisher_uri(orgnr: str) -> str:
    """The publisher URI of an organisationsnummer (stored as 10 digits)."""
    return PUBLISHER_URI_BASE + orgnr.replace("-", "").strip()


def format_orgnr(orgnr: str) -> str:
    """212000-1355 from 2120001355, the way Swedish documents write it."""
    return f"{orgnr[:6]}-{orgnr[6:]}" if len(orgnr) == 10 and orgnr.isdigit() else orgnr


def dataset_publisher_uri(
    dataset_dict: dict[str, Any], show_organization: Callable[[str], dict[str, Any]]
) -> str | None:
    """The publisher URI of a dataset's organisation, or None when the
    organisation has no organisationsnummer. Departments that share the
    city's orgnr share one publisher URI."""
    organization = dataset_dict.get("organization") or {}
    orgnr = organization.get("orgnr")
    if not orgnr and organization.get("id"):
        orgnr = show_organization(organization["id"]).get("orgnr")
    return publisher_uri(orgnr) if orgnr else None
