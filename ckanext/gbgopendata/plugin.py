"""The gbgopendata plugin: wires the extension into CKAN.

This module holds no rules of its own; each interface hands over to the
module that owns the behaviour.
"""
from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from ckan.lib.plugins import DefaultTranslation

from ckanext.gbgopendata import cli, helpers


@toolkit.blanket.config_declarations
class GbgOpenDataPlugin(plugins.SingletonPlugin, DefaultTranslation):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.ITranslation)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(plugins.IClick)

    # IConfigurer

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        toolkit.add_public_directory(config, "assets")

    # ITemplateHelpers

    def get_helpers(self):
        return helpers.all_helpers()

    # IClick

    def get_commands(self):
        return cli.get_commands()
