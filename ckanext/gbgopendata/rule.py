"""The publication rule: whether a dataset may be public.

`publication_blockers(dataset)` returns every unmet condition, each with a
Swedish and an English reason; empty means the dataset may be public. It is
the one rule: the validators of every write (logic/publication.py), the
permission labels and the open catalogue (logic/visibility.py), the bulk
actions, the CLI (`publication-check`) and the form's hints all ask it. A
new condition (the checklist's) is one more function in CONDITIONS.

The dataset it reads is a mapping with these keys (package_show output and
a save's validated data have them; `dataset_from_model` builds it from the
stored model):

- `type`: the dataset type ("dataset" when absent);
- `confidentiality_level`, `integrity_level`, `availability_level`: "0", "1"
  or "2", absent or empty when not classified;
- `license_id`: the dataset's licence (register id, CKAN's old id or a URI);
- `resources`: mappings with the distribution's own `license` (optional) and
  `name_translated`, `name`, `url` or `id` to name it in a reason.

Not pure: the licence condition reads ckanext.gbgopendata.open_licenses and
the type condition reads the scheming schemas, both from the running config.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterable, Mapping

from ckanext.gbgopendata import checklist, classification, dataset_types, languages, licenses


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
        return BilingualText(self.sv, self.en)


class BilingualText(str):
    """A reason in Swedish and English: the text is "<sv> / <en>" (what the
    action API answers), and the web form shows `.message(lang)`
    (classification_helpers.gbgopendata_form_errors)."""

    sv: str
    en: str

    def __new__(cls, sv: str, en: str) -> "BilingualText":
        text = super().__new__(cls, f"{sv} / {en}")
        text.sv, text.en = sv, en
        return text

    def message(self, lang: str) -> str:
        return languages.pick(self.sv, self.en, lang)


# --- the conditions, in the order their reasons are given -----------------------------


def type_blockers(dataset: Mapping[str, Any]) -> list[PublicationBlocker]:
    """Condition 0: the dataset is of a type whose schema runs this rule (a
    dataset of another type was written past it)."""
    dataset_type = dataset.get("type") or dataset_types.DEFAULT_TYPE
    if dataset_type in dataset_types.types_under_the_rule():
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


def license_blockers(
    dataset: Mapping[str, Any], *, open_licenses: Collection[str] | None = None
) -> list[PublicationBlocker]:
    """Condition 2: a public dataset, and each of its distributions, carries
    one of the open licences (ckanext.gbgopendata.open_licenses)."""
    allowed = list(open_licenses) if open_licenses is not None else licenses.open_license_ids()
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


# The checklist items whose reasons the conditions above already give.
_ITEMS_THE_RULE_EXPLAINS = ("classification", "open_licence")


def _item_named(item: Any, lang: str) -> str:
    return f"{item.phase}. «{item.text(lang)}»"


def checklist_blockers(
    dataset: Mapping[str, Any], *, stored: Mapping[str, Any] | None = None, state: Any = None
) -> list[PublicationBlocker]:
    """Condition 3: the publication checklist (checklist/). A dataset is
    made public only when every required item is done. A dataset that is
    already public (`stored` is its stored state) stays public through an
    edit unless the edit breaks an automatic item that held; unticking a
    confirmed item makes it private instead (gbg_checklist_update). A
    dataset published before its checklist was complete is not hidden by
    this condition: the overviews and publication-check list it."""
    state = state or checklist.evaluate(dataset)
    blockers = []
    if stored is not None and not stored.get("private"):
        held = checklist.evaluate(stored, confirmations={}, checklist=state.checklist)
        for item_state in state.items:
            item = item_state.item
            if not item.automatic or not item.required or item.check in _ITEMS_THE_RULE_EXPLAINS:
                continue
            before = held.item(item.id)
            if item_state.done or not (before and before.done):
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
    for item_state in state.incomplete_required():
        item = item_state.item
        if item.check in _ITEMS_THE_RULE_EXPLAINS:
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


# The conditions a public dataset must meet at all times: a stored public
# dataset that breaks one is hidden from everyone who may not edit it
# (logic/visibility.py), and publication-check lists it.
STANDING_CONDITIONS: tuple[Callable[..., list[PublicationBlocker]], ...] = (
    type_blockers,
    classification_blockers,
    license_blockers,
)
# Every condition, in the order their reasons are given: what a save that
# makes or keeps a dataset public must meet.
CONDITIONS: tuple[Callable[..., list[PublicationBlocker]], ...] = STANDING_CONDITIONS + (checklist_blockers,)


def publication_blockers(
    dataset: Mapping[str, Any],
    *,
    stored: Mapping[str, Any] | None = None,
    open_licenses: Collection[str] | None = None,
    state: Any = None,
) -> list[PublicationBlocker]:
    """Every condition that keeps `dataset` from being public; empty when it
    may be public. `stored` is the dataset as stored before the save that
    is being checked (None: a new dataset, or a question without a save);
    `open_licenses` defaults to the configured
    ckanext.gbgopendata.open_licenses; `state` is the dataset's checklist
    (checklist.evaluate) when the caller has it already."""
    blockers = standing_blockers(dataset, open_licenses=open_licenses)
    blockers.extend(checklist_blockers(dataset, stored=stored, state=state))
    return blockers


def standing_blockers(
    dataset: Mapping[str, Any], *, open_licenses: Collection[str] | None = None
) -> list[PublicationBlocker]:
    """The unmet standing conditions: why a stored public dataset is not
    shown as public."""
    blockers: list[PublicationBlocker] = []
    for condition in STANDING_CONDITIONS:
        if condition is license_blockers:
            blockers.extend(condition(dataset, open_licenses=open_licenses))
        else:
            blockers.extend(condition(dataset))
    return blockers


def may_be_public(dataset: Mapping[str, Any]) -> bool:
    """Whether a dataset may be made public now (every condition)."""
    return not publication_blockers(dataset)


def may_stay_public(dataset: Mapping[str, Any]) -> bool:
    """Whether a stored public dataset is shown as public: the standing
    conditions (a checklist completed later does not hide it)."""
    return not standing_blockers(dataset)


def unpublished_by_raise(currently_public: bool, dataset: Mapping[str, Any]) -> bool:
    """Whether saving `dataset` over a public one makes it private: raising
    confidentiality above 0 always succeeds and unpublishes (fail closed, so
    sensitive data never stays public because a form still said "Public")."""
    return currently_public and any(
        blocker.code == "confidentiality_above_0" for blocker in classification_blockers(dataset)
    )


def dataset_from_model(pkg: Any) -> dict[str, Any]:
    """The rule's view of a stored dataset (a ckan.model.Package), read from
    the model without validation: cheap enough for every permission check."""
    dataset: dict[str, Any] = dict(pkg.extras or {})
    dataset.update(
        id=pkg.id,
        name=pkg.name,
        type=pkg.type,
        private=bool(pkg.private),
        state=pkg.state,
        owner_org=pkg.owner_org,
        license_id=pkg.license_id,
        title=pkg.title,
        notes=pkg.notes,
        resources=[
            dict(resource.extras or {}, id=resource.id, url=resource.url, format=resource.format, name=resource.name)
            for resource in pkg.resources
        ],
    )
    return dataset
