"""DCAT profiles of ckanext-gbgopendata (registered as ckan.rdf.profiles)."""
