"""The MQA scoring (quality/scoring.py) on datasets created through CKAN's
action API and turned into DCAT-AP-SE by the real profile
(catalogue.Assembler().dataset_graph, the graph /datasets/dcat serves):
each indicator awarded and withheld with its exact points in both
variants, the IANA-vs-EU difference, the ratings' boundaries, the rule for
several distributions, the link states, compliance from SEMIC's shapes,
and the stored shape's round trip."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from ckan.tests import factories, helpers

from ckanext.gbgopendata.dcat import catalogue
from ckanext.gbgopendata.quality import compliance, indicators, scoring
from ckanext.gbgopendata.quality.scoring import MET, UNCHECKED, UNMET, Compliance, LinkCheck
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset
from ckanext.gbgopendata.tests.helpers import organization_fields

CONFORMS = Compliance(checked=True)
ACCESS = "https://goteborg.se/opendata/parkering.csv"
DOWNLOAD = "https://goteborg.se/opendata/parkering-full.csv"
IANA = "http://www.iana.org/assignments/media-types/"
DISTRIBUTION_KEYS = {i.key for i in indicators.INDICATORS if i.entity == indicators.DISTRIBUTION}


@pytest.fixture
def publisher(app, clean_db, clean_index, with_plugins):
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    return organization, factories.Sysadmin()


def _graph(publisher, fields):
    """(dataset URI, graph) of a dataset created through package_create, as
    the profile writes it from package_show."""
    organization, sysadmin = publisher
    context = {"user": sysadmin["name"], "ignore_auth": False}
    created = helpers.call_action("package_create", context=dict(context), owner_org=organization["id"], **fields)
    shown = helpers.call_action("package_show", context=dict(context), id=created["id"])
    return catalogue.Assembler().dataset_graph(shown)


def _all_ok(graph, ref, **failed):
    return {url: LinkCheck(url, ok=url not in failed.get("urls", ())) for url in scoring.link_urls(graph, ref)}


def _best(**overrides):
    """One distribution with everything, under a licence the EDP vocabulary
    lists as the profile writes it and that asks for attribution (so the
    distribution carries dct:rights): 405 / 375 with links ok and compliance."""
    resource = {
        "url": ACCESS, "download_url": DOWNLOAD, "format": "text/csv", "size": 123456,
        "name_translated": {"sv": "Parkeringsplatser (CSV)", "en": "Parking spaces (CSV)"},
    }
    resource.update(overrides.pop("resource", {}))
    fields = complete_dataset(name="parkering", license_id="CC-BY-NC-4.0", private=True, resources=[resource])
    fields.update(overrides)
    return fields


def _scores(graph, ref, links=None, compliance_result=CONFORMS):
    links = _all_ok(graph, ref) if links is None else links
    return {variant: scoring.score(graph, ref, variant=variant, links=links, compliance=compliance_result)
            for variant in scoring.VARIANTS}


def test_the_indicators_are_mqas():
    keys = [i.key for i in indicators.INDICATORS]
    assert keys == ["keyword", "theme", "spatial", "temporal", "access_url_status", "download_url",
                    "download_url_status", "format", "media_type", "format_vocabulary", "non_proprietary",
                    "machine_readable", "dcat_ap_compliance", "license", "license_vocabulary", "access_rights",
                    "access_rights_vocabulary", "contact_point", "publisher", "rights", "byte_size", "issued",
                    "modified"]
    assert [indicators.maximum("eu", d) for d in indicators.DIMENSIONS] == [100, 100, 110, 75, 20]
    assert [indicators.maximum("se", d) for d in indicators.DIMENSIONS] == [100, 100, 80, 75, 20]
    assert (indicators.maximum("eu"), indicators.maximum("se")) == (405, 375)
    assert {i.key: i.points for i in indicators.INDICATORS if i.points not in (5, 10, 20)} == {
        "keyword": 30, "theme": 30, "access_url_status": 50, "download_url_status": 30, "dcat_ap_compliance": 30}
    assert all(i.label.msgid and i.advice.msgid for i in indicators.INDICATORS)


def test_the_labels_are_in_swedish_and_english(app):
    from ckanext.gbgopendata.messages import render

    with app.flask_app.test_request_context():
        assert [render(indicators.RATING_LABELS[r], "sv") for r in scoring.RATINGS] == [
            "Utmärkt", "Bra", "Tillräcklig", "Dålig"]
        assert [render(indicators.RATING_LABELS[r], "en") for r in scoring.RATINGS] == [
            "Excellent", "Good", "Sufficient", "Bad"]
        assert render(indicators.NOT_CHECKED_YET, "sv") == "inte kontrollerad ännu"
        assert render(indicators.BY_KEY["download_url"].label, "sv") == "Nedladdningsadress"
        assert render(indicators.BY_KEY["contact_point"].label, "sv") == "Kontaktpunkt"


def test_a_full_dataset_scores_405_and_375(publisher):
    ref, graph = _graph(publisher, _best())
    checked = compliance.check(graph)
    assert checked.checked and checked.violations == ()
    scores = _scores(graph, ref, compliance_result=checked)
    assert (scores["eu"].total, scores["eu"].maximum, scores["eu"].rating) == (405, 405, "excellent")
    assert (scores["se"].total, scores["se"].maximum, scores["se"].rating) == (375, 375, "excellent")
    assert scores["eu"].dimensions == (("findability", 100, 100), ("accessibility", 100, 100),
                                       ("interoperability", 110, 110), ("reusability", 75, 75),
                                       ("contextuality", 20, 20))
    assert "dcat_ap_compliance" not in {i.key for i in scores["se"].indicators}
    assert scores["eu"].improvements() == []
    assert {i.field for i in scores["eu"].indicators if i.key in DISTRIBUTION_KEYS} <= {
        "resources.url", "resources.download_url", "resources.format", "resources.size",
        "license_id", "issued", "modified"}


def test_cc_by_4_0_as_the_profile_writes_it_is_not_in_the_edp_licence_vocabulary(publisher):
    """The profile writes http://creativecommons.org/licenses/by/4.0/ (what
    DCAT-AP-SE asks); the EDP vocabulary lists only the https form, so
    data.europa.eu's variant withholds 10 points. Sveriges dataportal's
    list is DCAT-AP-SE's seven CC URIs."""
    ref, graph = _graph(publisher, _best(license_id="CC-BY-4.0", private=False))
    scores = _scores(graph, ref)
    assert scores["eu"].indicator("license_vocabulary").state == UNMET
    assert (scores["eu"].total, scores["eu"].rating) == (395, "excellent")
    assert scores["se"].indicator("license_vocabulary").points == 10
    assert scores["se"].total == 375


def _without(triples):
    def edit(graph, ref):
        for predicate in triples:
            graph.remove((ref, predicate, None))
            for distribution in graph.objects(ref, DCAT.distribution):
                graph.remove((distribution, predicate, None))
    return edit


def _replace_access_rights(graph, ref):
    graph.remove((ref, DCTERMS.accessRights, None))
    graph.add((ref, DCTERMS.accessRights, URIRef("https://goteborg.se/villkor/offentlig")))


def _replace_licence(graph, ref):
    """A licence outside every vocabulary (the schema only takes the register's)."""
    for distribution in graph.objects(ref, DCAT.distribution):
        graph.remove((distribution, DCTERMS.license, None))
        graph.add((distribution, DCTERMS.license, URIRef("https://goteborg.se/licens/egen")))


# case: (overrides of the full dataset, failed links, an edit of the graph
# where the schema cannot produce the case, indicators lost in eu, in se)
WITHHELD = {
    "keyword": ({"tags_translated": {}}, (), None, {"keyword"}, {"keyword"}),
    "theme": ({"theme": []}, (), None, {"theme"}, {"theme"}),
    "spatial": ({"spatial_coverage": []}, (), None, {"spatial"}, {"spatial"}),
    "temporal": ({"temporal_start": "", "temporal_end": ""}, (), None, {"temporal"}, {"temporal"}),
    "access_url_status": ({}, (ACCESS,), None, {"access_url_status"}, {"access_url_status"}),
    "download_url": ({"resource": {"download_url": ""}}, (), None,
                     {"download_url", "download_url_status"}, {"download_url", "download_url_status"}),
    "download_url_status": ({}, (DOWNLOAD,), None, {"download_url_status"}, {"download_url_status"}),
    "format": ({}, (), _without([DCTERMS.format, DCAT.mediaType]),
               {"format", "media_type", "format_vocabulary", "non_proprietary", "machine_readable"},
               {"format", "media_type", "format_vocabulary", "non_proprietary", "machine_readable"}),
    "media_type": ({}, (), _without([DCAT.mediaType]), {"media_type"}, {"media_type"}),
    "format_vocabulary": ({"resource": {"format": "application/x-gbg-parkering"}}, (),
                          _without([DCAT.mediaType]),
                          {"media_type", "format_vocabulary", "non_proprietary", "machine_readable"},
                          # Sveriges dataportal takes the IANA URI the profile writes in dct:format
                          {"media_type", "non_proprietary", "machine_readable"}),
    "non_proprietary": ({"resource": {"format": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
                        (), None, {"non_proprietary"}, {"non_proprietary"}),
    "machine_readable": ({"resource": {"format": "text/html"}}, (), None, {"machine_readable"}, {"machine_readable"}),
    "license": ({}, (), _without([DCTERMS.license, DCTERMS.rights]),
                {"license", "license_vocabulary", "rights"}, {"license", "license_vocabulary", "rights"}),
    "license_vocabulary": ({}, (), _replace_licence, {"license_vocabulary"}, {"license_vocabulary"}),
    "access_rights": ({"access_rights": ""}, (), None,
                      {"access_rights", "access_rights_vocabulary"}, {"access_rights", "access_rights_vocabulary"}),
    "access_rights_vocabulary": ({}, (), _replace_access_rights,
                                 {"access_rights_vocabulary"}, {"access_rights_vocabulary"}),
    "contact_point": ({"contact": []}, (), None, {"contact_point"}, {"contact_point"}),
    "publisher": ({}, (), _without([DCTERMS.publisher]), {"publisher"}, {"publisher"}),
    "rights": ({}, (), _without([DCTERMS.rights]), {"rights"}, {"rights"}),
    "byte_size": ({"resource": {"size": None}}, (), None, {"byte_size"}, {"byte_size"}),
    "issued": ({"issued": ""}, (), None, {"issued"}, {"issued"}),
    "modified": ({"modified": ""}, (), None, {"modified"}, {"modified"}),
}


@pytest.mark.parametrize("case", sorted(WITHHELD))
def test_each_indicator_withheld(publisher, case):
    overrides, failed, edit, lost_eu, lost_se = WITHHELD[case]
    ref, graph = _graph(publisher, _best(**overrides))
    if edit is not None:
        edit(graph, ref)
    scores = _scores(graph, ref, links=_all_ok(graph, ref, urls=failed))
    for variant, lost in (("eu", lost_eu), ("se", lost_se)):
        result = scores[variant]
        withheld = {i.key for i in result.indicators if i.points == 0}
        assert withheld == lost, variant
        assert all(result.indicator(key).state == UNMET for key in lost)
        assert result.total == result.maximum - sum(indicators.BY_KEY[key].points for key in lost), variant
        assert result.improvements()[0].maximum == max(indicators.BY_KEY[key].points for key in lost)
        assert {i.key for i in result.improvements()} == lost
        awarded = {i.key: i.points for i in result.indicators if i.state == MET}
        assert awarded == {i.key: i.points for i in indicators.of_variant(variant) if i.key not in lost}


def test_compliance_unchecked_or_failed_gives_no_points(publisher):
    ref, graph = _graph(publisher, _best())
    links = _all_ok(graph, ref)
    for given, state in ((None, UNCHECKED), (Compliance(checked=False), UNCHECKED),
                         (Compliance(checked=True, violations=("[eu] Violation: …",)), UNMET)):
        result = scoring.score(graph, ref, variant="eu", links=links, compliance=given)
        assert (result.indicator("dcat_ap_compliance").state, result.total) == (state, 375)
        # Sveriges dataportal scores no compliance: its total does not move.
        assert scoring.score(graph, ref, variant="se", links=links, compliance=given).total == 375


def test_link_states_ok_failed_and_unchecked(publisher):
    ref, graph = _graph(publisher, _best())
    assert scoring.link_urls(graph, ref) == {ACCESS, DOWNLOAD}
    for links, state in (
        ({ACCESS: LinkCheck(ACCESS, ok=True, status=200), DOWNLOAD: LinkCheck(DOWNLOAD, ok=True, status=200)}, MET),
        ({ACCESS: LinkCheck(ACCESS, ok=False, status=404), DOWNLOAD: LinkCheck(DOWNLOAD, ok=False, outcome="timeout")},
         UNMET),
        ({ACCESS: LinkCheck(ACCESS, ok=None), DOWNLOAD: LinkCheck(DOWNLOAD, ok=None)}, UNCHECKED),
        ({}, UNCHECKED),
    ):
        for variant in scoring.VARIANTS:
            result = scoring.score(graph, ref, variant=variant, links=links, compliance=CONFORMS)
            access, download = result.indicator("access_url_status"), result.indicator("download_url_status")
            assert (access.state, download.state) == (state, state)
            assert access.points == (50 if state == MET else 0) and download.points == (30 if state == MET else 0)
            assert result.indicator("download_url").points == 20  # present, whatever it answers
    unchecked = scoring.score(graph, ref, variant="se", links={}, compliance=None)
    assert (unchecked.total, unchecked.rating) == (295, "good")


@pytest.mark.ckan_config("ckanext.gbgopendata.dcat_format_style", "se")
def test_a_literal_media_type_counts_for_sveriges_dataportal_only(publisher):
    """DIGG's style: dct:format "text/csv", no dcat:mediaType. data.europa.eu
    wants an EU file type (format from a vocabulary, non-proprietary and
    machine-readable all lost); Sveriges dataportal takes the IANA type."""
    ref, graph = _graph(publisher, _best())
    distribution = next(graph.objects(ref, DCAT.distribution))
    assert list(graph.objects(distribution, DCTERMS.format)) == [Literal("text/csv")]
    scores = _scores(graph, ref)
    assert {i.key for i in scores["eu"].indicators if i.state != MET} == {
        "media_type", "format_vocabulary", "non_proprietary", "machine_readable"}
    assert scores["eu"].total == 405 - 60
    assert {i.key for i in scores["se"].indicators if i.state != MET} == {"media_type"}
    assert scores["se"].total == 375 - 10


def test_an_iana_uri_where_an_eu_file_type_is_expected(publisher):
    """IANA's URI in dct:format (what the profile writes for a media type
    without an EU file type; here put in place of GEOJSON's): data.europa.eu
    finds no EU file type (non-proprietary and machine-readable lost),
    Sveriges dataportal maps application/geo+json to GEOJSON."""
    ref, graph = _graph(publisher, _best(resource={"format": "application/geo+json"}))
    distribution = next(graph.objects(ref, DCAT.distribution))
    graph.remove((distribution, DCTERMS.format, None))
    graph.add((distribution, DCTERMS.format, URIRef(IANA + "application/geo+json")))
    scores = _scores(graph, ref)
    assert {i.key for i in scores["eu"].indicators if i.state != MET} == {"non_proprietary", "machine_readable"}
    assert scores["eu"].indicator("format_vocabulary").state == MET  # dcat:mediaType is IANA's
    assert {i.key for i in scores["se"].indicators if i.state != MET} == set()


@pytest.mark.parametrize("total, expected", [
    (405, "excellent"), (351, "excellent"), (350, "good"), (221, "good"), (220, "sufficient"),
    (121, "sufficient"), (120, "bad"), (0, "bad"),
])
def test_the_ratings_boundaries(total, expected):
    assert scoring.rating(total) == expected


def test_each_distribution_level_indicator_is_scored_on_the_best_distribution(publisher):
    """Several distributions: the one with the most distribution-level
    points decides every distribution-level indicator; the others add
    nothing and take nothing away."""
    weak = {"url": "https://goteborg.se/opendata/parkering.pdf", "format": "application/pdf"}
    strong = {"url": ACCESS, "download_url": DOWNLOAD, "format": "text/csv", "size": 99}
    ref, graph = _graph(publisher, _best(resources=[weak, strong]))
    shown = {str(d): scoring.distribution_id(d) for d in graph.objects(ref, DCAT.distribution)}
    strong_id = next(i for uri, i in shown.items() if str(next(graph.objects(URIRef(uri), DCAT.accessURL))) == ACCESS)
    scores = _scores(graph, ref)
    assert (scores["eu"].total, scores["se"].total) == (405, 375)
    assert {i.distribution for i in scores["eu"].indicators if i.key in DISTRIBUTION_KEYS} == {strong_id}
    assert {i.distribution for i in scores["eu"].indicators if i.key not in DISTRIBUTION_KEYS} == {None}

    # With the strong one's access URL failing, it is still the best (230 - 50
    # against the PDF's 120): the dataset loses 50, not the PDF's 110.
    failed = scoring.score(graph, ref, variant="eu", links=_all_ok(graph, ref, urls=(ACCESS,)), compliance=CONFORMS)
    assert failed.total == 355 and failed.indicator("format").distribution == strong_id


def test_equal_distributions_are_decided_by_their_uri(publisher):
    first = {"url": "https://goteborg.se/a.csv", "format": "text/csv"}
    second = {"url": "https://goteborg.se/b.csv", "format": "text/csv"}
    ref, graph = _graph(publisher, _best(resources=[second, first]))
    smallest = min(graph.objects(ref, DCAT.distribution), key=str)
    result = scoring.score(graph, ref, variant="eu", links=_all_ok(graph, ref), compliance=CONFORMS)
    assert {i.distribution for i in result.indicators if i.key in DISTRIBUTION_KEYS} == {
        scoring.distribution_id(smallest)}


def test_a_dataset_without_distributions_gets_no_distribution_level_points(publisher):
    ref, graph = _graph(publisher, _best(resources=[]))
    assert scoring.link_urls(graph, ref) == set()
    scores = _scores(graph, ref, links={})
    assert sum(indicators.BY_KEY[k].points for k in DISTRIBUTION_KEYS) == 230
    for variant, dataset_points in (("eu", 405 - 230), ("se", 375 - 230)):
        result = scores[variant]
        assert {i.state for i in result.indicators if i.key in DISTRIBUTION_KEYS} == {UNMET}
        assert result.total == dataset_points
    assert scores["eu"].rating == "sufficient" and scores["se"].rating == "sufficient"


def test_issued_and_modified_fall_back_to_the_datasets(publisher):
    """The profile writes no dates on a distribution: the dataset's count;
    a distribution's own date counts without the dataset's."""
    ref, graph = _graph(publisher, _best())
    distribution = next(graph.objects(ref, DCAT.distribution))
    assert (distribution, DCTERMS.issued, None) not in graph
    assert _scores(graph, ref)["eu"].indicator("issued").state == MET
    graph.remove((ref, DCTERMS.issued, None))
    assert _scores(graph, ref)["eu"].indicator("issued").state == UNMET
    graph.add((distribution, DCTERMS.issued, Literal("2021-03-01")))
    assert _scores(graph, ref)["eu"].indicator("issued").state == MET


def test_the_stored_shape_round_trips_through_json(publisher):
    ref, graph = _graph(publisher, _best())
    for result in _scores(graph, ref, links={}).values():
        stored = json.loads(json.dumps(result.as_dict()))
        assert scoring.Score.from_dict(stored) == result
        assert stored["indicators"][4] == {
            "key": "access_url_status", "dimension": "accessibility", "points": 0, "maximum": 50,
            "state": "unchecked", "field": "resources.url", "distribution": result.indicators[4].distribution}
        assert stored["dimensions"][0] == {"key": "findability", "points": 100, "maximum": 100}


def test_compliance_finds_a_violation_and_is_fast(publisher):
    ref, graph = _graph(publisher, _best())
    compliance.check(graph)  # shapes and vocabularies parsed once per process
    # The form's live preview calls it: well under half a second once warm
    # (the best of three, as other processes share the machine's cores).
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert compliance.check(graph) == Compliance(checked=True)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5, timings

    distribution = next(graph.objects(ref, DCAT.distribution))
    graph.remove((distribution, DCAT.accessURL, None))  # mandatory in DCAT-AP
    broken = compliance.check(graph)
    assert broken.checked and not broken.conforms
    assert len(broken.violations) == 1 and "http://www.w3.org/ns/dcat#accessURL" in broken.violations[0]


def test_compliance_is_not_checked_without_the_shapes(publisher, tmp_path, monkeypatch):
    from ckanext.gbgopendata.dcat import shacl

    ref, graph = _graph(publisher, _best())
    monkeypatch.setattr(shacl, "shacl_dir", lambda: tmp_path)
    assert compliance.check(graph) == Compliance(checked=False)
    assert scoring.score(graph, ref, variant="eu", links={}, compliance=compliance.check(graph)).indicator(
        "dcat_ap_compliance").state == UNCHECKED


BARE_SCRIPT = '''
import sys
from rdflib import Graph
from ckanext.gbgopendata.quality import scoring
graph = Graph().parse(format="turtle", data="""
    @prefix dcat: <http://www.w3.org/ns/dcat#> .
    <http://x/dataset/d> dcat:keyword "parkering"@sv ; dcat:distribution <http://x/dataset/d/resource/r> .
    <http://x/dataset/d/resource/r> dcat:accessURL <https://goteborg.se/a.csv> .""")
result = scoring.score(graph, "http://x/dataset/d", variant="se", links={}, compliance=None)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("ckan", "flask", "sqlalchemy"))
print(result.total, result.indicator("access_url_status").state, len(loaded))
'''


def test_the_scoring_runs_without_ckan():
    """Pure: a bare interpreter scores a graph and loads no CKAN, Flask or
    SQLAlchemy module (the form's preview and a job compute the same)."""
    result = subprocess.run([sys.executable, "-c", BARE_SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["30", "unchecked", "0"]
