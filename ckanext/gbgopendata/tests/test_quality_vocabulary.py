"""The vocabularies the MQA indicators use, kept as compact lists in the
project (quality/edp-formats.csv, quality/edp-licences.csv), equal to what
data.europa.eu's EDP files in ../shared/mqa say: they cannot drift."""
from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SKOS

from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.dcat.shacl import DEFAULT_SHACL_DIR
from ckanext.gbgopendata.quality import indicators

MQA = DEFAULT_SHACL_DIR.parent / "mqa"
EDP = "https://europeandataportal.eu/voc#"
LICENCES = Path(indicators.__file__).resolve().parents[1] / "licenses.json"


def _flagged(name: str, flag: str) -> set[str]:
    graph = Graph().parse(MQA / name, format="xml")
    codes = set()
    for subject, value in graph.subject_objects(URIRef(EDP + flag)):
        assert str(subject).startswith(indicators.FILE_TYPE)
        if value.toPython() is True:
            codes.add(str(subject)[len(indicators.FILE_TYPE):])
    return codes


def test_the_machine_readable_file_types_are_the_edps():
    expected = _flagged("edp-machine-readable-format.rdf", "isMachineReadable")
    assert len(expected) == 20
    assert indicators.machine_readable_file_types() == expected


def test_the_non_proprietary_file_types_are_the_edps():
    expected = _flagged("edp-non-proprietary-format.rdf", "isNonProprietary")
    assert len(expected) == 29
    assert indicators.non_proprietary_file_types() == expected


def test_the_known_licence_uris_are_the_edps():
    graph = Graph().parse(MQA / "edp-licences-skos.rdf", format="xml")
    expected = {}
    for concept in {s for s in graph.subjects() if isinstance(s, URIRef)}:
        expected[str(concept)] = str(concept)
        for predicate in (SKOS.exactMatch, OWL.sameAs):
            for other in graph.objects(concept, predicate):
                expected[str(other)] = str(concept)
    assert len(expected) == 322
    assert indicators.edp_licences() == expected


def test_which_of_our_licence_uris_the_edp_vocabulary_lists():
    """Exactly as the profile writes them (licenses.json `url`): CC0's http
    URI is listed, CC BY 4.0 only as https://creativecommons.org/licenses/by/4.0/,
    so data.europa.eu's variant withholds the vocabulary's points for it;
    every one has its EU licence NAL concept, and DCAT-AP-SE lists all seven."""
    known = indicators.edp_licences()
    register = {entry["id"]: entry for entry in json.loads(LICENCES.read_text("utf-8"))}
    assert known["http://creativecommons.org/publicdomain/zero/1.0/"] == indicators.LICENCE_NAL + "CC0"
    assert "http://creativecommons.org/licenses/by/4.0/" not in known
    assert known["https://creativecommons.org/licenses/by/4.0/"] == indicators.LICENCE_NAL + "CC_BY_4_0"
    listed = {licence_id for licence_id, entry in register.items() if entry["url"] in known}
    assert listed == {"CC0-1.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0"}
    assert {entry["url"] for entry in register.values()} == indicators.DCAT_AP_SE_LICENCES
    assert all(entry["eu_licence_uri"].startswith(indicators.LICENCE_NAL) for entry in register.values())


def test_the_swedish_variants_media_types_map_to_eu_file_types():
    """dcat/formats.py's table is what the se variant maps IANA media types
    with: CSV, JSON and GeoJSON are open and machine-readable, XLSX only
    machine-readable, HTML only non-proprietary."""
    mapped = {media_type: code for media_type, code in formats.EU_FILE_TYPES.items()}
    machine_readable = indicators.machine_readable_file_types()
    non_proprietary = indicators.non_proprietary_file_types()
    for media_type in ("text/csv", "application/json", "application/geo+json"):
        assert mapped[media_type] in machine_readable & non_proprietary
    xlsx = mapped["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert xlsx in machine_readable - non_proprietary
    assert mapped["text/html"] in non_proprietary - machine_readable
    assert mapped["application/pdf"] not in machine_readable | non_proprietary


def test_the_checklists_open_machine_readable_formats_are_both_lists():
    assert formats.OPEN_MACHINE_READABLE_FILE_TYPES == (
        indicators.machine_readable_file_types() & indicators.non_proprietary_file_types()
    )
