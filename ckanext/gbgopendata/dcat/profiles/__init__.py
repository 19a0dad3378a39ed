"""ckanext-dcat profiles of Göteborgs Stad's catalogue, one module per
profile, each registered as a `ckan.rdf.profiles` entry point
(pyproject.toml) and named in `ckanext.dcat.rdf.profiles`."""
from ckanext.gbgopendata.dcat.profiles.licenses import GbgOpenDataLicenseProfile

__all__ = ["GbgOpenDataLicenseProfile"]
