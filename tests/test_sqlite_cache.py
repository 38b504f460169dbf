"""The embedded default's caches (newsroom/sqlitecache.py): Django's cache contract, culling,
and one file shared by processes that count, add and fork at once."""

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from newsroom.sqlitecache import SQLiteCache

PROCESSES = 4


@pytest.fixture
def location(tmp_path):
    """A cache file in a folder that does not exist yet."""
    return tmp_path / "cache" / "test.sqlite3"


@pytest.fixture
def make_cache(settings, location):
    """A cache configured as settings.py configures one."""

    def make(**options):
        settings.CACHES = {
            **settings.CACHES,
            "test": {
                "BACKEND": "newsroom.sqlitecache.SQLiteCache",
                "LOCATION": str(location),
                "OPTIONS": options,
            },
        }
        return caches["test"]

    return make


@pytest.fixture
def cache(make_cache):
    return make_cache()


def expire():
    """Wait out the short timeouts these tests give."""
    time.sleep(0.3)


SHORT = 0.2


# The contract ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [0, -7, 2**70, True, 1.5, "headline", b"\x00bytes", None, {"dek": ["a", 1]}, ("t", {1})],
)
def test_get_returns_the_value_set_with_its_type(cache, value):
    cache.set("story", value)
    stored = cache.get("story", "missing")
    assert stored == value
    assert type(stored) is type(value)


def test_get_returns_the_default_for_a_missing_key(cache):
    assert cache.get("nothing") is None
    assert cache.get("nothing", "default") == "default"


def test_set_replaces_the_value(cache):
    cache.set("headline", "first")
    cache.set("headline", "second")
    assert cache.get("headline") == "second"


def test_keys_carry_the_version(cache):
    cache.set("headline", "old", version=1)
    cache.set("headline", "new", version=2)
    assert cache.get("headline", version=1) == "old"
    assert cache.get("headline", version=2) == "new"
    assert cache.incr_version("headline", version=2) == 3
    assert cache.get("headline", version=3) == "new"


def test_any_string_is_a_key(cache):
    """No memcached limits here: spaces, control characters and long keys are kept apart."""
    keys = ["a key with spaces", "tab\there", "k" * 400, "k" * 401]
    cache.set_many({key: n for n, key in enumerate(keys)})
    assert cache.get_many(keys) == {key: n for n, key in enumerate(keys)}


def test_get_many_returns_the_live_keys_found(cache):
    cache.set_many({"a": 1, "b": "two"})
    cache.set("gone", 3, timeout=SHORT)
    expire()
    assert cache.get_many(["a", "b", "gone", "never"]) == {"a": 1, "b": "two"}
    assert cache.get_many([]) == {}


def test_get_many_reads_more_keys_than_one_query_takes(cache):
    many = {f"v:article:{pk}": pk for pk in range(2500)}
    assert cache.set_many(many) == []
    assert cache.get_many([*many, "never"]) == many
    cache.delete_many(many)
    assert cache.get_many(many) == {}


def test_add_stores_only_where_no_live_value_is(cache):
    assert cache.add("clock", 1) is True
    assert cache.add("clock", 2) is False
    assert cache.get("clock") == 1
    cache.set("expiring", "old", timeout=SHORT)
    expire()
    assert cache.add("expiring", "new") is True
    assert cache.get("expiring") == "new"


def test_incr_and_decr_count_from_the_stored_value(cache):
    cache.set("hits", 10)
    assert cache.incr("hits") == 11
    assert cache.incr("hits", 5) == 16
    assert cache.decr("hits", 20) == -4
    assert cache.get("hits") == -4


def test_incr_of_a_missing_or_expired_key_raises_value_error(cache):
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("expiring", 1, timeout=SHORT)
    expire()
    with pytest.raises(ValueError):
        cache.incr("expiring")


def test_incr_adds_to_values_that_are_not_integers_as_python_does(cache):
    cache.set("ratio", 1.5)
    assert cache.incr("ratio") == 2.5
    cache.set("big", 2**70)
    assert cache.incr("big") == 2**70 + 1
    cache.set("headline", "text")
    with pytest.raises(TypeError):
        cache.incr("headline")
    assert cache.get("headline") == "text"


def test_incr_keeps_the_timeout(cache):
    cache.set("hits", 1, timeout=SHORT)
    cache.incr("hits")
    expire()
    assert cache.get("hits") is None


def test_delete_says_whether_there_was_a_key(cache):
    cache.set("headline", "text")
    assert cache.delete("headline") is True
    assert cache.delete("headline") is False
    assert cache.get("headline") is None


def test_has_key_sees_only_live_keys(cache):
    cache.set("live", 1)
    cache.set("expiring", 1, timeout=SHORT)
    expire()
    assert cache.has_key("live")
    assert not cache.has_key("expiring")
    assert "live" in cache


def test_touch_gives_a_live_key_a_new_timeout(cache):
    cache.set("story", "text", timeout=SHORT)
    assert cache.touch("story", timeout=None) is True
    expire()
    assert cache.get("story") == "text"
    assert cache.touch("story", timeout=0) is True
    assert cache.get("story") is None
    assert cache.touch("never") is False


def test_clear_empties_the_cache(cache):
    cache.set_many({"a": 1, "b": 2})
    cache.clear()
    assert cache.get_many(["a", "b"]) == {}


def test_timeout_none_keeps_a_value_past_the_default_timeout(make_cache):
    cache = make_cache()
    cache.default_timeout = SHORT
    cache.set("floor", 1, timeout=None)
    cache.set("page", 2)
    expire()
    assert cache.get_many(["floor", "page"]) == {"floor": 1}


def test_timeout_zero_keeps_nothing(cache):
    cache.set("page", "old")
    cache.set("page", "new", timeout=0)
    assert cache.get("page") is None
    cache.set_many({"a": 1, "b": 2}, timeout=0)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("added", 1, timeout=0) is True
    assert cache.get("added") is None


def test_get_or_set_stores_once(cache):
    assert cache.get_or_set("page", lambda: "built") == "built"
    assert cache.get_or_set("page", lambda: "rebuilt") == "built"


# Culling -----------------------------------------------------------------------------------


def test_a_full_cache_drops_the_oldest_third_and_keeps_at_most_max_entries(make_cache):
    cache = make_cache(MAX_ENTRIES=30, CULL_FREQUENCY=3)
    keys = [f"page:{number}" for number in range(100)]
    for number, key in enumerate(keys):
        cache.set(key, number)
        assert len(cache.get_many(keys)) <= 30
    kept = cache.get_many(keys)
    assert set(keys[-20:]) <= set(kept)
    assert not set(keys[:70]) & set(kept)


def test_culling_drops_expired_entries_before_live_ones(make_cache):
    cache = make_cache(MAX_ENTRIES=10, CULL_FREQUENCY=3)
    cache.set_many({f"expiring:{number}": number for number in range(5)}, timeout=SHORT)
    expire()
    live = {f"live:{number}": number for number in range(9)}
    for key, value in live.items():
        cache.set(key, value)
    assert cache.get_many(live) == live


def test_culling_drops_entries_that_never_expire_last(make_cache):
    cache = make_cache(MAX_ENTRIES=10, CULL_FREQUENCY=2)
    cache.set("floor", 1, timeout=None)
    for number in range(30):
        cache.set(f"page:{number}", number)
    assert cache.get("floor") == 1


def test_a_full_cache_with_cull_frequency_zero_empties_at_once(make_cache):
    cache = make_cache(MAX_ENTRIES=10, CULL_FREQUENCY=0)
    versions = {f"v:article:{pk}": pk for pk in range(10)}
    cache.set_many(versions, timeout=None)
    cache.set("clock", 99, timeout=None)
    assert cache.get_many([*versions, "clock"]) == {"clock": 99}


# Processes and threads ---------------------------------------------------------------------


def count_up(location, start, number):
    cache = SQLiteCache(location, {})
    start.wait()
    cache.add("hits", 0)
    for _ in range(200):
        cache.incr("hits")


def try_to_add(location, results, start, number):
    cache = SQLiteCache(location, {})
    start.wait()
    results.put((number, cache.add("winner", number)))


def run_together(target, *args):
    """Run `target(*args, start, number)` in PROCESSES new interpreters that pass the barrier
    `start` together, and wait for them to succeed."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    processes = [
        context.Process(target=target, args=(*args, start, number)) for number in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0


def test_incr_from_several_processes_at_once_loses_nothing(cache, location):
    run_together(count_up, str(location))
    assert cache.get("hits") == PROCESSES * 200


def test_add_from_several_processes_at_once_has_one_winner(cache, location):
    results = multiprocessing.get_context("spawn").Queue()
    run_together(try_to_add, str(location), results)
    outcomes = dict(results.get(timeout=10) for _ in range(PROCESSES))
    winners = [number for number, won in outcomes.items() if won]
    assert len(winners) == 1
    assert cache.get("winner") == winners[0]


def write_after_fork(cache):
    assert cache.get("before") == "parent"
    cache.set("child", "wrote")
    cache.incr("hits")


def test_a_process_forked_after_use_opens_its_own_connection(cache):
    cache.set("before", "parent")
    cache.set("hits", 1)
    child = multiprocessing.get_context("fork").Process(target=write_after_fork, args=(cache,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert cache.get("child") == "wrote"
    assert cache.incr("hits") == 3


def test_threads_share_the_cache_through_their_own_connections(cache):
    cache.set("hits", 0)
    with ThreadPoolExecutor(PROCESSES) as threads:
        list(threads.map(lambda _: [cache.incr("hits") for _ in range(100)], range(PROCESSES)))
    assert cache.get("hits") == PROCESSES * 100
