"""The publication rule: the conditions for a dataset to be public, each
with its reason as a translatable message (messages.py), which the rule
builds and never renders.

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

from ckanext.gbgopendata import classification, dataset_types, languages, licenses, messages
from ckanext.gbgopendata.messages import N_, Alternatives, Texts


@dataclass(frozen=True)
class PublicationBlocker:
    """One unmet condition for making a dataset public.

    `field` names the dataset field the publisher must change; `reason`
    says why, for people, as a translatable message (rendered in the
    language of whoever is told); `code` is stable, for programs and tests.
    """

    code: str
    field: str
    reason: messages.Message

    def message(self, lang: str | None = None) -> "Reason":
        """The reason in `lang` (default: the request's language)."""
        text = Reason(messages.render(self.reason, lang))
        text.blocker = self
        return text


class Reason(str):
    """A condition's reason in one language, as a validation error carries
    it; `blocker` is the condition, so that gbg_dataset_publish can give
    each reason under the field it concerns."""

    blocker: "PublicationBlocker | None" = None


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
            reason=N_(
                "The dataset has the type {dataset_type}, for which the catalogue has no schema. Only datasets of "
                "the catalogue's types (validated against the publication rule) may be public.",
                dataset_type=repr(dataset_type),
            ),
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
                reason=N_(
                    "Only information at confidentiality level 0 may be published openly, and the dataset has no "
                    "confidentiality classification. A dataset without a valid classification may only be private."
                ),
            )
        )
    elif confidentiality != classification.OPEN_CONFIDENTIALITY_LEVEL:
        name = classification.level_definition("confidentiality", confidentiality)
        blockers.append(
            PublicationBlocker(
                code="confidentiality_above_0",
                field="confidentiality_level",
                reason=N_(
                    "Only information at confidentiality level 0 may be published openly. The dataset has "
                    "confidentiality {level} and may only be private.",
                    level=Texts(name.name_sv.lower(), name.name_en.lower()),
                ),
            )
        )
    for other in classification.ASPECTS[1:]:
        if levels[other.field] is None:
            blockers.append(
                PublicationBlocker(
                    code=f"{other.name}_unclassified",
                    field=other.field,
                    reason=N_(
                        "The classification is incomplete: {aspect} has no level. A dataset without a complete "
                        "classification (confidentiality, integrity and availability) may only be private.",
                        aspect=Texts(other.sv.lower(), other.en.lower()),
                    ),
                )
            )
    return blockers


def _named(license_ids: Iterable[str]) -> Alternatives:
    names = []
    for license_id in license_ids:
        licence = licenses.get_license(license_id)
        names.append(f"{licence.short_title} ({license_id})" if licence else license_id)
    return Alternatives(tuple(names))


def _shown(value: str) -> str:
    licence = licenses.get_license(licenses.canonical_license_id(value))
    return licence.short_title if licence else value


def resource_name(resource: Mapping[str, Any]) -> Texts:
    """A distribution's name in each language (its own name, else its
    address or id, where it has none in a language)."""
    fallback = resource.get("name") or resource.get("url") or resource.get("id") or "?"
    names = resource.get("name_translated")
    return Texts(languages.in_language(names, "sv") or fallback, languages.in_language(names, "en") or fallback)


def license_blockers(dataset: Mapping[str, Any], *, open_licenses: Collection[str]) -> list[PublicationBlocker]:
    """Condition 2: a public dataset, and each of its distributions, carries
    one of the open licences (ckanext.gbgopendata.open_licenses)."""
    allowed = list(open_licenses)
    named = _named(allowed)
    blockers = []
    license_id = dataset.get("license_id")
    if not license_id:
        blockers.append(
            PublicationBlocker(
                code="license_missing",
                field="license_id",
                reason=N_("A public dataset must have an open licence. Choose {allowed}.", allowed=named),
            )
        )
    elif not licenses.is_open(license_id, allowed):
        blockers.append(
            PublicationBlocker(
                code="license_not_open",
                field="license_id",
                reason=N_(
                    "The licence {licence} may not be used on a public dataset. Allowed licences: {allowed}.",
                    licence=_shown(license_id),
                    allowed=named,
                ),
            )
        )
    for resource in dataset.get("resources") or []:
        own = resource.get("license")
        if own and not licenses.is_open(own, allowed):
            blockers.append(
                PublicationBlocker(
                    code="distribution_license_not_open",
                    field="resources",
                    reason=N_(
                        "The distribution {distribution} has the licence {licence}, which may not be used on a "
                        "public dataset. Allowed licences: {allowed}.",
                        distribution=resource_name(resource),
                        licence=_shown(own),
                        allowed=named,
                    ),
                )
            )
    return blockers


def series_blockers(dataset: Mapping[str, Any]) -> list[PublicationBlocker]:
    """Condition 2b: a dataset series has no distributions of its own (its
    datasets have them; dcat:DatasetSeries has no dcat:distribution)."""
    if not dataset_types.is_series(dataset) or not dataset.get("resources"):
        return []
    return [
        PublicationBlocker(
            code="series_with_distributions",
            field="resources",
            reason=N_(
                "A dataset series has no distributions of its own: give them to the datasets of the series."
            ),
        )
    ]


# --- what a data service is held to instead of distributions ----------------------------


def is_data_service(dataset: Mapping[str, Any]) -> bool:
    """A dcat:DataService (dataset_types.SERVICE_TYPE): it is reached at its
    endpoint and has no distributions, so the conditions on distributions
    (at least one, each with an address and a format, an open format) do not
    apply to it; `data_service_blockers` does instead. Every other condition
    (type, classification, licence, checklist) is the same for both."""
    return (dataset.get("type") or dataset_types.DEFAULT_TYPE) == dataset_types.SERVICE_TYPE


def scored_by_mqa(dataset: Mapping[str, Any]) -> bool:
    """Whether the metadata quality score (the MQA's, of a dataset and its
    distributions) says anything of it: not of a data service, so the
    checklist's quality item is met by a service whatever its score."""
    return not is_data_service(dataset)


def data_service_blockers(dataset: Mapping[str, Any]) -> list[PublicationBlocker]:
    """DCAT-AP-SE's mandatory properties of a data service besides title and
    publisher: its endpoint URL (in place of a distribution's access URL)."""
    endpoint = dataset.get("endpoint_url")
    if isinstance(endpoint, str) and endpoint.strip():
        return []
    return [
        PublicationBlocker(
            code="service_endpoint_missing",
            field="endpoint_url",
            reason=N_("The data service has no endpoint URL."),
        )
    ]


def applicable_missing(dataset: Mapping[str, Any], missing: list) -> list:
    """What of a checklist item's `missing` (automatic.Missing) a dataset of
    its type can be asked for: the one place the checklist is adapted by
    type. A series and a data service have no distributions, so what an
    item asks of distributions (field `resources`) is not asked of them (a
    data service's mandatory properties ask for its endpoint instead:
    `data_service_blockers`, which the assessment adds)."""
    if dataset_types.is_series(dataset) or is_data_service(dataset):
        return [entry for entry in missing if entry.field != "resources"]
    return missing


def _item_named(item: Any) -> messages.Message:
    return N_("{phase}. «{text}»", phase=item.phase, text=Texts(item.text("sv"), item.text("en")))


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
                    reason=N_(
                        "The change breaks the checklist item {item}, which a public dataset must meet: {missing}",
                        item=_item_named(item),
                        missing=missing.reason,
                    ),
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
            reason = N_(
                "The checklist item {item} is not met: {missing}",
                item=_item_named(item),
                missing=messages.Joined(tuple(missing.reason for missing in item_state.missing)),
            )
        elif item.confirmed_by == "admin":
            reason = N_(
                "The checklist item {item} has not been confirmed by an administrator of the organisation.",
                item=_item_named(item),
            )
        else:
            reason = N_("The checklist item {item} has not been confirmed.", item=_item_named(item))
        blockers.append(PublicationBlocker(code=f"checklist_{item.id}", field="checklist", reason=reason))
    return blockers


def unpublished_by_raise(currently_public: bool, dataset: Mapping[str, Any]) -> bool:
    """Whether saving `dataset` over a public one makes it private: raising
    confidentiality above 0 always succeeds and unpublishes (fail closed, so
    sensitive data never stays public because a form still said "Public")."""
    return currently_public and any(
        blocker.code == "confidentiality_above_0" for blocker in classification_blockers(dataset)
    )
