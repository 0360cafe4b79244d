"""Small finite fields GF(p^m) and the product rings built from them.

The table constructions of `designs` need a ring whose size is the number of tables, in which
"different rounds times different groups" never multiplies to zero. A finite field gives that
for every pair; a product of fields (one per prime power dividing the table count) gives it
whenever some factor separates both the rounds and the groups. Elements are plain integers
0..q-1 (base-p digits are the polynomial's coefficients), so tables stay numpy-friendly.
"""

from __future__ import annotations

from functools import lru_cache


def factorize(number: int) -> dict[int, int]:
    """Prime factors and their exponents (trial division: numbers here are table counts)."""
    factors: dict[int, int] = {}
    divisor = 2
    while divisor * divisor <= number:
        while number % divisor == 0:
            factors[divisor] = factors.get(divisor, 0) + 1
            number //= divisor
        divisor += 1
    if number > 1:
        factors[number] = factors.get(number, 0) + 1
    return factors


def prime_power(number: int) -> tuple[int, int] | None:
    """(p, m) when number = p^m with m >= 1, else None."""
    if number < 2:
        return None
    factors = factorize(number)
    if len(factors) != 1:
        return None
    ((prime, exponent),) = factors.items()
    return prime, exponent


class GaloisField:
    """GF(p^m) with elements 0..q-1; multiplication through log tables of a primitive element."""

    def __init__(self, prime: int, degree: int) -> None:
        self.p = prime
        self.m = degree
        self.q = prime**degree
        self._log: list[int] = [0] * self.q
        self._exp: list[int] = [0] * (2 * self.q)
        self._build_tables()

    def _digits(self, element: int) -> list[int]:
        return [(element // self.p**i) % self.p for i in range(self.m)]

    def _number(self, digits: list[int]) -> int:
        return sum(d * self.p**i for i, d in enumerate(digits))

    def add(self, a: int, b: int) -> int:
        if self.m == 1:
            return (a + b) % self.p
        da, db = self._digits(a), self._digits(b)
        return self._number([(x + y) % self.p for x, y in zip(da, db, strict=True)])

    def neg(self, a: int) -> int:
        if self.m == 1:
            return (-a) % self.p
        return self._number([(-x) % self.p for x in self._digits(a)])

    def sub(self, a: int, b: int) -> int:
        return self.add(a, self.neg(b))

    def mul(self, a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        return self._exp[self._log[a] + self._log[b]]

    def _times_x(self, digits: list[int], modulus: list[int]) -> list[int]:
        """Multiply a polynomial by x modulo a monic polynomial (given by its lower coefficients)."""
        top = digits[-1]
        shifted = [0, *digits[:-1]]
        return [(s - top * c) % self.p for s, c in zip(shifted, modulus, strict=True)]

    def _build_tables(self) -> None:
        if self.m == 1:
            generator = next(g for g in range(1, self.p) if self._order_mod_p(g) == self.p - 1)
            value = 1
            for power in range(self.q - 1):
                self._exp[power] = value
                self._log[value] = power
                value = value * generator % self.p
        else:
            # Try monic polynomials of degree m until x generates the whole multiplicative group.
            for candidate in range(self.p**self.m):
                modulus = self._digits(candidate)
                if modulus[0] == 0:
                    continue
                powers = [1]
                digits = [1] + [0] * (self.m - 1)
                seen = {1}
                for _ in range(self.q - 2):
                    digits = self._times_x(digits, modulus)
                    element = self._number(digits)
                    if element in seen:
                        break
                    seen.add(element)
                    powers.append(element)
                if len(powers) == self.q - 1:
                    for power, element in enumerate(powers):
                        self._exp[power] = element
                        self._log[element] = power
                    break
            else:  # pragma: no cover - a primitive polynomial always exists
                raise ValueError(f"no primitive polynomial found for GF({self.q})")
        for power in range(self.q - 1, 2 * self.q):
            self._exp[power] = self._exp[power - (self.q - 1)]

    def _order_mod_p(self, g: int) -> int:
        value, order = g % self.p, 1
        while value != 1:
            value = value * g % self.p
            order += 1
        return order


@lru_cache(maxsize=64)
def galois_field(q: int) -> GaloisField:
    """The field of order q (a prime power), built once per process."""
    power = prime_power(q)
    if power is None:
        raise ValueError(f"{q} is not a prime power")
    return GaloisField(*power)


class ProductRing:
    """The product of the fields GF(q_i), one per prime power q_i in the factorisation of `size`.

    An element is an integer 0..size-1 read in mixed radix (digits base p of each component), so
    its additive group is the sum of the components' additive groups.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.fields = [galois_field(p**m) for p, m in sorted(factorize(size).items())]
        self._weights: list[int] = []
        weight = 1
        for field in self.fields:
            self._weights.append(weight)
            weight *= field.q

    def split(self, element: int) -> list[int]:
        """The element's component in each field."""
        return [(element // w) % f.q for f, w in zip(self.fields, self._weights, strict=True)]

    def join(self, components: list[int]) -> int:
        return sum(c * w for c, w in zip(components, self._weights, strict=True))

    def embed(self, number: int) -> int:
        """The element whose component in GF(q_i) is number mod q_i: distinct for numbers < size."""
        return self.join([number % f.q for f in self.fields])

    def add(self, a: int, b: int) -> int:
        return self.join(
            [f.add(x, y) for f, x, y in zip(self.fields, self.split(a), self.split(b), strict=True)]
        )

    def sub(self, a: int, b: int) -> int:
        return self.join(
            [f.sub(x, y) for f, x, y in zip(self.fields, self.split(a), self.split(b), strict=True)]
        )

    def mul(self, a: int, b: int) -> int:
        return self.join(
            [f.mul(x, y) for f, x, y in zip(self.fields, self.split(a), self.split(b), strict=True)]
        )

    def digit_radices(self) -> list[int]:
        """The base of every digit of the mixed-radix encoding, lowest first."""
        return [f.p for f in self.fields for _ in range(f.m)]
