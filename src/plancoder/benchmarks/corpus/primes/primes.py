"""Prime numbers: testing, sieving, factorising and counting."""


def is_prime(n: int) -> bool:
    """True when ``n`` is a prime number (trial division by odd numbers)."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def sieve(limit: int) -> list[int]:
    """All primes ``p`` with ``p <= limit``, by the sieve of Eratosthenes."""
    if limit < 2:
        return []
    flags = [True] * (limit + 1)
    flags[0] = flags[1] = False
    n = 2
    while n * n <= limit:
        if flags[n]:
            for multiple in range(n * n, limit + 1, n):
                flags[multiple] = False
        n += 1
    return [number for number, prime in enumerate(flags) if prime]


def prime_factors(n: int) -> list[int]:
    """Prime factors of ``n`` in ascending order, with multiplicity; raises ValueError for n < 1."""
    if n < 1:
        raise ValueError("n must be positive")
    factors = []
    divisor = 2
    while divisor * divisor <= n:
        while n % divisor == 0:
            factors.append(divisor)
            n //= divisor
        divisor += 1
    if n > 1:
        factors.append(n)
    return factors


def next_prime(n: int) -> int:
    """The smallest prime strictly greater than ``n``."""
    candidate = n + 1
    while not is_prime(candidate):
        candidate += 1
    return candidate


def nth_prime(k: int) -> int:
    """The ``k``-th prime, counting from 1 (nth_prime(1) == 2); raises ValueError for k < 1."""
    if k < 1:
        raise ValueError("k must be at least 1")
    prime = 2
    for _ in range(k - 1):
        prime = next_prime(prime)
    return prime


def primes_between(low: int, high: int) -> list[int]:
    """Primes ``p`` with ``low <= p <= high``."""
    return [n for n in range(low, high + 1) if is_prime(n)]
