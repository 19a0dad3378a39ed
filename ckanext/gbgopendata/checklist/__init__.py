"""The publication checklist: Göteborgs Stad's process for publishing open
data (A. Identifiera och prioritera, B. Förbered publicering, C. Lansera och
förvalta) as items a dataset must complete before it may be made public.

- `definition.py` reads the items from YAML (items.yaml, or the file
  ckanext.gbgopendata.checklist_file names);
- `in_force.py` keeps the checklist in force the same in every worker: read
  at start-up, changed by `ckan gbgopendata reload-checklist`;
- `automatic.py` computes the automatic items from the dataset;
- the confirmed items are stored per dataset (model.py, table
  gbgopendata_checklist_confirmation), with their history
  (gbgopendata_checklist_event).

`State` is every item's state; `assessment.assess` builds it, with the
rule's decision, for every caller.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from ckanext.gbgopendata.checklist import automatic, definition, in_force
from ckanext.gbgopendata.checklist.definition import (
    CONFIG_OPTION,
    DEFAULT_FILE,
    Checklist,
    ChecklistFileError,
    Item,
    Phase,
)

__all__ = [
    "CONFIG_OPTION",
    "Checklist",
    "ChecklistFileError",
    "Item",
    "ItemState",
    "Phase",
    "State",
    "STATUSES",
    "configured_file",
    "current",
    "status",
]

log = logging.getLogger(__name__)

# A dataset's place in the publishing process, for the overviews.
STATUSES = ("draft", "ready", "public", "public_incomplete")


def configured_file(config: Mapping[str, Any] | None = None) -> str:
    """The checklist's file: the one `config` names, by default the one the
    settings in force were read from."""
    if config is None:
        from ckanext.gbgopendata import settings

        return in_force.configured_path(settings.current().checklist_file)
    return in_force.configured_path((config.get(CONFIG_OPTION) or "").strip())


def load(path: str) -> Checklist:
    """The checklist in `path`, read now; raises ChecklistFileError naming
    the problem. (The checklist in force is `current()`.)"""
    return definition.load(path, automatic.CHECK_NAMES)


def current() -> Checklist:
    """The checklist in force: read once at start-up into the settings, and
    changed only by `ckan gbgopendata reload-checklist`, which every worker
    follows (in_force.py). Editing the file changes nothing until then."""
    return in_force.current()


@dataclass
class ItemState:
    item: Item
    done: bool
    # automatic items: what is missing; confirmed items: the stored
    # confirmation (confirmed, comment, user_id, changed_at) or None
    missing: list[automatic.Missing] = field(default_factory=list)
    confirmation: dict[str, Any] | None = None


@dataclass
class State:
    checklist: Checklist
    items: list[ItemState]

    def incomplete_required(self) -> list[ItemState]:
        return [state for state in self.items if state.item.required and not state.done]

    @property
    def complete(self) -> bool:
        return not self.incomplete_required()

    def item(self, item_id: str) -> ItemState | None:
        return next((state for state in self.items if state.item.id == item_id), None)

    def progress(self) -> dict[str, dict[str, int]]:
        """{phase id: {done, total, required, required_done}}."""
        progress = {phase.id: {"done": 0, "total": 0, "required": 0, "required_done": 0} for phase in self.checklist.phases}
        for state in self.items:
            counts = progress[state.item.phase]
            counts["total"] += 1
            counts["done"] += int(state.done)
            if state.item.required:
                counts["required"] += 1
                counts["required_done"] += int(state.done)
        return progress


def status(private: bool, state: State, publishable: bool) -> str:
    """draft, ready (to publish), public, or public_incomplete (public
    without a complete checklist: published before the checklist, or
    before an item was added to it)."""
    if not private:
        return "public" if state.complete else "public_incomplete"
    return "ready" if state.complete and publishable else "draft"
