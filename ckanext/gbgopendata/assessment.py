"""One assessment of a dataset: the publication rule, the checklist and the
status, decided once, by a pure function.

`assess(dataset, facts)` reads nothing but its arguments: no database, no
request, no `flask.g`, no configuration. Every caller (the save's
validators, the permission labels, the checklist's actions and page, the
overviews, the CLI, the DCAT endpoint) builds the two arguments and asks it;
what is derived from a dataset later (its DCAT-AP-SE fragment, its quality
score) reads the same `Assessment`. `logic/facts.py` builds the arguments
from the database and the settings.

The dataset (`shape`): a plain mapping with only these keys, JSON text
already parsed:

- `id`, `name`, `type` ("dataset" when absent), `state` ("active" when
  absent), `private` (bool), `owner_org`;
- `confidentiality_level`, `integrity_level`, `availability_level`: "0",
  "1", "2" or None;
- `license_id`; `title`, `notes` (text); `title_translated`,
  `notes_translated` ({lang: text});
- `contact`: a list of mappings (`email` …);
- `endpoint_url` (a data service's, rule.is_data_service; None otherwise);
- `resources`: mappings with `id`, `url`, `format`, `name`,
  `name_translated` ({lang: text}) and the distribution's own `license`.

`Facts`: the settings that decide (`Rules`: the checklist, the open
licences, the dataset types under the rule, the quality rating asked), the
organisation's facts, the stored confirmations, the dataset's kept quality
ratings and, when a save is decided, the dataset as stored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ckanext.gbgopendata import checklist, classification, rule
from ckanext.gbgopendata.checklist import automatic
from ckanext.gbgopendata.rule import PublicationBlocker

@dataclass(frozen=True)
class Rules:
    """What the configuration decides, read once per process (logic/facts.py)."""

    checklist: checklist.Checklist
    open_licenses: tuple[str, ...]
    types_under_rule: frozenset[str]
    # The rating the checklist's quality item asks (settings.quality_min_rating,
    # "good" when unset: the item is then recommended).
    quality_min_rating: str = automatic.DEFAULT_MIN_RATING


@dataclass(frozen=True)
class Facts:
    """Everything besides the dataset that the assessment reads."""

    rules: Rules
    # The owner organisation's facts (publishers.organizations() entry); {} for none.
    organization: Mapping[str, Any] = field(default_factory=dict)
    # The stored confirmations by item id ({confirmed, comment, user_id, changed_at}).
    confirmations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # When a save is decided: the dataset as stored before it (shape), and
    # its organisation's facts. None when the question is about a dataset
    # as it is (a read, an overview) or a new one.
    stored: Mapping[str, Any] | None = None
    stored_organization: Mapping[str, Any] = field(default_factory=dict)
    # The dataset's kept metadata quality rating per variant ({"eu": "good",
    # "se": "excellent"}); {} when it has not been assessed yet.
    quality: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """Where one dataset stands."""

    dataset: Mapping[str, Any]
    checklist: checklist.State
    # The standing conditions a public dataset must meet at all times (type,
    # classification, licence), each unmet one once.
    standing: tuple[PublicationBlocker, ...]
    # The checklist's condition: what keeps the dataset from being made
    # public, or (a save of a public dataset) the automatic items it breaks.
    checklist_blockers: tuple[PublicationBlocker, ...]
    status: str
    # Everything is done but what only the organisation's admin confirms
    # (the information owner's approval): the admin's turn.
    awaiting_approval: bool = False

    @property
    def blockers(self) -> tuple[PublicationBlocker, ...]:
        """Every unmet condition, in the order their reasons are given."""
        return self.standing + self.checklist_blockers

    @property
    def may_be_public(self) -> bool:
        return not self.blockers

    @property
    def may_stay_public(self) -> bool:
        """A stored public dataset is shown as public while the standing
        conditions hold (a checklist completed later does not hide it)."""
        return not self.standing


# --- the dataset's shape ------------------------------------------------------------

_JSON_FIELDS = ("title_translated", "notes_translated", "contact")
_RESOURCE_KEYS = ("id", "url", "format", "name", "name_translated", "license")


def _parsed(value: Any) -> Any:
    # Stored extras hold scheming's repeating and multilingual fields as JSON text.
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def shape(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """The documented shape of `dataset` (package_show output, a save's
    validated data, or the stored model's fields and extras)."""
    result: dict[str, Any] = {
        "id": dataset.get("id"),
        "name": dataset.get("name"),
        "type": dataset.get("type") or None,
        "state": dataset.get("state") or "active",
        "private": bool(dataset.get("private")),
        "owner_org": dataset.get("owner_org") or (dataset.get("organization") or {}).get("id") or None,
        "license_id": dataset.get("license_id") or None,
        "title": dataset.get("title"),
        "notes": dataset.get("notes"),
        "endpoint_url": dataset.get("endpoint_url") or None,
    }
    for name in classification.LEVEL_FIELDS:
        result[name] = classification.classification_of(dataset)[name]
    for name in _JSON_FIELDS:
        result[name] = _parsed(dataset.get(name))
    contacts = result["contact"]
    result["contact"] = [contact for contact in contacts if isinstance(contact, Mapping)] if isinstance(contacts, list) else []
    resources = dataset.get("resources")
    result["resources"] = [
        {key: _parsed(resource.get(key)) if key == "name_translated" else resource.get(key) for key in _RESOURCE_KEYS}
        for resource in (resources if isinstance(resources, list) else [])
        if isinstance(resource, Mapping)
    ]
    return result


# --- the decision -------------------------------------------------------------------

# The automatic checklist items that are one of the rule's standing
# conditions: the item is done exactly when the condition holds, its
# "missing" is the condition's reasons, and the condition (not the item)
# blocks publication, so each is said once.
_ITEMS_THAT_ARE_CONDITIONS: dict[str, Callable[[Mapping[str, Any], Facts], list[PublicationBlocker]]] = {
    "classification": lambda dataset, facts: rule.classification_blockers(dataset),
    "open_licence": lambda dataset, facts: rule.license_blockers(dataset, open_licenses=facts.rules.open_licenses),
}


def _missing(blockers: list[PublicationBlocker]) -> list[automatic.Missing]:
    return [automatic.Missing(blocker.field, blocker.reason) for blocker in blockers]


def automatic_missing(check: str, dataset: Mapping[str, Any], facts: Facts, organization: Mapping | None = None) -> list:
    """What keeps the automatic item of `check` from being done (what the
    dataset's type can be asked for: rule.applicable_missing)."""
    if check in _ITEMS_THAT_ARE_CONDITIONS:
        return _missing(_ITEMS_THAT_ARE_CONDITIONS[check](dataset, facts))
    if check == automatic.QUALITY_CHECK:
        if not rule.scored_by_mqa(dataset):
            return []
        return automatic.quality_check(facts.quality, facts.rules.quality_min_rating)
    found = automatic.CHECKS[check](dataset, facts.organization if organization is None else organization)
    found = rule.applicable_missing(dataset, found)
    if check == automatic.MANDATORY_METADATA_CHECK and rule.is_data_service(dataset):
        found += _missing(rule.data_service_blockers(dataset))  # its endpoint, in place of distributions
    return found


def _checklist_state(dataset: Mapping[str, Any], facts: Facts) -> checklist.State:
    states = []
    for item in facts.rules.checklist.items:
        if item.automatic:
            missing = automatic_missing(item.check, dataset, facts)
            states.append(checklist.ItemState(item, done=not missing, missing=missing))
        else:
            confirmation = facts.confirmations.get(item.id)
            done = bool(confirmation and confirmation.get("confirmed"))
            states.append(checklist.ItemState(item, done=done, confirmation=confirmation))
    return checklist.State(facts.rules.checklist, states)


def _held_automatic_items(stored: Mapping[str, Any], facts: Facts) -> set[str]:
    """The automatic items the stored dataset meets."""
    return {
        item.id
        for item in facts.rules.checklist.items
        if item.automatic and not automatic_missing(item.check, stored, facts, facts.stored_organization)
    }


def _status(dataset: Mapping[str, Any], state: checklist.State, publishable: bool) -> str:
    if dataset.get("state", "active") != "active":
        return "draft"  # left half-created in CKAN's form
    return checklist.status(bool(dataset.get("private")), state, publishable)


def standing(dataset: Mapping[str, Any], rules: Rules) -> tuple[PublicationBlocker, ...]:
    """The unmet standing conditions (the part of `assess` that decides
    whether a stored public dataset is shown as public; the permission
    labels ask only this, on every permission check)."""
    blockers = rule.type_blockers(dataset, types_under_rule=rules.types_under_rule)
    blockers += rule.classification_blockers(dataset)
    blockers += rule.license_blockers(dataset, open_licenses=rules.open_licenses)
    blockers += rule.series_blockers(dataset)
    return tuple(blockers)


def assess(dataset: Mapping[str, Any], facts: Facts) -> Assessment:
    """The one decision about `dataset` (its `shape`), given `facts`."""
    standing_blockers = standing(dataset, facts.rules)
    state = _checklist_state(dataset, facts)
    stored = facts.stored
    if stored is not None and not stored.get("private"):
        held = _held_automatic_items(stored, facts)
        checklist_blockers = rule.broken_checklist_items(state, held, conditions=_ITEMS_THAT_ARE_CONDITIONS)
    else:
        checklist_blockers = rule.checklist_blockers(state, conditions=_ITEMS_THAT_ARE_CONDITIONS)
    publishable = not standing_blockers and not checklist_blockers
    status = _status(dataset, state, publishable)
    missing = state.incomplete_required()
    awaiting = (
        status == "draft"
        and dataset.get("state", "active") == "active"
        and bool(missing)
        and all(item_state.item.confirmed_by == "admin" for item_state in missing)
        and not standing_blockers
    )
    return Assessment(
        dataset=dataset,
        checklist=state,
        standing=standing_blockers,
        checklist_blockers=tuple(checklist_blockers),
        status=status,
        awaiting_approval=awaiting,
    )
