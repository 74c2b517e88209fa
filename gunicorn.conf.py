"""gunicorn's settings for `make serve` and bench/load.py (gunicorn reads this file from the
folder it starts in). Everything can be overridden on the command line or by environment."""

import multiprocessing
import os

# Sync workers, one request each. Pages are CPU-bound Python with short waits on the database
# (and Elasticsearch): gunicorn's rule of thumb, two per core plus one, keeps the cores busy
# while some workers wait. WEB_CONCURRENCY overrides it (e.g. on a machine with little memory:
# each worker holds about 150–250 MB once jieba's dictionary is loaded).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A search or an export on a large archive may take a few seconds; nothing legitimate takes a
# minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The reverse proxy writes the access log; gunicorn's errors go to the console.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# X-Forwarded-* are trusted from these addresses only (the reverse proxy on the same machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
