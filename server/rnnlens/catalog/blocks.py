"""Formula pieces shared by the tables of frameworks whose layers have the same structure."""

from __future__ import annotations

from ..core.formula import Term, term
from ..core.polynomial import Polynomial


def gated_formula(gates: int, hidden: Polynomial, inputs: Polynomial, state: Polynomial, projection: int,
                  bias: bool) -> Term:
    """One layer in one direction: g·(h·i + h·r [+ 2·h]) [+ p·h]."""
    h = term(hidden)
    recurrent = h**2 if state == hidden else h * term(state)
    inner = h * term(inputs) + recurrent
    if bias:
        inner = inner + 2 * h
    block = gates * inner if gates > 1 else inner
    return block + term(projection) * h if projection else block
