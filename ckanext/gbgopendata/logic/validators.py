"""Validators of the DCAT-AP-SE schema.

Each validator checks one rule and, when the rule is broken, adds a message
that says what is allowed, translated into the request's language. They run
inside CKAN's navl validation, so a broken rule fails the whole action and
nothing is stored.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Callable

from ckan.lib.navl.dictization_functions import Invalid, StopOnError, missing
from ckan.plugins.toolkit import _
from ckanext.scheming.validation import scheming_validator

from ckanext.gbgopendata import licenses, vocabularies

LANGUAGES = ("sv", "en")
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"

# DCAT-AP-SE 3.0.1: dcterms:format is a media type literal matching this.
MEDIA_TYPE = re.compile(r"^\w+/[-.\w]+(?:\+[-.\w]+)?(\s*;\s*\w+=\w+)?$")
# Absolute http(s) IRI without characters RFC 3987 forbids unencoded.
HTTP_URI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEPHONE = re.compile(r"^\+[0-9 ()\-.]{6,}$")
GEONAMES = re.compile(r"^https?://sws\.geonames\.org/(\d+)/?$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
ORGNR = re.compile(r"^(\d{6})-?(\d{4})$")


def _drop(key: tuple, data: dict) -> None:
    """Removes an empty optional value and ends its validator chain, as
    CKAN's ignore_missing does (later converters such as convert_to_extras
    must not see it)."""
    data.pop(key, None)
    raise StopOnError


def _is_empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == [] or value == {}


def _as_list(value: Any) -> list[str]:
    """Accepts a list, a JSON list, or text with commas (the web form)."""
    if _is_empty(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise Invalid(_("Not a valid list of values"))
        else:
            value = [part for part in text.split(",")]
    if not isinstance(value, list):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


# --- multilingual text ----------------------------------------------------------


def _field_languages(key: tuple, data: dict, field: dict) -> dict[str, Any]:
    """Collects {lang: value} from the API (a dict or JSON) or the web form
    (one input per language, named `<field>-<lang>`)."""
    value = data.get(key, missing)
    if _is_empty(value):
        # CKAN's navl moves keys the schema does not know, such as
        # "title_translated-sv", into the sibling __extras dict.
        extras = data.get(key[:-1] + ("__extras",)) or {}
        form_keys = {lang: f"{key[-1]}-{lang}" for lang in LANGUAGES}
        value = {lang: extras.pop(name) for lang, name in form_keys.items() if name in extras}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            # Plain text without a language: take it as Swedish, the
            # portal's default language.
            value = {"sv": value}
    if not isinstance(value, dict):
        raise Invalid(_("Must be an object with the languages sv and en, for example {\"sv\": \"…\", \"en\": \"…\"}"))
    return value


def _clean_translations(key, data, errors, field) -> dict[str, Any] | None:
    try:
        value = _field_languages(key, data, field)
    except Invalid as error:
        errors[key].append(error.error)
        return None
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        errors[key].append(
            _("Unsupported language: {languages}. Allowed: sv, en").format(languages=", ".join(unknown))
        )
        return None
    return value


@scheming_validator
def fluent_text(field: dict, schema: dict) -> Callable:
    required = field.get("required_languages", [])

    def validator(key, data, errors, context):
        value = _clean_translations(key, data, errors, field)
        if value is None:
            return
        cleaned = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if text is None or text is missing:
                continue
            if not isinstance(text, str):
                errors[key].append(_("Each language must have text"))
                return
            if text.strip():
                cleaned[lang] = text.strip()
        for lang in required:
            if lang not in cleaned:
                errors[key].append(_required_language_message(lang))
        if not cleaned:
            if not required:
                _drop(key, data)
            return
        data[key] = json.dumps(cleaned, ensure_ascii=False)

    return validator


def _required_language_message(lang: str) -> str:
    if lang == "sv":
        return _("Swedish text is required")
    return _("English text is required")


@scheming_validator
def fluent_core_translated(field: dict, schema: dict) -> Callable:
    """fluent_text, and copies the Swedish text (or else the English one) to
    the core field: title_translated -> title, notes_translated -> notes,
    name_translated -> name (resources), description_translated -> description."""
    text_validator = fluent_text(field, schema)
    core_field = field["field_name"][: -len("_translated")]

    def validator(key, data, errors, context):
        text_validator(key, data, errors, context)
        value = data.get(key)
        if isinstance(value, str) and not errors[key]:
            translations = json.loads(value)
            core_value = translations.get("sv") or translations.get("en")
            if core_value:
                data[key[:-1] + (core_field,)] = core_value

    return validator


def fluent_text_output(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"sv": value}
        if isinstance(parsed, dict):
            return parsed
    return value


@scheming_validator
def fluent_tags(field: dict, schema: dict) -> Callable:
    """Keywords per language; CKAN's core tags get the Swedish ones."""

    def validator(key, data, errors, context):
        value = _clean_translations(key, data, errors, field)
        if value is None:
            return
        cleaned: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            try:
                tags = _as_list(value.get(lang))
            except Invalid as error:
                errors[key].append(error.error)
                return
            for tag in tags:
                if len(tag) > 100:
                    errors[key].append(_("Keyword too long (at most 100 characters): {tag}").format(tag=tag))
                    return
            if tags:
                cleaned[lang] = sorted(dict.fromkeys(tags))
        if not cleaned:
            _drop(key, data)
        data[key] = json.dumps(cleaned, ensure_ascii=False)
        # Replace CKAN's tag list with the Swedish keywords.
        for tag_key in [k for k in data if k[0] == "tags"]:
            del data[tag_key]
        for index, tag in enumerate(cleaned.get("sv", cleaned.get("en", []))):
            data[("tags", index, "name")] = tag

    return validator


def fluent_tags_output(value: Any) -> Any:
    return fluent_text_output(value)


# --- controlled vocabularies ------------------------------------------------------


def _allowed_values(field: dict) -> list[str]:
    if "vocabulary" in field:
        return vocabularies.get_vocabulary(field["vocabulary"]).uris
    return [choice["value"] for choice in field.get("choices", [])]


def _not_in_vocabulary(field: dict, value: str) -> str:
    allowed = _allowed_values(field)
    shown = ", ".join(allowed[:5]) + (", …" if len(allowed) > 5 else "")
    return _("{value} is not a value of the controlled vocabulary; allowed values are URIs such as: {allowed}").format(
        value=value, allowed=shown
    )


@scheming_validator
def gbgopendata_vocabulary_value(field: dict, schema: dict) -> Callable:
    def validator(value, context):
        if _is_empty(value):
            return value
        value = vocabularies.normalise_uri(str(value))
        if value not in _allowed_values(field):
            raise Invalid(_not_in_vocabulary(field, value))
        return value

    return validator


@scheming_validator
def gbgopendata_vocabulary_values(field: dict, schema: dict) -> Callable:
    def validator(key, data, errors, context):
        try:
            values = [vocabularies.normalise_uri(v) for v in _as_list(data.get(key))]
        except Invalid as error:
            errors[key].append(error.error)
            return
        allowed = _allowed_values(field)
        for value in values:
            if value not in allowed:
                errors[key].append(_not_in_vocabulary(field, value))
                return
        if not values:
            _drop(key, data)
        data[key] = json.dumps(list(dict.fromkeys(values)))

    return validator


def gbgopendata_hvd_category(key, data, errors, context):
    """DCAT-AP-SE: an HVD category is given when, and only when, the dataset
    is marked with the HVD regulation as applicable legislation."""
    if errors[key]:
        return
    legislation_key = key[:-1] + ("applicable_legislation",)
    try:
        legislation = _as_list(data.get(legislation_key))
    except Invalid:
        return  # reported on applicable_legislation itself
    categories = _as_list(data.get(key))
    is_hvd = HVD_LEGISLATION in legislation
    if is_hvd and not categories:
        errors[key].append(_("A high-value dataset (HVD) needs at least one HVD category"))
    elif categories and not is_hvd:
        errors[key].append(
            _("HVD categories are only allowed on a high-value dataset: add the HVD regulation as applicable legislation")
        )


# --- simple values ----------------------------------------------------------------


def gbgopendata_uri(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not HTTP_URI.match(value):
        raise Invalid(_("Must be an absolute web address starting with http:// or https://, without spaces"))
    return value


def gbgopendata_uris(key, data, errors, context):
    try:
        values = _as_list(data.get(key))
    except Invalid as error:
        errors[key].append(error.error)
        return
    for value in values:
        if not HTTP_URI.match(value):
            errors[key].append(
                _("{value} is not an absolute web address starting with http:// or https://").format(value=value)
            )
            return
    if not values:
        _drop(key, data)
    data[key] = json.dumps(values)


def gbgopendata_email(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    value = value.removeprefix("mailto:")
    if not EMAIL.match(value):
        raise Invalid(_("Must be an e-mail address such as namn@goteborg.se"))
    return value


def gbgopendata_telephone(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not TELEPHONE.match(value):
        raise Invalid(_("Must be a telephone number with country code, such as +46 31 365 00 00"))
    return value


def gbgopendata_date(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else _year(text)
    except ValueError:
        raise Invalid(_("Must be a date in the form YYYY-MM-DD"))


def _year(text: str) -> str:
    if re.fullmatch(r"\d{4}", text):
        return text
    raise ValueError(text)


def gbgopendata_not_before_start(key, data, errors, context):
    end = data.get(key)
    start = data.get(key[:-1] + ("temporal_start",))
    if errors[key] or _is_empty(end) or _is_empty(start):
        return
    try:
        start_text = gbgopendata_date(start, context)
    except Invalid:
        return  # reported on temporal_start itself
    if str(end) < str(start_text):
        errors[key].append(_("The end date must not be before the start date ({start})").format(start=start_text))


def gbgopendata_media_type(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    text = str(value).strip()
    known = vocabularies.get_vocabulary("media-type")
    for term in known.terms:
        # Publishers may type the name they know ("CSV") instead of the type.
        if text.lower() in (term.label_sv.lower(), term.label_en.lower()) and text.lower() != term.uri:
            return term.uri
    if not MEDIA_TYPE.match(text):
        raise Invalid(_("Must be an IANA media type such as text/csv or application/json"))
    return text


def gbgopendata_byte_size(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    try:
        size = int(str(value).strip())
    except ValueError:
        raise Invalid(_("Must be a whole number of bytes, 0 or more"))
    if size < 0:
        raise Invalid(_("Must be a whole number of bytes, 0 or more"))
    return size


def gbgopendata_sha1(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not SHA1.match(value):
        raise Invalid(_("Must be a SHA-1 checksum: 40 hexadecimal characters"))
    return value.lower()


def gbgopendata_geonames_uri(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    match = GEONAMES.match(str(value).strip())
    if not match:
        raise Invalid(_("Must be a Geonames URI such as http://sws.geonames.org/2711533"))
    return vocabularies.normalise_uri(str(value).strip())


# --- organisationsnummer ----------------------------------------------------------


def orgnr_check_digit(first_nine: str) -> int:
    """Luhn (mod 10) check digit of a Swedish organisationsnummer."""
    total = 0
    for position, digit in enumerate(first_nine):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def gbgopendata_orgnr(value: Any, context: dict) -> Any:
    """Accepts 10 digits with or without the hyphen; stores them without."""
    if _is_empty(value):
        return value
    match = ORGNR.match(str(value).strip())
    if not match:
        raise Invalid(_("Must be an organisation number of 10 digits, such as 212000-1355"))
    digits = match.group(1) + match.group(2)
    if orgnr_check_digit(digits[:9]) != int(digits[9]):
        raise Invalid(_("The organisation number's check digit is wrong"))
    return digits


# --- licences ----------------------------------------------------------------------


def _unknown_license(value: Any) -> str:
    return _("{value} is not a licence of the catalogue. Allowed licences: {allowed}").format(
        value=value, allowed=", ".join(licenses.license_ids())
    )


def gbgopendata_license_id(key, data, errors, context):
    """A dataset's licence: stored as the register's id, whichever way it was
    written (old CKAN id, licence URI); a new dataset without one gets the
    configured default licence, as the form preselects it. An update never
    gets the default: that would silently relicense a CC BY dataset as CC0."""
    value = data.get(key, missing)
    if value is missing:
        default = licenses.default_license_id() if context.get("package") is None else None
        if default:
            data[key] = default
        else:
            _drop(key, data)
        return
    if _is_empty(value):
        data[key] = ""
        return
    license_id = licenses.canonical_license_id(value)
    if license_id is None:
        errors[key].append(_unknown_license(value))
        return
    data[key] = license_id


def gbgopendata_resource_license(value: Any, context: dict) -> Any:
    """A distribution's own licence, stored as the licence's canonical URI
    (ckanext-dcat's `license` field); empty means the dataset's licence."""
    if _is_empty(value):
        return value
    uri = licenses.canonical_license_uri(value)
    if uri is None:
        raise Invalid(_unknown_license(value))
    return uri


def get_validators() -> dict[str, Callable]:
    return {
        "gbgopendata_license_id": gbgopendata_license_id,
        "gbgopendata_resource_license": gbgopendata_resource_license,
        "fluent_text": fluent_text,
        "fluent_text_output": fluent_text_output,
        "fluent_core_translated": fluent_core_translated,
        "fluent_tags": fluent_tags,
        "fluent_tags_output": fluent_tags_output,
        "gbgopendata_vocabulary_value": gbgopendata_vocabulary_value,
        "gbgopendata_vocabulary_values": gbgopendata_vocabulary_values,
        "gbgopendata_hvd_category": gbgopendata_hvd_category,
        "gbgopendata_uri": gbgopendata_uri,
        "gbgopendata_uris": gbgopendata_uris,
        "gbgopendata_email": gbgopendata_email,
        "gbgopendata_telephone": gbgopendata_telephone,
        "gbgopendata_date": gbgopendata_date,
        "gbgopendata_not_before_start": gbgopendata_not_before_start,
        "gbgopendata_media_type": gbgopendata_media_type,
        "gbgopendata_byte_size": gbgopendata_byte_size,
        "gbgopendata_sha1": gbgopendata_sha1,
        "gbgopendata_geonames_uri": gbgopendata_geonames_uri,
        "gbgopendata_orgnr": gbgopendata_orgnr,
    }
