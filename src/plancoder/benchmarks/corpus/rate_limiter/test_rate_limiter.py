import pytest
from rate_limiter import SlidingWindowLimiter, TokenBucket


def test_bucket_validation() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0, 1)
    with pytest.raises(ValueError):
        TokenBucket(1, -1)
    bucket = TokenBucket(1, 0)
    assert (bucket.capacity, bucket.rate, bucket.tokens, bucket.last) == (1, 0, 1, 0)


def test_bucket_starts_full_and_drains() -> None:
    bucket = TokenBucket(3, 1)
    assert [bucket.allow(0) for _ in range(4)] == [True, True, True, False]
    assert bucket.available(0) == 0


def test_bucket_refills_at_rate_up_to_capacity() -> None:
    bucket = TokenBucket(5, 2, start=10)
    assert bucket.allow(10, 5) is True
    assert bucket.available(11) == 2
    assert bucket.available(12) == 4
    assert bucket.available(20) == 5


def test_bucket_cost_boundaries() -> None:
    bucket = TokenBucket(4, 1)
    assert bucket.allow(0, 4) is True
    assert bucket.allow(2, 3) is False
    assert bucket.tokens == 2
    assert bucket.allow(2, 2) is True
    assert bucket.tokens == 0


def test_bucket_rejects_bad_cost() -> None:
    bucket = TokenBucket(4, 1)
    with pytest.raises(ValueError, match="between 1 and 4"):
        bucket.allow(0, 5)
    with pytest.raises(ValueError):
        bucket.allow(0, 0)
    assert bucket.tokens == 4


def test_bucket_time_cannot_go_backwards() -> None:
    bucket = TokenBucket(2, 1, start=5)
    assert bucket.available(5) == 2
    with pytest.raises(ValueError, match="4 < 5"):
        bucket.allow(4)


def test_bucket_wait_time() -> None:
    bucket = TokenBucket(10, 3)
    bucket.allow(0, 10)
    assert bucket.wait_time(0, 1) == 1
    assert bucket.wait_time(0, 3) == 1
    assert bucket.wait_time(0, 4) == 2
    assert bucket.wait_time(0, 7) == 3
    assert bucket.wait_time(1, 3) == 0
    assert bucket.wait_time(1, 4) == 1


def test_bucket_wait_time_never_refills() -> None:
    bucket = TokenBucket(2, 0)
    assert bucket.wait_time(0, 2) == 0
    bucket.allow(0, 2)
    with pytest.raises(ValueError, match="never refills"):
        bucket.wait_time(100)


def test_window_validation() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 10)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0)
    limiter = SlidingWindowLimiter(1, 1)
    assert (limiter.limit, limiter.window) == (1, 1)


def test_window_allows_up_to_limit() -> None:
    limiter = SlidingWindowLimiter(2, 10)
    assert limiter.allow(0) is True
    assert limiter.allow(3) is True
    assert limiter.allow(5) is False
    assert list(limiter.times) == [0, 3]


def test_window_expiry_boundary() -> None:
    limiter = SlidingWindowLimiter(2, 10)
    limiter.allow(0)
    limiter.allow(3)
    assert limiter.allow(9) is False
    assert limiter.allow(10) is True
    assert list(limiter.times) == [3, 10]
    assert limiter.allow(12) is False
    assert limiter.allow(13) is True


def test_window_remaining() -> None:
    limiter = SlidingWindowLimiter(3, 5)
    assert limiter.remaining(0) == 3
    limiter.allow(0)
    limiter.allow(1)
    assert limiter.remaining(1) == 1
    assert limiter.remaining(5) == 2
    assert limiter.remaining(6) == 3


def test_window_retry_after() -> None:
    limiter = SlidingWindowLimiter(2, 10)
    assert limiter.retry_after(0) == 0
    limiter.allow(2)
    limiter.allow(4)
    assert limiter.retry_after(5) == 7
    assert limiter.retry_after(11) == 1
    assert limiter.retry_after(12) == 0


def test_limiters_are_independent_per_instance() -> None:
    first, second = SlidingWindowLimiter(1, 5), SlidingWindowLimiter(1, 5)
    assert first.allow(0) is True
    assert second.allow(0) is True
    assert first.allow(1) is False
