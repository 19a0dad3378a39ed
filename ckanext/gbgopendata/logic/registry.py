"""The extension's validators, registered where they are defined, as
ckanext-scheming registers its own: a function decorated with `validator`
is offered to CKAN (IValidators) under its own name. Names start with
`gbgopendata_`, or with `fluent_gbgopendata_` for multilingual fields:
ckanext-dcat writes language-tagged literals for fields whose validators
start with `fluent`, and a name of our own cannot silently replace
ckanext-fluent's validator of the same name (CKAN keeps the last one)."""
from __future__ import annotations

from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

_VALIDATORS: dict[str, Callable] = {}


def validator(function: F) -> F:
    name = function.__name__
    if not (name.startswith("gbgopendata_") or name.startswith("fluent_gbgopendata_")):
        raise ValueError(f"validator {name}: names start with gbgopendata_ or fluent_gbgopendata_")
    if name in _VALIDATORS and _VALIDATORS[name] is not function:
        raise ValueError(f"validator {name} is registered twice")
    _VALIDATORS[name] = function
    return function


def all_validators() -> dict[str, Callable]:
    """Every registered validator; the plugin imports the modules that
    define them (logic/validators.py, logic/publication.py) first."""
    return dict(_VALIDATORS)
