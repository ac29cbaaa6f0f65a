import pytest
from primes import is_prime, next_prime, nth_prime, prime_factors, primes_between, sieve

FIRST_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97]


def test_is_prime_small_numbers() -> None:
    assert [n for n in range(-3, 30) if is_prime(n)] == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]


def test_is_prime_squares_and_composites() -> None:
    assert is_prime(4) is False
    assert is_prime(9) is False
    assert is_prime(25) is False
    assert is_prime(49) is False
    assert is_prime(121) is False
    assert is_prime(91) is False
    assert is_prime(7919) is True
    assert is_prime(7917) is False


def test_is_prime_matches_sieve() -> None:
    assert [n for n in range(100) if is_prime(n)] == FIRST_PRIMES


def test_sieve() -> None:
    assert sieve(100) == FIRST_PRIMES
    assert sieve(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]


def test_sieve_boundaries() -> None:
    assert sieve(-1) == []
    assert sieve(0) == []
    assert sieve(1) == []
    assert sieve(2) == [2]
    assert sieve(3) == [2, 3]
    assert sieve(4) == [2, 3]
    assert sieve(9) == [2, 3, 5, 7]
    assert sieve(25) == [2, 3, 5, 7, 11, 13, 17, 19, 23]
    assert sieve(49) == FIRST_PRIMES[:15]


def test_prime_factors() -> None:
    assert prime_factors(12) == [2, 2, 3]
    assert prime_factors(360) == [2, 2, 2, 3, 3, 5]
    assert prime_factors(97) == [97]
    assert prime_factors(2) == [2]
    assert prime_factors(49) == [7, 7]
    assert prime_factors(2 * 3 * 101) == [2, 3, 101]
    assert prime_factors(1024) == [2] * 10


def test_prime_factors_are_ints() -> None:
    assert repr(prime_factors(12)) == "[2, 2, 3]"
    assert repr(prime_factors(7)) == "[7]"


def test_prime_factors_one_and_errors() -> None:
    assert prime_factors(1) == []
    with pytest.raises(ValueError):
        prime_factors(0)
    with pytest.raises(ValueError):
        prime_factors(-6)


def test_next_prime() -> None:
    assert next_prime(-10) == 2
    assert next_prime(1) == 2
    assert next_prime(2) == 3
    assert next_prime(3) == 5
    assert next_prime(13) == 17
    assert next_prime(89) == 97


def test_nth_prime() -> None:
    assert nth_prime(1) == 2
    assert nth_prime(2) == 3
    assert nth_prime(5) == 11
    assert nth_prime(25) == 97


def test_nth_prime_invalid() -> None:
    with pytest.raises(ValueError):
        nth_prime(0)


def test_primes_between() -> None:
    assert primes_between(10, 30) == [11, 13, 17, 19, 23, 29]
    assert primes_between(11, 29) == [11, 13, 17, 19, 23, 29]
    assert primes_between(-5, 5) == [2, 3, 5]
    assert primes_between(2, 2) == [2]
    assert primes_between(24, 28) == []
    assert primes_between(30, 10) == []
