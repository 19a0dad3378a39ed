"""The automatic checklist items: computed from the dataset, never ticked by
hand. Each check is a pure function of the dataset (assessment.shape) and
its organisation's facts, asks the module that owns its rule (publishers.py,
dcat/formats.py, languages.py) and returns what is missing, each with the
field that fixes it; an empty list means done.

Two automatic items are the publication rule's standing conditions
(classification, open licence): `assessment.assess` answers them from
rule.py, so each condition is written once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ckanext.gbgopendata import languages, messages
from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.messages import N_
from ckanext.gbgopendata.rule import resource_name


@dataclass(frozen=True)
class Missing:
    """What keeps an automatic item from being done: `field` is the dataset
    field to change (`resources` for a distribution); `reason` says what,
    as a translatable message."""

    field: str
    reason: messages.Message

    def message(self, lang: str | None = None) -> str:
        return messages.render(self.reason, lang)


def _text(value: Any) -> str:
    """A text value, stripped; anything else (a list where text belongs,
    in data that failed validation) counts as empty."""
    return value.strip() if isinstance(value, str) else ""


def _resources(dataset: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [resource for resource in dataset.get("resources") or [] if isinstance(resource, Mapping)]


def mandatory_metadata_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    """DCAT-AP-SE's mandatory properties of a dataset (title, description,
    publisher) and of its distributions (access URL, format), and at least
    one distribution, without which a harvested dataset gives no data."""
    missing = []
    if not languages.translations(dataset.get("title_translated")) and not _text(dataset.get("title")):
        missing.append(Missing("title_translated", N_("The title is missing.")))
    if not languages.translations(dataset.get("notes_translated")) and not _text(dataset.get("notes")):
        missing.append(Missing("notes_translated", N_("The description is missing.")))
    if not organization.get("orgnr"):
        missing.append(
            Missing(
                "owner_org",
                N_("The publisher is missing: the dataset belongs to no organisation with an organisation number."),
            )
        )
    resources = _resources(dataset)
    if not resources:
        missing.append(Missing("resources", N_("The dataset has no distribution.")))
    for resource in resources:
        if not _text(resource.get("url")):
            missing.append(
                Missing(
                    "resources",
                    N_("The distribution {distribution} has no web address.", distribution=resource_name(resource)),
                )
            )
        if not _text(resource.get("format")):
            missing.append(
                Missing("resources", N_("The distribution {distribution} has no format.", distribution=resource_name(resource)))
            )
    return missing


def contact_email_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    if any(_text(contact.get("email")) for contact in dataset.get("contact") or []):
        return []
    return [
        Missing("contact", N_("The dataset has no contact point with an e-mail address."))
    ]


def bilingual_text_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    # One message per field and language (Swedish word order differs by both).
    reasons = {
        ("title_translated", "sv"): N_("A title in Swedish is missing."),
        ("title_translated", "en"): N_("A title in English is missing."),
        ("notes_translated", "sv"): N_("A description in Swedish is missing."),
        ("notes_translated", "en"): N_("A description in English is missing."),
    }
    missing = []
    for (field, lang), reason in reasons.items():
        if not languages.translations(dataset.get(field)).get(lang):
            missing.append(Missing(field, reason))
    return missing


def open_format_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    if any(formats.is_open_machine_readable(resource.get("format")) for resource in _resources(dataset)):
        return []
    return [
        Missing("resources", N_("No distribution has an open, machine-readable format."))
    ]


# --- the metadata quality (the kept MQA score's ratings, read into Facts) --------------

QUALITY_CHECK = "quality"
# Best first (quality/scoring.RATINGS).
RATINGS = ("excellent", "good", "sufficient", "bad")
DEFAULT_MIN_RATING = "good"
# The two harvesters' variants, as the quality panel names them.
PORTALS = {"eu": "data.europa.eu", "se": "Sveriges dataportal"}


def rating_label(rating: str) -> messages.Message:
    labels = {
        "excellent": N_("Excellent"),
        "good": N_("Good"),
        "sufficient": N_("Sufficient"),
        "bad": N_("Bad"),
    }
    return labels[rating]


def quality_check(ratings: Mapping[str, str], minimum: str = DEFAULT_MIN_RATING) -> list[Missing]:
    """The quality item: both variants rated at least `minimum`. `ratings`
    is the dataset's kept rating per variant ({} when not assessed yet: not
    done, never a guess)."""
    if not all(ratings.get(variant) in RATINGS for variant in PORTALS):
        return [Missing(QUALITY_CHECK, N_("The metadata quality has not been assessed yet."))]
    lowest_allowed = RATINGS.index(minimum)
    return [
        Missing(
            QUALITY_CHECK,
            N_(
                "{portal} rates the metadata quality {rating}; at least {minimum} is needed.",
                portal=portal,
                rating=rating_label(ratings[variant]),
                minimum=rating_label(minimum),
            ),
        )
        for variant, portal in PORTALS.items()
        if RATINGS.index(ratings[variant]) > lowest_allowed
    ]


MANDATORY_METADATA_CHECK = "mandatory_metadata"
CHECKS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], list[Missing]]] = {
    MANDATORY_METADATA_CHECK: mandatory_metadata_check,
    "contact_email": contact_email_check,
    "bilingual_text": bilingual_text_check,
    "open_format": open_format_check,
}
# The checks a checklist file may name: these, and the two that are rule conditions.
RULE_CHECKS = ("classification", "open_licence")
# The quality check reads the dataset's kept ratings (assessment.Facts.quality), not the dataset.
CHECK_NAMES = RULE_CHECKS + tuple(CHECKS) + (QUALITY_CHECK,)
