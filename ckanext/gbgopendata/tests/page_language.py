"""Which language a rendered page speaks: its visible text, and the strings in
it that belong to the other language.

A Swedish page must not show a message of the UI in English, an English page
not one in Swedish where English exists. The messages are those of CKAN's own
catalogue (`ckan.pot`, the Swedish `ckan.po`) and of this extension (its sv
catalogue is merged over CKAN's, so a msgid we translate is Swedish on the
page): a text that is a msgid whose Swedish differs is English; one that is
such a Swedish translation is Swedish. Words only one of the languages has
catch what is in no catalogue (scheming's texts, hard-coded strings).

Text an element marks as another language (`lang="en"` on the language
selector's "English") is not the page's, and is left out.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import ckan

CKAN_I18N = Path(ckan.__file__).parent / "i18n"
OUR_I18N = Path(__file__).resolve().parents[1] / "i18n"

# Attributes a visitor reads or hears (screen readers) as text.
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Names, not words of either language.
NAMES = {"CKAN", "API", "CSV", "JSON", "GeoJSON", "X", "Facebook", "Twitter", "Markdown", "OK", "RDF"}
# Words that occur in English UI text and are not Swedish words.
ENGLISH_WORDS = set(
    """the and of you your this there these with here might need selected please enter click
    search login forbidden internal error username password description publish
    unpublish unpublished formatting use can found no draft active deleted navigation skip
    main content toggle close created updated dataset's datasets organization organizations
    from view add edit delete cancel save more less types changed""".split()
)
# Words that occur in Swedish UI text and are not English words.
SWEDISH_WORDS = set(
    """och att för inte eller från är på som med ett av oss vi sök logga datamängd datamängder
    organisationer organisationen senast uppdaterad skapad alla mer här finns ingen inga
    beskrivning ändra spara avbryt nyckelord taggar språk""".split()
)
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
_ADDRESS = re.compile(r"(?:https?://|/|mailto:)\S*|\S+@\S+")
_WORD = re.compile(r"\b[^\W\d_]+(?:'[^\W\d_]+)?\b")


def visible_texts(html: str, lang: str) -> list[str]:
    """The page's text and the text of its attributes, each node
    whitespace-normalised, without scripts, styles and elements marked as
    another language than `lang`."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "template", "head"]):
        element.decompose()
    for element in soup.find_all(attrs={"lang": True}):
        if element.name != "html" and element["lang"].split("-")[0] != lang:
            element.decompose()
    texts = [" ".join(node.split()) for node in soup.find_all(string=True)]
    for attribute in TEXT_ATTRIBUTES:
        texts += [" ".join(element[attribute].split()) for element in soup.find_all(attrs={attribute: True})]
    texts += [
        " ".join(element["value"].split())
        for element in soup.find_all("input", attrs={"type": ("submit", "button"), "value": True})
    ]
    # Addresses (a URL prefix, an e-mail) are neither language.
    return [text for text in texts if text and not _ADDRESS.fullmatch(text)]


def _read(path: Path, locale: str | None = None):
    with open(path, "rb") as po:
        return read_po(po, locale=locale)


def _singular(value):
    return value if isinstance(value, str) else (value[0] if value else "")


def _norm(text: str) -> str:
    return " ".join(text.split())


class _Messages:
    """Texts as exact strings plus patterns for those with placeholders."""

    def __init__(self, texts):
        self.exact: set[str] = set()
        patterns = []
        for text in texts:
            text = _norm(text)
            if not _is_words(text):
                continue
            if _PLACEHOLDER.search(text):
                if len([word for word in _WORD.findall(_PLACEHOLDER.sub(" ", text)) if len(word) >= 3]) < 2:
                    continue  # "{num} dataset" would match any text ending in the word
                pieces = _PLACEHOLDER.split(text)
                patterns.append("(?:" + ".+?".join(re.escape(piece) for piece in pieces) + ")")
            else:
                self.exact.add(text)
        self.pattern = re.compile("|".join(patterns)) if patterns else None

    def match(self, text: str) -> bool:
        stripped = text.rstrip(":.…").strip()
        if text in self.exact or stripped in self.exact:
            return True
        return bool(self.pattern and self.pattern.fullmatch(text))


def _is_words(text: str) -> bool:
    """A message made of words (not a name, a symbol or a placeholder)."""
    bare = _PLACEHOLDER.sub("", text)
    words = [word for word in _WORD.findall(bare) if word not in NAMES]
    return any(len(word) >= 3 for word in words)


@lru_cache(maxsize=1)
def _catalogues() -> tuple[_Messages, _Messages]:
    """(English messages, Swedish messages) of the portal's Swedish UI."""
    msgids = set()
    for message in _read(CKAN_I18N / "ckan.pot"):
        msgids.update(_norm(part) for part in ([message.id] if isinstance(message.id, str) else message.id) if part)
    swedish: dict[str, str] = {}
    for path in (CKAN_I18N / "sv" / "LC_MESSAGES" / "ckan.po", OUR_I18N / "sv" / "LC_MESSAGES" / "ckanext-gbgopendata.po"):
        for message in _read(path, "sv"):
            if message.id and _singular(message.string) and not message.fuzzy:
                swedish[_norm(_singular(message.id))] = _norm(_singular(message.string))
                msgids.add(_norm(_singular(message.id)))
    # A msgid that is also some message's Swedish ("Dataset") is both.
    english = {msgid for msgid in msgids if swedish.get(msgid) != msgid} - set(swedish.values())
    swedish_only = {text for msgid, text in swedish.items() if text != msgid and text not in msgids}
    return _Messages(english), _Messages(swedish_only)


def _has_word(text: str, words: set[str]) -> bool:
    return any(word.lower() in words for word in _WORD.findall(text))


def english_strings(html: str) -> list[str]:
    """The English texts of a page that should be Swedish."""
    english, _swedish = _catalogues()
    return [
        text
        for text in visible_texts(html, "sv")
        if english.match(text) or _has_word(text, ENGLISH_WORDS)
    ]


def swedish_strings(html: str, also: tuple[str, ...] = ()) -> list[str]:
    """The Swedish texts of a page that should be English: UI messages and
    `also`, Swedish values of content that exists in English."""
    _english, swedish = _catalogues()
    content = {_norm(text) for text in also}
    return [
        text
        for text in visible_texts(html, "en")
        if swedish.match(text) or _has_word(text, SWEDISH_WORDS) or any(value in text for value in content)
    ]
