"""A stand-in for the quality summary (`quality.kept.summary`, the action
`gbg_quality_summary`) while the kept score is built on another branch: the
documented output shape, with figures that agree with each other (the
histogram, ratings, mean and lowest come from the datasets' totals).

Installed by the fixtures at the end of this module, in the test process
(`summary_stand_in`) and in the browser test's server (`stand_in_server`);
remove this module and those two fixtures' uses when the real summary lands,
and the tests run against it.
"""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckanext.gbgopendata import languages

MAXIMUM = {"eu": 405, "se": 375}
BUCKET = 25

# (key, dimension, maximum, English label, Swedish label)
INDICATORS = (
    ("keyword", "findability", 30, "Keywords", "Nyckelord"),
    ("theme", "findability", 30, "Themes", "Kategorier"),
    ("spatial", "findability", 20, "Spatial coverage", "Geografiskt område"),
    ("temporal", "findability", 20, "Temporal coverage", "Tidsperiod"),
    ("access_url_status", "accessibility", 50, "Access URL reachable", "Åtkomstadressen nås"),
    ("download_url", "accessibility", 20, "Download URL given", "Nedladdningsadress angiven"),
    ("download_url_status", "accessibility", 30, "Download URL reachable", "Nedladdningsadressen nås"),
    ("format", "interoperability", 20, "Format", "Format"),
    ("media_type", "interoperability", 10, "Media type", "Mediatyp"),
    ("dcat_ap_compliance", "interoperability", 30, "DCAT-AP compliance", "Följer DCAT-AP"),
    ("license", "reusability", 20, "Licence", "Licens"),
    ("contact_point", "reusability", 20, "Contact point", "Kontaktpunkt"),
    ("byte_size", "contextuality", 5, "File size", "Filstorlek"),
    ("modified", "contextuality", 5, "Modification date", "Ändringsdatum"),
)
# Share of datasets meeting each indicator: (eu, se); compliance is not in se.
SHARES = {
    "keyword": (1.0, 1.0), "theme": (1.0, 1.0), "spatial": (0.75, 0.75), "temporal": (0.25, 0.25),
    "access_url_status": (0.0, 0.0), "download_url": (0.5, 0.5), "download_url_status": (0.0, 0.0),
    "format": (1.0, 1.0), "media_type": (0.875, 0.875), "dcat_ap_compliance": (0.625, None),
    "license": (1.0, 1.0), "contact_point": (0.875, 0.875), "byte_size": (0.125, 0.125), "modified": (0.5, 0.5),
}
# (name, title sv, title en, organisation, eu_total, se_total, public)
DATASETS = (
    ("parkering", "Parkeringsplatser", "Parking spaces", "Trafikkontoret", 220, 210, True),
    ("laddplatser", "Laddplatser för elbilar", "Charging points for electric cars", "Trafikkontoret", 245, 235, True),
    ("cykelraknare", "Cykelräknare", "Bicycle counters", "Trafikkontoret", 250, 240, True),
    ("luftkvalitet", "Luftkvalitet", "Air quality", "Miljöförvaltningen", 255, 245, True),
    ("badplatser", "Badplatser", "Bathing places", "Idrottsförvaltningen", 260, 250, True),
    ("skolor", "Skolor", "Schools", "Utbildningsförvaltningen", 380, 375, True),
    ("utkast-vatten", "Vattenledningar", "Water mains", "Kretsloppsförvaltningen", 95, 95, False),
    ("utkast-trad", "Träd i parker", "Trees in parks", "Parkförvaltningen", 130, 120, False),
)


def _rating(total: int) -> str:
    if total >= 351:
        return "excellent"
    if total >= 221:
        return "good"
    if total >= 121:
        return "sufficient"
    return "bad"


def _points(key: str, maximum: int, index: int) -> dict[str, int | None]:
    eu_share, se_share = SHARES[key]
    met = index < round(eu_share * 8)
    return {"eu": maximum if met else 0, "se": None if se_share is None else (maximum if met else 0)}


BUILT_AT = datetime.datetime(2026, 1, 15, 23, 30)  # UTC: 00:30 on the 16th in Göteborg


def rows(organization_id: str | None = None, scope: str = "open") -> list[dict[str, Any]]:
    """Every assessed dataset, the weakest first: what the CSV needs
    (`kept.rows`: the summary's `weakest` entries with each indicator's
    points per variant, None where a variant has no such indicator, and
    when the score was built)."""
    lang = languages.request_language()
    chosen = [d for d in DATASETS if scope == "all" or d[6]]
    return sorted(
        (
            {
                "id": f"id-{name}",
                "name": name,
                "title": title_sv if lang == "sv" else title_en,
                "organization": organization,
                "eu_total": eu,
                "se_total": se,
                "eu_rating": _rating(eu),
                "se_rating": _rating(se),
                "points": {key: _points(key, maximum, index) for key, _d, maximum, _e, _s in INDICATORS},
                "built_at": BUILT_AT,
            }
            for index, (name, title_sv, title_en, organization, eu, se, _public) in enumerate(chosen)
        ),
        key=lambda row: (row["eu_total"], row["name"]),
    )


def summary(organization_id: str | None = None, scope: str = "open", lang: str | None = None) -> dict[str, Any]:
    lang = lang or languages.request_language()
    rows_ = rows(organization_id, scope)
    totals = {variant: [row[f"{variant}_total"] for row in rows_] for variant in MAXIMUM}
    return {
        "organization_id": organization_id,
        "scope": scope,
        "stale": 0,  # records left for the background job to rebuild
        "datasets": len(rows_) + 1,  # one not assessed yet
        "assessed": len(rows_),
        "mean": {variant: round(sum(values) / len(values), 1) for variant, values in totals.items()},
        "lowest": {variant: min(values) for variant, values in totals.items()},
        "ratings": {
            variant: {rating: sum(1 for total in values if _rating(total) == rating)
                      for rating in ("excellent", "good", "sufficient", "bad")}
            for variant, values in totals.items()
        },
        "indicators": [
            {
                "key": key,
                "label": sv if lang == "sv" else en,
                "dimension": dimension,
                "maximum": maximum,
                "share": {"eu": SHARES[key][0], "se": SHARES[key][1]},
            }
            for key, dimension, maximum, en, sv in INDICATORS
        ],
        "weakest": [{k: v for k, v in row.items() if k not in ("points", "built_at")} for row in rows_[:20]],
        "histogram": {
            variant: [sum(1 for total in values if total // BUCKET == bucket) for bucket in range(MAXIMUM[variant] // BUCKET + 1)]
            for variant, values in totals.items()
        },
    }


# --- installing the stand-in ---------------------------------------------------------------


def stand_in_action(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """`gbg_quality_summary` as documented: auth first, then the summary."""
    from ckan.plugins import toolkit

    from ckanext.gbgopendata.quality import kept

    toolkit.check_access("gbg_quality_summary", context, data_dict)
    return kept.summary(data_dict.get("organization_id"), data_dict.get("scope") or "open")


def stand_in_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Sysadmins (CKAN lets them pass before this) for the catalogue; an
    organisation's admins for it."""
    from ckan import authz

    organization_id = data_dict.get("organization_id")
    admin = bool(organization_id) and authz.users_role_for_group_or_org(organization_id, context.get("user")) == "admin"
    return {"success": admin}


def _missing(function: Any, *args: Any) -> bool:
    try:
        function(*args)
    except NotImplementedError:
        return True
    return False


def install(setattr_: Any, setitem: Any) -> None:
    """The stand-in wherever the real one is not there yet, through the given
    setters (pytest's monkeypatch in the test process)."""
    from ckan import authz, logic

    from ckanext.gbgopendata.quality import kept, scoring

    setattr_(kept, "summary", summary)
    setattr_(kept, "rows", rows, raising=False)
    if _missing(scoring.rating, 0):
        setattr_(scoring, "rating", _rating)
    logic.get_action("package_show")  # the registry of actions is built
    if "gbg_quality_summary" not in logic._actions:
        setitem(logic._actions, "gbg_quality_summary", stand_in_action)
    authz._AuthFunctions.keys()  # the registry of auth functions is built
    if authz._AuthFunctions.get("gbg_quality_summary") is None:
        setitem(authz._AuthFunctions._functions, "gbg_quality_summary", stand_in_auth)


# A CKAN server process (the browser test's) installs it at start: this
# module's folder holds no sitecustomize, the test writes one that calls this.
def install_in_server() -> None:
    """Before the plugins load: the plugin's own action and auth tables
    carry the stand-in, so CKAN registers it as it registers ours."""
    from ckanext.gbgopendata.logic import auth, checklist
    from ckanext.gbgopendata.quality import kept, scoring

    kept.summary = summary
    kept.rows = rows
    if _missing(scoring.rating, 0):
        scoring.rating = _rating
    actions, auth_functions = checklist.get_actions, auth.get_auth_functions
    checklist.get_actions = lambda: {"gbg_quality_summary": stand_in_action, **actions()}
    auth.get_auth_functions = lambda: {"gbg_quality_summary": stand_in_auth, **auth_functions()}


@pytest.fixture
def summary_stand_in(monkeypatch):
    install(monkeypatch.setattr, monkeypatch.setitem)


@pytest.fixture(scope="module")
def _stand_in_server_process(request, tmp_path_factory) -> Iterator[Any]:
    from ckanext.gbgopendata.tests.browser import LiveServer, artifacts_root

    config = request.config
    ini_path = (Path(config.invocation_params.dir) / config.getoption("ckan_ini")).resolve()
    startup = tmp_path_factory.mktemp("quality-stand-in")
    (startup / "sitecustomize.py").write_text(
        "from ckanext.gbgopendata.tests import quality_admin_fixtures\n"
        "quality_admin_fixtures.install_in_server()\n",
        "utf-8",
    )
    server = LiveServer(ini_path, artifacts_root(config) / "browser", name="quality-stand-in")
    server.startup_path = str(startup)
    yield server
    server.stop()


@pytest.fixture
def stand_in_server(with_plugins, _stand_in_server_process, clean_db, monkeypatch):
    """A live server whose process has the stand-in (PYTHONPATH's
    sitecustomize, read by the server's interpreter at start)."""
    import os

    server = _stand_in_server_process
    with monkeypatch.context() as environment:
        environment.setenv("PYTHONPATH", server.startup_path, prepend=os.pathsep)
        server.start()
    return server
