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
        in both languages whatever the request's language."""
        return f"{self.sv} / {self.en}"


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
            "av katalogens typer (som valideras mot publiceringsregeln) får vara publika.",
            en=f"The dataset has the type {dataset_type!r}, for which the catalogue has no schema. Only datasets of "
            "the catalogue's types (validated against the publication rule) may be public.",
        )
    ]


def classification_blockers(dataset: Mapping[str, Any]) -> list[PublicationBlocker]:
    """Condition 1: a complete classification, with confidentiality at
    level 0 (Göteborgs Stads riktlinjer för informationssäkerhet)."""
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
                sv=f"En publik datamängd måste ha en öppen licens. Välj {allowed_sv}.",
                en=f"A public dataset must have an open licence. Choose {allowed_en}.",
            )
        )
    elif licenses.canonical_license_id(license_id) not in allowed:
        shown = _shown(license_id)
        blockers.append(
            PublicationBlocker(
                code="license_not_open",
                field="license_id",
                sv=f"Licensen {shown} får inte användas på en publik datamängd. Tillåtna licenser: {allowed_sv}.",
                en=f"The licence {shown} may not be used on a public dataset. Allowed licences: {allowed_en}.",
            )
        )
    for resource in dataset.get("resources") or []:
        own = resource.get("license")
        if own and licenses.canonical_license_id(own) not in allowed:
            shown = _shown(own)
            blockers.append(
                PublicationBlocker(
                    code="distribution_license_not_open",
                    field="resources",
                    sv=(
                        f"Distributionen {_resource_name(resource, 'sv')} har licensen {shown}, som inte får "
                        f"användas på en publik datamängd. Tillåtna licenser: {allowed_sv}."
                    ),
                    en=(
                        f"The distribution {_resource_name(resource, 'en')} has the licence {shown}, which may "
                        f"not be used on a public dataset. Allowed licences: {allowed_en}."
                    ),
                )
            )
    return blockers


CONDITIONS: tuple[Callable[..., list[PublicationBlocker]], ...] = (
    type_blockers,
    classification_blockers,
    license_blockers,
)


def publication_blockers(
    dataset: Mapping[str, Any], *, open_licenses: Collection[str] | None = None
) -> list[PublicationBlocker]:
    """Every condition that keeps `dataset` from being public; empty when it
    may be public. `open_licenses` defaults to the configured
    ckanext.gbgopendata.open_licenses."""
    blockers: list[PublicationBlocker] = []
    for condition in CONDITIONS:
        if condition is license_blockers:
            blockers.extend(condition(dataset, open_licenses=open_licenses))
        else:
            blockers.extend(condition(dataset))
    return blockers


def may_be_public(dataset: Mapping[str, Any]) -> bool:
    return not publication_blockers(dataset)


def unpublished_by_raise(currently_public: bool, dataset: Mapping[str, Any]) -> bool:
    """Whether saving `dataset` over a public one makes it private: raising
    confidentiality above 0 always succeeds and unpublishes (fail closed, so
    sensitive data never stays public because a form still said "Public")."""
    return currently_public and any(
        blocker.code == "confidentiality_above_0" for blocker in publication_blockers(dataset)
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
        resources=[dict(resource.extras or {}, id=resource.id, url=resource.url) for resource in pkg.resources],
    )
    return dataset
