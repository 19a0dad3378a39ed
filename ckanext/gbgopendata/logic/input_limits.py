"""The limits of input, in one table, and the one check of the characters no
text may hold.

Three layers check input: the middleware (the whole request, before CKAN
reads it), the request guard (each action's parameters, by kind) and
bad_input and the schema's validators (a saved object's fields). They ask
this module, so a limit is written once and the layers cannot disagree. A
schema field's own `max_length`/`max_items` (schemas/*.yaml) is data read by
the validators; a field without one gets `LIMITS.field_text`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ckan.plugins import toolkit


@dataclass(frozen=True)
class Limits:
    # Text, in characters, by what it is.
    identifier: int = 100  # an id or name: CKAN's PACKAGE_NAME_MAX_LENGTH; ids are 36
    field_text: int = 1_000  # a schema field without its own max_length
    parameter_text: int = 10_000  # a text parameter of an action: a query, a relationship's comment
    token: int = 2_000  # an API token, a path on this site
    token_name: int = 200
    checklist_comment: int = 2_000
    any_text: int = 100_000  # any other text of a saved object (CKAN's own fields, extras)
    # Lists and numbers.
    list_items: int = 1_000  # entries of a list parameter
    largest_number: int = 2**31 - 1  # PostgreSQL's and Solr's integer: a larger limit or offset failed there
    latest_timestamp: int = 253_402_300_799  # the end of year 9999 in seconds: Python's datetime ends there
    byte_size: int = 2**63 - 1  # PostgreSQL's bigint (resource.size)


LIMITS = Limits()

# The characters a text may not hold, by where it is. Anywhere in a request
# (also a password, a search): NUL, which PostgreSQL cannot store, and halves
# of UTF-16 surrogate pairs, which are not characters and cannot be encoded
# as UTF-8. In stored text besides: the C0 controls other than tab, newline
# and carriage return, and U+FFFE/U+FFFF, which XML and so the DCAT output
# cannot hold.
UNSTORABLE_ANYWHERE = re.compile("[\x00\ud800-\udfff]")
NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unsafe_character_message(text: str, anywhere: bool = False) -> str | None:
    """Why `text` cannot be stored, if it holds a character that no text
    (`anywhere`: no part of a request) may hold; None otherwise."""
    found = (UNSTORABLE_ANYWHERE if anywhere else NOT_IN_TEXT).search(text)
    if not found:
        return None
    return toolkit._(
        "Contains a character that cannot be stored: U+{code:04X} at position {position}. "
        "Control characters and unpaired surrogates are not allowed in text."
    ).format(code=ord(found.group()), position=found.start() + 1)


def text_problem(value: Any, max_length: int, max_bytes: int | None = None) -> str | None:
    """Why `value` cannot be one text of at most `max_length` characters
    (and `max_bytes` in UTF-8, where a database index limits it): not text,
    a character that cannot be stored, too long; None if it can."""
    _ = toolkit._
    if not isinstance(value, str):
        return _("Must be text, not a list, an object or a number")
    unsafe = unsafe_character_message(value)
    if unsafe:
        return unsafe
    if len(value) > max_length:
        return _("Too long: at most {max} characters, not {length}").format(max=max_length, length=len(value))
    if max_bytes and len(value.encode("utf-8")) > max_bytes:
        return _(
            "Too long: at most {max} bytes in UTF-8 (letters outside A–Z, such as å, ä and ö, take two or more)"
        ).format(max=max_bytes)
    return None
