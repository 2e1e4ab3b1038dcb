"""Formula pieces shared by the tables of frameworks whose layers have the same structure."""

from __future__ import annotations

from typing import Tuple

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import BIAS, TensorSpec, tensor

# Stacked recurrent layers are listed one tensor per layer up to this many layers; past it, listing
# them would cost more time than the analysis has (`num_layers=10**7`), for nothing a reader can use.
MAX_LISTED_LAYERS = 1_000


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


def affine(inputs: Polynomial, outputs: Polynomial, with_bias: bool, weight: str = "weight", bias: str = "bias",
           input_major: bool = False) -> Tuple[Tuple[TensorSpec, ...], Term]:
    """A dense layer's weight and optional bias, and its formula: the weight stored (outputs, inputs) as
    torch and Equinox do, or (inputs, outputs) as JAX libraries do (`input_major`)."""
    shape = (inputs, outputs) if input_major else (outputs, inputs)
    tensors = [tensor(weight, *shape)]
    formula = term(shape[0]) * term(shape[1])
    if with_bias:
        tensors.append(tensor(bias, outputs, role=BIAS))
        formula = formula + term(outputs)
    return tuple(tensors), formula
