"""PyTorch (`torch.nn`), as of torch 2.13.

Quirks encoded here: two bias vectors per gate (`bias_ih` and `bias_hh`, kept for cuDNN); `proj_size`
adds `weight_hr`, shrinks `weight_hh` to (g·h, p) and makes later layers see D·p inputs; `nn.RNN`'s 4th
positional argument is `nonlinearity`, not `bias`; the cells validate nothing at construction, so a
negative size reaches the allocator, which refuses it, as it refuses a tensor of more bytes than an
int64 counts; every entry of Conv1d's `kernel_size` tuple is a weight axis, however many there are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Tuple

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import (BIAS, INT64_MAX, SCALE, TABLE, Arg, Built, Check, Config, LayerSpec, elements,
                         negative_dimension, shape_text, tensor)
from .blocks import MAX_LISTED_LAYERS, affine, gated_formula

FRAMEWORK = "torch"
# Where the rows can be imported from (path → namespace), and what the analysis needs to find models.
MODULES = {path: "" for path in ("torch.nn", "torch.nn.modules", "torch.nn.modules.rnn", "torch.nn.modules.linear",
                                 "torch.nn.modules.sparse", "torch.nn.modules.normalization", "torch.nn.modules.conv")}
MODEL_BASES = ("torch.nn.Module", "torch.nn.modules.module.Module")
SEQUENTIAL = ("torch.nn.Sequential", "torch.nn.ModuleList", "torch.nn.ModuleDict")
FUNCTIONAL = ()
PARAMETER_FREE = frozenset({
    "Dropout", "Dropout1d", "Dropout2d", "AlphaDropout", "Identity", "Flatten", "Unflatten", "ReLU", "ReLU6",
    "LeakyReLU", "ELU", "GELU", "SELU", "SiLU", "Mish", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Softplus",
    "Hardtanh", "Hardswish", "Hardsigmoid", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "AdaptiveAvgPool2d", "Upsample", "ZeroPad1d", "ConstantPad1d",
    "CrossEntropyLoss", "MSELoss", "NLLLoss", "CTCLoss", "BCELoss", "BCEWithLogitsLoss", "L1Loss",
})
FACTORY = (Arg("device", None), Arg("dtype", None))
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_check(name: str) -> Check:
    return Check(
        (name,),
        lambda **v: not _is_int(v[name]),
        lambda **v: f"{name} should be of type int, got: {type(v[name]).__name__}",
    )


def _bool_check(name: str) -> Check:
    return Check(
        (name,),
        lambda **v: not isinstance(v[name], bool),
        lambda **v: f"{name} should be of type bool, got: {type(v[name]).__name__}",
    )


RNN_CHECKS = (
    Check(
        ("dropout",),
        lambda dropout: isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1,
        "dropout should be a number in range [0, 1] representing the probability of an element being zeroed",
    ),
    Check(
        ("dropout", "num_layers"),
        lambda dropout, num_layers: dropout > 0 and num_layers == 1,
        "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
        "num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
        severity="warning",
    ),
    _bool_check("bias"),
    _bool_check("batch_first"),
    _type_check("input_size"),
    Check(("input_size",), lambda input_size: input_size <= 0, "input_size must be greater than zero"),
    _type_check("hidden_size"),
    Check(("hidden_size",), lambda hidden_size: hidden_size <= 0, "hidden_size must be greater than zero"),
    Check(("num_layers",), lambda num_layers: num_layers <= 0, "num_layers must be greater than zero"),
)
PROJ_CHECKS = (
    Check(
        ("proj_size",),
        lambda proj_size: proj_size < 0,
        "proj_size should be a positive integer or zero to disable projections",
    ),
    Check(
        ("proj_size", "hidden_size"),
        lambda proj_size, hidden_size: proj_size >= hidden_size,
        "proj_size has to be smaller than hidden_size",
    ),
)
NO_PROJ_CHECK = Check(
    ("proj_size",),
    lambda proj_size: proj_size is not None,
    "proj_size argument is only supported for LSTM, not RNN or GRU",
)
NONLINEARITY_CHECK = Check(
    ("nonlinearity",),
    lambda nonlinearity: nonlinearity not in ("tanh", "relu"),
    "Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.",
)

SIZES = (Arg("input_size"), Arg("hidden_size"), Arg("num_layers", 1))
AFTER_BIAS = (Arg("batch_first", False), Arg("dropout", 0.0), Arg("bidirectional", False))
# Passing proj_size to RNN or GRU is an error even when it is 0, so its absence is the default.
NO_PROJ = (Arg("proj_size", None, keyword_only=True),)


def _layer_tensors(gates: int, hidden: Polynomial, inputs: Polynomial, state: Polynomial, projection: int,
                   bias: bool, directions: int, label: str, repeat: Polynomial) -> list:
    """One layer's tensors in every direction; `repeat` > 1 stacks identical layers along a leading
    axis (used when the number of layers is not known: `weight_ih_l1…` of shape (L - 1, 4·h, 2·h))."""
    stacked = () if repeat == 1 else (repeat,)
    tensors = []
    for direction in range(directions):
        suffix = f"_l{label}" + ("_reverse" if direction else "")
        tensors += [tensor(f"weight_ih{suffix}", *stacked, gates * hidden, inputs),
                    tensor(f"weight_hh{suffix}", *stacked, gates * hidden, state)]
        if bias:
            tensors += [tensor(f"bias_ih{suffix}", *stacked, gates * hidden, role=BIAS),
                        tensor(f"bias_hh{suffix}", *stacked, gates * hidden, role=BIAS)]
        if projection:
            tensors.append(tensor(f"weight_hr{suffix}", *stacked, projection, hidden))
    return tensors


def _stacked(mode: str):
    gates = GATES[mode]

    def build(c: Config) -> Built:
        hidden, bias = c.size("hidden_size"), c.flag("bias")
        directions = 2 if c.flag("bidirectional") else 1
        projection = c.known("proj_size") or 0
        state = Polynomial.constant(projection) if projection else hidden
        layers = c.size("num_layers")
        first = gated_formula(gates, hidden, c.input, state, projection, bias)
        later = gated_formula(gates, hidden, directions * state, state, projection, bias)
        if directions > 1:
            first, later = directions * first, directions * later
        tensors = _layer_tensors(gates, hidden, c.input, state, projection, bias, directions, "0", Polynomial.constant(1))
        if layers.is_constant and layers.value <= MAX_LISTED_LAYERS:
            for layer in range(1, layers.value):
                tensors += _layer_tensors(gates, hidden, directions * state, state, projection, bias, directions,
                                          str(layer), Polynomial.constant(1))
            formula = first
            if layers.value > 1:
                formula = first + (layers.value - 1) * later if layers.value > 2 else first + later
            return Built(tuple(tensors), formula, directions * state)
        # An unknown number of layers, or too many to list: the count stays exact (a polynomial in the
        # number of layers), with layer 0 and then the L - 1 layers that are all alike. (Once the stacked
        # entry's bytes overflow int64, past 10**11 layers or so, it is refused like one tensor, where
        # torch would build layer after layer until memory runs out: neither ends with a model.)
        last = layers.value - 1 if layers.is_constant else layers - 1
        tensors += _layer_tensors(gates, hidden, directions * state, state, projection, bias, directions,
                                  f"1…{last}", layers - 1)
        return Built(tuple(tensors), first + term(layers - 1) * later, directions * state)

    return build


def _cell(mode: str):
    gates = GATES[mode]

    def build(c: Config) -> Built:
        hidden, inputs, bias = c.size("hidden_size"), c.input, c.flag("bias")
        tensors = [tensor("weight_ih", gates * hidden, inputs), tensor("weight_hh", gates * hidden, hidden)]
        if bias:
            tensors += [tensor("bias_ih", gates * hidden, role=BIAS), tensor("bias_hh", gates * hidden, role=BIAS)]
        return Built(tuple(tensors), gated_formula(gates, hidden, inputs, hidden, 0, bias), hidden)

    return build


# torch bounds a tensor's bytes, not its elements; read with the default dtype's size (a `dtype=`
# argument of another width moves the bound by a factor of 2 or 4, for tensors of 2**60 elements).
FLOAT32_BYTES = 4


def _refused_shape(shape: Tuple[Polynomial, ...]) -> Optional[str]:
    """What torch raises when it creates a tensor of this shape, if it refuses it."""
    negative = negative_dimension(shape)
    if negative is not None:
        return f"Trying to create tensor with negative dimension {negative}: [{shape_text(shape)}]"
    count = elements(shape)
    if count is not None and count * FLOAT32_BYTES > INT64_MAX:
        return f"Storage size calculation overflowed with sizes=[{shape_text(shape)}]"
    return None


def _linear(c: Config) -> Built:
    outputs = c.size("out_features")
    return Built(*affine(c.size("in_features"), outputs, c.flag("bias")), outputs)


def _embedding(c: Config) -> Built:
    rows, width = c.size("num_embeddings"), c.size("embedding_dim")
    table = tensor("weight", rows, width, role=TABLE, trainable=not c.flag("_freeze"))
    return Built((table,), term(rows) * term(width), width)


def _product(sizes) -> Term:
    """The product of sizes; that of no sizes is 1 (a shape-() tensor holds one number)."""
    result = term(sizes[0]) if sizes else term(1)
    for size in sizes[1:]:
        result = result * term(size)
    return result


def _layer_norm(c: Config) -> Built:
    shape = c.sizes("normalized_shape")
    # The output is the input; only a normalized last axis says how wide it is.
    output = shape[-1] if shape else None
    if not c.flag("elementwise_affine"):
        return Built((), term(0), output)
    tensors = [tensor("weight", *shape, role=SCALE)]
    formula = _product(shape)
    if c.flag("bias"):
        tensors.append(tensor("bias", *shape, role=BIAS))
        formula = 2 * formula
    return Built(tuple(tensors), formula, output)


def _conv1d(c: Config) -> Built:
    outputs, groups = c.size("out_channels"), c.known("groups")
    # A polynomial cannot be divided by the group count, so grouped convolutions need a known input.
    inputs = c.size("in_channels") if groups == 1 else Polynomial.constant(c.known("in_channels") // groups)
    # torch keeps every entry of a kernel_size tuple (`_single` checks no length): the weight is
    # (out, in / groups, *kernel_size), whatever the number of entries, none included.
    kernel = c.sizes("kernel_size")
    tensors = [tensor("weight", outputs, inputs, *kernel)]
    formula = _product((outputs, inputs) + kernel)
    if c.flag("bias"):
        tensors.append(tensor("bias", outputs, role=BIAS))
        formula = formula + term(outputs)
    return Built(tuple(tensors), formula, outputs)


CONV_CHECKS = (
    Check(("groups",), lambda groups: groups <= 0, "groups must be a positive integer"),
    Check(("in_channels", "groups"), lambda in_channels, groups: in_channels % groups != 0,
          "in_channels must be divisible by groups"),
    Check(("out_channels", "groups"), lambda out_channels, groups: out_channels % groups != 0,
          "out_channels must be divisible by groups"),
)

SPECS = (
    LayerSpec(FRAMEWORK, "RNN", SIZES + (Arg("nonlinearity", "tanh"), Arg("bias", True)) + AFTER_BIAS + FACTORY
              + NO_PROJ, _stacked("RNN"), RNN_CHECKS + (NONLINEARITY_CHECK, NO_PROJ_CHECK), "input_size"),
    LayerSpec(FRAMEWORK, "LSTM", SIZES + (Arg("bias", True),) + AFTER_BIAS + (Arg("proj_size", 0),) + FACTORY,
              _stacked("LSTM"), RNN_CHECKS + PROJ_CHECKS, "input_size"),
    LayerSpec(FRAMEWORK, "GRU", SIZES + (Arg("bias", True),) + AFTER_BIAS + FACTORY + NO_PROJ,
              _stacked("GRU"), RNN_CHECKS + (NO_PROJ_CHECK,), "input_size"),
    LayerSpec(FRAMEWORK, "RNNCell", (Arg("input_size"), Arg("hidden_size"), Arg("bias", True),
                                     Arg("nonlinearity", "tanh")) + FACTORY,
              _cell("RNN"), (), "input_size", kind="cell"),
    LayerSpec(FRAMEWORK, "LSTMCell", (Arg("input_size"), Arg("hidden_size"), Arg("bias", True)) + FACTORY,
              _cell("LSTM"), (), "input_size", kind="cell"),
    LayerSpec(FRAMEWORK, "GRUCell", (Arg("input_size"), Arg("hidden_size"), Arg("bias", True)) + FACTORY,
              _cell("GRU"), (), "input_size", kind="cell"),
    LayerSpec(FRAMEWORK, "Linear", (Arg("in_features"), Arg("out_features"), Arg("bias", True)) + FACTORY,
              _linear, (), "in_features", kind="common"),
    LayerSpec(FRAMEWORK, "Embedding", (Arg("num_embeddings"), Arg("embedding_dim"), Arg("padding_idx", None),
                                       Arg("max_norm", None), Arg("norm_type", 2.0), Arg("scale_grad_by_freq", False),
                                       Arg("sparse", False), Arg("_weight", None), Arg("_freeze", False)) + FACTORY,
              _embedding, (), None, kind="common"),
    LayerSpec(FRAMEWORK, "LayerNorm", (Arg("normalized_shape"), Arg("eps", 1e-5), Arg("elementwise_affine", True),
                                       Arg("bias", True)) + FACTORY,
              _layer_norm, (), None, kind="common"),
    LayerSpec(FRAMEWORK, "Conv1d", (Arg("in_channels"), Arg("out_channels"), Arg("kernel_size"), Arg("stride", 1),
                                    Arg("padding", 0), Arg("dilation", 1), Arg("groups", 1), Arg("bias", True),
                                    Arg("padding_mode", "zeros")) + FACTORY,
              _conv1d, CONV_CHECKS, "in_channels", kind="common"),
)
# Every row creates its tensors through torch's allocator, which refuses them in its own words.
SPECS = tuple(replace(spec, refuse_shape=_refused_shape) for spec in SPECS)
