"""Django's Redis cache, keeping one client per connection pool.

Django's client builds a new `redis.Redis` (with its table of ~150 response callbacks) for
every cache operation; the session of each request is a cache read. `redis.Redis` is
thread-safe over its pool, so one per pool is enough."""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
