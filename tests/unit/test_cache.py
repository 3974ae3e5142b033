from tenantapi.metadata.cache import LRUCache


def test_cached_value_is_built_once_per_key():
    cache: LRUCache[str, int] = LRUCache(2)
    builds = []
    assert cache.get_or_build("a", lambda: builds.append("a") or 1) == 1
    assert cache.get_or_build("a", lambda: builds.append("a") or 2) == 1
    assert builds == ["a"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_least_recently_used_entry_is_evicted_past_the_bound():
    cache: LRUCache[str, int] = LRUCache(2)
    cache.get_or_build("a", lambda: 1)
    cache.get_or_build("b", lambda: 2)
    cache.get_or_build("a", lambda: 1)  # a is now the most recent
    cache.get_or_build("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get_or_build("b", lambda: 20) == 20  # b was evicted and is rebuilt
