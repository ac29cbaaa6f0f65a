import pytest
from lru_cache_lite import LRUCache


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LRUCache(0)
    assert LRUCache(1).capacity == 1


def test_get_miss_returns_default_and_counts() -> None:
    cache = LRUCache(2)
    assert cache.get("a") is None
    assert cache.get("a", 7) == 7
    assert (cache.hits, cache.misses) == (0, 2)


def test_put_then_get() -> None:
    cache = LRUCache(2)
    assert cache.put("a", 1) is None
    assert cache.get("a") == 1
    assert (cache.hits, cache.misses) == (1, 0)
    assert len(cache) == 1


def test_put_beyond_capacity_evicts_oldest() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.put("c", 3) == "a"
    assert cache.keys() == ["b", "c"]
    assert len(cache) == 2


def test_get_refreshes_recency() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    assert cache.put("c", 3) == "b"
    assert cache.keys() == ["a", "c"]


def test_put_existing_key_updates_and_refreshes() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.put("a", 10) is None
    assert cache.keys() == ["b", "a"]
    assert cache.put("c", 3) == "b"
    assert cache.peek("a") == 10


def test_capacity_one() -> None:
    cache = LRUCache(1)
    assert cache.put("a", 1) is None
    assert cache.put("b", 2) == "a"
    assert cache.get("a") is None
    assert cache.get("b") == 2


def test_peek_does_not_touch_recency_or_counters() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.peek("a") == 1
    assert (cache.hits, cache.misses) == (0, 0)
    assert cache.put("c", 3) == "a"


def test_peek_missing_raises() -> None:
    with pytest.raises(KeyError):
        LRUCache(1).peek("x")


def test_resize_down_evicts_oldest_first() -> None:
    cache = LRUCache(4)
    for key in "abcd":
        cache.put(key, key.upper())
    assert cache.resize(2) == ["a", "b"]
    assert cache.keys() == ["c", "d"]
    assert cache.put("e", "E") == "c"


def test_resize_up_keeps_everything() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.resize(3) == []
    assert cache.resize(2) == []
    assert cache.put("c", 3) == "a"
    assert cache.capacity == 2


def test_resize_rejects_zero() -> None:
    cache = LRUCache(2)
    with pytest.raises(ValueError):
        cache.resize(0)
    assert cache.capacity == 2


def test_hit_rate() -> None:
    cache = LRUCache(2)
    assert cache.hit_rate() == 0
    cache.put("a", 1)
    cache.get("a")
    assert cache.hit_rate() == 100
    cache.get("b")
    cache.get("c")
    assert cache.hit_rate() == 33
    cache.get("a")
    assert cache.hit_rate() == 50


def test_hit_rate_all_misses() -> None:
    cache = LRUCache(2)
    cache.get("x")
    assert cache.hit_rate() == 0


def test_resize_to_one_keeps_most_recent() -> None:
    cache = LRUCache(3)
    for key in "abc":
        cache.put(key, 0)
    cache.get("a")
    assert cache.resize(1) == ["b", "c"]
    assert cache.keys() == ["a"]
