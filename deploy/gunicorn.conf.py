"""gunicorn's settings for the portal (`make serve-prod`, or
`CKAN_INI=/etc/ckan/default/ckan.ini gunicorn -c deploy/gunicorn.conf.py`).
See docs/deployment.md; the values follow CKAN's uWSGI deployment
(ckan-uwsgi.ini: a master with several processes, max-requests, a request
time limit) with gunicorn's names. WORKERS and BIND override by environment."""
import logging
import os

# deploy/wsgi.py: the application CKAN_INI configures.
pythonpath = os.path.dirname(os.path.abspath(__file__))
wsgi_app = "wsgi:application"

bind = os.environ.get("BIND", "127.0.0.1:5000")
# Synchronous workers, one request each: CKAN's SQLAlchemy session and Flask
# globals are per thread, and a slow request then blocks only its worker.
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "sync"

# Each worker loads the app itself (no preload_app): database and Redis
# connections must not be shared across the fork.
preload_app = False

# A request may take this long before its worker is killed and replaced;
# longer than /datasets/dcat takes for the whole catalogue on a cold cache.
timeout = 300
graceful_timeout = 30
# Requests on a kept-alive connection from the proxy in front.
keepalive = 5

# Workers are replaced after about this many requests (CKAN's uWSGI setting),
# at staggered moments so that they do not all restart together.
max_requests = 5000
max_requests_jitter = 500

# Access log on stdout with the time each request took (ms), errors on stderr.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The proxy in front (same machine by default) may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "gbgopendata"


def post_worker_init(worker):
    # Loading CKAN's configuration (CKANConfigLoader) applies the ini's logging
    # sections with logging.config.fileConfig, which disables every logger the
    # ini does not name: gunicorn's access and error log in each worker.
    for name in ("gunicorn.access", "gunicorn.error"):
        logging.getLogger(name).disabled = False
