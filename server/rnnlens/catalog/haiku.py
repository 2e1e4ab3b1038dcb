"""Haiku (`haiku`, imported as `hk`), as of dm-haiku 0.0.17.

Quirks encoded here: the recurrent classes are single-step cores (`hk.dynamic_unroll` or `hk.DeepRNN`
do the rest), and like every Haiku module they learn their input size only when first called, which is
also when parameters are created: so a negative size is refused at `init`, not at construction. Weight
matrices are stored (in, out), the transpose of torch's. `hk.LSTM` keeps ONE fused `linear/w` of shape
(i + h, 4h) acting on [x, h] and a single bias; `hk.GRU` holds its own `w_i`, `w_h` and one `b`;
`hk.VanillaRNN` is two auto-named `hk.Linear`s, `linear` and `linear_1`, both biased unless
`double_bias=False`. Tensor names are the parameter paths below the module's own name, so `name=`
never changes them.
"""

from __future__ import annotations

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import BIAS, SCALE, TABLE, Arg, Built, Check, Config, LayerSpec, MissingValue, Unknown, tensor
from .blocks import affine

FRAMEWORK = "haiku"
# Where the rows can be imported from (path → namespace), and what the analysis needs to find models.
MODULES = {"haiku": ""}
MODEL_BASES = ("haiku.Module", "haiku.RNNCore")
SEQUENTIAL = ("haiku.Sequential",)
FUNCTIONAL = ()
PARAMETER_FREE = frozenset({"PRNGSequence", "Flatten", "Reshape", "Module", "RNNCore", "Transformed",
                            "TransformedWithState", "MultiTransformed", "MultiTransformedWithState", "MaxPool",
                            "AvgPool", "LSTMState", "DeepRNN", "ResetCore", "IdentityCore"})
NAME = (Arg("name", None),)
# What jax says when asked for an array with a negative dimension: by a random initialiser, and by
# `jnp.zeros`, which a core's `initial_state` calls before any parameter exists.
NEGATIVE_DIMENSION = "Only non-negative indices are allowed when broadcasting static shapes"
NEGATIVE_STATE = "broadcast_in_dim shape must have every element be nonnegative"


def _non_negative(name: str, message: str = NEGATIVE_DIMENSION) -> Check:
    return Check((name,), lambda **v: v[name] < 0, message)


CORE_CHECKS = (_non_negative("hidden_size", NEGATIVE_STATE),)


def _gated_block(gates: int, hidden: Polynomial, inputs: Polynomial, biases: int) -> Term:
    """g·(h·i + h² [+ b·h]), whatever the layout the framework stores it in."""
    h = term(hidden)
    inner = h * term(inputs) + h**2
    if biases:
        inner = inner + (biases * h if biases > 1 else h)
    return gates * inner if gates > 1 else inner


def _lstm(c: Config) -> Built:
    hidden, inputs = c.size("hidden_size"), c.input
    tensors = (tensor("linear/w", inputs + hidden, 4 * hidden), tensor("linear/b", 4 * hidden, role=BIAS))
    return Built(tensors, _gated_block(4, hidden, inputs, 1), hidden)


def _gru(c: Config) -> Built:
    hidden, inputs = c.size("hidden_size"), c.input
    tensors = (tensor("w_i", inputs, 3 * hidden), tensor("w_h", hidden, 3 * hidden),
               tensor("b", 3 * hidden, role=BIAS))
    return Built(tensors, _gated_block(3, hidden, inputs, 1), hidden)


def _vanilla_rnn(c: Config) -> Built:
    hidden, inputs, double_bias = c.size("hidden_size"), c.input, c.flag("double_bias")
    tensors = [tensor("linear/w", inputs, hidden), tensor("linear/b", hidden, role=BIAS),
               tensor("linear_1/w", hidden, hidden)]
    if double_bias:
        tensors.append(tensor("linear_1/b", hidden, role=BIAS))
    return Built(tuple(tensors), _gated_block(1, hidden, inputs, 2 if double_bias else 1), hidden)


def _linear(c: Config) -> Built:
    outputs = c.size("output_size")
    return Built(*affine(c.input, outputs, c.flag("with_bias"), "w", "b", input_major=True), outputs)


def _embed(c: Config) -> Built:
    # With an `embedding_matrix`, sizes that are passed must match it, so they give its shape.
    if c.raw("embedding_matrix") is not None and not (c.raw("vocab_size") and c.raw("embed_dim")):
        raise MissingValue("embedding_matrix",
                           Unknown("embedding_matrix", "the table's shape is that of the `embedding_matrix` passed in"))
    rows, width = c.size("vocab_size"), c.size("embed_dim")
    return Built((tensor("embeddings", rows, width, role=TABLE),), term(rows) * term(width), width)


def _is_last_axis(param_axis) -> bool:
    axes = param_axis if isinstance(param_axis, (tuple, list)) else (param_axis,)
    return param_axis is None or list(axes) == [-1]


def _layer_norm(c: Config) -> Built:
    if not _is_last_axis(c.known("param_axis")):
        # Other parameter axes keep the input's rank, with 1 on every axis not named.
        raise MissingValue("param_axis", Unknown("param_axis", "the parameter shape depends on the input's rank"))
    width = c.input
    tensors = ([tensor("scale", width, role=SCALE)] if c.flag("create_scale") else []) + \
              ([tensor("offset", width, role=BIAS)] if c.flag("create_offset") else [])
    formula = {0: term(0), 1: term(width), 2: 2 * term(width)}[len(tensors)]
    return Built(tuple(tensors), formula, width)


EMBED_CHECKS = (
    Check(("embedding_matrix", "vocab_size", "embed_dim"),
          lambda embedding_matrix, vocab_size, embed_dim: embedding_matrix is None and not (vocab_size and embed_dim),
          "hk.Embed must be supplied either with an initial `embedding_matrix` or with `embed_dim` and `vocab_size`."),
    Check(("embedding_matrix", "vocab_size", "embed_dim"),
          lambda embedding_matrix, vocab_size, embed_dim: embedding_matrix is None and min(vocab_size, embed_dim) < 0,
          NEGATIVE_DIMENSION),
)


def _initializer_without_parameter(flag: str, initializer: str) -> Check:
    return Check((flag, initializer), lambda **v: not v[flag] and v[initializer] is not None,
                 f"Cannot set `{initializer}` if `{flag}=False`.")


LAYER_NORM_CHECKS = (_initializer_without_parameter("create_scale", "scale_init"),
                     _initializer_without_parameter("create_offset", "offset_init"))

SPECS = (
    LayerSpec(FRAMEWORK, "LSTM", (Arg("hidden_size"),) + NAME, _lstm, CORE_CHECKS, kind="cell"),
    LayerSpec(FRAMEWORK, "GRU", (Arg("hidden_size"), Arg("w_i_init", None), Arg("w_h_init", None), Arg("b_init", None))
              + NAME, _gru, CORE_CHECKS, kind="cell"),
    LayerSpec(FRAMEWORK, "VanillaRNN", (Arg("hidden_size"), Arg("double_bias", True)) + NAME, _vanilla_rnn,
              CORE_CHECKS, kind="cell"),
    LayerSpec(FRAMEWORK, "Linear", (Arg("output_size"), Arg("with_bias", True), Arg("w_init", None),
                                    Arg("b_init", None)) + NAME,
              _linear, (_non_negative("output_size"),), kind="common"),
    LayerSpec(FRAMEWORK, "Embed", (Arg("vocab_size", None), Arg("embed_dim", None), Arg("embedding_matrix", None),
                                   Arg("w_init", None), Arg("lookup_style", "ARRAY_INDEX")) + NAME
              + (Arg("precision", "HIGHEST"),),
              _embed, EMBED_CHECKS, kind="common"),
    LayerSpec(FRAMEWORK, "LayerNorm", (Arg("axis"), Arg("create_scale"), Arg("create_offset"), Arg("eps", 1e-5),
                                       Arg("scale_init", None), Arg("offset_init", None),
                                       Arg("use_fast_variance", False)) + NAME
              + (Arg("param_axis", None, keyword_only=True),),
              _layer_norm, LAYER_NORM_CHECKS, kind="common"),
)
