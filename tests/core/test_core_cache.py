import os

from sportello.core.cache import RedisCache


def redis_cache() -> RedisCache:
    location = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    return RedisCache(location, {"KEY_PREFIX": "test-core-cache"})


def test_the_redis_cache_stores_and_reads_back():
    cache = redis_cache()
    cache.set("session", {"user": 7}, 30)
    assert cache.get("session") == {"user": 7}
    cache.delete("session")
    assert cache.get("session") is None


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    client = redis_cache()._cache
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client(write=True) is client.get_client()  # one server: one pool
