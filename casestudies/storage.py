"""Storage for case-file documents: a folder outside MEDIA_ROOT with no URL at all."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_MEDIA_ROOT``; ``url()`` is empty (no public address)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # Empty, not an error: form widgets ask for it. The case-file admin streams the file.
        return ""


private_storage = PrivateStorage()
