"""Settings for the test suite: fast hashing, plain static storage, no network."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "jingjian-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "jingjian.core.storage.TokenNamedStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Elasticsearch is opt-in per test (the ``search_engine`` fixture): the URL CI provides is kept
# aside so ordinary tests index into the database backend only.
TEST_ELASTICSEARCH_URL = ELASTICSEARCH_URL  # noqa: F405
ELASTICSEARCH_INDEX_PREFIX = "jingjian_test"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "jingjian.search.backends"}}

# Caching: the Redis URL CI provides is kept aside for the tests that ask for it (the
# ``redis_url`` fixture); the others use memory, per test process, emptied before every test
# (tests/conftest.py).
TEST_REDIS_URL = REDIS_URL  # noqa: F405
# Caching: in memory, per test process, emptied before every test (tests/conftest.py).
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ("default", "pages")
}
