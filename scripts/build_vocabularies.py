#!/usr/bin/env python
"""Build the controlled-vocabulary CSVs shipped in ckanext/gbgopendata/vocabularies/.

Reads the code lists of DIGG's DCAT-AP-SE 3.0.1 (derived from its RDForms
bundle) and writes one CSV per vocabulary, columns ``uri,label_sv,label_en``,
in the order the values should appear in a form. The committed CSVs are this
script's output: edit the tables below, not the CSVs.

Run from the repository root:

    .venv/ckan-2.12.0/bin/python scripts/build_vocabularies.py           # write
    .venv/ckan-2.12.0/bin/python scripts/build_vocabularies.py --check   # compare only

The shared spec files are needed only here (and by the tests), never at run
time: the package carries its own copies of the values as data.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO.parent / "shared" / "spec"
SOURCE = SPEC / "dcat-ap-se-3.0.1-vocabularies.csv"
BUNDLE = SPEC / "dcat-ap-se-3.0.1-rdforms-bundle.json"
OUT = REPO / "ckanext" / "gbgopendata" / "vocabularies"
HEADER = ("uri", "label_sv", "label_en")

Row = tuple[str, str, str]  # uri, label_sv, label_en

EU = "http://publications.europa.eu/resource/authority/"

# --- label corrections --------------------------------------------------------------
# Labels from the source are used as they are, with the first letter upper-cased
# (several lists, e.g. frequency and language, are all lower case, which looks
# broken in a select box next to the capitalised ones). These replace labels that
# are missing, wrong or unhelpful; every key must exist in the source.

LABELS: dict[str, tuple[str, str]] = {
    # "Publik" next to "Ej offentlig": use the pair Swedish law and the EU NAL use.
    f"{EU}access-right/PUBLIC": ("Offentlig", "Public"),
    # "landsting" were renamed "region" in 2019.
    "http://purl.org/adms/publishertype/RegionalAuthority": (
        "Regional myndighet/region",
        "Regional authority",
    ),
    # Inconsistent Title Case in the English labels.
    "http://purl.org/adms/publishertype/LocalAuthority": ("Lokal myndighet/kommun", "Local authority"),
    "http://purl.org/adms/publishertype/NonGovernmentalOrganisation": (
        "Icke-statlig organisation",
        "Non-governmental organisation",
    ),
    "http://purl.org/adms/publishertype/NonProfitOrganisation": (
        "Ej vinstdrivande organisation",
        "Non-profit organisation",
    ),
    "http://purl.org/adms/publishertype/PrivateIndividual(s)": ("Privatperson(er)", "Private individual(s)"),
    # Source: en "Tajiks" (the people, not the language); sv "gaeliska" is misspelt.
    f"{EU}language/TGK": ("Tadzjikiska", "Tajik"),
    f"{EU}language/GLA": ("Skotsk gäliska", "Scottish Gaelic"),
    # Media types: the source labels are file-name style ("CSV (.csv) i en zip",
    # "x-shapefile", sv "xfilegdb", an empty sv label for ZIP, ".n3" for N-Triples,
    # whose extension is .nt). Publishers know formats by name, and the format
    # validator accepts a label typed instead of the media type, so the labels are
    # the plain names people type.
    "text/csv": ("CSV", "CSV"),
    "text/csv+zip": ("CSV i zip-fil", "CSV in a zip file"),
    "application/xml": ("XML", "XML"),
    "application/xml+zip": ("XML i zip-fil", "XML in a zip file"),
    "application/json": ("JSON", "JSON"),
    "application/json+zip": ("JSON i zip-fil", "JSON in a zip file"),
    "application/zip": ("ZIP", "ZIP"),
    "text/html": ("HTML", "HTML"),
    "application/vnd.ms-excel": ("Excel 97–2003 (.xls)", "Excel 97–2003 (.xls)"),
    "application/pdf": ("PDF", "PDF"),
    "text/plain": ("Text (.txt)", "Plain text (.txt)"),
    "application/n-triples": ("RDF N-Triples", "RDF N-Triples"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel (.xlsx)",
        "Excel (.xlsx)",
    ),
    "application/vnd.oasis.opendocument.spreadsheet": (
        "Kalkylblad OpenDocument (.ods)",
        "OpenDocument spreadsheet (.ods)",
    ),
    "application/rdf+xml": ("RDF/XML", "RDF/XML"),
    "application/sparql-query": ("SPARQL-fråga", "SPARQL query"),
    "text/turtle": ("RDF Turtle", "RDF Turtle"),
    "application/geo+json": ("GeoJSON", "GeoJSON"),
    "application/x-shapefile": ("Shapefile (Esri)", "Shapefile (Esri)"),
    "application/x-filegdb": ("File geodatabase (Esri)", "File geodatabase (Esri)"),
    "application/gml+xml": ("GML", "GML"),
    "application/x-gmz": ("GML, komprimerad (.gmz)", "GML, compressed (.gmz)"),
    "application/vnd.google-earth.kml+xml": ("KML", "KML"),
    "application/vnd.google-earth.kmz": ("KMZ", "KMZ"),
    "application/x-ecw": ("ECW", "ECW"),
    "application/x-ascii-grid": ("ASCII Grid (Esri)", "ASCII Grid (Esri)"),
    "application/x-oracledump": ("Oracle-dump", "Oracle dump"),
    "application/x-las": ("LAS (punktmoln)", "LAS (point cloud)"),
    "application/x-laz": ("LAZ (komprimerat punktmoln)", "LAZ (compressed point cloud)"),
    "application/x-tab": ("MapInfo TAB", "MapInfo TAB"),
    "application/x-tab-raster": ("MapInfo TAB, raster", "MapInfo TAB, raster"),
    "application/x-worldfile": ("World file", "World file"),
    "application/vnd.sqlite3": ("SQLite", "SQLite"),
    "application/geopackage+sqlite3": ("GeoPackage", "GeoPackage"),
    "image/tiff": ("TIFF/GeoTIFF", "TIFF/GeoTIFF"),
    "image/jp2": ("JPEG 2000", "JPEG 2000"),
    "application/vnd.ogc.wms_xml": ("WMS-tjänst", "WMS service"),
    "application/vnd.ogc.wmts_xml": ("WMTS-tjänst", "WMTS service"),
    "application/vnd.ogc.wfs_xml": ("WFS-tjänst", "WFS service"),
    "application/vnd.ogc.wcs_xml": ("WCS-tjänst", "WCS service"),
}

# --- places -------------------------------------------------------------------------
# Not a code list of the bundle (DCAT-AP-SE only recommends Geonames URIs); the few
# places offered by name, from the smallest to the largest. Canonical form as in the
# spec: http, no trailing slash. Sverige 2661886 is the spec's own example.
# Göteborgs kommun 2711533: the GeoNames ID in Swedish Wikipedia's (Wikidata's)
# infobox for the municipality. Västra Götalands län 3337386: from a third-party
# table of Swedish counties keyed by Geonames ID (its other IDs, e.g. Skåne 3337385,
# Stockholms län 2673722, agree with Geonames); not checked against geonames.org.
# The municipality, not the populated place "Göteborg" (2711537, the urban area),
# is what the City's data covers: it includes the archipelago and rural Hisingen.
SPATIAL: list[Row] = [
    ("http://sws.geonames.org/2711533", "Göteborgs kommun", "Gothenburg Municipality"),
    ("http://sws.geonames.org/3337386", "Västra Götalands län", "Västra Götaland County"),
    ("http://sws.geonames.org/2661886", "Sverige", "Sweden"),
]


# --- ordering -----------------------------------------------------------------------


def swedish_key(text: str) -> str:
    """Sort key in Swedish alphabetical order without depending on the host's
    locales: å, ä, ö after z; other accents ignored (é = e, ü = y as in Swedish)."""
    out = []
    for char in text.casefold():
        if char in "åäöæø":
            out.append("z" + {"å": "1", "ä": "2", "æ": "2", "ö": "3", "ø": "3"}[char])
        elif char == "ü":
            out.append("y")
        else:
            out.append("".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)))
    return "".join(out)


def by_swedish_label(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (swedish_key(row[1]), row[0]))


def source_order(rows: list[Row]) -> list[Row]:
    return rows


def fixed_order(*codes: str) -> Callable[[list[Row]], list[Row]]:
    """Order by the last URI segment, for short lists with a natural order."""

    def order(rows: list[Row]) -> list[Row]:
        position = {code: i for i, code in enumerate(codes)}
        if {row[0].rsplit("/", 1)[-1] for row in rows} != set(codes):
            raise SystemExit(f"fixed order {codes} does not match the source values")
        return sorted(rows, key=lambda row: position[row[0].rsplit("/", 1)[-1]])

    return order


def hvd_sections(bundle: Path) -> dict[str, int]:
    """HVD category URI -> section of the annex of Regulation (EU) 2023/138, read
    from the descriptions in the bundle (the CSV does not carry them)."""
    sections: dict[str, int] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("id") == "dcatap:hvdCategory":
                for choice in node["choices"]:
                    match = re.search(r"Section (\d)\s*$", choice.get("description", {}).get("en", ""))
                    if match:
                        sections[choice["value"]] = int(match.group(1))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(bundle.read_text("utf-8")))
    # The bundle gives this one no description; "National accounts" are statistics.
    sections.setdefault("http://data.europa.eu/bna/c_59627af3", 4)
    return sections


def hvd_order(bundle: Path) -> Callable[[list[Row]], list[Row]]:
    """The six annex sections (the source lists them first, in section order),
    each followed by its categories alphabetically: the regulation's own tree."""

    def order(rows: list[Row]) -> list[Row]:
        sections = hvd_sections(bundle)
        tops, subs = rows[:6], rows[6:]
        if [sections[row[0]] for row in tops] != [1, 2, 3, 4, 5, 6]:
            raise SystemExit("the first six HVD values are no longer the annex sections")
        ordered: list[Row] = []
        for number, top in enumerate(tops, start=1):
            ordered.append(top)
            ordered.extend(by_swedish_label([row for row in subs if sections[row[0]] == number]))
        return ordered

    return order


# --- vocabularies ---------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    name: str
    templates: tuple[str, ...]  # RDForms template ids in the source CSV
    size: int
    order: Callable[[list[Row]], list[Row]] = field(default=by_swedish_label)


def specs(bundle: Path) -> list[Spec]:
    return [
        Spec("data-theme", ("dcat:theme_ds",), 13),
        # Most to least frequent, then the special values; the source's order.
        # (The deprecated http://purl.org/cld/freq/ list, template ..-cld_da, is left out.)
        Spec("frequency", ("dcat:dcterms:accrualPeriodicity_da",), 22, source_order),
        Spec("language", ("dcat:dcterms:language_da",), 95),
        Spec(
            "access-right",
            ("dcat:dcterms:accessRights",),
            3,
            fixed_order("PUBLIC", "RESTRICTED", "NON_PUBLIC"),  # open → closed
        ),
        Spec("planned-availability", ("dcatap:availability",), 4, source_order),  # temporary → stable
        Spec(
            "distribution-status",
            ("dcat:adms:status_di",),
            4,
            fixed_order("DEVELOP", "COMPLETED", "DEPRECATED", "WITHDRAWN"),  # life cycle
        ),
        Spec("hvd-category", ("dcatap:hvdCategory_ds",), 96, hvd_order(bundle)),
        Spec("publisher-type", ("adms:publishertype",), 11),
        Spec("media-type", ("dcat:format-group_common_choices", "geodcat:dcterms:format-INSPIRE"), 40),
    ]


def _capitalise(label: str) -> str:
    label = " ".join(label.split())
    return label[:1].upper() + label[1:]


def read_source(source: Path) -> dict[str, list[Row]]:
    """Template id -> rows (uri, label_sv, label_en) in source order."""
    by_template: dict[str, list[Row]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row = (record["value"].strip(), record["label_sv"].strip(), record["label_en"].strip())
            by_template.setdefault(record["template_id"], []).append(row)
    return by_template


def _unique(name: str, rows: Iterable[Row]) -> None:
    rows = list(rows)
    for column, title in ((0, "URI"), (1, "Swedish label"), (2, "English label")):
        seen: set[str] = set()
        for row in rows:
            key = row[column].casefold()
            if not row[column]:
                raise SystemExit(f"{name}: empty {title} for {row[0]}")
            if key in seen:
                raise SystemExit(f"{name}: duplicate {title} {row[column]!r}")
            seen.add(key)


def build(source: Path = SOURCE, bundle: Path = BUNDLE) -> dict[str, list[Row]]:
    """Vocabulary name -> rows, exactly as they are written to the CSVs."""
    by_template = read_source(source)
    used: set[str] = set()
    result: dict[str, list[Row]] = {}
    for spec in specs(bundle):
        rows: list[Row] = []
        for template in spec.templates:
            if template not in by_template:
                raise SystemExit(f"{spec.name}: template {template} not in {source}")
            for uri, label_sv, label_en in by_template[template]:
                if uri in LABELS:
                    used.add(uri)
                    label_sv, label_en = LABELS[uri]
                rows.append((uri, _capitalise(label_sv), _capitalise(label_en)))
        if len(rows) != spec.size:
            raise SystemExit(f"{spec.name}: expected {spec.size} values, the source has {len(rows)}")
        _unique(spec.name, rows)
        result[spec.name] = spec.order(rows)
    result["spatial"] = list(SPATIAL)
    _unique("spatial", SPATIAL)
    stale = set(LABELS) - used
    if stale:
        raise SystemExit(f"label corrections for values not in the source: {sorted(stale)}")
    return result


def render(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="only report files that would change")
    args = parser.parse_args(argv)

    changed = []
    for name, rows in build(args.source, args.bundle).items():
        path = args.out / f"{name}.csv"
        text = render(rows)
        if path.exists() and path.read_text("utf-8") == text:
            continue
        changed.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8", newline="")
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        print(f"{'outdated' if args.check else 'wrote'} {shown} ({len(rows)} values)")
    if not changed:
        print("vocabularies up to date")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
