"""ckanext-dcat profiles of Göteborgs Stad's catalogue, one module per
profile, each registered as a `ckan.rdf.profiles` entry point
(pyproject.toml) and named in `ckanext.dcat.rdf.profiles`.

`dcat_ap_se` is the profile to configure; it absorbed `gbgopendata_licenses`,
which stays registered only until every existing config names `dcat_ap_se`
(a config naming an unregistered profile fails at start-up)."""
from ckanext.gbgopendata.dcat.profiles.dcat_ap_se import DcatApSeProfile
from ckanext.gbgopendata.dcat.profiles.licenses import GbgOpenDataLicenseProfile

__all__ = ["DcatApSeProfile", "GbgOpenDataLicenseProfile"]
