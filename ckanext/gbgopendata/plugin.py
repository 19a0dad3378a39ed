"""The gbgopendata plugin: wires the extension into CKAN.

This module holds no rules of its own; each interface hands over to the
module that owns the behaviour.
"""
from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from ckan.lib.plugins import DefaultTranslation

from ckanext.dcat.interfaces import IDCATURIGenerator

from ckanext.gbgopendata import cli, helpers, jobs, licenses, middleware, publishers, search, settings
from ckanext.gbgopendata.checklist import in_force
from ckanext.gbgopendata.logic import action, auth, bad_input, events, existence, publication, registry, save, visibility
from ckanext.gbgopendata.logic import approval
from ckanext.gbgopendata.logic import checklist as checklist_actions
from ckanext.gbgopendata.logic import quality as quality_actions
from ckanext.gbgopendata.logic import source_identity, validators  # noqa: F401 (register their validators)
from ckanext.gbgopendata.logic import series  # noqa: F401 (registers gbgopendata_in_series)
from ckanext.gbgopendata.logic import services  # noqa: F401 (registers the data services' validators)
from ckanext.gbgopendata import classification_helpers, presentation, views
from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.dcat import series as dcat_series
from ckanext.gbgopendata.dcat import services as dcat_services


@toolkit.blanket.config_declarations
class GbgOpenDataPlugin(plugins.SingletonPlugin, DefaultTranslation):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IConfigurable)
    plugins.implements(plugins.ITranslation)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(plugins.IValidators)
    plugins.implements(plugins.IActions)
    plugins.implements(plugins.IAuthFunctions)
    plugins.implements(plugins.IClick)
    plugins.implements(plugins.IPackageController, inherit=True)
    plugins.implements(plugins.IFacets, inherit=True)
    plugins.implements(plugins.IOrganizationController, inherit=True)
    plugins.implements(IDCATURIGenerator, inherit=True)
    plugins.implements(plugins.IPermissionLabels)
    plugins.implements(plugins.IMiddleware, inherit=True)
    plugins.implements(plugins.IBlueprint)

    # IConfigurer

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        toolkit.add_public_directory(config, "assets")
        config["licenses_group_url"] = licenses.register_url()  # our register replaces CKAN's list

    # IConfigurable

    def configure(self, config):
        # Every option of ours is read here, once per process; one CKAN cannot
        # run with (a broken checklist file too) stops it, naming the option.
        settings.configure(config, in_force.at_start)
        licenses.check_configured()

    # ITemplateHelpers

    def get_helpers(self):
        return {**helpers.all_helpers(), **classification_helpers.all_helpers(), **views.publication.template_helpers(),
                **views.quality.template_helpers(),
                **views.quality_admin.template_helpers()}

    # IValidators

    def get_validators(self):
        # logic/validators.py and logic/publication.py, imported above, have
        # registered theirs.
        return registry.all_validators()

    # IActions

    def get_actions(self):
        # What the caller may not know of is "not found" before anything else is checked.
        return existence.guard_actions(
            bad_input.guard_actions({**action.get_actions(), **checklist_actions.get_actions(), **approval.get_actions(),
                                     **quality_actions.get_actions()})
        )

    # IAuthFunctions

    def get_auth_functions(self):
        return auth.get_auth_functions()

    # IClick

    def get_commands(self):
        return cli.get_commands()

    # IFacets

    def dataset_facets(self, facets_dict, package_type):
        return search.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return search.dataset_facets(facets_dict)

    # IOrganizationController (pages only: CKAN calls it for views)

    def before_view(self, data_dict):
        return presentation.organization_for_view(data_dict)

    def edit(self, entity):
        # IPackageController's edit too (one method for both interfaces): an
        # organisation's name, orgnr or homepage is in its datasets' fragments
        if getattr(entity, "is_organization", False):
            jobs.enqueue_organization(entity.id)

    # IPackageController

    def before_dataset_view(self, pkg_dict):
        return presentation.dataset_for_view(pkg_dict)

    def before_dataset_index(self, pkg_dict):
        return visibility.before_dataset_index(search.before_dataset_index(formats.index_stored_formats(pkg_dict)))

    def before_dataset_search(self, search_params):
        return search.before_dataset_search(search_params)

    def after_dataset_create(self, context, pkg_dict):
        events.after_save(context, save.current(pkg_dict["id"]), pkg_dict)
        jobs.enqueue_dataset(pkg_dict["id"])
        dcat_series.after_change(pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        current = save.current(pkg_dict["id"])
        events.after_save(context, current, pkg_dict)
        visibility.after_save(current, pkg_dict)
        jobs.enqueue_dataset(pkg_dict["id"])
        dcat_series.after_change(pkg_dict)

    def after_dataset_delete(self, context, data_dict):
        dcat_series.after_change(data_dict)

    # IPermissionLabels

    def get_dataset_labels(self, dataset_obj):
        return visibility.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return visibility.user_dataset_labels(user_obj)

    # IBlueprint

    def get_blueprint(self):
        return views.get_blueprints()

    # IMiddleware

    def make_middleware(self, app, config):
        return middleware.install(app)

    # IDCATURIGenerator

    def dataset_uri(self, dataset_dict, default_uri):
        # a data service's URI (dcat/services.py), unless it has its own
        return dcat_services.own_uri(dataset_dict, default_uri)

    def publisher_uri(self, dataset_dict, default_uri):
        return publishers.dataset_publisher_uri(dataset_dict) or default_uri
