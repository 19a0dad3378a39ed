"""Which dataset types the catalogue has: those whose scheming schema runs
the publication rule. A dataset of any other type would be validated by
CKAN's default schema, past the rule, so it may not be written and may not
be public (fail closed: a new schema without the rule is not trusted)."""
from __future__ import annotations

RULE_VALIDATOR = "gbgopendata_publication_rule"
# CKAN's type for a dataset that names none.
DEFAULT_TYPE = "dataset"
# DCAT-AP-SE's dcat:DataService (schemas/dataservice.yaml): a service has an
# endpoint and no distributions of its own.
SERVICE_TYPE = "dataservice"

# A dataset series (dcat:DatasetSeries, schemas/dataset_series.yaml): no
# distributions of its own, at most MAX_SERIES_MEMBERS datasets name it in
# `in_series` (DIGG's recommendation for DCAT-AP-SE), never in a series.
SERIES_TYPE = "dataset_series"
MAX_SERIES_MEMBERS = 50


def is_series(dataset) -> bool:
    return (dataset.get("type") or DEFAULT_TYPE) == SERIES_TYPE


# ckanext-harvest's harvest sources are packages of this type, with its own
# schema (not scheming's, so not under the rule): no dataset of the
# catalogue. Written by sysadmins only, always private, labelled for no one
# (only sysadmins see them), never in the open catalogue (logic/save.py,
# logic/visibility.py).
HARVEST_SOURCE_TYPE = "harvest"


def types_under_the_rule() -> list[str]:
    from ckanext.scheming.helpers import scheming_dataset_schemas

    types = []
    for dataset_type, schema in (scheming_dataset_schemas() or {}).items():
        after = schema.get("after_validators") or ""
        names = after.split() if isinstance(after, str) else list(after)
        if RULE_VALIDATOR in names:
            types.append(dataset_type)
    return types
