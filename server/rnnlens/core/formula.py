"""Formulas that carry their own value.

A layer's derivation is written once, with operators over `Term`s, and yields both the text a user
reads (`4·(2·3 + 2² + 2)`) and its exact value. Because the two are built together they cannot
drift apart, and the tests check the value against the sum of the layer's tensors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .polynomial import Polynomial

_SUM, _PRODUCT, _POWER, _ATOM = 1, 2, 3, 4
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Term:
    value: Polynomial
    text: str
    precedence: int = _ATOM

    def _wrapped(self, precedence: int) -> str:
        return f"({self.text})" if self.precedence < precedence else self.text

    def __add__(self, other: TermLike) -> "Term":
        other = term(other)
        return Term(self.value + other.value, f"{self.text} + {other.text}", _SUM)

    def __radd__(self, other: TermLike) -> "Term":
        return term(other) + self

    def __mul__(self, other: TermLike) -> "Term":
        other = term(other)
        text = f"{self._wrapped(_PRODUCT)}·{other._wrapped(_PRODUCT + 1)}"
        return Term(self.value * other.value, text, _PRODUCT)

    def __rmul__(self, other: TermLike) -> "Term":
        return term(other) * self

    def __pow__(self, exponent: int) -> "Term":
        text = self._wrapped(_ATOM) + str(exponent).translate(_SUPERSCRIPTS)
        return Term(self.value**exponent, text, _POWER)


TermLike = Union[Term, int, Polynomial]


def term(value: TermLike) -> Term:
    """A leaf of a formula: a number, or a size that may be an unknown polynomial."""
    if isinstance(value, Term):
        return value
    polynomial = Polynomial.of(value)
    text = str(polynomial)
    if len(polynomial.terms) > 1:
        return Term(polynomial, text, _SUM)
    return Term(polynomial, text, _PRODUCT if "·" in text else _ATOM)


def sum_terms(*parts: TermLike) -> Term:
    result = term(parts[0])
    for part in parts[1:]:
        result = result + part
    return result
