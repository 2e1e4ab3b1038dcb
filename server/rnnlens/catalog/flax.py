"""Flax (`flax.linen` and `flax.nnx`), as of flax 0.12.8. Both APIs name their classes alike, so every
row carries its namespace, "linen" or "nnx".

Quirks encoded here:
- linen cells take no input size: their `Dense`s learn it when `init` calls the cell, and even the
  hidden size comes from the carry (`h.shape[-1]`), so `features` counts only through
  `initialize_carry`. Construction validates nothing; `parent` and `name` are keyword-only although
  `inspect.signature` lists them as positional.
- Every Dense is stored (in, out), the transpose of torch's, and gates keep separate small Denses:
  linen `LSTMCell` has input kernels `ii/if/ig/io` without bias and hidden `hi/hf/hg/ho` with bias;
  `OptimizedLSTMCell` creates the very same tensors (it concatenates them only to multiply). linen
  `GRUCell` biases the input side (`ir/iz/in`) plus `hn` alone on the hidden side (4 bias vectors);
  `SimpleCell` biases `i` only; `MGUCell` biases `if`, `in` and, with `reset_gate`, `hn`.
- nnx cells take `in_features` and a required keyword-only `rngs`. nnx `LSTMCell` names its forget
  input kernel `if_` (`if` is a keyword); nnx `OptimizedLSTMCell` is NOT laid out like `LSTMCell`:
  one `dense_i` (i, 4h) and one biased `dense_h` (h, 4h); nnx `GRUCell` fuses `dense_i` (i, 3h, biased)
  and `dense_h` (h, 3h, unbiased), so it has no hidden-side `hn` bias and 1 bias vector fewer than linen.
- `RNN` nests the cell's tensors under `cell/`, whatever name the cell was given; `Bidirectional` under
  `forward_rnn/` and `backward_rnn/`. nnx `RNN`/`Bidirectional` also hold an RNG stream (`rngs/key`,
  `rngs/count`): state, not parameters. Only linen's `params` collection and nnx `Param`s count.
- A linen `RNN` with non-default `variable_axes`/`variable_broadcast` stops sharing parameters across
  time steps (each tensor gains a time axis), so it is not counted.
- Flax itself checks no size: a zero or negative one fails inside jax's default initialisers, which nnx
  runs at construction (variance scaling divides by every dimension), so those are refused here; linen
  runs them only at `init`, and refuses nothing at construction, so its rows have no checks. nnx
  warns when `keep_rngs` or `carry_init` is given, and `RNN`/`Bidirectional` refuse an `rngs` that is
  not a bool or an `Rngs` (`Bidirectional` also takes an `RngStream`), although both messages list
  `int` and `jax.Array` as accepted.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import (BIAS, REQUIRED, SCALE, TABLE, Arg, Built, Check, Config, Count, LayerSpec, MissingValue,
                         Unknown, prefixed, tensor)
from .blocks import affine

FRAMEWORK = "flax"
LINEN, NNX = "linen", "nnx"
MODULES = {
    **{path: LINEN for path in ("flax.linen", "flax.linen.recurrent", "flax.linen.linear",
                                "flax.linen.normalization")},
    **{path: NNX for path in ("flax.nnx", "flax.nnx.nn.recurrent", "flax.nnx.nn.linear",
                              "flax.nnx.nn.normalization")},
}
MODEL_BASES = ("flax.linen.Module", "flax.nnx.Module")
SEQUENTIAL = ("flax.linen.Sequential", "flax.nnx.Sequential", "flax.nnx.List")
FUNCTIONAL = ()
# `nnx.Rngs(0)` and friends are no layers, but every nnx model calls them where it builds its layers.
PARAMETER_FREE = frozenset({"Dropout", "Rngs", "RngStream", "StateAxes"})

# Defaults that are functions or dtypes, named as flax's source writes them.
SIGMOID, TANH, CONCATENATE, PROMOTE, FLOAT32 = "sigmoid", "tanh", "_concatenate", "promote_dtype", "float32"
LECUN, ORTHOGONAL, MODIFIED_ORTHOGONAL = "lecun_normal()", "orthogonal()", "modified_orthogonal"
ZEROS, ONES = "zeros_init()", "ones_init()"
EMBED_INIT = "variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)"
# flax's empty FrozenDict / MappingProxyType defaults, as a hashable empty value.
EMPTY = ()

INPUT, HIDDEN = "input", "hidden"
# One Dense of a cell: its name, what it reads, how many gates wide it is, and whether it has a bias
# (True, False, or the flag that decides).
Projection = Tuple[str, str, int, Union[bool, str]]


def _gated_block(gates: int, hidden: Polynomial, inputs: Polynomial, biases: int) -> Term:
    """g·(i·h + h² [+ h]) [+ b·h]: kernels are (in, out), so the input size comes first."""
    h = term(hidden)
    inner = term(inputs) * h + h**2
    if biases >= gates:
        inner, biases = inner + h, biases - gates
    block = gates * inner if gates > 1 else inner
    return block + (biases * h if biases > 1 else h) if biases else block


def _cell(hidden_argument: str, *layout: Projection):
    def build(c: Config) -> Built:
        hidden, inputs = c.size(hidden_argument), c.input
        tensors, biases = [], 0
        for name, reads, width, bias in layout:
            tensors.append(tensor(f"{name}/kernel", inputs if reads == INPUT else hidden, width * hidden))
            if bias is True or (isinstance(bias, str) and c.flag(bias)):
                tensors.append(tensor(f"{name}/bias", width * hidden, role=BIAS))
                biases += width
        gates = sum(width for _, reads, width, _ in layout if reads == INPUT)
        return Built(tuple(tensors), _gated_block(gates, hidden, inputs, biases), hidden)

    return build


LINEN_LSTM = tuple(projection for gate in "ifgo" for projection in ((f"i{gate}", INPUT, 1, False),
                                                                    (f"h{gate}", HIDDEN, 1, True)))
LINEN_GRU = (("ir", INPUT, 1, True), ("hr", HIDDEN, 1, False), ("iz", INPUT, 1, True), ("hz", HIDDEN, 1, False),
             ("in", INPUT, 1, True), ("hn", HIDDEN, 1, True))
LINEN_SIMPLE = (("i", INPUT, 1, True), ("h", HIDDEN, 1, False))
LINEN_MGU = (("if", INPUT, 1, True), ("hf", HIDDEN, 1, False), ("hn", HIDDEN, 1, "reset_gate"),
             ("in", INPUT, 1, True))
NNX_LSTM = tuple((f"i{gate}", INPUT, 1, False) for gate in ("i", "f_", "g", "o")) + \
    tuple((f"h{gate}", HIDDEN, 1, True) for gate in "ifgo")
NNX_OPTIMIZED_LSTM = (("dense_i", INPUT, 4, False), ("dense_h", HIDDEN, 4, True))
NNX_GRU = (("dense_i", INPUT, 3, True), ("dense_h", HIDDEN, 3, False))
NNX_SIMPLE = (("dense_h", HIDDEN, 1, False), ("dense_i", INPUT, 1, True))


def _conv_lstm(c: Config) -> Built:
    features, inputs, window = c.size("features"), c.input, c.sizes("kernel_size")
    area = term(window[0])
    for dimension in window[1:]:
        area = area * term(dimension)
    f, use_bias = term(features), c.flag("use_bias")
    tensors = []
    for name, reads in (("ih", inputs), ("hh", features)):
        tensors.append(tensor(f"{name}/kernel", *window, reads, 4 * features))
        if use_bias:
            tensors.append(tensor(f"{name}/bias", 4 * features, role=BIAS))
    inner = area * term(inputs) * f + area * f**2
    return Built(tuple(tensors), 4 * (inner + 2 * f if use_bias else inner), features)


def _dense(outputs_argument: str):
    def build(c: Config) -> Built:
        outputs = c.size(outputs_argument)
        return Built(*affine(c.input, outputs, c.flag("use_bias"), "kernel", input_major=True), outputs)

    return build


def _embed(c: Config) -> Built:
    rows, width = c.size("num_embeddings"), c.size("features")
    return Built((tensor("embedding", rows, width, role=TABLE),), term(rows) * term(width), width)


def _layer_norm(axes_from_call: bool):
    """linen sizes the scale and bias from the input's `feature_axes`; nnx from `num_features`."""

    def build(c: Config) -> Built:
        if axes_from_call and c.known("feature_axes") not in (-1, (-1,), [-1]):
            raise MissingValue("feature_axes", Unknown(
                "feature_axes", "the scale and bias span input axes other than the last, known only when called"))
        width = c.input
        tensors = ([tensor("scale", width, role=SCALE)] if c.flag("use_scale") else []) + \
                  ([tensor("bias", width, role=BIAS)] if c.flag("use_bias") else [])
        formula = {0: term(0), 1: term(width), 2: 2 * term(width)}[len(tensors)]
        return Built(tuple(tensors), formula, width)

    return build


def _nested(c: Config, name: str, input_size) -> Count:
    child = c.nested(name, input_size)
    if child.total is None and not child.errors:
        reasons = "; ".join(problem.message for problem in child.problems)
        raise MissingValue(name, Unknown(name, f"`{name}` cannot be counted ({reasons})"))
    for unknown in child.unknowns:
        c.unknowns.setdefault(unknown.name, unknown)
    return child


def _wrapping(parts: Sequence[Tuple[str, Count]], output_size) -> Built:
    children = tuple(child for _, child in parts)
    if any(child.total is None for child in children):  # a child's errors: the core refuses the count
        return Built((), term(0), None, children)
    tensors = tuple(t for name, child in parts for t in prefixed(f"{name}/", child))
    totals = [child.total for child in children]
    if len(totals) == 2 and totals[0] == totals[1]:
        formula = 2 * term(totals[0])
    else:
        formula = term(totals[0])
        for other in totals[1:]:
            formula = formula + term(other)
    return Built(tensors, formula, output_size, children)


def _rnn(namespace: str):
    def build(c: Config) -> Built:
        if namespace == LINEN and (c.known("variable_axes") or c.known("variable_broadcast") != "params"):
            raise MissingValue("variable_axes", Unknown(
                "variable_axes", "parameters not broadcast across time steps gain the sequence length as an axis"))
        cell = _nested(c, "cell", c.input if namespace == LINEN else None)
        return _wrapping((("cell", cell),), cell.output_size)

    return build


def _bidirectional(namespace: str):
    def build(c: Config) -> Built:
        inputs = c.input if namespace == LINEN else None
        forward, backward = _nested(c, "forward_rnn", inputs), _nested(c, "backward_rnn", inputs)
        sizes = (forward.output_size, backward.output_size)
        concatenated = c.raw("merge_fn") == CONCATENATE and None not in sizes
        return _wrapping((("forward_rnn", forward), ("backward_rnn", backward)),
                         sizes[0] + sizes[1] if concatenated else None)

    return build


# jax's default initialisers refuse a size flax never checks: variance scaling divides by every
# dimension, then the sampler (or the compiler) rejects a negative one.
def _sampled(negative: str):
    return lambda sizes: "division by zero" if 0 in sizes else negative if min(sizes) < 0 else None


TRUNCATED_NORMAL = _sampled("Only non-negative indices are allowed when broadcasting static shapes")
NORMAL = _sampled("invalid tensor dimension size")
ORTHOGONAL_DRAW = _sampled("negative dimensions are not allowed")
NONNEGATIVE = "broadcast_in_dim shape must have every element be nonnegative"


def _first_draw_refused(*draws):
    """The first default-initialised draw (initializer argument, its default, sizes, sampler) that
    jax refuses, in flax's order. A custom initializer ends the search: what it does is unknown."""

    def refusal(**v):
        for initializer, default, sizes, sampler in draws:
            if v[initializer] != default:
                return None
            message = sampler([v[size] for size in sizes])
            if message:
                return message
        return None

    arguments = tuple(dict.fromkeys(name for draw in draws for name in (draw[0],) + draw[2]))
    return Check(arguments, lambda **v: refusal(**v) is not None, lambda **v: refusal(**v))


CARRY_INIT_WARNING = Check(
    ("carry_init",), lambda carry_init: bool(carry_init),
    "carry_init is provided in __init__. Please, use carry_init argument in `initialize_carry` method instead "
    "to initialize the carry. Otherwise, two instances with same configuration but different carry_init "
    "functions will have different graphdefs.",
    severity="warning",
)


def _keep_rngs_warning(ending: str) -> Check:
    return Check(("keep_rngs",), lambda keep_rngs: bool(keep_rngs),
                 "keep_rngs argument is deprecated. Please use rngs argument in __call__ instead" + ending,
                 severity="warning")


def _cell_checks(first_draws, keep_rngs_ending: str = " ") -> Tuple[Check, ...]:
    return (_keep_rngs_warning(keep_rngs_ending), _first_draw_refused(*first_draws), CARRY_INIT_WARNING)


INPUT_KERNEL = ("kernel_init", LECUN, ("in_features", "hidden_features"), TRUNCATED_NORMAL)
RECURRENT_KERNEL = ("recurrent_kernel_init", ORTHOGONAL, ("hidden_features",), ORTHOGONAL_DRAW)


def _rngs_check(message: str) -> Check:
    # An `Rngs` or `RngStream` is never a literal, and every literal but a bool is refused.
    return Check(("rngs",), lambda rngs: rngs is None or type(rngs) in (int, float, str),
                 lambda rngs: message.format(type(rngs)))


LAYER_NORM_REFUSED = Check(
    ("num_features", "use_scale", "use_bias", "scale_init", "bias_init"),
    lambda num_features, use_scale, use_bias, scale_init, bias_init: num_features < 0 and (
        scale_init == ONES if use_scale else use_bias and bias_init == ZEROS),
    NONNEGATIVE,
)

# linen: every field may be passed positionally; the module's `parent` and `name` only by keyword.
LINEN_TAIL = (Arg("parent", "_unspecified_parent", keyword_only=True), Arg("name", None, keyword_only=True))
KERNEL_INITS = (Arg("kernel_init", LECUN), Arg("recurrent_kernel_init", ORTHOGONAL))
DTYPES = (Arg("dtype", None), Arg("param_dtype", FLOAT32))
LINEN_GATED = (Arg("features"), Arg("gate_fn", SIGMOID), Arg("activation_fn", TANH)) + KERNEL_INITS
LINEN_LSTM_SIGNATURE = LINEN_GATED + (Arg("bias_init", ZEROS),) + DTYPES + (Arg("carry_init", ZEROS),) + LINEN_TAIL
LINEN_SIMPLE_SIGNATURE = ((Arg("features"), Arg("activation_fn", TANH)) + KERNEL_INITS + (Arg("bias_init", ZEROS),)
                          + DTYPES + (Arg("carry_init", ZEROS), Arg("residual", False)) + LINEN_TAIL)
LINEN_MGU_SIGNATURE = (LINEN_GATED + (Arg("forget_bias_init", ONES), Arg("activation_bias_init", ZEROS)) + DTYPES
                       + (Arg("carry_init", ZEROS), Arg("reset_gate", True)) + LINEN_TAIL)
LINEN_CONV_LSTM_SIGNATURE = ((Arg("features"), Arg("kernel_size"), Arg("strides", None), Arg("padding", "SAME"),
                              Arg("use_bias", True)) + DTYPES + (Arg("carry_init", ZEROS),) + LINEN_TAIL)
LINEN_RNN_SIGNATURE = (Arg("cell"), Arg("time_major", False), Arg("return_carry", False), Arg("reverse", False),
                       Arg("keep_order", False), Arg("unroll", 1), Arg("variable_axes", EMPTY),
                       Arg("variable_broadcast", "params"), Arg("variable_carry", False),
                       Arg("split_rngs", (("params", False),))) + LINEN_TAIL
LINEN_BIDIRECTIONAL_SIGNATURE = (Arg("forward_rnn"), Arg("backward_rnn"), Arg("merge_fn", CONCATENATE),
                                 Arg("time_major", False), Arg("return_carry", False)) + LINEN_TAIL
LINEN_DENSE_SIGNATURE = ((Arg("features"), Arg("use_bias", True)) + DTYPES
                         + (Arg("precision", None), Arg("kernel_init", LECUN), Arg("bias_init", ZEROS),
                            Arg("promote_dtype", PROMOTE), Arg("dot_general", None), Arg("dot_general_cls", None))
                         + LINEN_TAIL)
LINEN_EMBED_SIGNATURE = ((Arg("num_embeddings"), Arg("features")) + DTYPES
                         + (Arg("embedding_init", EMBED_INIT), Arg("promote_dtype", PROMOTE)) + LINEN_TAIL)
NORM_FLAGS = (Arg("use_bias", True), Arg("use_scale", True), Arg("bias_init", ZEROS), Arg("scale_init", ONES),
              Arg("reduction_axes", -1), Arg("feature_axes", -1), Arg("axis_name", None),
              Arg("axis_index_groups", None), Arg("use_fast_variance", True))
LINEN_LAYER_NORM_SIGNATURE = ((Arg("epsilon", 1e-6),) + DTYPES + NORM_FLAGS + (Arg("force_float32_reductions", True),)
                              + LINEN_TAIL)


def _keywords(*args: Arg) -> Tuple[Arg, ...]:
    return tuple(Arg(arg.name, arg.default, keyword_only=True) for arg in args)


# nnx: sizes (or wrapped modules) positionally, everything else by keyword; `rngs` is required.
RNGS = Arg("rngs", REQUIRED, keyword_only=True)
NNX_SIZES = (Arg("in_features"), Arg("hidden_features"))
NNX_CELL_TAIL = _keywords(Arg("promote_dtype", PROMOTE), Arg("keep_rngs", False)) + (RNGS,) + _keywords(
    Arg("kernel_metadata", EMPTY), Arg("recurrent_kernel_metadata", EMPTY), Arg("bias_metadata", EMPTY))


def _nnx_gated_signature(recurrent_kernel_init: str) -> Tuple[Arg, ...]:
    return NNX_SIZES + _keywords(
        Arg("gate_fn", SIGMOID), Arg("activation_fn", TANH), Arg("kernel_init", LECUN),
        Arg("recurrent_kernel_init", recurrent_kernel_init), Arg("bias_init", ZEROS), *DTYPES,
        Arg("carry_init", None)) + NNX_CELL_TAIL


NNX_SIMPLE_SIGNATURE = NNX_SIZES + _keywords(
    Arg("dtype", FLOAT32), Arg("param_dtype", FLOAT32), Arg("carry_init", None), Arg("residual", False),
    Arg("activation_fn", TANH), *KERNEL_INITS, Arg("bias_init", ZEROS)) + NNX_CELL_TAIL
NNX_RNN_SIGNATURE = (Arg("cell"),) + _keywords(
    Arg("time_major", False), Arg("return_carry", False), Arg("reverse", False), Arg("keep_order", False),
    Arg("unroll", 1), Arg("state_axes", None), Arg("broadcast_rngs", None), Arg("rngs", True))
NNX_BIDIRECTIONAL_SIGNATURE = (Arg("forward_rnn"), Arg("backward_rnn")) + _keywords(
    Arg("merge_fn", CONCATENATE), Arg("time_major", False), Arg("return_carry", False), Arg("rngs", True))
NNX_LINEAR_SIGNATURE = (Arg("in_features"), Arg("out_features")) + _keywords(
    Arg("use_bias", True), *DTYPES, Arg("precision", None), Arg("kernel_init", LECUN), Arg("bias_init", ZEROS),
    Arg("dot_general", "dot_general"), Arg("promote_dtype", PROMOTE), Arg("preferred_element_type", None)) + (
    RNGS,) + _keywords(Arg("kernel_metadata", EMPTY), Arg("bias_metadata", EMPTY))
NNX_EMBED_SIGNATURE = (Arg("num_embeddings"), Arg("features")) + _keywords(
    *DTYPES, Arg("embedding_init", EMBED_INIT), Arg("promote_dtype", PROMOTE)) + (RNGS,) + _keywords(
    Arg("embedding_metadata", EMPTY))
NNX_LAYER_NORM_SIGNATURE = (Arg("num_features"),) + _keywords(
    Arg("epsilon", 1e-6), *DTYPES, *NORM_FLAGS, Arg("promote_dtype", PROMOTE)) + (RNGS,) + _keywords(
    Arg("bias_metadata", EMPTY), Arg("scale_metadata", EMPTY))


def _linen(name: str, signature, build, kind: str = "cell") -> LayerSpec:
    return LayerSpec(FRAMEWORK, name, signature, build, (), None, kind=kind, namespace=LINEN)


def _nnx(name: str, signature, build, checks, input_argument=None, kind: str = "cell") -> LayerSpec:
    return LayerSpec(FRAMEWORK, name, signature, build, checks, input_argument, kind=kind, namespace=NNX)


SPECS = (
    _linen("LSTMCell", LINEN_LSTM_SIGNATURE, _cell("features", *LINEN_LSTM)),
    _linen("OptimizedLSTMCell", LINEN_LSTM_SIGNATURE, _cell("features", *LINEN_LSTM)),
    _linen("GRUCell", LINEN_LSTM_SIGNATURE, _cell("features", *LINEN_GRU)),
    _linen("SimpleCell", LINEN_SIMPLE_SIGNATURE, _cell("features", *LINEN_SIMPLE)),
    _linen("MGUCell", LINEN_MGU_SIGNATURE, _cell("features", *LINEN_MGU)),
    _linen("ConvLSTMCell", LINEN_CONV_LSTM_SIGNATURE, _conv_lstm),
    _linen("RNN", LINEN_RNN_SIGNATURE, _rnn(LINEN), kind="wrapper"),
    _linen("Bidirectional", LINEN_BIDIRECTIONAL_SIGNATURE, _bidirectional(LINEN), kind="wrapper"),
    _linen("Dense", LINEN_DENSE_SIGNATURE, _dense("features"), kind="common"),
    _linen("Embed", LINEN_EMBED_SIGNATURE, _embed, kind="common"),
    _linen("LayerNorm", LINEN_LAYER_NORM_SIGNATURE, _layer_norm(axes_from_call=True), kind="common"),
    _nnx("LSTMCell", _nnx_gated_signature(MODIFIED_ORTHOGONAL), _cell("hidden_features", *NNX_LSTM),
         _cell_checks((INPUT_KERNEL,)), "in_features"),
    _nnx("OptimizedLSTMCell", _nnx_gated_signature(ORTHOGONAL), _cell("hidden_features", *NNX_OPTIMIZED_LSTM),
         _cell_checks((INPUT_KERNEL,)), "in_features"),
    _nnx("GRUCell", _nnx_gated_signature(ORTHOGONAL), _cell("hidden_features", *NNX_GRU),
         _cell_checks((INPUT_KERNEL,)), "in_features"),
    # SimpleCell draws its recurrent kernel first, and its deprecation warning lacks the trailing space.
    _nnx("SimpleCell", NNX_SIMPLE_SIGNATURE, _cell("hidden_features", *NNX_SIMPLE),
         _cell_checks((RECURRENT_KERNEL, INPUT_KERNEL), keep_rngs_ending=""), "in_features"),
    _nnx("RNN", NNX_RNN_SIGNATURE, _rnn(NNX),
         (_rngs_check("Expected rngs to be a jax.Array, int, Rngs, or bool. Got {}."),), kind="wrapper"),
    _nnx("Bidirectional", NNX_BIDIRECTIONAL_SIGNATURE, _bidirectional(NNX),
         (_rngs_check("rngs must be a Rngs, jax.Array, int, or bool, but got {}."),), kind="wrapper"),
    _nnx("Linear", NNX_LINEAR_SIGNATURE, _dense("out_features"),
         (_first_draw_refused(("kernel_init", LECUN, ("in_features", "out_features"), TRUNCATED_NORMAL)),),
         "in_features", kind="common"),
    _nnx("Embed", NNX_EMBED_SIGNATURE, _embed,
         (_first_draw_refused(("embedding_init", EMBED_INIT, ("num_embeddings", "features"), NORMAL)),),
         kind="common"),
    _nnx("LayerNorm", NNX_LAYER_NORM_SIGNATURE, _layer_norm(axes_from_call=False), (LAYER_NORM_REFUSED,),
         "num_features", kind="common"),
)
