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

from ckanext.gbgopendata import languages
from ckanext.gbgopendata.dcat import formats


@dataclass(frozen=True)
class Missing:
    """What keeps an automatic item from being done: `field` is the dataset
    field to change (`resources` for a distribution)."""

    field: str
    sv: str
    en: str

    def message(self, lang: str | None = None) -> str:
        return languages.pick(self.sv, self.en, lang)


def _text(value: Any) -> str:
    """A text value, stripped; anything else (a list where text belongs,
    in data that failed validation) counts as empty."""
    return value.strip() if isinstance(value, str) else ""


def _resources(dataset: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [resource for resource in dataset.get("resources") or [] if isinstance(resource, Mapping)]


def _resource_name(resource: Mapping[str, Any], lang: str) -> str:
    return (
        languages.in_language(resource.get("name_translated"), lang)
        or resource.get("name")
        or resource.get("url")
        or resource.get("id")
        or "?"
    )


def mandatory_metadata_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    """DCAT-AP-SE's mandatory properties of a dataset (title, description,
    publisher) and of its distributions (access URL, format), and at least
    one distribution, without which a harvested dataset gives no data."""
    missing = []
    if not languages.translations(dataset.get("title_translated")) and not _text(dataset.get("title")):
        missing.append(Missing("title_translated", "Titel saknas.", "The title is missing."))
    if not languages.translations(dataset.get("notes_translated")) and not _text(dataset.get("notes")):
        missing.append(Missing("notes_translated", "Beskrivning saknas.", "The description is missing."))
    if not organization.get("orgnr"):
        missing.append(
            Missing(
                "owner_org",
                "Utgivaren saknas: datamängden tillhör ingen organisation med organisationsnummer.",
                "The publisher is missing: the dataset belongs to no organisation with an organisation number.",
            )
        )
    resources = _resources(dataset)
    if not resources:
        missing.append(Missing("resources", "Datamängden har ingen distribution.", "The dataset has no distribution."))
    for resource in resources:
        if not _text(resource.get("url")):
            missing.append(
                Missing(
                    "resources",
                    f"Distributionen {_resource_name(resource, 'sv')} saknar webbadress.",
                    f"The distribution {_resource_name(resource, 'en')} has no web address.",
                )
            )
        if not _text(resource.get("format")):
            missing.append(
                Missing(
                    "resources",
                    f"Distributionen {_resource_name(resource, 'sv')} saknar format.",
                    f"The distribution {_resource_name(resource, 'en')} has no format.",
                )
            )
    return missing


def contact_email_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    if any(_text(contact.get("email")) for contact in dataset.get("contact") or []):
        return []
    return [
        Missing(
            "contact",
            "Datamängden har ingen kontaktpunkt med e-postadress.",
            "The dataset has no contact point with an e-mail address.",
        )
    ]


def bilingual_text_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    missing = []
    for field, sv, en in (
        ("title_translated", "titel", "title"),
        ("notes_translated", "beskrivning", "description"),
    ):
        texts = languages.translations(dataset.get(field))
        for lang, lang_sv, lang_en in (("sv", "svenska", "Swedish"), ("en", "engelska", "English")):
            if not texts.get(lang):
                missing.append(Missing(field, f"En {sv} på {lang_sv} saknas.", f"A {en} in {lang_en} is missing."))
    return missing


def open_format_check(dataset: Mapping[str, Any], organization: Mapping[str, Any]) -> list[Missing]:
    if any(formats.is_open_machine_readable(resource.get("format")) for resource in _resources(dataset)):
        return []
    return [
        Missing(
            "resources",
            "Ingen distribution har ett öppet, maskinläsbart format.",
            "No distribution has an open, machine-readable format.",
        )
    ]


CHECKS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], list[Missing]]] = {
    "mandatory_metadata": mandatory_metadata_check,
    "contact_email": contact_email_check,
    "bilingual_text": bilingual_text_check,
    "open_format": open_format_check,
}
# The checks a checklist file may name: these, and the two that are rule conditions.
RULE_CHECKS = ("classification", "open_licence")
CHECK_NAMES = RULE_CHECKS + tuple(CHECKS)
