"""Messages to people, one mechanism for both languages: an English msgid
with named placeholders and its parameters, translated by gettext (the
extension's sv/en catalogues in i18n/) when it is rendered, in the language
asked for.

A `Message` is data: the pure decision (rule.py, checklist/automatic.py)
builds them and never renders; whoever answers a person renders them in that
person's language (`render(message, lang)`: the request's language for
actions and pages, Swedish for the CLI). A parameter that depends on the
language is rendered in the same language: another message, `Texts` (a
value that is bilingual by nature, such as a distribution's name or a
checklist item's text), `Alternatives` (names joined with "eller"/"or"),
`Joined` (messages one after the other). A text never holds both languages.

Without an app the extension's own catalogue translates (babel, no CKAN).

`N_` marks the msgid for extraction (gettext's "translate later"), so
`make i18n-extract` finds it as it finds `toolkit._`.
"""
from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import babel.support

from ckanext.gbgopendata import languages


@dataclass(frozen=True)
class Message:
    """An English msgid with `{name}` placeholders and their values."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()


def N_(msgid: str, **params: Any) -> Message:  # noqa: N802 (gettext's name, which extraction knows)
    return Message(msgid, tuple(params.items()))


@dataclass(frozen=True)
class Texts:
    """A parameter the data holds in both languages."""

    sv: str
    en: str


@dataclass(frozen=True)
class Alternatives:
    """Names of which one is to be chosen: "a, b or c" in the language rendered."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Joined:
    """Messages rendered one after the other, with `separator` between."""

    parts: tuple[Message, ...]
    separator: str = " "


_CATALOGUES = Path(__file__).resolve().parent / "i18n"
DOMAIN = "ckanext-gbgopendata"


@functools.lru_cache(maxsize=None)
def _own_catalogue(lang: str) -> gettext.NullTranslations:
    return babel.support.Translations.load(str(_CATALOGUES), [lang], DOMAIN)


def _translated(msgid: str, lang: str) -> str:
    """The msgid in `lang`: from the running app's catalogues (CKAN's with
    the plugins' merged over them), as toolkit._ translates; where there is
    no app (an action called from a job or a test, a bare interpreter) from
    the extension's own catalogue, so the default stays Swedish."""
    try:
        import flask
        import flask_babel
    except ImportError:  # pragma: no cover - CKAN always has both
        flask = None
    if flask is not None and flask.has_app_context() and "babel" in flask.current_app.extensions:
        with flask_babel.force_locale(lang):
            return flask_babel.gettext(msgid)
    return _own_catalogue(lang).gettext(msgid)


def _parameter(value: Any, lang: str) -> str:
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, Texts):
        return languages.pick(value.sv, value.en, lang)
    if isinstance(value, Joined):
        return value.separator.join(render(part, lang) for part in value.parts)
    if isinstance(value, Alternatives):
        names = list(value.names)
        if not names:
            return "–"
        if len(names) == 1:
            return names[0]
        return render(N_("{names} or {last}", names=", ".join(names[:-1]), last=names[-1]), lang)
    return str(value)


def render(message: Message, lang: str | None = None) -> str:
    """`message` in `lang` (default: the request's language)."""
    lang = languages.language_of(lang) if lang is not None else languages.request_language()
    values = {name: _parameter(value, lang) for name, value in message.params}
    try:
        return _translated(message.msgid, lang).format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders do not match its msgid: the
        # English text rather than an error page.
        return message.msgid.format(**values)
