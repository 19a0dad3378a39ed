"""What `assessment.assess` needs, read from where it is kept: the settings
(`rules`), the dataset in its documented shape (from a stored model, from
package_show output or from a save's validated data), its organisation's
facts and its stored confirmations. The reads are here so that the
assessment stays pure; every caller asks `assess` through these.
"""
from __future__ import annotations

from typing import Any, Mapping

from ckan import model

from ckanext.gbgopendata import assessment, checklist, dataset_types, licenses, publishers, settings
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.checklist import automatic

_rules_of: dict[int, assessment.Rules] = {}


def rules() -> assessment.Rules:
    """The configured rules: the checklist, the open licences, the dataset
    types whose schema runs the rule."""
    current = checklist.current()
    open_licenses = tuple(licenses.open_license_ids())
    types = frozenset(dataset_types.types_under_the_rule())
    min_rating = settings.current().quality_min_rating or automatic.DEFAULT_MIN_RATING
    cached = _rules_of.get(id(current))
    if (
        cached is None
        or cached.open_licenses != open_licenses
        or cached.types_under_rule != types
        or cached.quality_min_rating != min_rating
    ):
        cached = assessment.Rules(
            checklist=current, open_licenses=open_licenses, types_under_rule=types, quality_min_rating=min_rating
        )
        _rules_of.clear()
        _rules_of[id(current)] = cached
    return cached


def of_package(pkg: model.Package) -> dict[str, Any]:
    """The shape of a stored dataset, read from the model without validation."""
    dataset: dict[str, Any] = dict(pkg.extras or {})
    dataset.update(
        id=pkg.id,
        name=pkg.name,
        type=pkg.type,
        private=bool(pkg.private),
        state=pkg.state,
        owner_org=pkg.owner_org,
        license_id=pkg.license_id,
        title=pkg.title,
        notes=pkg.notes,
        resources=[
            dict(resource.extras or {}, id=resource.id, url=resource.url, format=resource.format, name=resource.name)
            for resource in pkg.resources
        ],
    )
    return assessment.shape(dataset)


def organization_of(dataset: Mapping[str, Any]) -> Mapping[str, Any]:
    """The facts of the dataset's organisation (one read of all organisations per request)."""
    return publishers.organizations().get(dataset.get("owner_org") or "", {})


def quality_ratings(package_id: str | None, in_force: assessment.Rules) -> dict[str, str]:
    """The dataset's kept quality rating per variant (`model.quality`, as
    the last rebuild left it); {} when not assessed yet, or when the
    checklist in force asks nothing of the quality (no read then)."""
    if not package_id or not any(item.check == automatic.QUALITY_CHECK for item in in_force.checklist.items):
        return {}
    row = model.Session.execute(
        gbg_model.quality.select()
        .with_only_columns(gbg_model.quality.c.eu_rating, gbg_model.quality.c.se_rating)
        .where(gbg_model.quality.c.package_id == package_id)
    ).first()
    return {"eu": row.eu_rating, "se": row.se_rating} if row else {}


def quality_ratings_of(package_ids: list[str], in_force: assessment.Rules) -> dict[str, dict[str, str]]:
    """`quality_ratings` of many datasets in one query (the overviews)."""
    if not package_ids or not any(item.check == automatic.QUALITY_CHECK for item in in_force.checklist.items):
        return {}
    rows = model.Session.execute(
        gbg_model.quality.select()
        .with_only_columns(gbg_model.quality.c.package_id, gbg_model.quality.c.eu_rating, gbg_model.quality.c.se_rating)
        .where(gbg_model.quality.c.package_id.in_(package_ids))
    )
    return {row.package_id: {"eu": row.eu_rating, "se": row.se_rating} for row in rows}


def facts(
    dataset: Mapping[str, Any],
    *,
    confirmations: Mapping[str, Mapping[str, Any]] | None = None,
    stored: Mapping[str, Any] | None = None,
) -> assessment.Facts:
    """The facts for `dataset` (its shape); the confirmations and the kept
    quality ratings are read by its id unless given (a dataset being
    created has none)."""
    dataset_id = dataset.get("id")
    if confirmations is None:
        confirmations = gbg_model.checklist_confirmations(dataset_id) if dataset_id else {}
    in_force = rules()
    return assessment.Facts(
        rules=in_force,
        quality=quality_ratings(dataset_id, in_force),
        organization=organization_of(dataset),
        confirmations=confirmations,
        stored=stored,
        stored_organization=organization_of(stored) if stored is not None else {},
    )


def assess_package(pkg: model.Package, confirmations: Mapping | None = None) -> assessment.Assessment:
    dataset = of_package(pkg)
    return assessment.assess(dataset, facts(dataset, confirmations=confirmations))


def assess_dataset(dataset_dict: Mapping[str, Any], confirmations: Mapping | None = None) -> assessment.Assessment:
    """The assessment of package_show output (or any dataset mapping)."""
    dataset = assessment.shape(dataset_dict)
    return assessment.assess(dataset, facts(dataset, confirmations=confirmations))


def standing(dataset: model.Package | Mapping[str, Any]) -> tuple:
    """The unmet standing conditions of a stored model or a dataset mapping
    (what the permission labels and the open catalogue ask): they read
    neither the confirmations nor the organisation, so neither is read."""
    shaped = of_package(dataset) if isinstance(dataset, model.Package) else assessment.shape(dataset)
    return assessment.standing(shaped, rules())


def packages_with_resources(query: Any) -> list[model.Package]:
    """The packages of `query` with their distributions loaded in one more
    query (not one per dataset)."""
    from sqlalchemy import orm

    options = [orm.selectinload(model.Package.resources_all)]
    if hasattr(model.Package, "_extras"):  # CKAN 2.11: extras are rows of package_extra
        options.append(orm.selectinload(model.Package._extras))
    return query.options(*options).all()
