"""Göteborgs Stad's information-security classification: the three aspects,
their levels and the city's definitions (sv/en), and how a dataset's levels
are read. Pure data and functions, no CKAN calls. The publication rule's
classification condition is in rule.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ckanext.gbgopendata import languages


# --- Göteborgs Stads riktlinjer för informationssäkerhet ------------------------
#
# Information is classified in three aspects, each at Nivå 0, 1
# (grundsäkerhetsnivå, the city's baseline) or 2. The Swedish definitions are
# the city's own words (utbildning om öppna data, del 2); the English ones
# translate them faithfully.


@dataclass(frozen=True)
class Aspect:
    name: str
    field: str
    sv: str
    en: str

    def label(self, lang: str) -> str:
        return languages.pick(self.sv, self.en, lang)


@dataclass(frozen=True)
class LevelDefinition:
    aspect: str
    level: str
    name_sv: str
    name_en: str
    definition_sv: str
    definition_en: str

    def name(self, lang: str) -> str:
        return languages.pick(self.name_sv, self.name_en, lang)

    def definition(self, lang: str) -> str:
        return languages.pick(self.definition_sv, self.definition_en, lang)


ASPECTS = (
    Aspect("confidentiality", "confidentiality_level", "Konfidentialitet", "Confidentiality"),
    Aspect("integrity", "integrity_level", "Riktighet", "Integrity"),
    Aspect("availability", "availability_level", "Tillgänglighet", "Availability"),
)
LEVELS = ("0", "1", "2")
LEVEL_FIELDS = tuple(aspect.field for aspect in ASPECTS)
# Set by the server from the acting user whenever a level changes.
STAMP_FIELDS = ("classification_date", "classified_by")
CLASSIFICATION_FIELDS = LEVEL_FIELDS + STAMP_FIELDS
# Shown only to people who may edit the dataset, never in the open catalogue.
INTERNAL_FIELDS = ("integrity_level", "availability_level") + STAMP_FIELDS
# The only confidentiality level that may be published openly.
OPEN_CONFIDENTIALITY_LEVEL = "0"

_LEVEL_NAMES = {
    "0": ("Nivå 0 – ingen skada", "Level 0 – no harm"),
    "1": ("Nivå 1 – skada (grundsäkerhetsnivå)", "Level 1 – harm (baseline security level)"),
    "2": ("Nivå 2 – allvarlig skada", "Level 2 – serious harm"),
}

_DEFINITIONS = {
    ("confidentiality", "0"): (
        "Information som är öppen och avsedd för eller kan spridas till en obestämd krets mottagare utan risk "
        "för negativa konsekvenser. Spridning medför ingen skada.",
        "Information that is open and intended for, or may be spread to, an unspecified group of recipients "
        "without risk of negative consequences. Spreading it causes no harm.",
    ),
    ("confidentiality", "1"): (
        "Information som kan medföra skada för egen eller annan organisations verksamhet eller för enskild "
        "person om den röjs för obehörig.",
        "Information that may cause harm to one's own or another organisation's operations or to an "
        "individual if it is disclosed to unauthorised persons.",
    ),
    ("confidentiality", "2"): (
        "Känslig information som kan medföra allvarlig skada för egen eller annan organisations verksamhet "
        "eller för enskild person om den röjs för obehörig.",
        "Sensitive information that may cause serious harm to one's own or another organisation's operations "
        "or to an individual if it is disclosed to unauthorised persons.",
    ),
    ("integrity", "0"): (
        "Information som kan förändras utan risk för negativa konsekvenser. Oriktig information medför "
        "försumbar eller ingen skada.",
        "Information that can be changed without risk of negative consequences. Incorrect information causes "
        "negligible or no harm.",
    ),
    ("integrity", "1"): (
        "Information som kan medföra skada för egen eller annan organisations verksamhet eller för enskild "
        "person om den är felaktig.",
        "Information that may cause harm to one's own or another organisation's operations or to an "
        "individual if it is incorrect.",
    ),
    ("integrity", "2"): (
        "Information som kan medföra allvarlig skada för egen eller annan organisations verksamhet eller för "
        "enskild person om den är felaktig.",
        "Information that may cause serious harm to one's own or another organisation's operations or to an "
        "individual if it is incorrect.",
    ),
    ("availability", "0"): (
        "Information med lågt verksamhetsberoende. Kan vara otillgänglig en längre tid utan risk för negativa "
        "konsekvenser. Brist på åtkomst medför försumbar eller ingen skada.",
        "Information with low operational dependency. It can be unavailable for a longer time without risk "
        "of negative consequences. Lack of access causes negligible or no harm.",
    ),
    ("availability", "1"): (
        "Information som ingår i eller stöder kontinuerlig verksamhet där avbrott kan medföra skada för egen "
        "eller annan organisations verksamhet eller för enskild person.",
        "Information that is part of or supports continuous operations, where an interruption may cause harm "
        "to one's own or another organisation's operations or to an individual.",
    ),
    ("availability", "2"): (
        "Information som ingår i eller stöder kontinuerlig och kritisk verksamhet där avbrott innebär att man "
        "inte kan upprätthålla nödvändig tillgänglighet och servicenivå. Avbrott kan medföra allvarlig skada "
        "för egen eller annan organisations verksamhet eller för enskild person.",
        "Information that is part of or supports continuous and critical operations, where an interruption "
        "means that the necessary availability and level of service cannot be maintained. An interruption "
        "may cause serious harm to one's own or another organisation's operations or to an individual.",
    ),
}

LEVEL_DEFINITIONS = tuple(
    LevelDefinition(aspect.name, level, *_LEVEL_NAMES[level], *_DEFINITIONS[(aspect.name, level)])
    for aspect in ASPECTS
    for level in LEVELS
)


def aspect(name_or_field: str) -> Aspect:
    for candidate in ASPECTS:
        if name_or_field in (candidate.name, candidate.field):
            return candidate
    raise KeyError(name_or_field)


def level_definitions(aspect_name_or_field: str) -> list[LevelDefinition]:
    """The definitions of one aspect's levels, 0 to 2."""
    name = aspect(aspect_name_or_field).name
    return [definition for definition in LEVEL_DEFINITIONS if definition.aspect == name]


def level_definition(aspect_name_or_field: str, level: str) -> LevelDefinition | None:
    for definition in level_definitions(aspect_name_or_field):
        if definition.level == level:
            return definition
    return None


def normalise_level(value: Any) -> str | None:
    """The level "0", "1" or "2" that `value` gives (0, " 1 ", "2" …); None
    when no level is given. Raises ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # True is an int, but not a level
        raise ValueError(value)
    text = str(value).strip()
    if text not in LEVELS:
        raise ValueError(value)
    return text


def classification_of(dataset: Mapping[str, Any]) -> dict[str, str | None]:
    """{level field: "0"/"1"/"2" or None}; a value that is not a level counts
    as none (fail closed: an unreadable classification is no classification)."""
    levels: dict[str, str | None] = {}
    for field in LEVEL_FIELDS:
        try:
            levels[field] = normalise_level(dataset.get(field))
        except ValueError:
            levels[field] = None
    return levels


def classification_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return classification_of(old) != classification_of(new)


def open_and_complete(dataset: Mapping[str, Any]) -> bool:
    """The classification condition of publication: every aspect has a
    level, and confidentiality is level 0 (rule.classification_blockers
    gives the reasons when it does not hold)."""
    levels = classification_of(dataset)
    return None not in levels.values() and levels["confidentiality_level"] == OPEN_CONFIDENTIALITY_LEVEL
