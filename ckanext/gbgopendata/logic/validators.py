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
from urllib.parse import urlsplit

from ckan.lib.navl.dictization_functions import Invalid, StopOnError, missing
from ckan.plugins.toolkit import _
from ckanext.scheming.validation import scheming_validator

from ckanext.gbgopendata import languages, licenses, vocabularies
from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.logic import input_limits
from ckanext.gbgopendata.logic.input_limits import LIMITS
from ckanext.gbgopendata.logic.registry import validator

LANGUAGES = languages.LANGUAGES
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"

# DCAT-AP-SE 3.0.1: dcterms:format is a media type literal matching this
# (RFC 6838: ASCII only).
MEDIA_TYPE = re.compile(r"^\w+/[-.\w]+(?:\+[-.\w]+)?(\s*;\s*\w+=\w+)?$", re.ASCII)
# Absolute IRI without characters RFC 3987 forbids unencoded; the scheme is
# checked by _is_web_address.
WEB_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEPHONE = re.compile(r"^\+[0-9 ()\-.]{6,}$")
# [0-9], not \d: \d also matches other scripts' digits, such as full-width ２.
GEONAMES = re.compile(r"^https?://sws\.geonames\.org/([0-9]+)/?$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
ORGNR = re.compile(r"^([0-9]{6})-?([0-9]{4})$")
# CKAN's tag name rule (ckan.logic.validators.tag_name_validator).
KEYWORD = re.compile(r"^[\w \-.]+$")
# An ISO 8601 date, optionally with a time; datetime.fromisoformat then
# checks the ranges (month 13, hour 99).
ISO_DATE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)
# A file name as CKAN's uploader writes it (munge_filename): what `url` of
# an uploaded distribution and `image_url` of an uploaded logo hold.
UPLOADED_FILE_NAME = re.compile(r"^(?!\.)[A-Za-z0-9._-]+$")

def _drop(key: tuple, data: dict) -> None:
    """Removes an empty optional value and ends its validator chain, as
    CKAN's ignore_missing does (later converters such as convert_to_extras
    must not see it)."""
    data.pop(key, None)
    raise StopOnError


def _is_empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == [] or value == {}


# --- text: type, characters, length ---------------------------------------------------


def max_length(field: dict | None) -> int:
    return int((field or {}).get("max_length") or LIMITS.field_text)


def text_problem(value: Any, field: dict | None) -> str | None:
    """Why `value` cannot be one text of `field` (input_limits.text_problem
    with the field's `max_length` and `max_bytes`); None if it can."""
    max_bytes = (field or {}).get("max_bytes")
    return input_limits.text_problem(value, max_length(field), int(max_bytes) if max_bytes else None)


def _shown(value: Any) -> str:
    """A value as quoted in a message: never the whole of a huge one."""
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


@validator
@scheming_validator
def gbgopendata_text(field: dict, schema: dict) -> Callable:
    """Text and only text (unicode_safe would turn [1] into "[1]"), with no
    character that cannot be stored, at most the field's `max_length`.
    Nothing else runs on a refused value."""

    def validator(key, data, errors, context):
        value = data.get(key)
        if value is missing or value is None:
            return
        problem = text_problem(value, field)
        if problem:
            errors[key].append(problem)
            raise StopOnError

    return validator


def _as_list(value: Any, field: dict | None = None) -> list[str]:
    """Accepts a list, a JSON list, or text with commas (the web form); each
    value must be text (a number or an object is refused, not converted)."""
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
    items = []
    for item in value:
        problem = text_problem(item, field)
        if problem:
            raise Invalid(problem)
        if item.strip():
            items.append(item.strip())
    max_items = (field or {}).get("max_items")
    if max_items and len(items) > int(max_items):
        raise Invalid(_("Too many values: at most {max}").format(max=max_items))
    return items


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
            # Only an object is JSON here: a title such as "2024" is text.
            value = json.loads(value) if value.lstrip().startswith("{") else {"sv": value}
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


@validator
@scheming_validator
def fluent_gbgopendata_text(field: dict, schema: dict) -> Callable:
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
            problem = text_problem(text, field)
            if problem:
                errors[key].append(problem)
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


@validator
@scheming_validator
def fluent_gbgopendata_core_translated(field: dict, schema: dict) -> Callable:
    """fluent_gbgopendata_text, and copies the Swedish text (or else the English one) to
    the core field: title_translated -> title, notes_translated -> notes,
    name_translated -> name (resources), description_translated -> description."""
    text_validator = fluent_gbgopendata_text(field, schema)
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


@validator
def fluent_gbgopendata_text_output(value: Any) -> Any:
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


@validator
@scheming_validator
def fluent_gbgopendata_tags(field: dict, schema: dict) -> Callable:
    """Keywords per language; CKAN's core tags get the Swedish ones."""

    def validator(key, data, errors, context):
        value = _clean_translations(key, data, errors, field)
        if value is None:
            return
        cleaned: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            try:
                tags = _as_list(value.get(lang), field)
            except Invalid as error:
                errors[key].append(error.error)
                return
            for tag in tags:
                # CKAN's own tag rules, checked here: CKAN's tag validators
                # do not run on the tags this validator writes.
                if len(tag) < 2 or not KEYWORD.match(tag):
                    errors[key].append(keyword_problem(tag))
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


def keyword_problem(tag: str) -> str:
    """Why a keyword breaks the rule (KEYWORD, CKAN's tag rule), in the
    request's language."""
    return keyword_message(tag).format(tag=_shown(tag))


def keyword_message(tag: str) -> str:
    """The message for a refused keyword, with `{tag}` still to fill in (the
    form's script says the same while the keyword is typed)."""
    if "/" in tag:
        return _(
            "Keyword {tag}: a keyword cannot contain a slash (/). Write two keywords separated by a comma, "
            "or join the words with a hyphen or \"och\""
        )
    return _(
        "Keyword {tag}: at least 2 characters, only letters, digits, spaces, "
        "hyphens (-), underscores (_) and dots (.)"
    )


def without_derived_tags(data_dict: dict) -> dict:
    """CKAN's core `tags` are derived from `tags_translated` (fluent_gbgopendata_tags
    writes its Swedish keywords there). When a save carries both, as the
    dict package_show returns does when it is sent back (package_patch,
    package_revise, the resource actions), the keywords are validated once,
    in `tags_translated`: CKAN's tag validators ran on the old `tags` and
    refused fewer keywords ("Missing value"), and a keyword stored before
    the rule made resource_create fail with a 500 (CKAN cannot re-raise a
    tag error)."""
    if isinstance(data_dict, dict) and "tags_translated" in data_dict and "tags" in data_dict:
        data_dict = {key: value for key, value in data_dict.items() if key != "tags"}
    return data_dict


@validator
def fluent_gbgopendata_tags_output(value: Any) -> Any:
    return fluent_gbgopendata_text_output(value)


# --- controlled vocabularies ------------------------------------------------------


def _allowed_values(field: dict) -> list[str]:
    if "vocabulary" in field:
        return vocabularies.get_vocabulary(field["vocabulary"]).uris
    return [choice["value"] for choice in field.get("choices", [])]


def _not_in_vocabulary(field: dict, value: str) -> str:
    allowed = _allowed_values(field)
    shown = ", ".join(allowed[:5]) + (", …" if len(allowed) > 5 else "")
    return _("{value} is not a value of the controlled vocabulary; allowed values are URIs such as: {allowed}").format(
        value=_shown(value), allowed=shown
    )


@validator
@scheming_validator
def gbgopendata_vocabulary_value(field: dict, schema: dict) -> Callable:
    def validator(value, context):
        if _is_empty(value):
            return value
        problem = text_problem(value, field)
        if problem:
            raise Invalid(problem)
        value = vocabularies.normalise_uri(value)
        if value not in _allowed_values(field):
            raise Invalid(_not_in_vocabulary(field, value))
        return vocabularies.same_value(field.get("vocabulary", ""), value)

    return validator


@validator
@scheming_validator
def gbgopendata_vocabulary_value_output(field: dict, schema: dict) -> Callable:
    """A stored value read as the one the form offers (vocabularies.SAME_AS):
    a dataset stored or harvested with frequency CONT reads as UPDATE_CONT,
    so its edit form shows the value selected and a save keeps it."""
    def validator(value, context):
        if isinstance(value, str) and value:
            return vocabularies.same_value(field.get("vocabulary", ""), value)
        return value

    return validator


@validator
@scheming_validator
def gbgopendata_vocabulary_values(field: dict, schema: dict) -> Callable:
    def validator(key, data, errors, context):
        try:
            values = [vocabularies.normalise_uri(v) for v in _as_list(data.get(key), field)]
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


@validator
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


def _is_web_address(value: Any, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    """An absolute address with one of `schemes` and a host, that Python's
    URL parser can read (not "http://[", which the licence lookup, the
    DCAT output and the download view would fail on)."""
    if not isinstance(value, str) or not WEB_ADDRESS.match(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in schemes and bool(parts.hostname)


@validator
def gbgopendata_uri(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not _is_web_address(value):
        raise Invalid(_("Must be an absolute web address starting with http:// or https://, without spaces"))
    return value


@validator
@scheming_validator
def gbgopendata_uris(field: dict, schema: dict) -> Callable:
    def validator(key, data, errors, context):
        try:
            values = _as_list(data.get(key), field)
        except Invalid as error:
            errors[key].append(error.error)
            return
        for value in values:
            if not _is_web_address(value):
                errors[key].append(
                    _("{value} is not an absolute web address starting with http:// or https://").format(
                        value=_shown(value)
                    )
                )
                return
        if not values:
            _drop(key, data)
        data[key] = json.dumps(values)

    return validator


@validator
def gbgopendata_resource_url(key, data, errors, context):
    """A distribution's access URL: an absolute http(s) or ftp address, or,
    for an uploaded file (url_type "upload"), the file's name as CKAN's
    uploader stores it (or its download address, as package_show gives it)."""
    value = data.get(key)
    if errors[key] or _is_empty(value):
        return
    if data.get(key[:-1] + ("url_type",)) == "upload":
        if not (UPLOADED_FILE_NAME.match(value) or _is_web_address(value)):
            errors[key].append(_("Must be the name of the uploaded file, such as parkering.csv"))
        return
    if not _is_web_address(value, ("http", "https", "ftp")):
        errors[key].append(
            _("Must be an absolute web address starting with http://, https:// or ftp://, without spaces")
        )


@validator
def gbgopendata_image_url(value: Any, context: dict) -> Any:
    """An organisation's logo: an absolute http(s) address, or the name of an
    uploaded image as CKAN's uploader stores it."""
    if _is_empty(value):
        return value
    if not (UPLOADED_FILE_NAME.match(value) or _is_web_address(value)):
        raise Invalid(
            _("Must be an absolute web address starting with http:// or https://, or an uploaded image")
        )
    return value


@validator
def gbgopendata_email(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    value = value.removeprefix("mailto:")
    if not EMAIL.match(value):
        raise Invalid(_("Must be an e-mail address such as namn@goteborg.se"))
    return value


@validator
def gbgopendata_telephone(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not TELEPHONE.match(value):
        raise Invalid(_("Must be a telephone number with country code, such as +46 31 365 00 00"))
    return value


@validator
def gbgopendata_date(value: Any, context: dict) -> Any:
    """A year (YYYY), a date (YYYY-MM-DD) or an ISO 8601 date and time, of
    which the date is stored; nothing may follow it ("2020-01-01garbage")."""
    if _is_empty(value):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9]{4}", text):
        return text
    match = ISO_DATE.match(text)
    try:
        if not match:
            raise ValueError(text)
        # Python 3.11's fromisoformat reads the "Z" suffix and both
        # separators; it refuses month 13 or hour 99.
        datetime.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise Invalid(_("Must be a date in the form YYYY-MM-DD"))
    return match.group(1)


@validator
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


@validator
def gbgopendata_format_chosen(key, data, errors, context):
    """The required format, refused empty with a message that says what to
    do (CKAN's not_empty says only "Missing value")."""
    if _is_empty(data.get(key)) or (isinstance(data.get(key), str) and not data[key].strip()):
        errors[key].append(_("Choose a format"))
        raise StopOnError


@validator
def gbgopendata_media_type(value: Any, context: dict) -> Any:
    """A distribution's format, stored as its IANA media type. Publishers
    may give it as they know it (a name from the list, a file extension, a
    common name, an EU file-type code: formats.media_type_of); API callers
    may also send a media type outside the list, as before."""
    if _is_empty(value):
        return value
    text = str(value).strip()
    media_type = formats.media_type_of(text)
    if media_type:
        return media_type
    if not MEDIA_TYPE.match(text):
        raise Invalid(
            _(
                "Unknown format: “{value}”. Choose a format from the list, or type the file extension"
                " (for example .csv) or the media type (for example text/csv)."
            ).format(value=_shown(text))
        )
    return text


@validator
def gbgopendata_byte_size(value: Any, context: dict) -> Any:
    """A whole number of bytes, 0 up to what the database column holds.
    Empty text (the web form's empty field) means no size."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        size = int(value.strip())
    else:
        raise Invalid(_("Must be a whole number of bytes, 0 or more"))
    if not 0 <= size <= LIMITS.byte_size:
        raise Invalid(_("Must be a whole number of bytes, 0 or more") if size < 0 else _too_large())
    return size


def _too_large() -> str:
    return _("Too large: at most {max} bytes").format(max=LIMITS.byte_size)


@validator
def gbgopendata_sha1(value: Any, context: dict) -> Any:
    if _is_empty(value):
        return value
    if not SHA1.match(value):
        raise Invalid(_("Must be a SHA-1 checksum: 40 hexadecimal characters"))
    return value.lower()


@validator
def gbgopendata_geonames_uri(value: Any, context: dict) -> Any:
    """A place of the list by its name (Swedish or English, as the form
    shows it), or any Geonames URI; stored as the URI."""
    if _is_empty(value):
        return value
    named = {term.label(lang).casefold(): term.uri for term in vocabularies.get_vocabulary("spatial")
             for lang in ("sv", "en")}
    if str(value).strip().casefold() in named:
        return named[str(value).strip().casefold()]
    match = GEONAMES.match(str(value).strip())
    if not match:
        raise Invalid(_("Must be a place of the list or a Geonames URI such as http://sws.geonames.org/2711533"))
    return vocabularies.normalise_uri(str(value).strip())


# --- organisationsnummer ----------------------------------------------------------


def orgnr_check_digit(first_nine: str) -> int:
    """Luhn (mod 10) check digit of a Swedish organisationsnummer."""
    total = 0
    for position, digit in enumerate(first_nine):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


@validator
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
        value=_shown(value), allowed=", ".join(licenses.license_ids())
    )


@validator
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
    if value is None or value == "":
        data[key] = ""
        return
    problem = text_problem(value, None)
    if problem:  # [] is not "no licence"
        errors[key].append(problem)
        return
    license_id = licenses.canonical_license_id(value)
    if license_id is None:
        errors[key].append(_unknown_license(value))
        return
    data[key] = license_id


@validator
def gbgopendata_resource_license(value: Any, context: dict) -> Any:
    """A distribution's own licence, stored as the licence's canonical URI
    (ckanext-dcat's `license` field); empty means the dataset's licence."""
    if _is_empty(value):
        return value
    uri = licenses.canonical_license_uri(value)
    if uri is None:
        raise Invalid(_unknown_license(value))
    return uri


# --- the whole dataset or organisation ----------------------------------------------

# What package_show and organization_show return besides the schema's fields
# (computed, or CKAN's own): a client may send a shown dict back, and these
# are ignored, as CKAN always did.
SHOWN_ONLY_FIELDS = frozenset(
    {
        # datasets
        "creator_user_id", "isopen", "license_title", "license_url", "metadata_created",
        "num_resources", "num_tags", "organization", "tracking_summary",
        # organisations
        "display_name", "num_followers", "package_count", "image_display_url",
    }
)
# Keys that CKAN's own web forms send besides the fields.
FORM_ONLY_FIELDS = frozenset({"pkg_name", "_ckan_phase", "save", "return_to", "clear_upload", "image_upload"})


@validator
@scheming_validator
def gbgopendata_no_unknown_fields(field: dict | None, schema: dict) -> Callable:
    """A schema-wide `before_validators` entry: a top-level key that is no
    field of the schema is refused, naming it (CKAN drops it silently, so a
    misspelt field looked saved). The web form's per-language inputs
    (`title_translated-sv`) are fields."""
    fields = schema.get("dataset_fields") or schema.get("fields") or []
    form_keys = {
        f"{f['field_name']}-{lang}"
        for f in fields
        if "fluent" in str(f.get("validators", ""))
        for lang in LANGUAGES
    }
    known = SHOWN_ONLY_FIELDS | FORM_ONLY_FIELDS | form_keys

    def validator(key, data, errors, context):
        # CKAN's navl has put the keys its schema does not know here, and
        # also empty lists given for lists of objects (resources: []).
        for name, value in sorted((data.get(("__extras",)) or {}).items()):
            if name not in known and value != []:
                errors.setdefault((name,), []).append(
                    _("Unknown field {name}: it is not a field of the schema and would not be stored").format(
                        name=_shown(name)
                    )
                )

    return validator


# --- the dataset's address, derived ----------------------------------------------

# The address the portal derives from a title: short enough to read and to
# share, cut between words, leaving room for a "-2" that makes it unique.
DERIVED_NAME_LENGTH = 60
FALLBACK_NAME = "datamangd"


def _title_for_name(data: dict) -> str:
    """The title as given, Swedish first (without consuming the form's
    per-language inputs, which the title's own validator reads later)."""
    texts: dict[str, Any] = {}
    for key in (("title_translated",), ("title",)):
        value = data.get(key, missing)
        if isinstance(value, str) and value.strip():
            try:
                parsed = json.loads(value) if value.lstrip().startswith("{") else {"sv": value}
            except ValueError:
                parsed = {"sv": value}
            value = parsed
        if isinstance(value, dict) and value:
            texts = value
            break
    if not texts:
        extras = data.get(("__extras",)) or {}
        texts = {lang: extras.get(f"title_translated-{lang}") for lang in LANGUAGES}
    for lang in LANGUAGES:
        text = texts.get(lang)
        if isinstance(text, str) and text.strip():
            return text
    return ""


def name_from_title(title: str) -> str:
    """The address words of a title: ASCII letters, digits and hyphens,
    at most DERIVED_NAME_LENGTH characters, cut at a hyphen when it can be."""
    from ckan.lib.munge import substitute_ascii_equivalents

    words = re.sub(r"[^a-z0-9]+", "-", substitute_ascii_equivalents(title).lower()).strip("-")
    if len(words) > DERIVED_NAME_LENGTH:
        cut = words[:DERIVED_NAME_LENGTH + 1]
        words = cut[: cut.rfind("-")] if "-" in cut[DERIVED_NAME_LENGTH // 2 :] else cut[:DERIVED_NAME_LENGTH]
        words = words.strip("-")
    return words if len(words) >= 2 and words not in ("new", "edit", "search") else FALLBACK_NAME


def _free_name(base: str, session: Any) -> str:
    """`base`, or `base-2`, `base-3`, …: the first that no dataset holds
    (in any state: package.name is unique in the database)."""
    from ckan import model

    taken = {
        name
        for (name,) in session.query(model.Package.name).filter(
            (model.Package.name == base) | model.Package.name.like(base.replace("_", r"\_") + "-%", escape="\\")
        )
    }
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@validator
@scheming_validator
def gbgopendata_dataset_name_from_title(field: dict | None, schema: dict) -> Callable:
    """A schema-wide `before_validators` entry: the dataset's address
    (`name`), which the form does not show, is the portal's to give. When it
    is not given, a new dataset's is derived from its title (shortened, made
    unique) and an existing dataset keeps its own; so no error ever names a
    field the publisher never saw. A name given (the API) is checked as
    before."""

    def validator(key, data, errors, context):
        if not _is_empty(data.get(("name",), missing)):
            return
        package = context.get("package")
        if package is not None and package.name:
            data[("name",)] = package.name
            return
        data[("name",)] = _free_name(name_from_title(_title_for_name(data)), context["session"])

    return validator
