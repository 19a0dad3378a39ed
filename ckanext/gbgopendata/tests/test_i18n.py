"""Every message of the extension exists in Swedish and English."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
try:
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # Babel before 2.14 (CKAN 2.11 pins one) calls it parse_mapping
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ckan.lib.extract import extract_ckan

PACKAGE = Path(__file__).resolve().parents[1]
PROJECT = PACKAGE.parents[1]
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-gbgopendata"


def _messages_in_source() -> set[str]:
    with open(PROJECT / "babel.cfg", encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    # Older Babel finds the "ckan" extractor only through pkg_resources,
    # which current setuptools no longer ships: hand it the function.
    method_map = [(pattern, extract_ckan if method == "ckan" else method) for pattern, method in method_map]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT), method_map, options_map
    ):
        # Plural messages come as tuples; the singular is their msgid.
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(language: str):
    with open(I18N / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


def test_the_extension_has_messages_to_translate():
    assert "Questions about open data? Contact us:" in _messages_in_source()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_message_is_translated(language):
    catalog = _catalog(language)
    missing = sorted(
        message
        for message in _messages_in_source()
        if message not in catalog or not catalog[message].string or catalog[message].fuzzy
    )
    assert missing == [], f"messages without a {language} translation (run make i18n-extract): {missing}"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    po = _catalog(language)
    with open(I18N / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo_file:
        mo = read_mo(mo_file)
    def entries(catalog):
        # Plural messages have tuple ids and list translations.
        return {
            m.id if isinstance(m.id, str) else tuple(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalog
            if m.id
        }

    assert entries(po) == entries(mo)


def test_swedish_translation_is_swedish():
    catalog = _catalog("sv")
    assert catalog["Questions about open data? Contact us:"].string == "Frågor om öppna data? Kontakta oss:"
