"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient.get_client builds a new `redis.Redis` for every cache
operation, and building one copies redis-py's table of response callbacks: 48 µs
of CPU, twice what the round trip to Redis costs (docs/BENCHMARKS.md). Every API
request makes two or three such operations (the throttle, the token look-up, the
limits on writing). A redis-py client is safe to share between threads; it holds
nothing but its pool, which Django already keeps for the life of the process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
