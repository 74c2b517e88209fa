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
