"""The checklist as data: phases and items read from a YAML file (the
package's `items.yaml`, or the file ckanext.gbgopendata.checklist_file
names), validated as a whole so that a broken file stops CKAN at start-up
with the file, the item and the problem named."""
from __future__ import annotations

import hashlib
import os
import re
import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from ckanext.gbgopendata import languages

CONFIG_OPTION = "ckanext.gbgopendata.checklist_file"
DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "items.yaml")
KINDS = ("automatic", "confirmed")
ROLES = ("editor", "admin")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ChecklistFileError(Exception):
    """The checklist file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Phase:
    id: str
    title_sv: str
    title_en: str

    def title(self, lang: str | None = None) -> str:
        return languages.pick(self.title_sv, self.title_en, lang)


@dataclass(frozen=True)
class Item:
    id: str
    phase: str
    kind: str
    required: bool
    text_sv: str
    text_en: str
    help_sv: str = ""
    help_en: str = ""
    check: str | None = None
    confirmed_by: str | None = None

    @property
    def automatic(self) -> bool:
        return self.kind == "automatic"

    def text(self, lang: str | None = None) -> str:
        return languages.pick(self.text_sv, self.text_en, lang)

    def help(self, lang: str | None = None) -> str:
        return languages.pick(self.help_sv, self.help_en, lang)


@dataclass(frozen=True)
class Checklist:
    source: str
    phases: tuple[Phase, ...]
    items: tuple[Item, ...]
    # the SHA-256 of the file's text it was read from (checklist/in_force.py)
    version: str = ""

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def phase(self, phase_id: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.id == phase_id), None)


def _texts(value: Any, where: str, *, required: bool) -> tuple[str, str]:
    if value is None and not required:
        return "", ""
    if not isinstance(value, Mapping):
        raise ChecklistFileError(f"{where}: expected {{sv: …, en: …}}")
    texts = []
    for lang in languages.LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ChecklistFileError(f"{where}: the {lang} text is missing")
        texts.append(" ".join(text.split()))
    unknown = set(value) - set(languages.LANGUAGES)
    if unknown:
        raise ChecklistFileError(f"{where}: unknown languages {sorted(unknown)}")
    return texts[0], texts[1]


def parse(document: Any, source: str, known_checks: Any) -> Checklist:
    """The checklist in `document` (the YAML's content); raises
    ChecklistFileError naming the first problem."""
    if not isinstance(document, Mapping):
        raise ChecklistFileError(f"{source}: expected a mapping with 'phases' and 'items'")
    unknown = set(document) - {"phases", "items"}
    if unknown:
        raise ChecklistFileError(f"{source}: unknown keys {sorted(unknown)}")
    phases = []
    for index, raw in enumerate(document.get("phases") or []):
        where = f"{source}: phases[{index}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
            raise ChecklistFileError(f"{where}: a phase needs an id")
        if any(phase.id == raw["id"] for phase in phases):
            raise ChecklistFileError(f"{where}: the phase id {raw['id']!r} is used twice")
        phases.append(Phase(raw["id"], *_texts(raw.get("title"), f"{where}.title", required=True)))
    if not phases:
        raise ChecklistFileError(f"{source}: no phases")
    phase_ids = {phase.id for phase in phases}
    items: list[Item] = []
    raw_items = document.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ChecklistFileError(f"{source}: no items")
    allowed_keys = {"id", "phase", "kind", "check", "required", "confirmed_by", "text", "help"}
    for index, raw in enumerate(raw_items):
        where = f"{source}: items[{index}]"
        if not isinstance(raw, Mapping):
            raise ChecklistFileError(f"{where}: expected a mapping")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not _ID.match(item_id):
            raise ChecklistFileError(f"{where}: the id must be lower-case letters, digits and _ (got {item_id!r})")
        where = f"{source}: item {item_id!r}"
        unknown = set(raw) - allowed_keys
        if unknown:
            raise ChecklistFileError(f"{where}: unknown keys {sorted(unknown)}")
        if any(item.id == item_id for item in items):
            raise ChecklistFileError(f"{where}: the id is used twice")
        if raw.get("phase") not in phase_ids:
            raise ChecklistFileError(f"{where}: the phase must be one of {sorted(phase_ids)}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ChecklistFileError(f"{where}: the kind must be automatic or confirmed")
        if not isinstance(raw.get("required"), bool):
            raise ChecklistFileError(f"{where}: required must be true or false")
        check = raw.get("check")
        confirmed_by = raw.get("confirmed_by")
        if kind == "automatic":
            if check not in known_checks:
                raise ChecklistFileError(f"{where}: the check must be one of {sorted(known_checks)}")
            if confirmed_by is not None:
                raise ChecklistFileError(f"{where}: an automatic item is not confirmed by anyone")
        else:
            if check is not None:
                raise ChecklistFileError(f"{where}: only automatic items have a check")
            if confirmed_by not in ROLES:
                raise ChecklistFileError(f"{where}: confirmed_by must be editor or admin")
        text_sv, text_en = _texts(raw.get("text"), f"{where}.text", required=True)
        help_sv, help_en = _texts(raw.get("help"), f"{where}.help", required=False)
        items.append(
            Item(
                id=item_id,
                phase=raw["phase"],
                kind=kind,
                required=raw["required"],
                text_sv=text_sv,
                text_en=text_en,
                help_sv=help_sv,
                help_en=help_en,
                check=check,
                confirmed_by=confirmed_by,
            )
        )
    return Checklist(source=source, phases=tuple(phases), items=tuple(items))


def read(text: str, source: str, known_checks: Any) -> Checklist:
    """The checklist in `text` (a file's content; `source` names it)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ChecklistFileError(f"{source}: is not valid YAML ({error})") from error
    checklist = parse(document, source, known_checks)
    return dataclasses.replace(checklist, version=version_of(text))


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ChecklistFileError(f"{path}: cannot be read ({reason})") from error


def load(path: str, known_checks: Any) -> Checklist:
    return read(read_file(path), path, known_checks)
