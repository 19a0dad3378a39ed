"""Action functions of the extension (IActions), chained onto CKAN's.

The rules live in classification.py (the publication rule), publication.py
(how writes obey it) and visibility.py (who sees what); these chained
actions only put them on CKAN's paths.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import sqlalchemy as sa
from ckan import model
from ckan.lib import search
from ckan.plugins import plugin_loaded, toolkit

from ckanext.gbgopendata import assessment, languages, model as gbg_model
from ckanext.gbgopendata.logic import harvest_sources
from ckanext.gbgopendata.logic import events, facts, publication, save, search_parameters, validators, visibility

# --- writes ---------------------------------------------------------------------------


@toolkit.chained_action
def package_create(up_func, context, data_dict):
    # Who may write is answered before what is written (a 403, not a
    # validation error, for someone who may not create at all).
    toolkit.check_access("package_create", context, data_dict)
    data_dict, this_save = save.prepare(context, validators.without_derived_tags(data_dict), creating=True)
    with save.saving(this_save):
        result = up_func(context, data_dict)
    return harvest_sources.with_source_status(context, result)


@toolkit.chained_action
def package_update(up_func, context, data_dict):
    # package_patch, package_revise, resource_create/update/delete, the web
    # forms and CKAN 2.12's bulk actions all save through package_update.
    data_dict, this_save = save.prepare(context, validators.without_derived_tags(data_dict), creating=False)
    save.ended(None)
    with save.saving(this_save):
        result = up_func(context, data_dict)
    save.ended(this_save)
    publication.tell_web_form_about_unpublishing(this_save)
    return result


def _dataset_errors_kept(name: str) -> Callable:
    """CKAN's resource_create/update/delete re-raise package_update's errors
    of the distribution only, and fail with a KeyError (HTTP 500) when the
    dataset itself is refused (the publication rule: an edit that breaks
    the checklist of a public dataset). The dataset's errors are raised."""

    @toolkit.chained_action
    def action(up_func, context, data_dict):
        try:
            return up_func(context, data_dict)
        except KeyError as error:
            if isinstance(error.__context__, toolkit.ValidationError):
                raise error.__context__ from None
            raise

    action.__name__ = name
    return action


@toolkit.chained_action
def bulk_update_public(up_func, context, data_dict):
    # CKAN 2.11 writes `private` straight to the database here, past
    # package_update (2.12 saves each dataset through it): every dataset is
    # checked first either way, and one that may not be public fails the
    # whole request, so nothing is published.
    toolkit.check_access("bulk_update_public", context, data_dict)
    messages = publication.bulk_publication_errors(data_dict.get("datasets"), data_dict.get("org_id"))
    if messages:
        raise toolkit.ValidationError({"private": messages})
    before = _publication_snapshot(data_dict)
    result = up_func(context, data_dict)
    _record_bulk_publication(context, before)
    return result


def _publication_snapshot(data_dict: dict) -> dict[str, tuple[bool, int | None]]:
    """{dataset id: (private, id of its newest history entry)} of the
    datasets a bulk action names."""
    datasets = data_dict.get("datasets") or []
    datasets = [datasets] if isinstance(datasets, str) else datasets
    names = [dataset for dataset in datasets if isinstance(dataset, str)] if isinstance(datasets, list) else []
    if not names:
        return {}
    packages = (
        model.Session.query(model.Package)
        .filter(sa.or_(model.Package.id.in_(names), model.Package.name.in_(names)))
        .all()
    )
    last = gbg_model.last_checklist_events([pkg.id for pkg in packages])
    return {pkg.id: (bool(pkg.private), (last.get(pkg.id) or {}).get("id")) for pkg in packages}


def _record_bulk_publication(context: dict, before: dict[str, tuple[bool, int | None]]) -> None:
    """CKAN 2.11's bulk actions write `private` past package_update and its
    hooks: the publishing or unpublishing goes into the checklist history
    here, unless the save has written it (CKAN 2.12)."""
    if not before:
        return
    model.Session.expire_all()
    last = gbg_model.last_checklist_events(list(before))
    changed = []
    for pkg in model.Session.query(model.Package).filter(model.Package.id.in_(list(before))):
        was_private, last_event = before[pkg.id]
        if bool(pkg.private) == was_private or (last.get(pkg.id) or {}).get("id") != last_event:
            continue
        changed.append(pkg)
    if changed:
        events.after_bulk(context, changed)
        model.repo.commit()


@toolkit.chained_action
def bulk_update_private(up_func, context, data_dict):
    before = _publication_snapshot(data_dict)
    result = up_func(context, data_dict)
    _record_bulk_publication(context, before)
    # CKAN 2.11 writes `private` straight to the database here, past
    # package_update and its hooks (2.12 saves through package_update, where
    # this is already done; doing it again is harmless).
    datasets = data_dict.get("datasets") or []
    datasets = [datasets] if isinstance(datasets, str) else datasets
    visibility.hide_past_activities([dataset for dataset in datasets if isinstance(dataset, str)])
    if not context.get("defer_commit"):
        model.repo.commit()
    return result


def _refuse_a_move_that_breaks_the_checklist(context: dict, data_dict: dict) -> None:
    """package_owner_org_update writes owner_org past package_update (and
    so past the rule's validators): moving a public dataset to no
    organisation, or to one without an organisation number, would leave it
    public without a publisher. Refused as package_update refuses it."""
    toolkit.check_access("package_owner_org_update", context, data_dict)
    pkg = model.Package.get(data_dict.get("id") or "") if isinstance(data_dict.get("id"), str) else None
    if pkg is None or pkg.private or pkg.state != "active":
        return
    organization_id = data_dict.get("organization_id")
    new_owner = None
    if organization_id:
        org = model.Group.get(organization_id) if isinstance(organization_id, str) else None
        if org is None or not org.is_organization:
            return  # CKAN answers "not found"
        new_owner = org.id
    # The move as a save of the dataset with the new owner would be decided.
    stored = facts.of_package(pkg)
    moved = dict(stored, owner_org=new_owner)
    decided = assessment.assess(moved, facts.facts(moved, stored=stored))
    blockers = decided.checklist_blockers
    if blockers:
        raise toolkit.ValidationError({"organization_id": [blocker.message(languages.request_language()) for blocker in blockers]})


@toolkit.chained_action
def package_owner_org_update(up_func, context, data_dict):
    if not context.get("defer_commit"):
        if not data_dict.get("organization_id"):
            # CKAN takes an empty organisation as "none" and writes it past
            # the schema, which requires one: the dataset is left where no
            # one of an organisation can reach it and no save is valid.
            toolkit.check_access("package_owner_org_update", dict(context), data_dict)
            raise toolkit.ValidationError(
                {"organization_id": [toolkit._("Missing value: every dataset of the catalogue belongs to an organisation")]}
            )
        _refuse_a_move_that_breaks_the_checklist(context, data_dict)
    if context.get("defer_commit"):
        return up_func(context, data_dict)  # called inside package_create/update, which decide
    pkg = model.Package.get(data_dict.get("id")) if isinstance(data_dict.get("id"), str) else None
    org = model.Group.get(data_dict["organization_id"]) if isinstance(data_dict["organization_id"], str) else None
    if pkg is None or pkg.state != "active" or org is None or not org.is_organization:
        return up_func(context, data_dict)  # CKAN's own answer ("not found")
    # A move is a save of the dataset with its new owner: the same path as
    # package_update's (the validators unpublish a public dataset that moves,
    # the events withdraw the old organisation's approval, the index and the
    # past activities' labels follow).
    acting = {key: context[key] for key in ("user", "auth_user_obj", "ignore_auth") if key in context}
    try:
        toolkit.get_action("package_patch")(acting, {"id": pkg.id, "owner_org": org.id})
    except toolkit.ValidationError as error:
        errors = dict(error.error_dict or {})
        if "owner_org" in errors:
            errors["organization_id"] = errors.pop("owner_org")
        raise toolkit.ValidationError(errors) from None


@toolkit.chained_action
def package_relationship_create(up_func, context, data_dict):
    # CKAN "creates" an existing relationship by changing it and then fails
    # (500) with the change committed: a second one is refused instead.
    subject = model.Package.get(data_dict.get("subject") or "")
    other = model.Package.get(data_dict.get("object") or "")
    if subject is not None and other is not None and subject.get_relationships(
        with_package=other, type=data_dict.get("type"), direction="forward"
    ):
        raise toolkit.ValidationError(
            {"type": [toolkit._("This relationship exists already; change it with package_relationship_update")]}
        )
    return up_func(context, data_dict)


@toolkit.chained_action
def dataset_purge(up_func, context, data_dict):
    pkg = model.Package.get(data_dict.get("id") or "")
    result = up_func(context, data_dict)
    if pkg is not None:
        gbg_model.delete_classification_changes(pkg.id)
        gbg_model.delete_checklist(pkg.id)
        model.repo.commit()
    return result


@toolkit.chained_action
def activity_create(up_func, context, data_dict):
    data_dict = visibility.activity_without_internal_fields(data_dict)
    if data_dict.get("activity_type") == "changed package" and isinstance(data_dict.get("data"), dict):
        ended = save.take_ended(data_dict.get("object_id") or "")
        if ended is not None and ended.made_private_automatically:
            # The activity is the editor's save; what it did to the
            # visibility was the portal's (the stream says so).
            data_dict = dict(data_dict, data={**data_dict["data"], save.MADE_PRIVATE_AUTOMATICALLY: ended.made_private_automatically})
    return up_func(context, data_dict)


# --- reads ----------------------------------------------------------------------------


@toolkit.side_effect_free
@toolkit.chained_action
def package_show(up_func, context, data_dict):
    return visibility.present_dataset(context, visibility.without_relationships(up_func(context, data_dict)))


@toolkit.side_effect_free
@toolkit.chained_action
def current_package_list_with_resources(up_func, context, data_dict):
    # CKAN calls its own package_search function here, not the action, so
    # the internal fields are removed here.
    return visibility.present_datasets(context, up_func(context, data_dict))


@toolkit.side_effect_free
@toolkit.chained_action
def package_relationships_list(up_func, context, data_dict):
    # CKAN checks only the datasets named in the request; the other end of
    # each relationship (and its comment) is shown only to those who may
    # read that dataset.
    relationships = up_func(context, data_dict)
    others = {}
    for relationship in relationships:
        for end in (relationship.get("subject"), relationship.get("object")):
            pkg = model.Package.get(end or "")
            if pkg is not None:
                others[end] = pkg.id
    readable = visibility.readable_package_ids(context, set(others.values()))
    return [
        relationship
        for relationship in relationships
        if all(others.get(end) in readable for end in (relationship.get("subject"), relationship.get("object")))
    ]


def _package_id_of(resource: Any) -> str | None:
    return resource.get("package_id") if isinstance(resource, dict) else getattr(resource, "package_id", None)


@toolkit.side_effect_free
@toolkit.chained_action
def resource_search(up_func, context, data_dict):
    # CKAN filters on the private flag only: a dataset stored public that
    # breaks the rule (labelled private) would be found. Search without
    # paging, keep what the person may read, then page.
    results = up_func(context, _without_paging(data_dict))["results"]
    readable = visibility.readable_package_ids(context, {_package_id_of(r) for r in results} - {None})
    kept = [resource for resource in results if _package_id_of(resource) in readable]
    return {"count": len(kept), "results": _page(kept, data_dict)}


@toolkit.side_effect_free
@toolkit.chained_action
def package_search(up_func, context, data_dict):
    # Every caller, sysadmins too; only the extension's own searches and
    # CKAN's internal ignore_auth reads (no request behind them) skip it.
    if not context.get(search_parameters.OWN_SEARCH) and not context.get("ignore_auth"):
        search_parameters.check(data_dict)
    open_catalogue = context.get(visibility.OPEN_CATALOGUE)
    if open_catalogue:
        # Filtered in Solr, so pages come back full and totals are right.
        data_dict = dict(
            data_dict,
            include_private=False,
            include_drafts=False,
            include_deleted=False,
            fq=visibility.open_catalogue_filter(data_dict.get("fq")),
        )
    result = up_func(context, data_dict)
    results = result.get("results") or []
    if open_catalogue:
        # A safety net that should drop nothing: the index is filtered by the
        # labels computed when the dataset was indexed.
        result["results"] = visibility.open_catalogue_datasets(results)
    else:
        result["results"] = visibility.present_datasets(context, results)
    return result


@toolkit.side_effect_free
@toolkit.chained_action
def package_list(up_func, context, data_dict):
    # package_list reads the database: public datasets that break the rule
    # (stored before it) are left out like private ones.
    names = up_func(context, data_dict)
    if not names:
        return names
    column = model.Package.id if context.get("api_version") == 2 else model.Package.name
    packages = model.Session.query(model.Package).filter(column.in_(names)).all()
    public = {getattr(pkg, column.key) for pkg in packages if "public" in visibility.dataset_labels(pkg)}
    return [name for name in names if name in public]


@toolkit.side_effect_free
@toolkit.chained_action
def member_list(up_func, context, data_dict):
    members = up_func(context, data_dict)
    package_ids = [member[0] for member in members if member[1] == "package"]
    if not package_ids:
        return members
    readable = visibility.readable_package_ids(context, package_ids)
    return [member for member in members if member[1] != "package" or member[0] in readable]


def _free_tags(data_dict) -> bool:
    return not data_dict.get("vocabulary_id")


@toolkit.side_effect_free
@toolkit.chained_action
def tag_list(up_func, context, data_dict):
    tags = up_func(context, data_dict)
    visible = visibility.visible_facet_values(context, "tags") if _free_tags(data_dict) else None
    if visible is None:
        return tags
    return [tag for tag in tags if (tag["name"] if isinstance(tag, dict) else tag) in visible]


def _all_then_page(context, data_dict, name_of: Callable[[Any], str]):
    """Runs a tag search without paging, keeps what the person may see, then pages."""
    visible = visibility.visible_facet_values(context, "tags") if _free_tags(data_dict) else None
    if visible is None:
        return None
    return _without_paging(data_dict), lambda items: [item for item in items if name_of(item) in visible]


def _without_paging(data_dict: dict) -> dict:
    return {key: value for key, value in data_dict.items() if key not in ("limit", "offset")}


def _page(items: list, data_dict) -> list:
    try:
        offset = max(int(data_dict.get("offset") or 0), 0)
        limit = data_dict.get("limit")
        limit = int(limit) if limit not in (None, "") else None
    except (TypeError, ValueError):
        raise toolkit.ValidationError({"limit": [toolkit._("Must be a whole number")]})
    return items[offset : offset + limit if limit is not None else None]


@toolkit.side_effect_free
@toolkit.chained_action
def tag_search(up_func, context, data_dict):
    filtering = _all_then_page(context, data_dict, lambda tag: tag["name"])
    if filtering is None:
        return up_func(context, data_dict)
    unpaged, keep = filtering
    tags = keep(up_func(context, unpaged)["results"])
    return {"count": len(tags), "results": _page(tags, data_dict)}


@toolkit.side_effect_free
@toolkit.chained_action
def tag_autocomplete(up_func, context, data_dict):
    filtering = _all_then_page(context, data_dict, lambda name: name)
    if filtering is None:
        return up_func(context, data_dict)
    unpaged, keep = filtering
    return _page(keep(up_func(context, unpaged)), data_dict)


@toolkit.side_effect_free
@toolkit.chained_action
def tag_show(up_func, context, data_dict):
    tag = up_func(context, data_dict)
    visible = visibility.visible_facet_values(context, "tags") if not tag.get("vocabulary_id") else None
    if visible is not None and tag["name"] not in visible:
        raise toolkit.ObjectNotFound(toolkit._("Tag not found"))
    if isinstance(tag.get("packages"), list):
        # CKAN lists the tag's public datasets from the search index, unchecked.
        tag = dict(tag, packages=visibility.open_catalogue_datasets(tag["packages"]))
    return tag


@toolkit.side_effect_free
@toolkit.chained_action
def format_autocomplete(up_func, context, data_dict):
    visible = visibility.visible_facet_values(context, "res_format")
    if visible is None:
        return up_func(context, data_dict)
    limit = data_dict.get("limit") or 5
    # CKAN counts formats over every resource in the database: ask for all,
    # keep the ones on datasets the person may see.
    formats = up_func(context, dict(data_dict, limit=1000))
    visible_lower = {value.lower() for value in visible}
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        limit = 5
    return [value for value in formats if value in visible_lower][:limit]


# --- the open catalogue (ckanext-dcat) ------------------------------------------------------


# Characters that may not stand in an IRI (RFC 3987), and so in the paging
# links ckanext-dcat writes from the raw request parameters.
_NOT_IN_AN_IRI = re.compile(r'[\s<>"{}|\\^`]')


def _refuse_bad_dcat_arguments(data_dict: dict) -> None:
    """ckanext-dcat loads each named profile by walking the `profiles`
    value, a text character by character (a long text kept a worker busy for
    minutes), and fails on a `format` or `page` that is not text: only the
    configured profiles, a short format name and a page number are taken."""
    errors = {}
    profiles = data_dict.get("profiles")
    configured = toolkit.aslist(toolkit.config.get("ckanext.dcat.rdf.profiles"))
    if profiles is not None and (
        not isinstance(profiles, list)
        or len(profiles) > len(configured)
        or any(not isinstance(profile, str) or profile not in configured for profile in profiles)
    ):
        errors["profiles"] = [
            toolkit._("Must be a list of the catalogue's profiles: {profiles}").format(profiles=", ".join(configured))
        ]
    fmt = data_dict.get("format")
    if fmt is not None and (not isinstance(fmt, str) or len(fmt) > 20):
        errors["format"] = [toolkit._("Must be the name of a format, such as rdf, ttl or jsonld")]
    page = data_dict.get("page")
    if page is not None and not (
        (isinstance(page, int) and not isinstance(page, bool) and 0 < page < 10**6)
        or (isinstance(page, str) and (page == "" or (page.isascii() and page.isdigit() and len(page) <= 6)))
    ):
        errors["page"] = [toolkit._("Must be a page number, 1 or more")]
    if errors:
        raise toolkit.ValidationError(errors)


def _refuse_parameters_that_break_paging_links(data_dict: dict) -> None:
    """ckanext-dcat copies q, fq and modified_since unencoded into the
    catalogue's paging links (profiles are checked above), and the RDF serialiser then fails on a
    space or a brace: refuse such a value, naming it, instead of a 500."""
    errors = {}
    for name in ("q", "fq", "modified_since"):
        value = data_dict.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or _NOT_IN_AN_IRI.search(value):
            errors[name] = [
                toolkit._(
                    "The catalogue's search parameters may not contain spaces or any of the characters "
                    '< > " { } | \\ ^ `'
                )
            ]
    if errors:
        raise toolkit.ValidationError(errors)


def _open_catalogue(name: str) -> Callable:
    """A DCAT action that serves only the open catalogue: public datasets
    that meet the publication rule, without internal fields, whoever asks."""

    def action(up_func, context, data_dict):
        _refuse_bad_dcat_arguments(data_dict)
        _refuse_parameters_that_break_paging_links(data_dict)
        context[visibility.OPEN_CATALOGUE] = True
        # ckanext-dcat passes `fq` on to package_search: the filter holds even
        # if it stopped passing this context on.
        data_dict = dict(data_dict, fq=visibility.open_catalogue_filter(data_dict.get("fq")))
        return up_func(context, data_dict)

    action.__name__ = name
    return toolkit.chained_action(toolkit.side_effect_free(action))


@toolkit.chained_action
def dcat_dataset_show(up_func, context, data_dict):
    _refuse_bad_dcat_arguments(data_dict)
    pkg = model.Package.get(data_dict.get("id") or "")
    # Not found, rather than forbidden: the open catalogue does not say
    # which datasets exist outside it.
    if pkg is None or not visibility.in_open_catalogue(facts.of_package(pkg)):
        toolkit.check_access("dcat_dataset_show", context, data_dict)
        raise toolkit.ObjectNotFound(toolkit._("Dataset not found"))
    context[visibility.OPEN_CATALOGUE] = True
    return up_func(context, data_dict)


def _dcat_actions() -> dict[str, Callable]:
    actions: dict[str, Callable] = {}
    if plugin_loaded("dcat"):
        actions["dcat_dataset_show"] = dcat_dataset_show
        for name in ("dcat_catalog_show", "dcat_catalog_search"):
            actions[name] = _open_catalogue(name)
    if plugin_loaded("dcat_json_interface"):
        actions["dcat_datasets_list"] = _open_catalogue("dcat_datasets_list")
    return actions


def _member_delete_of_a_group(name: str) -> Callable:
    """CKAN's group_member_delete and organization_member_delete assert that
    the group exists (an AssertionError, HTTP 500, for an unknown one)."""

    @toolkit.chained_action
    def action(up_func, context, data_dict):
        group_id = data_dict.get("id")
        group = model.Group.get(group_id) if isinstance(group_id, str) and group_id else None
        organization = name.startswith("organization")
        if group is None or group.is_organization != organization:
            raise toolkit.ObjectNotFound(toolkit._("Organization not found") if organization else toolkit._("Group not found"))
        return up_func(context, data_dict)

    action.__name__ = name
    return action


def get_actions() -> dict[str, Callable]:
    return {
        "package_create": package_create,
        "package_update": package_update,
        "bulk_update_public": bulk_update_public,
        "bulk_update_private": bulk_update_private,
        "package_show": package_show,
        "package_owner_org_update": package_owner_org_update,
        "dataset_purge": dataset_purge,
        **{name: _dataset_errors_kept(name) for name in ("resource_create", "resource_update", "resource_delete")},
        "package_relationship_create": package_relationship_create,
        **{name: _member_delete_of_a_group(name) for name in ("group_member_delete", "organization_member_delete")},
        "current_package_list_with_resources": current_package_list_with_resources,
        "package_relationships_list": package_relationships_list,
        "resource_search": resource_search,
        "package_search": package_search,
        "package_list": package_list,
        "member_list": member_list,
        "tag_list": tag_list,
        "tag_search": tag_search,
        "tag_autocomplete": tag_autocomplete,
        "tag_show": tag_show,
        "format_autocomplete": format_autocomplete,
        **(
            {"activity_create": activity_create}
            if plugin_loaded("activity")
            else {}
        ),
        **_dcat_actions(),
    }
