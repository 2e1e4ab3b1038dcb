"""Equinox (`equinox.nn`), as of equinox 0.13.8.

Quirks encoded here: only single-step cells exist (no stacked or bidirectional layer: users scan a cell
themselves); every constructor that draws random weights takes a required keyword-only `key`, but
`LayerNorm` takes none and `Embedding`'s is optional until it is needed; the cells keep ONE bias
vector per gate (`bias`), and `GRUCell` adds `bias_n`, the h-sized bias of the candidate's hidden-side
term; `Linear` accepts the string "scalar" for either size, meaning a size-1 weight axis; nothing is
validated by name — bad sizes fail inside the initialiser (`sqrt(1/hidden_size)` divides by zero or
takes a negative root, and a negative shape is refused by the compiler); every array is trainable.
"""

from __future__ import annotations

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import (BIAS, REQUIRED, SCALE, TABLE, Arg, Built, Check, Config, LayerSpec, MissingValue, Unknown,
                         tensor)
from .blocks import affine

FRAMEWORK = "equinox"
# Where the rows can be imported from (path → namespace), and what the analysis needs to find models.
MODULES = {"equinox.nn": ""}
MODEL_BASES = ("equinox.Module",)
SEQUENTIAL = ("equinox.nn.Sequential",)
FUNCTIONAL = ()
PARAMETER_FREE = frozenset({"Dropout", "Lambda", "Identity", "MaxPool1d", "AvgPool1d", "MaxPool2d", "AvgPool2d",
                            "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "State", "StateIndex", "Shared"})
KEY = (Arg("key", REQUIRED, keyword_only=True),)
SCALAR = "scalar"
# What jax's compiler says when an initialiser draws an array with a negative dimension.
NEGATIVE_DIMENSION = "invalid tensor dimension size"


def _negative(name: str, message: str = NEGATIVE_DIMENSION) -> Check:
    return Check((name,), lambda **v: v[name] < 0, message)


# The cells' initialiser bound is sqrt(1 / hidden_size); Linear's is 1 / sqrt(in_features).
CELL_CHECKS = (
    Check(("hidden_size",), lambda hidden_size: hidden_size == 0, "division by zero"),
    _negative("hidden_size", "math domain error"),
    _negative("input_size"),
)
LINEAR_CHECKS = (_negative("in_features", "math domain error"), _negative("out_features"))

MISSING_EMBEDDING_SIZE = ("Must provide `eqx.nn.Embedding(num_embeddings=..., embedding_size=..., key=...)` "
                          "if not providing the weight directly.")


def _without_weight(name: str, fails, message: str) -> Check:
    """Equinox asks for the sizes and the key only when it has to draw the table itself."""
    return Check(("weight", name), lambda weight, **v: weight is None and fails(v[name]), message)


EMBEDDING_CHECKS = tuple(
    _without_weight(name, lambda value: value is None, MISSING_EMBEDDING_SIZE)
    for name in ("num_embeddings", "embedding_size", "key")
) + tuple(
    _without_weight(name, lambda value: value < 0, f"{name} must not be negative.")
    for name in ("num_embeddings", "embedding_size")
)


def _dimensions(shape) -> tuple:
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)


def _layer_norm_affine(use_weight, use_bias, elementwise_affine):
    """The deprecated `elementwise_affine` overrides both flags when given."""
    if elementwise_affine is not None:
        return elementwise_affine, elementwise_affine
    return use_weight, use_bias


LAYER_NORM_CHECKS = (
    Check(("elementwise_affine",), lambda elementwise_affine: elementwise_affine is not None,
          "LayerNorm(elementwise_affine=...) is deprecated in favour of LayerNorm(use_weight=...) and "
          "LayerNorm(use_bias=...)", severity="warning"),
    # Only the arrays drawn with the shape can refuse it.
    Check(("shape", "use_weight", "use_bias", "elementwise_affine"),
          lambda shape, **flags: any(_layer_norm_affine(**flags)) and min(_dimensions(shape), default=0) < 0,
          "broadcast_in_dim shape must have every element be nonnegative"),
)


def _gated_block(gates: int, hidden: Polynomial, inputs: Polynomial, bias: bool) -> Term:
    """g·(h·i + h² [+ h]): one input and one recurrent matrix per gate, one bias vector."""
    h = term(hidden)
    inner = h * term(inputs) + h**2
    if bias:
        inner = inner + h
    return gates * inner


def _cell(gates: int, candidate_bias: bool):
    """`candidate_bias`: GRUCell's extra `bias_n`, added inside the reset gate's product."""

    def build(c: Config) -> Built:
        hidden, inputs, bias = c.size("hidden_size"), c.input, c.flag("use_bias")
        tensors = [tensor("weight_ih", gates * hidden, inputs), tensor("weight_hh", gates * hidden, hidden)]
        formula = _gated_block(gates, hidden, inputs, bias)
        if bias:
            tensors.append(tensor("bias", gates * hidden, role=BIAS))
            if candidate_bias:
                tensors.append(tensor("bias_n", hidden, role=BIAS))
                formula = formula + term(hidden)
        return Built(tuple(tensors), formula, hidden)

    return build


def _is_scalar(value) -> bool:
    return isinstance(value, str) and value == SCALAR


def _features(c: Config, name: str) -> Polynomial:
    return Polynomial.constant(1) if _is_scalar(c.raw(name)) else c.size(name)


def _linear(c: Config) -> Built:
    outputs = _features(c, "out_features")
    tensors, formula = affine(_features(c, "in_features"), outputs, c.flag("use_bias"))
    # A "scalar" output has no feature axis for a next layer to read.
    return Built(tensors, formula, None if _is_scalar(c.raw("out_features")) else outputs)


def _embedding(c: Config) -> Built:
    if c.raw("weight") is not None and (c.raw("num_embeddings") is None or c.raw("embedding_size") is None):
        raise MissingValue("weight", Unknown("weight", "the table's shape is that of the `weight` passed in"))
    rows, width = c.size("num_embeddings"), c.size("embedding_size")
    return Built((tensor("weight", rows, width, role=TABLE),), term(rows) * term(width), width)


def _layer_norm(c: Config) -> Built:
    shape = c.sizes("shape")
    use_weight, use_bias = _layer_norm_affine(c.flag("use_weight"), c.flag("use_bias"),
                                              c.known("elementwise_affine"))
    width = term(shape[0]) if shape else term(1)  # shape () holds one scalar
    for dimension in shape[1:]:
        width = width * term(dimension)
    tensors = ([tensor("weight", *shape, role=SCALE)] if use_weight else []) + \
              ([tensor("bias", *shape, role=BIAS)] if use_bias else [])
    formula = {0: term(0), 1: width, 2: 2 * width}[len(tensors)]
    return Built(tuple(tensors), formula, shape[-1] if shape else None)


CELL_SIGNATURE = (Arg("input_size"), Arg("hidden_size"), Arg("use_bias", True), Arg("dtype", None)) + KEY

SPECS = (
    LayerSpec(FRAMEWORK, "LSTMCell", CELL_SIGNATURE, _cell(4, candidate_bias=False), CELL_CHECKS, "input_size",
              kind="cell"),
    LayerSpec(FRAMEWORK, "GRUCell", CELL_SIGNATURE, _cell(3, candidate_bias=True), CELL_CHECKS, "input_size",
              kind="cell"),
    LayerSpec(FRAMEWORK, "Linear", (Arg("in_features"), Arg("out_features"), Arg("use_bias", True),
                                    Arg("dtype", None)) + KEY,
              _linear, LINEAR_CHECKS, "in_features", kind="common"),
    LayerSpec(FRAMEWORK, "Embedding", (Arg("num_embeddings", None), Arg("embedding_size", None), Arg("weight", None),
                                       Arg("dtype", None), Arg("key", None, keyword_only=True)),
              _embedding, EMBEDDING_CHECKS, None, kind="common"),
    LayerSpec(FRAMEWORK, "LayerNorm", (Arg("shape"), Arg("eps", 1e-5), Arg("use_weight", True), Arg("use_bias", True),
                                       Arg("dtype", None), Arg("elementwise_affine", None, keyword_only=True)),
              _layer_norm, LAYER_NORM_CHECKS, None, kind="common"),
)
