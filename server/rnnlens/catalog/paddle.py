"""PaddlePaddle (`paddle.nn`), as of paddle 3.3.

Quirks encoded here:
- `SimpleRNN`/`LSTM`/`GRU` re-register their cells' tensors on themselves under flat names, so
  `state_dict()` lists every tensor twice (`weight_ih_l0` and `0.cell.weight_ih`, or `0.cell_fw.…` /
  `0.cell_bw.…` when bidirectional). Each tensor is counted once, under the name `named_parameters()`
  yields: the first one, the flat name when there is one.
- The flat names come from zipping a list that expects four tensors per cell, and leaves out `bias_ih_l*`
  (`bias_hh_l*`) when `bias_ih_attr` (`bias_hh_attr`) is False. But the cells create those biases anyway,
  and a projected LSTM cell has a fifth tensor, `weight_ho`, so there the names slide: `weight_ih_l1` can
  name a bias, and the tensors past the end of the list keep their cell names (`1.cell.bias_hh`).
- `*_attr=False` does not remove a recurrent weight or bias: the cell creates it frozen (stop_gradient),
  as ones or zeros. `weight_ho` takes `weight_hh_attr`, and there False does remove it. On `Linear`,
  `LayerNorm` and `Embedding`, False removes the tensor. Any other attr (a `ParamAttr`, True) is read
  as trainable.
- `num_layers` below 1 still builds one layer (the loop only adds layers 2…n), none of it flat-named.
- `Linear`'s weight is (in, out), transposed from torch; `LayerNorm`'s tensors are flat:
  (prod(normalized_shape),), a product numpy takes in int64, wrapping around; `weight_ho` is (hidden, proj).
- Little is validated: dropout, time_major and types pass unchecked; a negative dimension fails paddle's
  assertion in `create_parameter`, one past int32 its initialiser's op. Where the layer packs its weights
  into one buffer (every cell with exactly four tensors), `input_size=0` fails in the packing kernel, and
  the slid names above can make the packing order run past its list (an IndexError): both are refusals
  here. A `num_layers` past MAX_LISTED_LAYERS is not counted: the sliding names make each layer's listing
  differ, and paddle itself would build millions of layers one by one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Tuple

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import (BIAS, SCALE, TABLE, Arg, Built, Check, Config, LayerSpec, MissingValue, Unknown,
                         refused_shape, tensor)
from .blocks import MAX_LISTED_LAYERS, gated_formula

FRAMEWORK = "paddle"
# Where the rows can be imported from (path → namespace), and what the analysis needs to find models.
MODULES = {path: "" for path in ("paddle.nn", "paddle.nn.layer", "paddle.nn.layer.rnn")}
MODEL_BASES = ("paddle.nn.Layer", "paddle.nn.RNNCellBase")
SEQUENTIAL = ("paddle.nn.Sequential", "paddle.nn.LayerList")
FUNCTIONAL = ()
PARAMETER_FREE = frozenset({"Dropout", "ReLU", "ReLU6", "LeakyReLU", "GELU", "Tanh", "Sigmoid", "Softmax",
                            "LogSoftmax", "Silu", "Flatten", "Identity", "MaxPool1D", "AvgPool1D", "MaxPool2D",
                            "AvgPool2D", "AdaptiveAvgPool1D", "Pad1D", "CrossEntropyLoss", "MSELoss", "L1Loss",
                            "NLLLoss", "CTCLoss", "BCELoss", "BCEWithLogitsLoss",
                            # they run the cells they are given and own no parameter of their own
                            "RNN", "BiRNN"})
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
BIDIRECTIONAL = ("bidirect", "bidirectional")
CELL_TENSORS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
ATTRS = tuple(Arg(f"{name}_attr", None) for name in CELL_TENSORS)
NAME = (Arg("name", None),)
INT32_MAX = 2**31 - 1
NEGATIVE_DIMENSION = "Expected every dim's size to be larger than or equal to 0, but the size of the {}-th dim is {}"


def _off(attr) -> bool:
    return attr is False


def _projection(c: Config) -> int:
    return c.known("proj_size") if c.spec.argument("proj_size") else 0


def _cell_tensors(c: Config, gates: int, inputs: Polynomial, hidden: Polynomial, projection: int):
    """One cell's tensors, in the order paddle creates them, and its formula."""
    frozen = {name: _off(c.known(f"{name}_attr")) for name in CELL_TENSORS}
    state = Polynomial.constant(projection) if projection else hidden
    tensors = [tensor("weight_ih", gates * hidden, inputs, trainable=not frozen["weight_ih"]),
               tensor("weight_hh", gates * hidden, state, trainable=not frozen["weight_hh"]),
               tensor("bias_ih", gates * hidden, role=BIAS, trainable=not frozen["bias_ih"]),
               tensor("bias_hh", gates * hidden, role=BIAS, trainable=not frozen["bias_hh"])]
    projected = projection and not frozen["weight_hh"]
    if projected:
        tensors.append(tensor("weight_ho", hidden, projection))
    return tensors, gated_formula(gates, hidden, inputs, state, projection if projected else 0, bias=True)


def _flat_names(c: Config, directions: int):
    """The names the layer hands out, in order: four per cell, less the biases whose attr is False."""
    named = [name for name in CELL_TENSORS if name.startswith("weight") or not _off(c.known(f"{name}_attr"))]
    return [f"{name}_l{layer}{suffix}" for layer in range(c.known("num_layers"))
            for suffix in ("", "_reverse")[:directions] for name in named]


def _stacked(mode: str):
    gates = GATES[mode]

    def build(c: Config) -> Built:
        hidden, projection = c.size("hidden_size"), _projection(c)
        directions = 2 if c.known("direction") in BIDIRECTIONAL else 1
        cells = ("cell_fw", "cell_bw") if directions == 2 else ("cell",)
        state = Polynomial.constant(projection) if projection else hidden
        layers = max(c.known("num_layers"), 1)
        if layers > MAX_LISTED_LAYERS:
            # Flat names slide from one layer to the next (see above), so layers cannot be summed up as
            # alike: past the bound, say so rather than build millions of tensors.
            raise MissingValue("num_layers", Unknown(
                "num_layers", f"num_layers={layers} is past the {MAX_LISTED_LAYERS:,} layers this tool lists"))
        tensors, blocks = [], []
        for layer in range(layers):
            inputs = c.input if layer == 0 else directions * state
            for cell in cells:
                cell_tensors, block = _cell_tensors(c, gates, inputs, hidden, projection)
                tensors += [replace(t, name=f"{layer}.{cell}.{t.name}") for t in cell_tensors]
            if layer < 2:
                blocks.append(directions * block if directions > 1 else block)
        names = _flat_names(c, directions)
        tensors = [replace(t, name=name) for t, name in zip(tensors, names)] + tensors[len(names):]
        formula = blocks[0]
        if layers > 1:
            formula = formula + (layers - 1) * blocks[1] if layers > 2 else formula + blocks[1]
        return Built(tuple(tensors), formula, directions * state)

    return build


def _cell(mode: str):
    def build(c: Config) -> Built:
        hidden, projection = c.size("hidden_size"), _projection(c)
        tensors, formula = _cell_tensors(c, GATES[mode], c.input, hidden, projection)
        return Built(tuple(tensors), formula, Polynomial.constant(projection) if projection else hidden)

    return build


def _hidden_check(cell: str) -> Check:
    return Check(("hidden_size",), lambda hidden_size: hidden_size <= 0,
                 f"hidden_size of {cell} must be greater than 0, but now equals to {{hidden_size}}")


NEGATIVE_INPUT = Check(("input_size",), lambda input_size: input_size < 0,
                       NEGATIVE_DIMENSION.format(1, "{input_size}"))
# paddle's message reports hidden_size where it means proj_size.
PROJ_CHECKS = (
    Check(("proj_size", "hidden_size"), lambda proj_size, hidden_size: proj_size < 0,
          "proj_size of LSTMCell must be greater than 0, but now equals to {hidden_size}"),
    Check(("proj_size", "hidden_size"), lambda proj_size, hidden_size: proj_size >= hidden_size,
          "proj_size must be smaller than hidden_size"),
)
DIRECTION_CHECK = Check(
    ("direction",), lambda direction: direction not in ("forward",) + BIDIRECTIONAL,
    "direction should be forward or bidirect (or bidirectional), received direction = {direction}",
)


def _packing_checks(projected: bool) -> tuple:
    """The layer packs its weights into one buffer when every cell has four tensors (at least one layer,
    no `weight_ho`). The packing kernel refuses the empty `weight_ih` of `input_size=0`, and the packing
    order, computed for four flat names per cell, runs past the end of a shorter list of names."""
    extra = ("proj_size", "weight_hh_attr") if projected else ()

    def packs(num_layers, proj_size=0, weight_hh_attr=None) -> bool:
        return num_layers >= 1 and (not proj_size or _off(weight_hh_attr))

    def overflows(num_layers, direction, bias_ih_attr, bias_hh_attr, **projection) -> bool:
        cells = num_layers * (2 if direction in BIDIRECTIONAL else 1)
        named = cells * (2 + (not _off(bias_ih_attr)) + (not _off(bias_hh_attr)))
        # A slot grows with i within each residue of i mod 4, so the largest is among the last four.
        slots = ((0 if i % 4 < 2 else 2 * cells) + i // 4 * 2 + i % 2 for i in range(max(named - 4, 0), named))
        return packs(num_layers, **projection) and max(slots, default=0) >= named

    return (
        Check(("input_size", "num_layers") + extra,
              lambda input_size, num_layers, **projection: input_size == 0 and packs(num_layers, **projection),
              "The attribute(concated_ranks) length must be equal to the output tensor number."),
        Check(("num_layers", "direction", "bias_ih_attr", "bias_hh_attr") + extra, overflows,
              "list assignment index out of range"),
    )


# `range(1, num_layers)`, once the first layer is built.
NUM_LAYERS_TYPE = Check(("num_layers",), lambda num_layers: not isinstance(num_layers, int),
                        lambda num_layers: f"'{type(num_layers).__name__}' object cannot be interpreted as an integer")


def _stacked_checks(mode: str) -> tuple:
    cell = "SimpleRNNCell" if mode == "SimpleRNN" else f"{mode}Cell"
    # In paddle's order: the direction, then each cell's own checks as it is built, the loop over the
    # other layers, then the packing.
    return (DIRECTION_CHECK, _hidden_check(cell)) + (PROJ_CHECKS if mode == "LSTM" else ()) + (
        NEGATIVE_INPUT, NUM_LAYERS_TYPE) + _packing_checks(mode == "LSTM")


def _as_tuple(shape) -> tuple:
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)


def _refused_shape(shape: Tuple[Polynomial, ...]) -> Optional[str]:
    """What paddle raises when it creates a parameter of this shape: `create_parameter` asserts that
    no size is negative, then the initialiser's op takes the sizes as int32."""
    for index, size in enumerate(shape):
        if size.is_constant and size.value < 0:
            return NEGATIVE_DIMENSION.format(index, size.value)
    too_large = next((size.value for size in shape if size.is_constant and size.value > INT32_MAX), None)
    if too_large is not None:
        return f"(OutOfRange) Integer value {too_large} exceeds int32 range [{-INT32_MAX - 1}, {INT32_MAX}]"
    return refused_shape(shape)


def _linear(c: Config) -> Built:
    inputs, outputs = c.size("in_features"), c.size("out_features")
    tensors, parts = [], []
    if not _off(c.known("weight_attr")):
        tensors.append(tensor("weight", inputs, outputs))
        parts.append(term(inputs) * term(outputs))
    if not _off(c.known("bias_attr")):
        tensors.append(tensor("bias", outputs, role=BIAS))
        parts.append(term(outputs))
    return Built(tuple(tensors), sum(parts[1:], parts[0]) if parts else term(0), outputs)


def _padding_row(num_embeddings, padding_idx) -> int:
    """The row paddle zeroes: a negative index counts from the end, and -1 means none."""
    if padding_idx is None:
        return -1
    return padding_idx if padding_idx >= 0 else num_embeddings + padding_idx


def _embedding(c: Config) -> Built:
    rows, width = c.size("num_embeddings"), c.size("embedding_dim")
    given, attr = c.raw("_weight") is not None, c.known("weight_attr")
    if not given and _off(attr):
        return Built((), term(0), width)
    # `_freeze` reaches a created table only when no weight_attr is given.
    trainable = not c.flag("_freeze") if given or attr is None else True
    return Built((tensor("weight", rows, width, role=TABLE, trainable=trainable),), term(rows) * term(width), width)


EMBEDDING_CHECKS = (
    Check(("num_embeddings",), lambda num_embeddings: num_embeddings <= 0, "num_embeddings must be gather than 0"),
    Check(("embedding_dim",), lambda embedding_dim: embedding_dim <= 0, "embedding_dim must be gather than 0"),
    Check(("num_embeddings", "padding_idx"),
          lambda num_embeddings, padding_idx: not -num_embeddings <= _padding_row(num_embeddings, padding_idx)
          < num_embeddings,
          "padding_idx must be within [-{num_embeddings}, {num_embeddings})"),
    # Without a table, zeroing the padding row fails on None.
    Check(("weight_attr", "_weight", "num_embeddings", "padding_idx"),
          lambda weight_attr, _weight, num_embeddings, padding_idx:
          _off(weight_attr) and _weight is None and _padding_row(num_embeddings, padding_idx) != -1,
          "'NoneType' object has no attribute '_is_initialized'"),
)


NORM_FLAGS = ("elementwise_affine", "bias", "weight_attr", "bias_attr")


def _norm_parts(elementwise_affine, bias, weight_attr, bias_attr):
    """The tensors LayerNorm creates, each as (name, role)."""
    if not elementwise_affine:
        return ()
    return tuple(part for part, kept in ((("weight", SCALE), not _off(weight_attr)),
                                         (("bias", BIAS), bias and not _off(bias_attr))) if kept)


def _layer_norm(c: Config) -> Built:
    shape = c.sizes("normalized_shape")
    parts = _norm_parts(*(c.known(name) for name in NORM_FLAGS))
    width: Term = term(shape[0]) if shape else term(1)
    for dimension in shape[1:]:
        width = width * term(dimension)
    if width.value.is_constant and not -2**63 <= width.value.value < 2**63:
        # np.prod multiplies in int64 and wraps around: [2**32, 2**32] makes tensors of shape (0,).
        width = term((width.value.value + 2**63) % 2**64 - 2**63)
    tensors = tuple(tensor(name, width.value, role=role) for name, role in parts)
    formula = term(0) if not parts else width if len(parts) == 1 else 2 * width
    return Built(tensors, formula, shape[-1] if shape else None)


LAYER_NORM_CHECKS = (
    # np.prod of an empty shape is the float 1.0, which paddle refuses as a dimension.
    Check(("normalized_shape",) + NORM_FLAGS,
          lambda normalized_shape, **flags: _norm_parts(**flags) and not _as_tuple(normalized_shape),
          "(InvalidType) argument (position 2) must be list of int, but got numpy.float64 at pos 0"),
)


RECURRENT = (Arg("input_size"), Arg("hidden_size"), Arg("num_layers", 1), Arg("direction", "forward"),
             Arg("time_major", False), Arg("dropout", 0.0))
CELL_SIZES = (Arg("input_size"), Arg("hidden_size"))
ACTIVATION = (Arg("activation", "tanh"),)
PROJ = (Arg("proj_size", 0),)


def _recurrent(mode: str, signature: tuple, extra_checks: tuple = ()) -> LayerSpec:
    return LayerSpec(FRAMEWORK, mode, signature, _stacked(mode), extra_checks + _stacked_checks(mode), "input_size")


def _cell_row(mode: str, signature: tuple, before_tensors: tuple = (), after_tensors: tuple = ()) -> LayerSpec:
    """A cell's checks in paddle's order: some come before it creates its tensors, some after."""
    name = "SimpleRNNCell" if mode == "SimpleRNN" else f"{mode}Cell"
    checks = (_hidden_check(name),) + before_tensors + (NEGATIVE_INPUT,) + after_tensors
    return LayerSpec(FRAMEWORK, name, signature, _cell(mode), checks, "input_size", kind="cell")


SPECS = (
    _recurrent("SimpleRNN", RECURRENT + ACTIVATION + ATTRS + NAME,
               (Check(("activation",), lambda activation: activation not in ("tanh", "relu"),
                      "Unknown activation '{activation}'"),)),
    _recurrent("LSTM", RECURRENT + ATTRS + PROJ + NAME),
    _recurrent("GRU", RECURRENT + ATTRS + NAME),
    _cell_row("SimpleRNN", CELL_SIZES + ACTIVATION + ATTRS + NAME, after_tensors=
              (Check(("activation",), lambda activation: activation not in ("tanh", "relu"),
                     "activation for SimpleRNNCell should be tanh or relu, but get {activation}"),)),
    _cell_row("LSTM", CELL_SIZES + ATTRS + PROJ + NAME, PROJ_CHECKS),
    _cell_row("GRU", CELL_SIZES + ATTRS + NAME),
    LayerSpec(FRAMEWORK, "Linear", (Arg("in_features"), Arg("out_features"), Arg("weight_attr", None),
                                    Arg("bias_attr", None)) + NAME, _linear, (), "in_features", kind="common"),
    LayerSpec(FRAMEWORK, "Embedding", (Arg("num_embeddings"), Arg("embedding_dim"), Arg("padding_idx", None),
                                       Arg("max_norm", None), Arg("norm_type", 2.0))
              + tuple(Arg(name, default, keyword_only=True) for name, default in (
                  ("scale_grad_by_freq", False), ("sparse", False), ("_weight", None), ("_freeze", False),
                  ("device", None), ("dtype", None), ("weight_attr", None), ("name", None))),
              _embedding, EMBEDDING_CHECKS, None, kind="common"),
    LayerSpec(FRAMEWORK, "LayerNorm", (Arg("normalized_shape"), Arg("epsilon", 1e-5))
              + tuple(Arg(name, default, keyword_only=True) for name, default in (
                  ("elementwise_affine", True), ("bias", True), ("device", None), ("dtype", None),
                  ("weight_attr", None), ("bias_attr", None), ("name", None))),
              _layer_norm, LAYER_NORM_CHECKS, None, kind="common"),
)
# Every row creates its tensors with `create_parameter`, which refuses them in paddle's words.
SPECS = tuple(replace(spec, refuse_shape=_refused_shape) for spec in SPECS)
