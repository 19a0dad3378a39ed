"""The MQA indicators as data: DCAT-AP-SE.md §5 (data.europa.eu's weights,
405 points over five dimensions), each with the predicate it asks about,
the entity it is computed on, and the form field that raises it.

Which field feeds which triple (dcat/profiles/dcat_ap_se.py):
- a distribution's dct:license is its own `license` or else the dataset's
  `license_id` (licenses.effective_license): `license_id` is the field the
  form shows for every distribution;
- a distribution's dct:rights is the statement the profile writes for a
  licence of the register: the attribution for CC BY, the licence's terms
  for CC0: raised by the licence (`license_id`), not by a field of its own;
- the profile writes no dct:issued/dct:modified on a distribution, so the
  dataset's `issued`/`modified` count (the spec's fallback);
- dcat_ap_compliance has no field: it is the whole output passing SEMIC's
  shapes.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from ckanext.gbgopendata.messages import Message, N_

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"

DATASET = "dataset"
DISTRIBUTION = "distribution"

# In MQA's order.
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")
DIMENSION_LABELS: dict[str, Message] = {
    "findability": N_("Findability"),
    "accessibility": N_("Accessibility"),
    "interoperability": N_("Interoperability"),
    "reusability": N_("Reusability"),
    "contextuality": N_("Contextuality"),
}
RATING_LABELS: dict[str, Message] = {
    "excellent": N_("Excellent"),
    "good": N_("Good"),
    "sufficient": N_("Sufficient"),
    "bad": N_("Bad"),
}
NOT_CHECKED_YET = N_("not checked yet")


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    points: int
    entity: str  # DATASET | DISTRIBUTION
    predicate: str | None  # the RDF predicate asked about (None: the whole output)
    field: str | None  # the form field that raises it ("resources.<field>" for a distribution's)
    label: Message
    advice: Message


INDICATORS: tuple[Indicator, ...] = (
    # Findability (100)
    Indicator("keyword", "findability", 30, DATASET, DCAT + "keyword", "tags_translated",
              N_("Keywords"), N_("Add keywords to the dataset.")),
    Indicator("theme", "findability", 30, DATASET, DCAT + "theme", "theme",
              N_("Categories"), N_("Choose at least one category for the dataset.")),
    Indicator("spatial", "findability", 20, DATASET, DCT + "spatial", "spatial_coverage",
              N_("Geographical area"), N_("Name the geographical area the data covers.")),
    Indicator("temporal", "findability", 20, DATASET, DCT + "temporal", "temporal_start",
              N_("Time period"), N_("Give the time period the data covers.")),
    # Accessibility (100)
    Indicator("access_url_status", "accessibility", 50, DISTRIBUTION, DCAT + "accessURL", "resources.url",
              N_("Access URL reachable"),
              N_("Make the distribution's access URL answer (HTTP 2xx or 3xx).")),
    Indicator("download_url", "accessibility", 20, DISTRIBUTION, DCAT + "downloadURL", "resources.download_url",
              N_("Download URL"), N_("Give the distribution a download URL (a direct link to the file).")),
    Indicator("download_url_status", "accessibility", 30, DISTRIBUTION, DCAT + "downloadURL",
              "resources.download_url", N_("Download URL reachable"),
              N_("Make the distribution's download URL answer (HTTP 2xx or 3xx).")),
    # Interoperability (110)
    Indicator("format", "interoperability", 20, DISTRIBUTION, DCT + "format", "resources.format",
              N_("Format"), N_("Give the distribution's format.")),
    Indicator("media_type", "interoperability", 10, DISTRIBUTION, DCAT + "mediaType", "resources.format",
              N_("Media type"), N_("Give the distribution's media type.")),
    Indicator("format_vocabulary", "interoperability", 10, DISTRIBUTION, DCT + "format", "resources.format",
              N_("Format from a vocabulary"),
              N_("Choose a format from the EU file types or the IANA media types.")),
    Indicator("non_proprietary", "interoperability", 20, DISTRIBUTION, DCT + "format", "resources.format",
              N_("Non-proprietary format"),
              N_("Offer the data in a non-proprietary format (for example CSV or JSON).")),
    Indicator("machine_readable", "interoperability", 20, DISTRIBUTION, DCT + "format", "resources.format",
              N_("Machine-readable format"),
              N_("Offer the data in a machine-readable format (for example CSV or JSON).")),
    Indicator("dcat_ap_compliance", "interoperability", 30, DATASET, None, None,
              N_("DCAT-AP compliance"), N_("Correct what makes the metadata fail DCAT-AP's validation.")),
    # Reusability (75)
    Indicator("license", "reusability", 20, DISTRIBUTION, DCT + "license", "license_id",
              N_("Licence"), N_("Choose a licence.")),
    Indicator("license_vocabulary", "reusability", 10, DISTRIBUTION, DCT + "license", "license_id",
              N_("Licence from a vocabulary"), N_("Choose a licence the EU's licence vocabulary knows.")),
    Indicator("access_rights", "reusability", 10, DATASET, DCT + "accessRights", "access_rights",
              N_("Access rights"), N_("Give the dataset's access rights.")),
    Indicator("access_rights_vocabulary", "reusability", 5, DATASET, DCT + "accessRights", "access_rights",
              N_("Access rights from a vocabulary"),
              N_("Choose access rights from the EU's access rights vocabulary.")),
    Indicator("contact_point", "reusability", 20, DATASET, DCAT + "contactPoint", "contact",
              N_("Contact point"), N_("Give a contact point for the dataset.")),
    Indicator("publisher", "reusability", 10, DATASET, DCT + "publisher", "owner_org",
              N_("Publisher"), N_("Choose an organisation with an organisation number as publisher.")),
    # Contextuality (20)
    Indicator("rights", "contextuality", 5, DISTRIBUTION, DCT + "rights", "license_id",
              N_("Rights"),
              N_("Choose a licence of the catalogue: its terms (for CC BY, the attribution) "
                 "are the distribution's rights statement.")),
    Indicator("byte_size", "contextuality", 5, DISTRIBUTION, DCAT + "byteSize", "resources.size",
              N_("File size"), N_("Give the distribution's file size.")),
    Indicator("issued", "contextuality", 5, DISTRIBUTION, DCT + "issued", "issued",
              N_("Date of issue"), N_("Give the date the dataset was issued.")),
    Indicator("modified", "contextuality", 5, DISTRIBUTION, DCT + "modified", "modified",
              N_("Modification date"), N_("Give the date the dataset was last modified.")),
)
BY_KEY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}

# Not scored by Sveriges dataportal (no SHACL service at its build time).
NOT_IN_SE = frozenset({"dcat_ap_compliance"})


def of_variant(variant: str) -> tuple[Indicator, ...]:
    """The indicators a variant scores: every one for eu, all but DCAT-AP compliance for se."""
    if variant == "se":
        return tuple(i for i in INDICATORS if i.key not in NOT_IN_SE)
    return INDICATORS


def maximum(variant: str, dimension: str | None = None) -> int:
    return sum(i.points for i in of_variant(variant) if dimension is None or i.dimension == dimension)


# --- the vocabularies the indicators ask ------------------------------------------------

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPES = ("http://www.iana.org/assignments/media-types/", "https://www.iana.org/assignments/media-types/")
LICENCE_NAL = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT_NAL = "http://publications.europa.eu/resource/authority/access-right/"
_HERE = Path(__file__).resolve().parent

# The seven licence URIs DCAT-AP-SE names for a distribution (DCAT-AP-SE.md
# §3, exactly these: http, no deed page): Sveriges dataportal's licence list.
DCAT_AP_SE_LICENCES = frozenset(
    [f"http://creativecommons.org/licenses/{code}/4.0/"
     for code in ("by", "by-nc", "by-nc-nd", "by-nc-sa", "by-nd", "by-sa")]
    + ["http://creativecommons.org/publicdomain/zero/1.0/"]
)


def _rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in (_HERE / name).read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@functools.cache
def machine_readable_file_types() -> frozenset[str]:
    """EU file-type codes (CSV, JSON…) data.europa.eu counts as machine-readable."""
    return frozenset(row["code"] for row in _rows("edp-formats.csv") if row["machine_readable"] == "1")


@functools.cache
def non_proprietary_file_types() -> frozenset[str]:
    """EU file-type codes data.europa.eu counts as non-proprietary."""
    return frozenset(row["code"] for row in _rows("edp-formats.csv") if row["non_proprietary"] == "1")


@functools.cache
def edp_licences() -> dict[str, str]:
    """Every licence URI the EDP licence vocabulary knows -> its concept."""
    return {row["uri"]: row["concept"] for row in _rows("edp-licences.csv")}
