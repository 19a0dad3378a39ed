"""The portal's harvester: ckanext-dcat's DCAT RDF harvester (gather, fetch
and import on ckanext-harvest's queues) reading every source through the
`dcat_ap_se` profile, whatever `ckanext.dcat.rdf.profiles` says, and storing
what it reads as any other write of the portal: through package_create and
package_update, so the schema and the publication rule decide.

What it adds to ckanext-dcat's harvester (harvest source type `dcat_ap_se`):

- a harvested dataset arrives private, whatever the source says; an update
  keeps the dataset's own `private` and classification (a dataset an admin
  has classified and published stays so; the source carries neither);
- its owner organisation is the one of the publisher's orgnr
  (`parsing.Parser.organisation`), else the harvest source's; a dataset
  with neither is reported as an error of its harvest object and not stored;
- its address (`name`) is derived from its title and unique, as the form's
  (`validators.name_from_title`, `_free_name`), and kept on update;
- a dataset whose harvested content did not change since the last import is
  not saved again (`not modified`, its metadata_modified unchanged);
- the existing dataset of a harvested one is found by its harvest objects
  (the guid is the source's URI, else dct:identifier), not by a `guid`
  extra, which the schema does not hold; it keeps the source's URI and
  dct:identifier (`uri`, `identifier`), written back by /datasets/dcat;
- dataset series and data services come with the datasets, in that order,
  and their links (in_series, serves_dataset, access_service) are resolved
  at import to what is here (`links`); one that names nothing yet is left
  out and made on a later run, when it does.

Its own messages are stored in both languages (the job page shows them to
whoever reads it): `messages.render` in Swedish, then English.
"""
from __future__ import annotations

import json
import logging
import sys
from typing import Any

from ckan import model
from ckan import plugins as p
from ckan.plugins import toolkit
from rdflib import URIRef

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.dcat.processors import RDFParser
from ckanext.harvest.model import HarvestObject

from ckanext.gbgopendata import classification, messages
from ckanext.gbgopendata.logic import harvest_sources
from ckanext.gbgopendata.messages import N_

log = logging.getLogger(__name__)

HARVESTER_NAME = "dcat_ap_se"
PROFILES = ["dcat_ap_se"]
# Keys of the harvested dict that are the harvester's, not fields of the
# schema: dropped before the save (the schema refuses unknown fields).
HARVEST_ONLY_KEYS = ("extras",)
# What a source brings: datasets, dataset series, data services.
HARVESTED_TYPES = ("dataset", "dataset_series", "dataservice")


def both_languages(message: messages.Message) -> str:
    """A message as the job page shows it: Swedish, then English."""
    sv, en = messages.render(message, "sv"), messages.render(message, "en")
    return sv if sv == en else f"{sv} / {en}"


class _DcatApSeParser(RDFParser):
    """The parsed graph read through the `dcat_ap_se` profile only; each
    dataset with the keys ckanext-dcat's gather stage needs: a provisional
    `name` (the address is given at import), `extras` (the guid) and the
    source's URI as `uri` when the profile keeps none."""

    def __init__(self, graph) -> None:
        super().__init__(profiles=PROFILES)
        self.g = graph

    def _refs(self):
        """Series, then data services, then datasets: objects are imported
        in the order gathered, so a dataset's series and a distribution's
        service are here when it is saved (a service's served datasets are
        linked when they are, on the next run: `_links_as_stored`)."""
        from rdflib.namespace import DCAT, RDF

        from ckanext.gbgopendata.dcat import series

        series_refs = series.series_refs(self.g)
        service_refs = sorted(set(self.g.subjects(RDF.type, DCAT.DataService)), key=str)
        dataset_refs = sorted(set(self._datasets()) - set(series_refs) - set(service_refs), key=str)
        return series_refs + service_refs + dataset_refs

    def datasets(self):
        from rdflib.namespace import DCAT, RDF

        from ckanext.gbgopendata.dcat.parsing import Parser
        from ckanext.gbgopendata.logic.validators import name_from_title

        for ref in self._refs():
            dataset: dict[str, Any] = {}
            if (ref, RDF.type, DCAT.DataService) in self.g:
                dataset = Parser(self.g).service(ref)
            else:
                for profile_class in self._profiles:
                    profile_class(self.g, dataset_type=self.dataset_type,
                                  compatibility_mode=self.compatibility_mode).parse_dataset(dataset, ref)
            # Links to other packages as the source's URIs, resolved at import
            # (`links`): the harvested content stays the same from run to run.
            in_series = sorted(str(o) for o in self.g.objects(ref, DCAT.inSeries) if isinstance(o, URIRef))
            if in_series:
                dataset["in_series"] = in_series[0]
            if "serves_dataset" in dataset:
                dataset["serves_dataset"] = sorted(
                    str(o) for o in self.g.objects(ref, DCAT.servesDataset) if isinstance(o, URIRef))
            for resource in dataset.get("resources") or []:
                service = self.g.value(URIRef(resource["uri"]), DCAT.accessService) if resource.get("uri") else None
                if isinstance(service, URIRef):
                    resource["access_service"] = str(service)
            dataset.setdefault("resources", [])  # ckanext-dcat's update reads them (none for a series, a service)
            if isinstance(ref, URIRef) and not dataset.get("uri"):
                dataset["uri"] = str(ref)
            title = dataset.get("title_translated") or {}
            dataset["name"] = name_from_title(title.get("sv") or title.get("en") or str(ref))
            dataset.setdefault("extras", [])
            yield dataset


def readable_errors(error_dict: Any, lang: str, prefix: str = "") -> str:
    """A ValidationError's error_dict as one line in `lang`: `field:
    reason`, a distribution's by its number (`resources 2 url: …`). The
    reasons were rendered where the save ran (a job: English msgids); each
    that is a msgid without placeholders is given in `lang`."""
    parts = []
    if isinstance(error_dict, dict):
        for field in sorted(error_dict, key=str):
            if str(field).startswith("__"):
                continue
            parts.append(readable_errors(error_dict[field], lang, f"{prefix}{field} "))
    elif isinstance(error_dict, list):
        if all(isinstance(item, str) for item in error_dict):
            return f"{prefix.strip()}: " + " ".join(_reason_in(item, lang) for item in error_dict) if error_dict else ""
        for number, item in enumerate(error_dict, start=1):
            if item:
                parts.append(readable_errors(item, lang, f"{prefix}{number} "))
    else:
        return f"{prefix.strip()}: {_reason_in(str(error_dict), lang)}"
    return "; ".join(part for part in parts if part)


def _reason_in(text: str, lang: str) -> str:
    if "{" in text or "}" in text:
        return text
    return messages.render(messages.Message(text), lang)


def _title_of(harvest_object) -> str:
    try:
        title = json.loads(harvest_object.content or "{}").get("title_translated") or {}
    except ValueError:
        title = {}
    return title.get("sv") or title.get("en") or harvest_object.guid or harvest_object.id


def _unresolved(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def links(dataset: dict[str, Any]) -> dict[str, Any]:
    """The dataset with its links to other packages (in_series, a service's
    serves_dataset, a distribution's access_service) that are still source
    URIs resolved to what is here now; one naming nothing here is left
    out, so the rest is stored (and `_links_as_stored` retries it)."""
    from ckanext.gbgopendata.dcat import series, services

    dataset = dict(dataset)
    if _unresolved(dataset.get("in_series")):
        found = series.resolve(dataset["in_series"])
        if found:
            dataset["in_series"] = found
        else:
            dataset.pop("in_series")
    if isinstance(dataset.get("serves_dataset"), list):
        served = [services._id_from(v, "dataset") if _unresolved(v) else v for v in dataset["serves_dataset"]]
        dataset["serves_dataset"] = [v for v in served if not _unresolved(v)]
    resources = []
    for resource in dataset.get("resources") or []:
        resource = dict(resource)
        if _unresolved(resource.get("access_service")):
            found = services._id_from(resource["access_service"], "dataservice")
            if _unresolved(found):
                resource.pop("access_service")
            else:
                resource["access_service"] = found
        resources.append(resource)
    if "resources" in dataset:
        dataset["resources"] = resources
    return dataset


def _link_values(dataset: dict[str, Any]) -> tuple:
    """What a package links to, as stored."""
    from ckanext.gbgopendata.dcat import services

    return (
        dataset.get("in_series") or None,
        sorted(services._list(dataset.get("serves_dataset"))),
        sorted((r.get("uri") or r.get("url") or "", r.get("access_service") or "")
               for r in dataset.get("resources") or [] if isinstance(r, dict)),
    )


def _links_as_stored(dataset: dict[str, Any], package_id: str) -> bool:
    """Whether the links of the harvested content, resolved now, are those
    the stored package has (else a link the last import had to leave out
    names a package that is here now: the content is not unchanged)."""
    stored = toolkit.get_action("package_show")(_site_context(), {"id": package_id})
    return _link_values(links(dataset)) == _link_values(stored)


def _schema_fields(dataset_type: str = "dataset") -> set[str]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return {f["field_name"] for f in schema.get("dataset_fields") or []}


def _site_context() -> dict[str, Any]:
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


class DcatApSeHarvester(DCATRDFHarvester):
    p.implements(IDCATRDFHarvester, inherit=True)

    def info(self) -> dict[str, str]:
        return {
            "name": HARVESTER_NAME,
            "title": "DCAT-AP-SE",
            "description": toolkit._(
                "A DCAT-AP-SE catalogue (RDF/XML, Turtle, JSON-LD): datasets arrive private and are published "
                "through the checklist"
            ),
        }

    def _save_object_error(self, message, obj, stage="Fetch", line=None):
        """A harvest object's error as the job page lists it. ckanext-dcat
        reports a refused save by CKAN's error summary ("Package
        resource(s) invalid"); called while that ValidationError is handled,
        the portal's own reasons are given instead, by field."""
        from ckanext.harvest.model import HarvestObjectError

        handled = sys.exc_info()[1]
        if isinstance(handled, toolkit.ValidationError) and isinstance(handled.error_dict, dict):
            dataset = _title_of(obj)
            sv, en = (messages.render(N_("{title}: not stored, the portal refused it: {reasons}", title=dataset,
                                         reasons=readable_errors(handled.error_dict, lang)), lang)
                      for lang in ("sv", "en"))
            message = f"{sv} / {en}"
        return HarvestObjectError.create(message, obj, stage, line)

    # --- gather: always the dcat_ap_se profile ------------------------------------------

    def after_parsing(self, rdf_parser, harvest_job):
        if harvest_job.source.type != HARVESTER_NAME or rdf_parser is None:
            return rdf_parser, []
        return _DcatApSeParser(rdf_parser.g), []

    # --- import ------------------------------------------------------------------------

    # The source of the harvest object being imported (one at a time: a fetch
    # consumer imports its objects one after the other).
    _importing_source: str | None = None

    def _get_existing_dataset(self, guid):
        """The active dataset this source last imported for this guid, read
        as the site user (a harvested dataset is private). Another source's
        dataset of the same URI is not this source's to update."""
        query = (
            model.Session.query(HarvestObject.package_id)
            .join(model.Package, model.Package.id == HarvestObject.package_id)
            .filter(HarvestObject.guid == guid)
            .filter(model.Package.state == "active")
            .filter(model.Package.type.in_(HARVESTED_TYPES))
        )
        if self._importing_source is not None:
            query = query.filter(HarvestObject.harvest_source_id == self._importing_source)
        row = query.order_by(HarvestObject.import_finished.desc().nullslast()).first()
        if row is None:
            return None
        return toolkit.get_action("package_show")(_site_context(), {"id": row[0]})

    def import_stage(self, harvest_object):
        if harvest_object.source.type != HARVESTER_NAME:
            return super().import_stage(harvest_object)
        if self._get_object_extra(harvest_object, "status") == "delete" or harvest_object.content is None:
            return super().import_stage(harvest_object)
        try:
            dataset = json.loads(harvest_object.content)
        except ValueError:
            return super().import_stage(harvest_object)
        title = _title_of(harvest_object)
        if not dataset.get("owner_org"):
            self._save_object_error(
                both_languages(N_(
                    "{title}: not stored. Its publisher has no organisation number of an organisation of the "
                    "portal, and the harvest source has no organisation",
                    title=title,
                )),
                harvest_object, "Import",
            )
            return False
        if self._unchanged(harvest_object, dataset):
            return "unchanged"
        self._importing_source = harvest_object.harvest_source_id
        try:
            return super().import_stage(harvest_object)
        finally:
            self._importing_source = None

    def _unchanged(self, harvest_object, dataset: dict) -> bool:
        """The same content as the dataset's last import: the object becomes
        the current one, and nothing is saved."""
        previous = (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .filter(HarvestObject.id != harvest_object.id)
            .filter(HarvestObject.package_id.isnot(None))
            .first()
        )
        if previous is None or previous.content is None:
            return False
        package = model.Package.get(previous.package_id)
        if package is None or package.state != "active":
            return False
        try:
            before = json.loads(previous.content)
        except ValueError:
            return False
        for content in (before, dataset):
            content.pop("name", None)
        if before != dataset or not _links_as_stored(dataset, previous.package_id):
            return False
        previous.current = False
        harvest_object.current = True
        harvest_object.package_id = previous.package_id
        model.Session.add(previous)
        model.Session.add(harvest_object)
        model.Session.commit()
        return True

    def modify_package_dict(self, package_dict, dcat_dict, harvest_object):
        if harvest_object.source.type != HARVESTER_NAME:
            return package_dict
        dataset_type = package_dict.get("type") if package_dict.get("type") in HARVESTED_TYPES else "dataset"
        fields = _schema_fields(dataset_type)
        for key in HARVEST_ONLY_KEYS:
            package_dict.pop(key, None)
        for key in ("uri", "identifier"):
            if key not in fields:
                package_dict.pop(key, None)
        package_dict.update(links(package_dict))
        package_dict["type"] = dataset_type
        # Private whatever the source says; the classification is the city's.
        package_dict["private"] = True
        for name in classification.CLASSIFICATION_FIELDS:
            package_dict.pop(name, None)
        return package_dict

    def before_create(self, harvest_object, dataset_dict, temp_dict):
        from ckanext.gbgopendata.logic.validators import _free_name, name_from_title

        title = dataset_dict.get("title_translated") or {}
        dataset_dict["name"] = _free_name(
            name_from_title(title.get("sv") or title.get("en") or ""), model.Session)

    def after_create(self, harvest_object, dataset_dict, temp_dict):
        """A new dataset of a trusted source is published as the open data
        it already is (`publish_from_trusted_source`); what stops it stays
        listed on the job page, and the dataset stays private."""
        source = harvest_object.source
        if source.type != HARVESTER_NAME or not harvest_sources.is_trusted(source.config):
            return None
        problem = publish_from_trusted_source(dataset_dict["id"], source)
        if problem:
            self._save_object_error(problem, harvest_object, "Import")
        return None

    def before_update(self, harvest_object, dataset_dict, temp_dict):
        # The dataset keeps its own `private` and classification: an update
        # from the source never publishes nor unpublishes, nor declassifies.
        existing = toolkit.get_action("package_show")(_site_context(), {"id": dataset_dict["id"]})
        dataset_dict["private"] = existing.get("private", True)
        for name in classification.LEVEL_FIELDS:
            if existing.get(name) not in (None, ""):
                dataset_dict[name] = existing[name]


# --- trusted sources ---------------------------------------------------------------------


def publish_from_trusted_source(dataset_id: str, source: Any) -> str | None:
    """Publishes a dataset harvested from a trusted source as the sysadmin
    who marked the source trusted (still a sysadmin): classified at
    confidentiality 0 with the source's levels, every confirmed item of the
    checklist confirmed with the source named in its comment (the history
    records it), then published through the checklist's own step, so the
    rule decides as for any publication. Returns why it stays private."""
    from ckanext.gbgopendata import checklist
    from ckanext.gbgopendata.logic import checklist as checklist_actions

    config = harvest_sources.source_config(source.config)
    user = model.User.get(config.get(harvest_sources.TRUSTED_BY_KEY) or "")
    title = source.title or source.url
    if user is None or not user.sysadmin or user.state != "active":
        return both_languages(N_(
            "Not published: the source {source} was marked trusted by someone who is no longer a sysadmin",
            source=title))
    context = {"user": user.name, "auth_user_obj": user}
    levels = config.get(harvest_sources.LEVELS_KEY) or {}
    comment = both_languages(N_("Harvested from the trusted source of open data {source} ({url}), marked trusted "
                                "by {user}", source=title, url=source.url, user=user.display_name or user.name))
    try:
        toolkit.get_action("package_patch")(dict(context), {
            "id": dataset_id, "confidentiality_level": "0",
            **{field: str(levels[field]) for field in harvest_sources.TRUSTED_LEVELS}})
        items = [{"id": item.id, "confirmed": True, "comment": comment}
                 for item in checklist.current().items if not item.automatic]
        if items:
            toolkit.get_action("gbg_checklist_update")(dict(context), {"id": dataset_id, "items": items})
        checklist_actions.publish_package(model.Package.get(dataset_id), dict(context))
    except toolkit.ValidationError as error:
        model.Session.rollback()
        return " / ".join(messages.render(N_("Not published from the trusted source: {reasons}",
                                             reasons=readable_errors(error.error_dict, lang)), lang)
                          for lang in ("sv", "en"))
    return None
