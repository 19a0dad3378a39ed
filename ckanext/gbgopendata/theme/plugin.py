"""gbgopendata_theme: the look of Göteborgs Stads öppna data, a second
plugin so that a city can use it or its own.

Templates (text logo, home page, footer) are in theme/templates, texts and
choices in config (theme/config_declaration.yaml). The theme's messages are
in the extension's catalogue, which the gbgopendata plugin registers; the
theme is meant to run with it (list it after gbgopendata in ckan.plugins).
"""
from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit

from ckanext.gbgopendata.theme import helpers


@toolkit.blanket.config_declarations
class GbgOpenDataThemePlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.ITemplateHelpers)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        toolkit.add_public_directory(config, "public")

    def get_helpers(self):
        return helpers.all_helpers()
