"""The WSGI application for a production server (gunicorn, uWSGI), as in
CKAN's deployment documentation: the configuration file is named by
CKAN_INI."""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config = CKANConfigLoader(os.environ.get("CKAN_INI", "/etc/ckan/default/ckan.ini")).get_config()
application = make_app(config)
