"""The extension declares its config options, and the README documents each."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ckan.plugins import toolkit

PACKAGE = Path(__file__).resolve().parents[1]
README = PACKAGE.parents[1] / "README.md"


def _declared_options() -> list[dict]:
    options = []
    # The extension's options, and those of its theme plugin (gbgopendata_theme).
    for path in (PACKAGE / "config_declaration.yaml", PACKAGE / "theme" / "config_declaration.yaml"):
        declaration = yaml.safe_load(path.read_text("utf-8"))
        options += [option for group in declaration["groups"] for option in group["options"]]
    return options


def _readme_option_rows() -> dict[str, str]:
    rows = {}
    for line in README.read_text("utf-8").splitlines():
        match = re.match(r"\|\s*`(ckanext\.gbgopendata(?:_theme)?\.[a-z_.]+)`\s*\|\s*([^|]*)\|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_every_option_has_a_default_and_a_description():
    for option in _declared_options():
        assert option["key"].startswith(("ckanext.gbgopendata.", "ckanext.gbgopendata_theme."))
        assert "default" in option, option["key"]
        assert option.get("description", "").strip(), option["key"]


def test_readme_table_lists_exactly_the_declared_options_with_their_defaults():
    declared = {option["key"]: str(option["default"]) for option in _declared_options()}
    rows = _readme_option_rows()
    assert set(rows) == set(declared)
    for key, default in declared.items():
        assert rows[key].strip("`") == default, key


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.gbgopendata.checklist_file", "")  # test.ini sets the suite's own
def test_declared_defaults_reach_ckan_config():
    for option in _declared_options():
        assert toolkit.config.get(option["key"]) == option["default"]


# --- read once per process start (settings.py) -------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_the_settings_are_read_once_a_later_config_change_applies_at_the_next_start(ckan_config, monkeypatch):
    from ckanext.gbgopendata import licenses, settings
    from ckanext.gbgopendata.tests.session_app import reconfigure

    assert licenses.open_license_ids() == ["CC0-1.0", "CC-BY-4.0"]
    monkeypatch.setitem(ckan_config, settings.OPEN_LICENSES, "CC0-1.0")
    monkeypatch.setitem(ckan_config, settings.GRAVATAR, "true")
    assert licenses.open_license_ids() == ["CC0-1.0", "CC-BY-4.0"]
    assert settings.current().gravatar is False
    reconfigure(ckan_config)
    assert licenses.open_license_ids() == ["CC0-1.0"]
    assert settings.current().gravatar is True


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("ckanext.gbgopendata.dcat_format_style", "digg", "ckanext.gbgopendata.dcat_format_style: 'digg' is not one of eu, se"),
        ("ckanext.gbgopendata.gravatar", "maybe", "ckanext.gbgopendata.gravatar: 'maybe' is not true or false"),
        (
            "ckanext.gbgopendata.quality_min_rating",
            "bra",
            "ckanext.gbgopendata.quality_min_rating: 'bra' is not one of excellent, good, sufficient",
        ),
    ],
)
def test_an_option_ckan_cannot_run_with_is_refused_at_start_naming_it(option, value, message):
    from ckanext.gbgopendata import settings

    with pytest.raises(settings.SettingsError) as raised:
        settings.build({option: value}, lambda path: pytest.fail("read after the refusal"))
    assert str(raised.value) == message
