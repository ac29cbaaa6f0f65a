import threading
import time

import pytest

from plancoder.errors import ModelFileError
from plancoder.local_pool import ModelPool

SIZES = {"small": 600, "large": 1400, "tiny": 100}


class FakeEngine:
    def __init__(self, name):
        self.name, self.closed, self.busy = name, False, 0

    def close(self):
        self.closed = True


def make_pool(budget):
    engines = []

    def loader(name):
        engines.append(FakeEngine(name))
        return engines[-1], SIZES[name] - 50

    return ModelPool(loader, SIZES.__getitem__, budget), engines


def use(pool, name):
    with pool.use(name) as engine:
        return engine


def test_loads_on_first_use_and_reuses():
    pool, _ = make_pool(3000)
    assert use(pool, "small") is use(pool, "small")
    assert pool.events == ["load small"]
    assert pool.resident() == {"small": 600}


def test_two_models_stay_resident_within_budget():
    pool, _ = make_pool(2100)
    use(pool, "small")
    use(pool, "large")
    assert pool.resident() == {"small": 600, "large": 1400}


def test_least_recently_used_is_unloaded_past_the_budget():
    pool, engines = make_pool(2050)
    use(pool, "small")
    use(pool, "tiny")
    use(pool, "small")  # tiny is now least recently used
    use(pool, "large")
    assert pool.resident() == {"small": 600, "large": 1400}
    assert pool.events == ["load small", "load tiny", "unload tiny", "load large"]
    assert engines[1].closed


def test_budget_smaller_than_one_model_is_a_clear_error():
    pool, _ = make_pool(1000)
    with pytest.raises(ModelFileError, match="raise \\[local\\] memory_budget_mb"):
        use(pool, "large")


def test_one_model_is_never_used_by_two_threads_at_once():
    pool, _ = make_pool(3000)
    overlaps = []

    def call():
        with pool.use("small") as engine:
            engine.busy += 1
            overlaps.append(engine.busy)
            time.sleep(0.01)
            engine.busy -= 1

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1] * 8


def test_eviction_waits_for_the_call_in_flight():
    pool, engines = make_pool(1500)
    entered, release = threading.Event(), threading.Event()
    seen = {}

    def long_call():
        with pool.use("small") as engine:
            entered.set()
            release.wait(5)
            seen["closed_during_call"] = engine.closed

    worker = threading.Thread(target=long_call)
    worker.start()
    entered.wait(5)
    threading.Timer(0.05, release.set).start()
    use(pool, "large")  # must evict small, but only after the call ends
    worker.join()
    assert seen == {"closed_during_call": False}
    assert engines[0].closed


def test_close_all_unloads_everything():
    pool, engines = make_pool(3000)
    use(pool, "small")
    pool.close_all()
    assert pool.resident() == {} and engines[0].closed
