"""Publishers: a DCAT-AP-SE publisher is identified by its
organisationsnummer, so Sveriges dataportal merges it with the same
organisation harvested from other catalogues.

What serialising a dataset needs of its organisation (orgnr, names) comes
from one read of all organisations per request, not from an
organization_show per dataset: a catalogue of 10,000 datasets has a few
dozen organisations.
"""
from __future__ import annotations

from typing import Any

from ckanext.gbgopendata import languages

# DIGG's harvesting rules: http://dataportal.se/organisation/SE<orgnr>.
PUBLISHER_URI_BASE = "http://dataportal.se/organisation/SE"
_REQUEST_CACHE_KEY = "_gbgopendata_organizations"


def publisher_uri(orgnr: str) -> str:
    """The publisher URI of an organisationsnummer (stored as 10 digits)."""
    return PUBLISHER_URI_BASE + orgnr.replace("-", "").strip()


def format_orgnr(orgnr: str) -> str:
    """212000-1355 from 2120001355, the way Swedish documents write it."""
    return f"{orgnr[:6]}-{orgnr[6:]}" if len(orgnr) == 10 and orgnr.isdigit() else orgnr


def _read_organizations() -> dict[str, dict[str, Any]]:
    from ckan import model

    organizations = {}
    query = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    for group in query:
        extras = dict(group.extras or {})
        names = languages.translations(extras.get("title_translated")) or languages.translations(group.title)
        organizations[group.id] = {
            "id": group.id,
            "name": group.name,
            "orgnr": extras.get("orgnr") or None,
            "names": names,
            # What DCAT-AP-SE says of a publisher or creator (dcat_ap_se profile).
            "publisher_type": extras.get("publisher_type") or None,
            "homepage": extras.get("homepage") or None,
            "email": extras.get("email") or None,
            "descriptions": languages.translations(extras.get("description_translated")),
        }
    return organizations


def organizations() -> dict[str, dict[str, Any]]:
    """Every active organisation by id: name, orgnr and {lang: name}. Read
    once per request (or CLI command, which runs in a request context)."""
    import flask

    if not flask.has_app_context():
        return _read_organizations()
    cached = getattr(flask.g, _REQUEST_CACHE_KEY, None)
    if cached is None:
        cached = _read_organizations()
        setattr(flask.g, _REQUEST_CACHE_KEY, cached)
    return cached


def dataset_organization(dataset_dict: dict[str, Any]) -> dict[str, Any]:
    """The facts of the dataset's organisation ({} when it has none)."""
    organization = dataset_dict.get("organization") or {}
    organization_id = organization.get("id") or dataset_dict.get("owner_org")
    return organizations().get(organization_id or "", {})


def dataset_publisher_uri(dataset_dict: dict[str, Any]) -> str | None:
    """The publisher URI of a dataset's organisation, or None when the
    organisation has no organisationsnummer. Departments that share the
    city's orgnr share one publisher URI."""
    orgnr = (dataset_dict.get("organization") or {}).get("orgnr") or dataset_organization(dataset_dict).get("orgnr")
    return publisher_uri(orgnr) if orgnr else None


def publisher_names(dataset_dict: dict[str, Any]) -> dict[str, str]:
    """The publishing organisation's name per language."""
    return dict(dataset_organization(dataset_dict).get("names") or {})
