"""File names that say nothing: every new upload (image originals, renditions, documents) is
stored under a random token keeping its extension, never a name derived from its title.

A portrait uploaded as 王建军.jpg, or named after a person by a script, would otherwise be stored
as ``original_images/Wang_Jian_Jun.jpg`` (or a hash of the title): an address anyone who knows
the name can compute, whoever may see the image. ``manage.py rename_media_files`` gives files
stored before this their token names.
"""

import posixpath
import re
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

TOKEN_BYTES = 16
TOKEN_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,10})?$")
EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def token_name(name):
    """``name`` with its file name replaced by a random token (folder and extension kept)."""
    folder, base = posixpath.split(name.replace("\\", "/"))
    extension = posixpath.splitext(base)[1].lower()
    if not EXTENSION.fullmatch(extension):
        extension = ""
    return posixpath.join(folder, secrets.token_hex(TOKEN_BYTES) + extension)


def is_token_name(name):
    return bool(TOKEN_NAME.match(posixpath.basename(name)))


@deconstructible
class TokenNamedStorage(FileSystemStorage):
    """``FileSystemStorage`` under MEDIA_ROOT that names every new file by a random token."""

    def generate_filename(self, filename):
        return super().generate_filename(token_name(filename))
