"""A quality result in the shape `gbg_quality_show`/`gbg_quality_preview`
give (quality/kept.py), for the publisher's panel's tests.

PROVISIONAL, until the kept score lands (branch q-store): `stand_in`
answers the two actions from a few indicators computed on the dataset's
fields (a keyword, a theme, the temporal coverage, a distribution's
download URL, its access URL never checked), so the panel's tests see a
score that moves as a field is filled. conftest.py puts it in place of the
actions only while they are not registered; with the real actions, the
tests run against them.
"""
from __future__ import annotations

from typing import Any, Mapping

from ckan.plugins import toolkit

# (key, dimension, maximum, field, label sv, label en)
_INDICATORS = (
    ("keyword", "findability", 30, "tags_translated", "Nyckelord", "Keywords"),
    ("category", "findability", 30, "theme", "Kategorier", "Categories"),
    ("temporal", "findability", 20, "temporal_start", "Tidsperiod", "Temporal coverage"),
    ("download_url", "accessibility", 20, "resources.download_url", "Nedladdnings-URL", "Download URL"),
    ("access_url_status", "accessibility", 50, "resources.url", "Åtkomst-URL nåbar", "Access URL reachable"),
)
_DIMENSIONS = (
    ("findability", "Sökbarhet", "Findability", 100),
    ("accessibility", "Tillgänglighet", "Accessibility", 100),
    ("interoperability", "Interoperabilitet", "Interoperability", 110),
    ("reusability", "Återanvändbarhet", "Reusability", 75),
    ("contextuality", "Kontext", "Contextuality", 20),
)
# Points the stand-in gives for everything else, per dimension, so totals
# look like a demo dataset's.
_OTHER_POINTS = {"findability": 20, "accessibility": 0, "interoperability": 80, "reusability": 65, "contextuality": 5}
_RATING_LABELS = {
    "excellent": ("Utmärkt", "Excellent"),
    "good": ("Bra", "Good"),
    "sufficient": ("Tillräcklig", "Sufficient"),
    "bad": ("Dålig", "Bad"),
}


def _filled(dataset: Mapping[str, Any], field: str) -> bool:
    """A field given in package_show's shape or the form's (`<field>-sv`)."""
    value = dataset.get(field)
    if isinstance(value, Mapping):
        return any(value.values())
    if value:
        return True
    return any(key.startswith(field + "-") and str(value).strip() for key, value in dataset.items())


def _rating(total: int, maximum: int) -> str:
    scaled = total * 405 / maximum
    return "excellent" if scaled >= 351 else "good" if scaled >= 221 else "sufficient" if scaled >= 121 else "bad"


def quality_of(dataset: Mapping[str, Any], lang: str = "sv") -> dict[str, Any]:
    """The panel's input for `dataset` (package_show's or the form's shape)."""
    pick = 0 if lang == "sv" else 1
    resources = [r for r in dataset.get("resources") or [] if isinstance(r, Mapping)]
    first = resources[0].get("id") if resources else None
    indicators = []
    for key, dimension, maximum, field, *labels in _INDICATORS:
        if field.startswith("resources."):
            if not resources:
                continue
            state = "unchecked" if key == "access_url_status" else (
                "met" if all(r.get("download_url") for r in resources) else "unmet"
            )
            distribution = first
        else:
            state = "met" if _filled(dataset, field) else "unmet"
            distribution = None
        indicators.append(
            {
                "key": key,
                "label": labels[pick],
                "dimension": dimension,
                "points": maximum if state == "met" else 0,
                "maximum": maximum,
                "state": state,
                "field": field,
                "distribution": distribution,
            }
        )
    variants = {}
    for variant, maximum_total in (("eu", 405), ("se", 375)):
        others = dict(_OTHER_POINTS, interoperability=_OTHER_POINTS["interoperability"] - (30 if variant == "se" else 0))
        dimensions = []
        for key, label_sv, label_en, maximum in _DIMENSIONS:
            if variant == "se" and key == "interoperability":
                maximum -= 30  # no DCAT-AP compliance indicator
            points = others[key] + sum(i["points"] for i in indicators if i["dimension"] == key)
            dimensions.append({"key": key, "label": (label_sv, label_en)[pick], "points": points, "maximum": maximum})
        total = sum(d["points"] for d in dimensions)
        rating = _rating(total, maximum_total)
        variants[variant] = {
            "total": total,
            "maximum": maximum_total,
            "rating": rating,
            "rating_label": _RATING_LABELS[rating][pick],
            "dimensions": dimensions,
            "indicators": indicators,
        }
    improvements = sorted(
        (
            {
                "key": i["key"],
                "label": i["label"],
                "advice": ("Fyll i fältet." if pick == 0 else "Fill in the field."),
                "gain": {"eu": i["maximum"] - i["points"], "se": i["maximum"] - i["points"]},
                "field": i["field"],
                "distribution": i["distribution"],
            }
            for i in indicators
            if i["state"] != "met"
        ),
        key=lambda improvement: (-improvement["gain"]["eu"], improvement["key"]),
    )
    return {
        "package_id": dataset.get("id"),
        "built_at": "2026-12-04T12:00:00",
        "current": True,
        "variants": variants,
        "improvements": improvements,
        "links": [
            {"url": r.get("url"), "ok": None, "status": None, "outcome": None, "checked_at": None}
            for r in resources
            if r.get("url")
        ],
        "compliance": {"checked": False, "violations": []},
    }


def stand_in(name: str, context: dict, data_dict: dict) -> dict[str, Any]:
    """gbg_quality_show / gbg_quality_preview as the kept score will answer
    them: refused to whoever may not edit the dataset (or create in the
    organisation), a hidden dataset not found."""
    from ckanext.gbgopendata import languages

    lang = languages.request_language()
    dataset_id = data_dict.get("id")
    if name == "gbg_quality_show" or dataset_id:
        if not isinstance(dataset_id, str):
            raise toolkit.ValidationError({"id": ["Missing value"]})
        toolkit.check_access("package_update", dict(context), {"id": dataset_id})
        stored = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
        if name == "gbg_quality_show":
            return quality_of(stored, lang)
        return quality_of({**data_dict, "resources": stored.get("resources")}, lang)
    owner_org = data_dict.get("owner_org")
    if not isinstance(owner_org, str) or not owner_org:
        raise toolkit.ValidationError({"owner_org": ["Missing value"]})
    toolkit.check_access("package_create", dict(context), {"owner_org": owner_org})
    return quality_of(data_dict, lang)
