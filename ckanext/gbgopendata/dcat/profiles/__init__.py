"""ckanext-dcat profiles of Göteborgs Stad's catalogue, one module per
profile, each registered as a `ckan.rdf.profiles` entry point
(pyproject.toml) and named in `ckanext.dcat.rdf.profiles`. `dcat_ap_se` is
the one to configure (it replaced the earlier `gbgopendata_licenses`)."""
from ckanext.gbgopendata.dcat.profiles.dcat_ap_se import DcatApSeProfile

__all__ = ["DcatApSeProfile"]
