"""Channel secrets (WeChat AppSecret, Weibo access token, webhook signing keys), sealed at rest.

The database holds a Fernet token (AES-128-CBC with HMAC-SHA256, from ``cryptography``) of each
secret, never the secret. ``CHANNEL_SECRET_KEYS`` lists the keys, newest first: the first one
encrypts, every one decrypts (``MultiFernet``), so a key is replaced by putting the new one
first, running ``manage.py rotate_channel_secrets`` (which re-encrypts every secret with it),
then removing the old one. Without ``CHANNEL_SECRET_KEYS`` (development, tests) a key derived
from a public string is used: it protects nothing, and production refuses to start without
real keys.

``SecretField`` is the model field: Python code sees the secret, the column holds the token. A
stored token no key opens reads as an ``UnreadableSecret`` (empty, so nothing is sent with
it), which is written back unchanged if the channel is saved, and which the channel form and
the delivery report explain in Chinese instead of failing.
"""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

UNREADABLE = (
    "已保存的密钥无法解密：服务器的加密密钥（CHANNEL_SECRET_KEYS）不是加密它时所用的。"
    "请管理员恢复原来的加密密钥，或在渠道设置中重新填写密钥。"
)


def development_key() -> bytes:
    """The insecure key used when ``CHANNEL_SECRET_KEYS`` is not set (public, derived from a
    fixed string): fine for a laptop and tests, never for real secrets."""
    digest = hashlib.sha256(settings.DEVELOPMENT_CHANNEL_SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def parse_keys(keys):
    """The Fernet objects of ``keys`` (strings); ImproperlyConfigured naming the bad one."""
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode() if isinstance(key, str) else key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"CHANNEL_SECRET_KEYS: key {number} is not a Fernet key (32 bytes, url-safe "
                "base64); make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`."
            ) from None
    return fernets


@functools.lru_cache(maxsize=4)
def _multi(keys):
    return MultiFernet(parse_keys(keys or (development_key(),)))


def _fernet():
    return _multi(tuple(settings.CHANNEL_SECRET_KEYS))


def encrypt(secret: str) -> str:
    """The token of ``secret`` under the first key; "" stays "" (no secret set)."""
    if not secret:
        return ""
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The secret in ``token``; ``InvalidToken`` when no key opens it."""
    if not token:
        return ""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """``token`` re-encrypted with the first key; ``InvalidToken`` when no key opens it."""
    if not token:
        return ""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def is_token(value: str) -> bool:
    """Whether ``value`` is a token one of the keys opens."""
    try:
        decrypt(value)
    except (InvalidToken, UnicodeError, ValueError):
        return False
    return True


class UnreadableSecret(str):
    """A stored token no configured key opens. Empty as a string (so no request is ever made
    with it); ``token`` keeps the stored value, written back unchanged on save."""

    def __new__(cls, token):
        value = super().__new__(cls, "")
        value.token = token
        return value

    def __repr__(self):
        return "UnreadableSecret()"


def is_unreadable(value) -> bool:
    return isinstance(value, UnreadableSecret)


class SecretField(models.TextField):
    """A secret kept encrypted in its column (a ``TextField``: tokens are about 1.4 times the
    secret plus 80 characters). ``max_length`` limits what may be typed, not the column."""

    def from_db_value(self, value, expression, connection):
        return self._open(value)

    def _open(self, value):
        if not value:
            return ""
        try:
            return decrypt(value)
        except (InvalidToken, UnicodeError, ValueError):
            return UnreadableSecret(value)

    def to_python(self, value):
        # What forms and fixtures give: the secret itself, or (loaddata of a dump) a token.
        if value is None or is_unreadable(value):
            return value
        value = str(value)
        return decrypt(value) if is_token(value) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if is_unreadable(value):
            return value.token
        return encrypt(value or "")

    def value_to_string(self, obj):
        # Dumps (dumpdata) hold the token, never the secret.
        return self.get_prep_value(self.value_from_object(obj))
