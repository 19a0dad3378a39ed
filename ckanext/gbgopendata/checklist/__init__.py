"""The publication checklist: Göteborgs Stad's process for publishing open
data (A. Identifiera och prioritera, B. Förbered publicering, C. Lansera och
förvalta) as items a dataset must complete before it may be made public.

- `definition.py` reads the items from YAML (items.yaml, or the file
  ckanext.gbgopendata.checklist_file names);
- `automatic.py` computes the automatic items from the dataset;
- the confirmed items are stored per dataset (model.py, table
  gbgopendata_checklist_confirmation), with their history
  (gbgopendata_checklist_event).

`State` is every item's state; `assessment.assess` builds it, with the
rule's decision, for every caller.
"""
from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from ckanext.gbgopendata.checklist import automatic
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
    if config is None:
        from ckan.plugins import toolkit

        config = toolkit.config
    return (config.get(CONFIG_OPTION) or "").strip() or DEFAULT_FILE


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Checklist:
    from ckanext.gbgopendata.checklist import definition

    return definition.load(path, automatic.CHECK_NAMES)


def load(path: str) -> Checklist:
    """The checklist in `path`; raises ChecklistFileError naming the problem."""
    try:
        mtime = os.stat(path).st_mtime
    except OSError as error:
        raise ChecklistFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    return _load(path, mtime)


# The last checklist each file gave that could be used.
_last_good: dict[str, Checklist] = {}


def current() -> Checklist:
    """The configured checklist (read again when its file changes). A file
    that breaks while CKAN runs (an edit half saved, a typo) is logged, and
    the last good checklist of that file stays in force: the rule keeps
    holding, and saves and pages do not fail with the file's error. A file
    that was never good raises (CKAN does not start with it)."""
    path = configured_file()
    try:
        result = load(path)
    except ChecklistFileError as error:
        if path not in _last_good:
            raise
        log.error("%s: %s; the last good checklist of this file stays in force", CONFIG_OPTION, error)
        return _last_good[path]
    _last_good[path] = result
    return result


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


def check_configured(config: Mapping[str, Any]) -> Checklist:
    """Loads the configured checklist at start-up; a file that cannot be
    used stops CKAN with the option, the file and the problem named."""
    try:
        path = configured_file(config)
        _last_good[path] = load(path)
        return _last_good[path]
    except ChecklistFileError as error:
        raise ChecklistFileError(f"{CONFIG_OPTION}: {error}") from None
