"""Distribution formats in the two styles Sveriges dataportal harvests.

We store an IANA media type (`text/csv`). DCAT-AP-SE's own style writes it
as a literal in dcterms:format; the EU style (harvested since DCAT-AP-SE
3.0, and the only one SEMIC's shapes accept) writes an EU file-type URI in
dcterms:format and the IANA URI in dcat:mediaType. A `+zip` type (DIGG's
`text/csv+zip`) is the inner media type compressed with application/zip
(dcat:compressFormat).
"""
from __future__ import annotations

import functools
import json
import re

from ckanext.gbgopendata import settings, vocabularies

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"
STYLE_OPTION = settings.DCAT_FORMAT_STYLE
ZIP = "application/zip"

# The media types of our vocabulary (vocabularies/media-type.csv) that have
# an entry in the EU file-type table. Others get the IANA URI as format.
EU_FILE_TYPES = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/xml": "XML",
    "application/zip": "ZIP",
    "text/html": "HTML",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/pdf": "PDF",
    "text/plain": "TXT",
    "application/rdf+xml": "RDF_XML",
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/sparql-query": "SPARQLQ",
    "application/x-shapefile": "SHP",
    "application/geopackage+sqlite3": "GPKG",
    "application/gml+xml": "GML",
    "application/vnd.google-earth.kml+xml": "KML",
    "application/vnd.google-earth.kmz": "KMZ",
    "image/tiff": "TIFF",
    "image/jp2": "JPEG2000",
    "application/vnd.ogc.wms_xml": "WMS_SRVC",
    "application/vnd.ogc.wfs_xml": "WFS_SRVC",
    "application/vnd.ogc.wcs_xml": "WCS_SRVC",
    "application/vnd.ogc.wmts_xml": "WMTS_SRVC",
    "application/x-ecw": "ECW",
    "application/x-filegdb": "GDB",
    "application/x-las": "LAS",
    "application/x-laz": "LAZ",
    "application/x-tab": "TAB",
    "application/x-tab-raster": "TAB_RSTR",
    "application/x-ascii-grid": "GRID_ASCII",
    "application/x-worldfile": "WORLD",
    "application/x-gmz": "GMZ",
    "application/x-oracledump": "DMP",  # "Oracle Dump" in the EU table
}
_BY_FILE_TYPE = {code: media_type for media_type, code in EU_FILE_TYPES.items()}


def format_style() -> str:
    """eu or se (ckanext.gbgopendata.dcat_format_style)."""
    return settings.current().dcat_format_style


def bare(media_type: str) -> str:
    """The media type without parameters (`; charset=utf-8`)."""
    return media_type.split(";", 1)[0].strip().lower()


def split_zip(media_type: str) -> tuple[str, bool]:
    """("text/csv", True) for DIGG's "text/csv+zip"."""
    base = bare(media_type)
    if base.endswith("+zip"):
        return base[: -len("+zip")], True
    return base, False


def eu_terms(media_type: str) -> dict[str, str]:
    """The EU-style URIs of a stored media type: format, mediaType and, for
    zipped data, compressFormat."""
    inner, zipped = split_zip(media_type)
    code = EU_FILE_TYPES.get(inner)
    terms = {
        "format": FILE_TYPE + code if code else IANA + inner,
        "media_type": IANA + inner,
    }
    if zipped:
        terms["compress_format"] = IANA + ZIP
    return terms


_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def media_type_from_rdf(fmt: str | None, media_type: str | None, compress: str | None) -> str | None:
    """Our stored media type from what a document says, in either style or
    the forms harvested elsewhere (`CSV`, a file-type or IANA URI)."""
    value = None
    for candidate in (media_type, fmt):
        if not candidate:
            continue
        text = candidate.strip()
        if text.startswith(("http://", "https://")):
            if "/media-types/" in text:
                value = text.split("/media-types/", 1)[1]
            elif "/file-type/" in text:
                value = _BY_FILE_TYPE.get(text.rsplit("/", 1)[1].upper())
        elif _MEDIA_TYPE.match(bare(text)) or ";" in text:
            value = text.strip()
        elif text.upper() in _BY_FILE_TYPE:
            value = _BY_FILE_TYPE[text.upper()]
        if value:
            break
    if value and compress and bare(compress).endswith(ZIP) and not value.endswith("+zip"):
        value = value + "+zip"
    return value


# The EU file types that data.europa.eu's metadata quality assessment counts
# both as machine-readable and as non-proprietary (its vocabularies
# edp-machine-readable-format and edp-non-proprietary-format): the "open,
# machine-readable" formats of the publication checklist. Excel and
# shapefiles are machine-readable but proprietary; PDF, HTML and images are
# neither.
OPEN_MACHINE_READABLE_FILE_TYPES = frozenset(
    {
        "CSV", "GEOJSON", "ICS", "JSON", "JSON_LD", "KML", "KMZ", "NETCDF", "ODS", "RDF_N_QUADS",
        "RDF_N_TRIPLES", "RDF_TRIG", "RDF_TURTLE", "RDF_XML", "RSS", "XML",
    }
)  # fmt: skip


def is_open_machine_readable(media_type: str | None) -> bool:
    """Whether a stored media type (zipped or not) is an open,
    machine-readable format."""
    if not isinstance(media_type, str) or not media_type.strip():
        return False
    inner, _zipped = split_zip(media_type)
    return EU_FILE_TYPES.get(inner) in OPEN_MACHINE_READABLE_FILE_TYPES


# --- formats by name ----------------------------------------------------------------------
#
# Publishers know a format by its name ("Excel"), by its file's extension
# (".xlsx") or, from other portals, by its EU file-type code ("XLSX"); we
# store the media type. Besides the vocabulary's own names and media types
# (vocabularies/media-type.csv) and the EU codes above, these are understood.

# File extensions, without the dot; the first is the usual one.
FILE_EXTENSIONS = {
    "text/csv": ("csv",),
    "text/csv+zip": ("csv.zip",),
    "application/json": ("json",),
    "application/json+zip": ("json.zip",),
    "application/geo+json": ("geojson",),
    "application/xml": ("xml",),
    "application/xml+zip": ("xml.zip",),
    "application/zip": ("zip",),
    "text/html": ("html", "htm"),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/pdf": ("pdf",),
    "text/plain": ("txt",),
    "application/rdf+xml": ("rdf",),
    "text/turtle": ("ttl",),
    "application/n-triples": ("nt",),
    "application/sparql-query": ("rq", "sparql"),
    "application/x-shapefile": ("shp",),
    "application/geopackage+sqlite3": ("gpkg",),
    "application/gml+xml": ("gml",),
    "application/vnd.google-earth.kml+xml": ("kml",),
    "application/vnd.google-earth.kmz": ("kmz",),
    "image/tiff": ("tif", "tiff"),
    "image/jp2": ("jp2",),
    "application/x-ecw": ("ecw",),
    "application/x-filegdb": ("gdb",),
    "application/x-las": ("las",),
    "application/x-laz": ("laz",),
    "application/x-tab": ("tab",),
    "application/x-ascii-grid": ("asc",),
    "application/x-worldfile": ("tfw", "wld"),
    "application/x-gmz": ("gmz",),
    "application/x-oracledump": ("dmp",),
    "application/vnd.sqlite3": ("sqlite", "sqlite3"),
}

# Other names people use for a format, in either language (the labels of
# earlier versions among them, so what was typed before still works).
COMMON_NAMES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel", "Microsoft Excel", "Microsoft Excel (.xlsx)", "Excel-fil", "Excelfil",
    ),
    "application/vnd.ms-excel": ("Excel 97-2003", "Microsoft Excel (.xls)"),
    "application/vnd.oasis.opendocument.spreadsheet": (
        "ODS", "OpenDocument", "OpenDocument-kalkylblad (.ods)", "LibreOffice Calc",
    ),
    "application/x-shapefile": ("Shape", "Shapefile", "Shapefil", "ESRI Shapefile"),
    "application/geopackage+sqlite3": ("GeoPackage",),
    "application/x-filegdb": ("File geodatabase", "FileGDB"),
    "application/x-ascii-grid": ("ASCII Grid",),
    "text/plain": ("Text", "Textfil", "Plain text"),
    "text/turtle": ("Turtle",),
    "application/n-triples": ("N-Triples",),
    "image/tiff": ("TIFF", "GeoTIFF"),
    "image/jp2": ("JPEG2000",),
    "application/vnd.ogc.wms_xml": ("WMS",),
    "application/vnd.ogc.wfs_xml": ("WFS",),
    "application/vnd.ogc.wcs_xml": ("WCS",),
    "application/vnd.ogc.wmts_xml": ("WMTS",),
    "application/sparql-query": ("SPARQL",),
}


def _name_key(text: str) -> str:
    """A typed name as compared: case, spacing and the kind of dash do not
    matter ("excel 97-2003" is "Excel 97–2003")."""
    return " ".join(text.replace("–", "-").replace("—", "-").split()).casefold()


@functools.cache
def _media_types_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for media_type, code in EU_FILE_TYPES.items():
        names[_name_key(code)] = media_type
    for media_type, aliases in COMMON_NAMES.items():
        for alias in aliases:
            names[_name_key(alias)] = media_type
    for media_type, extensions in FILE_EXTENSIONS.items():
        for extension in extensions:
            names[_name_key(extension)] = media_type
            names[_name_key("." + extension)] = media_type
    # The list's own names and media types win over any alias.
    for term in vocabularies.get_vocabulary("media-type"):
        for text in (term.label_sv, term.label_en, term.uri):
            names[_name_key(text)] = term.uri
    return names


def media_type_of(text: str) -> str | None:
    """The media type a publisher means by `text`: a name from the list in
    either language ("Excel (.xlsx)"), a file extension (".xlsx", "xlsx"), a
    common name ("Excel", "Shape"), an EU file-type code ("XLSX") or URI, or a
    media type of the list in any case. None for anything else (a media type
    outside the list among them: the validator decides about those)."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return media_type_from_rdf(text, None, None)
    return _media_types_by_name().get(_name_key(text))


def file_type_of(media_type: str | None) -> str | None:
    """The EU file-type code behind a stored media type ("XLSX"), zipped or
    not; None when the EU table has none."""
    if not isinstance(media_type, str) or not media_type.strip():
        return None
    return EU_FILE_TYPES.get(split_zip(media_type)[0])


def index_stored_formats(pkg_dict: dict) -> dict:
    """before_dataset_index: CKAN indexes `res_format` from its default
    schema, whose clean_format rewrites our media types into names of its
    own ("ODS", "XLSX", and a media type it does not know unchanged), which
    the vocabulary cannot label. Index the stored media types instead, so
    the format facet shows (and filters by) the formats of the list."""
    try:
        validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except (TypeError, ValueError):
        return pkg_dict
    resources = validated.get("resources") if isinstance(validated, dict) else None
    if isinstance(resources, list):
        pkg_dict["res_format"] = [
            resource.get("format") or "" for resource in resources if isinstance(resource, dict)
        ]
    return pkg_dict
