"""Settings for a developer's laptop: `make run`."""

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
