"""A dataset's identity in the catalogue it came from: its `dct:identifier`
(`identifier`) and its URI (`uri`, which ckanext-dcat's dataset_uri writes
as the dataset's node). A catalogue moved here, or harvested, keeps both,
so Sveriges dataportal, which de-duplicates on them, sees the same datasets
afterwards and not new ones.

They are the import's and the harvester's to set (both act as the site
user, a sysadmin), and a sysadmin's: a publisher could otherwise take over
another catalogue's dataset in DIGG's eyes, or make two datasets one node
in /datasets/dcat. Anyone else's save keeps the stored values; a request
that tries to change them is refused by name. Two datasets never share
one: the lookup below is also how the import finds what it already
brought in.
"""
from __future__ import annotations

from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.plugins import toolkit

from ckanext.gbgopendata.logic.registry import validator
from ckanext.gbgopendata.logic.validators import _is_web_address, text_problem

FIELDS = ("identifier", "uri")
MAX_LENGTH = 2000


def _labels() -> dict[str, str]:
    return {"identifier": toolkit._("Source identifier"), "uri": toolkit._("Source URI")}


def _label(key: tuple) -> str:
    return toolkit._("Source URI of the distribution") if len(key) == 3 else _labels()[key[-1]]


def datasets_with(field: str, value: str) -> list[str]:
    """Ids of the datasets (any type, any state but deleted) whose `field`
    is `value`, from the database (the index may lag a concurrent save)."""
    if hasattr(model, "PackageExtra"):  # CKAN 2.11: extras in their own table
        query = (
            model.Session.query(model.PackageExtra.package_id)
            .join(model.Package, model.Package.id == model.PackageExtra.package_id)
            .filter(model.PackageExtra.key == field, model.PackageExtra.value == value)
        )
        if hasattr(model.PackageExtra, "state"):
            query = query.filter(model.PackageExtra.state == "active")
    else:  # CKAN 2.12: one JSONB column
        query = model.Session.query(model.Package.id).filter(model.Package.extras[field].astext == value)
    rows = query.filter(model.Package.state != "deleted").all()
    return sorted({row[0] for row in rows})


def find(identifier: str | None, uri: str | None) -> str | None:
    """The dataset that came from this source node: by its URI first, else
    by its identifier."""
    for field, value in (("uri", uri), ("identifier", identifier)):
        if value:
            found = datasets_with(field, value)
            if found:
                return found[0]
    return None


def _may_set(context: dict) -> bool:
    user = context.get("auth_user_obj")
    if user is None and context.get("user"):
        user = model.User.get(context["user"])
    return bool(getattr(user, "sysadmin", False))


def _stored_value(context: dict, data: dict, key: tuple) -> str | None:
    field = key[-1]
    if len(key) == 3:  # a distribution's: ("resources", index, "uri")
        resource_id = data.get((key[0], key[1], "id"))
        if not isinstance(resource_id, str) or not resource_id:
            return None  # a new distribution
        pkg = context.get("package")
        # The saved dataset's distributions are loaded already; another's is read.
        resources = {r.id: r for r in pkg.resources} if isinstance(pkg, model.Package) else {}
        resource = resources.get(resource_id) or model.Resource.get(resource_id)
        return ((resource.extras or {}).get(field) or None) if resource is not None else None
    dataset_id = data.get(("id",))
    pkg = context.get("package")
    if not isinstance(pkg, model.Package) or (dataset_id and pkg.id != dataset_id):
        pkg = model.Package.get(dataset_id) if isinstance(dataset_id, str) and dataset_id else None
    if pkg is None:
        return None
    return (pkg.extras or {}).get(field) or None


@validator
def gbgopendata_source_identifier(key, data, errors, context):
    """A dataset's `identifier`: any text (dct:identifier is a literal)."""
    _source_identity(key, data, errors, context, web_address=False)


@validator
def gbgopendata_source_uri(key, data, errors, context):
    """A dataset's or a distribution's `uri`: an absolute web address."""
    _source_identity(key, data, errors, context, web_address=True)


def _source_identity(key, data, errors, context, web_address: bool) -> None:
    """Set by the import, the harvester or a sysadmin, kept by every other
    save; a dataset's unique in the catalogue."""
    field = key[-1]
    value = data.get(key, missing)
    stored = _stored_value(context, data, key)
    if value is missing or value is None:
        if stored:
            data[key] = stored  # a form or a patch that does not name it keeps it
        else:
            data.pop(key, None)
            raise StopOnError
        return
    problem = text_problem(value, {"max_length": MAX_LENGTH})
    if problem:
        errors[key].append(problem)
        raise StopOnError
    value = value.strip()
    if value == (stored or ""):
        if value:
            data[key] = value
        else:
            data.pop(key, None)
            raise StopOnError
        return
    if not _may_set(context):
        errors[key].append(
            toolkit._("{field} is the dataset's identity in the catalogue it came from: only a sysadmin, "
                      "the import or the harvester may change it").format(field=_label(key))
        )
        raise StopOnError
    if not value:
        data.pop(key, None)
        raise StopOnError
    if web_address and not _is_web_address(value):
        errors[key].append(toolkit._("Must be an absolute web address starting with http:// or https://, without spaces"))
        raise StopOnError
    own_id = data.get(("id",))
    others = [] if len(key) == 3 else [i for i in datasets_with(field, value) if i != own_id]
    if others:
        errors[key].append(
            toolkit._("{field} {value} already belongs to another dataset of the catalogue").format(
                field=_label(key), value=value
            )
        )
        raise StopOnError
    data[key] = value
