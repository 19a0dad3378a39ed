"""The publication rule: the conditions for a dataset to be public, each
with a Swedish and an English reason.

Pure functions of the dataset (assessment.shape) and of the settings they
are given: `assessment.assess` asks them, once per decision, and every
caller asks the assessment. A new condition is one more function here,
called from `assess`.

Two kinds of condition: the standing ones (type, classification, licence)
hold for every public dataset at all times; the checklist holds when a
dataset is made public, and a save of a public dataset may not break an
automatic item that held.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable, Mapping

from ckanext.gbgopendata import classification, dataset_types, languages, licenses


@dataclass(frozen=True)
class PublicationBlocker:
    """One unmet condition for making a dataset public.

    `field` names the dataset field the publisher must change; `sv` and `en`
    say why, for people; `code` is stable, for programs and tests.
    """

    code: str
    field: str
    sv: str
    en: str

    def message(self, lang: str) -> str:
        return languages.pick(self.sv, self.en, lang)

    def bilingual(self) -> str:
        """Swedish and English together, for errors that must name the rule
        in both languages whatever the request's language (the action API);
        the web form shows the visitor's language (`BilingualText`)."""
        text = BilingualText(self.sv, self.en)
        text.blocker = self
        return text


class BilingualText(str):
    """A reason in Swedish and English: the text is "<sv> / <en>" (what the
    action API answers), and the web form shows `.message(lang)`
    (classification_helpers.gbgopendata_form_errors)."""

    sv: str
    en: str
    # The condition it gives the reason of, when it is one.
    blocker: "PublicationBlocker | None" = None

    def __new__(cls, sv: str, en: str) -> "BilingualText":
        text = super().__new__(cls, f"{sv} / {en}")
        text.sv, text.en = sv, en
        return text

    def message(self, lang: str) -> str:
        return languages.pick(self.sv, self.en, lang)


# --- the conditions, in the order their reasons are given -----------------------------


def type_blockers(dataset: Mapping[str, Any], *, types_under_rule: Collection[str]) -> list[PublicationBlocker]:
    """Condition 0: the dataset is of a type whose schema runs this rule (a
    dataset of another type was written past it)."""
    dataset_type = dataset.get("type") or dataset_types.DEFAULT_TYPE
    if dataset_type in types_under_rule:
        return []
    return [
        PublicationBlocker(
            code="type_without_rule",
            field="type",
            sv=f"Datamängden har typen {dataset_type!r}, som katalogen inte har något schema för. Bara datamängder "
            "av katalogens typer (som valideras mot publiceringsregeln) får vara offentliga.",
            en=f"The dataset has the type {dataset_type!r}, for which the catalogue has no schema. Only datasets of "
            "the catalogue's types (validated against the publication rule) may be public.",
        )
    ]


def classification_blockers(dataset: Mapping[str, Any]) -> list[PublicationBlocker]:
    """Condition 1: a complete classification, with confidentiality at
    level 0 (Göteborgs Stads riktlinjer för informationssäkerhet)."""
    if classification.open_and_complete(dataset):
        return []
    levels = classification.classification_of(dataset)
    blockers = []
    confidentiality = levels["confidentiality_level"]
    if confidentiality is None:
        blockers.append(
            PublicationBlocker(
                code="confidentiality_unclassified",
                field="confidentiality_level",
                sv="Endast information med konfidentialitet nivå 0 får publiceras öppet, och datamängden saknar "
                "klassning av konfidentialitet. En datamängd utan giltig klassning får bara vara privat.",
                en="Only information at confidentiality level 0 may be published openly, and the dataset has no "
                "confidentiality classification. A dataset without a valid classification may only be private.",
            )
        )
    elif confidentiality != classification.OPEN_CONFIDENTIALITY_LEVEL:
        name = classification.level_definition("confidentiality", confidentiality)
        blockers.append(
            PublicationBlocker(
                code="confidentiality_above_0",
                field="confidentiality_level",
                sv=f"Endast information med konfidentialitet nivå 0 får publiceras öppet. Datamängden har "
                f"konfidentialitet {name.name_sv.lower()} och får bara vara privat.",
                en=f"Only information at confidentiality level 0 may be published openly. The dataset has "
                f"confidentiality {name.name_en.lower()} and may only be private.",
            )
        )
    for other in classification.ASPECTS[1:]:
        if levels[other.field] is None:
            blockers.append(
                PublicationBlocker(
                    code=f"{other.name}_unclassified",
                    field=other.field,
                    sv=f"Klassningen är ofullständig: {other.sv.lower()} saknar nivå. En datamängd utan "
                    "fullständig klassning (konfidentialitet, riktighet och tillgänglighet) får bara vara privat.",
                    en=f"The classification is incomplete: {other.en.lower()} has no level. A dataset without "
                    "a complete classification (confidentiality, integrity and availability) may only be private.",
                )
            )
    return blockers


def _named(license_ids: Iterable[str], lang: str) -> str:
    names = []
    for license_id in license_ids:
        licence = licenses.get_license(license_id)
        names.append(f"{licence.short_title} ({license_id})" if licence else license_id)
    if not names:
        return "–"
    conjunction = " eller " if lang == "sv" else " or "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + conjunction + names[-1]


def _shown(value: str) -> str:
    licence = licenses.get_license(licenses.canonical_license_id(value))
    return licence.short_title if licence else value


def _resource_name(resource: Mapping[str, Any], lang: str) -> str:
    name = languages.in_language(resource.get("name_translated"), lang)
    return name or resource.get("name") or resource.get("url") or resource.get("id") or "?"


def license_blockers(dataset: Mapping[str, Any], *, open_licenses: Collection[str]) -> list[PublicationBlocker]:
    """Condition 2: a public dataset, and each of its distributions, carries
    one of the open licences (ckanext.gbgopendata.open_licenses)."""
    allowed = list(open_licenses)
    allowed_sv, allowed_en = _named(allowed, "sv"), _named(allowed, "en")
    blockers = []
    license_id = dataset.get("license_id")
    if not license_id:
        blockers.append(
            PublicationBlocker(
                code="license_missing",
                field="license_id",
                sv=f"En offentlig datamängd måste ha en öppen licens. Välj {allowed_sv}.",
                en=f"A public dataset must have an open licence. Choose {allowed_en}.",
            )
        )
    elif not licenses.is_open(license_id, allowed):
        shown = _shown(license_id)
        blockers.append(
            PublicationBlocker(
                code="license_not_open",
                field="license_id",
                sv=f"Licensen {shown} får inte användas på en offentlig datamängd. Tillåtna licenser: {allowed_sv}.",
                en=f"The licence {shown} may not be used on a public dataset. Allowed licences: {allowed_en}.",
            )
        )
    for resource in dataset.get("resources") or []:
        own = resource.get("license")
        if own and not licenses.is_open(own, allowed):
            shown = _shown(own)
            blockers.append(
                PublicationBlocker(
                    code="distribution_license_not_open",
                    field="resources",
                    sv=(
                        f"Distributionen {_resource_name(resource, 'sv')} har licensen {shown}, som inte får "
                        f"användas på en offentlig datamängd. Tillåtna licenser: {allowed_sv}."
                    ),
                    en=(
                        f"The distribution {_resource_name(resource, 'en')} has the licence {shown}, which may "
                        f"not be used on a public dataset. Allowed licences: {allowed_en}."
                    ),
                )
            )
    return blockers


def _item_named(item: Any, lang: str) -> str:
    return f"{item.phase}. «{item.text(lang)}»"


def broken_checklist_items(state: Any, held: Collection[str], *, conditions: Collection[str]) -> list[PublicationBlocker]:
    """Condition 3 for a dataset that is public and stays public: the save
    may not break a required automatic item that the stored dataset met
    (`held`). Unticking a confirmed item unpublishes instead
    (gbg_checklist_update); a dataset published before its checklist was
    complete is not hidden: the overviews and publication-check list it.
    Items in `conditions` are standing conditions, reported as such."""
    blockers = []
    for item_state in state.items:
        item = item_state.item
        if not item.automatic or not item.required or item.check in conditions:
            continue
        if item_state.done or item.id not in held:
            continue
        for missing in item_state.missing:
            blockers.append(
                PublicationBlocker(
                    code=f"checklist_{item.id}_broken",
                    field=missing.field,
                    sv=f"Ändringen bryter checklistans punkt {_item_named(item, 'sv')}, som en offentlig datamängd "
                    f"måste uppfylla: {missing.sv}",
                    en=f"The change breaks the checklist item {_item_named(item, 'en')}, which a public dataset "
                    f"must meet: {missing.en}",
                )
            )
    return blockers


def checklist_blockers(state: Any, *, conditions: Collection[str]) -> list[PublicationBlocker]:
    """Condition 3: the publication checklist (checklist/). A dataset is
    made public only when every required item is done. Items in
    `conditions` are standing conditions, reported as such."""
    blockers = []
    for item_state in state.incomplete_required():
        item = item_state.item
        if item.check in conditions:
            continue
        if item.automatic:
            details_sv = " ".join(missing.sv for missing in item_state.missing)
            details_en = " ".join(missing.en for missing in item_state.missing)
            sv = f"Checklistans punkt {_item_named(item, 'sv')} är inte uppfylld: {details_sv}"
            en = f"The checklist item {_item_named(item, 'en')} is not met: {details_en}"
        elif item.confirmed_by == "admin":
            sv = f"Checklistans punkt {_item_named(item, 'sv')} är inte bekräftad av en administratör i organisationen."
            en = f"The checklist item {_item_named(item, 'en')} has not been confirmed by an administrator of the organisation."
        else:
            sv = f"Checklistans punkt {_item_named(item, 'sv')} är inte bekräftad."
            en = f"The checklist item {_item_named(item, 'en')} has not been confirmed."
        blockers.append(PublicationBlocker(code=f"checklist_{item.id}", field="checklist", sv=sv, en=en))
    return blockers


def unpublished_by_raise(currently_public: bool, dataset: Mapping[str, Any]) -> bool:
    """Whether saving `dataset` over a public one makes it private: raising
    confidentiality above 0 always succeeds and unpublishes (fail closed, so
    sensitive data never stays public because a form still said "Public")."""
    return currently_public and any(
        blocker.code == "confidentiality_above_0" for blocker in classification_blockers(dataset)
    )
