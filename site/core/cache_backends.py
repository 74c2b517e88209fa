"""A Redis cache that a stopped Redis cannot break: for the "default" alias, which Wagtail and
Django read on every request (the sites' root paths, for one). A read that cannot reach Redis
finds nothing and a write does nothing; each is logged. The page cache ("pages") uses Django's
backend as it is: ``jingjian.core.page_cache`` handles its failures itself."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(TolerantRedisCache, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("jingjian.cache.E001 Redis unreachable in %s: %r", name, error)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _default_argument(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", _default_argument)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    has_key = _tolerant("has_key", lambda *a, **k: False)
    add = _tolerant("add", lambda *a, **k: False)
    set = _tolerant("set", lambda *a, **k: None)
    set_many = _tolerant("set_many", lambda keys, *a, **k: list(keys))
    touch = _tolerant("touch", lambda *a, **k: False)
    delete = _tolerant("delete", lambda *a, **k: False)
    delete_many = _tolerant("delete_many", lambda *a, **k: None)
    clear = _tolerant("clear", lambda *a, **k: False)
