"""Exact integer polynomials in named unknown sizes.

A parameter count is a polynomial with integer coefficients in whatever sizes are not known
statically (`1,024·i + 264,192`). This small type is all the arithmetic the core needs; a symbolic
algebra library would cost the server its start-up budget.
"""

from __future__ import annotations

from typing import Dict, Iterable, Mapping, Tuple, Union

# A monomial is a sorted tuple of (name, power) pairs; () is the constant term.
Monomial = Tuple[Tuple[str, int], ...]
IntLike = Union[int, "Polynomial"]

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _multiply_monomials(left: Monomial, right: Monomial) -> Monomial:
    powers: Dict[str, int] = dict(left)
    for name, power in right:
        powers[name] = powers.get(name, 0) + power
    return tuple(sorted(powers.items()))


def group_thousands(number: int) -> str:
    return f"{number:,}"


class Polynomial:
    """An immutable polynomial with integer coefficients; zero terms are never stored."""

    __slots__ = ("_terms", "_hash")

    def __init__(self, terms: Mapping[Monomial, int] | None = None):
        self._terms: Dict[Monomial, int] = {m: c for m, c in (terms or {}).items() if c}
        self._hash: int | None = None

    @classmethod
    def constant(cls, value: int) -> "Polynomial":
        return cls({(): value})

    @classmethod
    def symbol(cls, name: str) -> "Polynomial":
        return cls({((name, 1),): 1})

    @classmethod
    def of(cls, value: IntLike) -> "Polynomial":
        if isinstance(value, Polynomial):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected an int or a Polynomial, got {type(value).__name__}")
        return cls.constant(value)

    @property
    def terms(self) -> Mapping[Monomial, int]:
        return self._terms

    @property
    def is_constant(self) -> bool:
        return all(not monomial for monomial in self._terms)

    @property
    def value(self) -> int:
        """The integer value of a constant polynomial."""
        if not self.is_constant:
            raise ValueError(f"{self} is not a constant")
        return self._terms.get((), 0)

    @property
    def unknowns(self) -> Tuple[str, ...]:
        return tuple(sorted({name for monomial in self._terms for name, _ in monomial}))

    @property
    def degree(self) -> int:
        return max((sum(p for _, p in m) for m in self._terms), default=0)

    def substitute(self, values: Mapping[str, IntLike]) -> "Polynomial":
        result = Polynomial()
        for monomial, coefficient in self._terms.items():
            term = Polynomial.constant(coefficient)
            for name, power in monomial:
                factor = Polynomial.of(values[name]) if name in values else Polynomial.symbol(name)
                term = term * factor**power
            result = result + term
        return result

    def __add__(self, other: IntLike) -> "Polynomial":
        other = Polynomial.of(other)
        terms = dict(self._terms)
        for monomial, coefficient in other._terms.items():
            terms[monomial] = terms.get(monomial, 0) + coefficient
        return Polynomial(terms)

    __radd__ = __add__

    def __neg__(self) -> "Polynomial":
        return Polynomial({m: -c for m, c in self._terms.items()})

    def __sub__(self, other: IntLike) -> "Polynomial":
        return self + -Polynomial.of(other)

    def __rsub__(self, other: IntLike) -> "Polynomial":
        return Polynomial.of(other) - self

    def __mul__(self, other: IntLike) -> "Polynomial":
        other = Polynomial.of(other)
        terms: Dict[Monomial, int] = {}
        for left, a in self._terms.items():
            for right, b in other._terms.items():
                monomial = _multiply_monomials(left, right)
                terms[monomial] = terms.get(monomial, 0) + a * b
        return Polynomial(terms)

    __rmul__ = __mul__

    def __pow__(self, exponent: int) -> "Polynomial":
        if isinstance(exponent, bool) or not isinstance(exponent, int) or exponent < 0:
            raise ValueError("polynomials take non-negative integer exponents only")
        result = Polynomial.constant(1)
        for _ in range(exponent):
            result = result * self
        return result

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, bool):
            other = Polynomial.constant(other)
        return isinstance(other, Polynomial) and self._terms == other._terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._terms.items()))
        return self._hash

    def __bool__(self) -> bool:
        return bool(self._terms)

    def __repr__(self) -> str:
        return f"Polynomial({str(self)!r})"

    def __str__(self) -> str:
        if not self._terms:
            return "0"
        ordered = sorted(self._terms.items(), key=_display_order)
        text = ""
        for index, (monomial, coefficient) in enumerate(ordered):
            term = _format_term(monomial, abs(coefficient))
            if index == 0:
                text = f"-{term}" if coefficient < 0 else term
            else:
                text += f" {'-' if coefficient < 0 else '+'} {term}"
        return text


def _display_order(item: Tuple[Monomial, int]) -> tuple:
    monomial, _ = item
    # Higher degree first; within a degree, lexicographic with higher powers first (h² before h·i).
    return (-sum(power for _, power in monomial), tuple((name, -power) for name, power in monomial))


def _format_term(monomial: Monomial, magnitude: int) -> str:
    factors = "·".join(
        name + (str(power).translate(_SUPERSCRIPTS) if power > 1 else "") for name, power in monomial
    )
    if not factors:
        return group_thousands(magnitude)
    if magnitude == 1:
        return factors
    return f"{group_thousands(magnitude)}·{factors}"


def total(values: Iterable[IntLike]) -> Polynomial:
    result = Polynomial()
    for value in values:
        result = result + value
    return result
