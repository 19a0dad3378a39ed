"""The catalogue's two languages and the one way to read a multilingual
value. Swedish is the portal's default; a text missing in the asked
language falls back to the other one.

A multilingual value is stored as {"sv": …, "en": …} (the ckanext-fluent
shape), arrives as a dict or as its JSON, and from older data as plain text,
which is taken as Swedish.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


def language_of(lang: Any) -> str:
    """"en" for English in any spelling ("en", "en_GB", "en-US"), else the
    default, Swedish."""
    if isinstance(lang, str) and re.split(r"[-_]", lang, maxsplit=1)[0].lower() == "en":
        return "en"
    return DEFAULT_LANGUAGE


def request_language() -> str:
    """The language of the current page or API request."""
    from ckan.plugins import toolkit

    try:
        return language_of(toolkit.h.lang())
    except (RuntimeError, AttributeError, TypeError):  # no request (CLI, background job)
        return DEFAULT_LANGUAGE


def translations(value: Any) -> dict[str, Any]:
    """{lang: value} of a multilingual value (a dict or its JSON; plain text
    counts as Swedish), without empty entries."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                return {DEFAULT_LANGUAGE: text}
        else:
            return {DEFAULT_LANGUAGE: text} if text else {}
    if not isinstance(value, Mapping):
        return {}
    return {
        lang: (item.strip() if isinstance(item, str) else item)
        for lang, item in value.items()
        if isinstance(lang, str) and item not in (None, "", []) and not (isinstance(item, str) and not item.strip())
    }


def in_language(value: Any, lang: str | None = None) -> Any:
    """The text of a multilingual value in `lang` (default: the request's),
    else in the other language; "" when it has none."""
    texts = translations(value)
    lang = language_of(lang) if lang is not None else request_language()
    other = "en" if lang == "sv" else "sv"
    return texts.get(lang) or texts.get(other) or ""


def pick(sv: str, en: str, lang: str | None = None) -> str:
    """One of two texts held in both languages as data (a checklist item's
    text from its file, a level's definition, a vocabulary label, a config
    option's _sv/_en). A message to people is a gettext msgid instead
    (toolkit._, or messages.N_ where it is rendered later)."""
    lang = language_of(lang) if lang is not None else request_language()
    return (en or sv) if lang == "en" else (sv or en)
