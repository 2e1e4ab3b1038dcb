"""Keras 3 (`keras.layers`), as of keras 3.15.

Quirks encoded here:
- A layer learns its input size when first called (`build(input_shape)`), so no row has an input
  argument. The Keras-2 keywords `input_shape=` / `input_dim=` are only a fallback for the outermost
  layer: a wrapped layer always sees its wrapper's input (Keras 3 ignores them there, and a
  `Sequential` whose first layer is `Bidirectional(LSTM(8, input_shape=...))` stays unbuilt).
  Passing `input_dim` together with `input_shape` leaves `input_shape` unconsumed, which Keras refuses.
- Kernels are input-major, `(i, g·h)`, with one fused bias vector; GRU's default `reset_after=True`
  keeps two bias rows, `(2, 3·h)`. ConvLSTM kernels are `(*k, i, 4·f)`.
- Tensor names are the weights' paths below the layer: `lstm_cell/kernel` inside an LSTM,
  `forward_lstm/lstm_cell/kernel` inside a Bidirectional. Names Keras makes up (`lstm_cell`,
  `lstm_cell_1`, ...) are those of a fresh session, counted within one layer's own arguments.
- `trainable=False` freezes only the variables a layer creates itself (or in the cell it builds and
  hands the flag to). Wrappers (`RNN`, `StackedRNNCells`, `Bidirectional`, `TimeDistributed`) and the
  ConvLSTMs (whose cell never receives the flag) leave their inner variables trainable, and a model
  trains them: the flags here are the variables' own, which is what a model counts.
- Unknown keywords raise `Unrecognized keyword arguments passed to LSTM: {...}`, `batch_input_shape`
  included; `InputLayer` alone silently ignores any keyword. Recurrent dropouts are clamped into
  [0, 1], never refused; `units <= 0` is refused by the cell the layer builds.
- `Bidirectional(merge_mode="concat")` is sized 2 x the forward layer's output even when a narrower
  `backward_layer` makes the real concatenation smaller: Keras builds the next layers from that size.
- Keras prints the allowed paddings as a set whose order changes between processes; they are sorted here.
- `data_format=None` means the global `image_data_format()`, assumed to be "channels_last"; with
  "channels_first" the channel count is not the last axis, so it is unknown here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from ..core.formula import Term, term
from ..core.polynomial import Polynomial
from ..core.spec import (
    BIAS,
    REQUIRED,
    SCALE,
    STATISTIC,
    TABLE,
    WEIGHT,
    Arg,
    Built,
    Check,
    Config,
    Count,
    LayerConfig,
    LayerSpec,
    MissingValue,
    TensorSpec,
    Unknown,
    negative_dimension,
    prefixed,
    refused_shape,
    shape_text,
    tensor,
)

FRAMEWORK = "keras"
# `tensorflow.keras` is Keras 3 since TF 2.16; `tf_keras` (Keras 2) has other signatures and is not read.
# Keras 3 as reached through TensorFlow, tf_keras and keras_core too (counted with Keras 3's rows), and
# the Keras-2-era module paths of the recurrent layers.
_ROOTS = ("keras", "tensorflow.keras", "tf_keras", "keras_core")
MODULES = {f"{root}{sub}": "" for root in _ROOTS
           for sub in ("", ".layers", ".layers.recurrent", ".layers.recurrent_v2", ".layers.rnn")}
MODEL_BASES = tuple(f"{root}{sub}.Layer" for root in _ROOTS for sub in ("", ".layers"))
SEQUENTIAL = tuple(f"{root}{sub}.Sequential" for root in _ROOTS for sub in ("", ".models"))
# `keras.Model(inputs, outputs)` builds a functional model; subclassing it makes a class model.
FUNCTIONAL = tuple(f"{root}{sub}.Model" for root in _ROOTS for sub in ("", ".models"))
PARAMETER_FREE = frozenset({
    # What the top-level `keras` module exports besides layers and models.
    "DTypePolicy", "FloatDTypePolicy", "Function", "Initializer", "InputSpec", "KerasTensor", "Loss", "Metric",
    "Operation", "Optimizer", "Quantizer", "Regularizer", "RematScope", "StatelessScope", "SymbolicScope", "Variable",
    # Layers without weights.
    "Activation", "ActivityRegularization", "Add", "AlphaDropout", "Average", "Concatenate", "Dot", "ELU", "Flatten",
    "GaussianDropout", "GaussianNoise", "Identity", "Lambda", "LeakyReLU", "Maximum", "Minimum", "Multiply",
    "Permute", "ReLU", "RepeatVector", "Rescaling", "Softmax", "Subtract", "UnitNormalization",
    *(f"{kind}{rank}D" for rank in (1, 2, 3) for kind in (
        "AveragePooling", "AvgPool", "MaxPooling", "MaxPool", "GlobalAveragePooling", "GlobalAvgPool",
        "GlobalMaxPooling", "GlobalMaxPool", "Cropping", "UpSampling", "ZeroPadding", "SpatialDropout")),
})


def _positional(**defaults: Any) -> Tuple[Arg, ...]:
    return tuple(Arg(name, default) for name, default in defaults.items())


def _keywords(**defaults: Any) -> Tuple[Arg, ...]:
    return tuple(Arg(name, default, keyword_only=True) for name, default in defaults.items())


# `Layer.__init__`'s keywords, which every layer forwards through `**kwargs`.
LAYER_KEYWORDS = _keywords(activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                           input_shape=None, input_dim=None)


def _signature(positional: Tuple[Arg, ...], keywords: Tuple[Arg, ...] = ()) -> Tuple[Arg, ...]:
    declared = {arg.name for arg in positional}
    return positional + tuple(arg for arg in keywords + LAYER_KEYWORDS if arg.name not in declared)


INITIALIZERS = _positional(kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                           bias_initializer="zeros")
REGULARIZERS = _positional(kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None)
CONSTRAINTS = _positional(kernel_constraint=None, recurrent_constraint=None, bias_constraint=None)
DROPOUTS = _positional(dropout=0.0, recurrent_dropout=0.0)
SEQUENCES = _positional(return_sequences=False, return_state=False, go_backwards=False, stateful=False)
ACTIVITY = _positional(activity_regularizer=None)
SEED = _positional(seed=None)
GATED = _positional(units=REQUIRED, activation="tanh", recurrent_activation="sigmoid", use_bias=True)
IMPLEMENTATION = _keywords(implementation=2)
LORA = _positional(lora_rank=None, lora_alpha=None)

SIMPLE_RNN_CELL = _positional(units=REQUIRED, activation="tanh", use_bias=True) + INITIALIZERS + REGULARIZERS \
    + CONSTRAINTS + DROPOUTS + SEED
LSTM_CELL = GATED + INITIALIZERS + _positional(unit_forget_bias=True) + REGULARIZERS + CONSTRAINTS + DROPOUTS + SEED
GRU_CELL = GATED + INITIALIZERS + REGULARIZERS + CONSTRAINTS + DROPOUTS + _positional(reset_after=True) + SEED
SIMPLE_RNN = _positional(units=REQUIRED, activation="tanh", use_bias=True) + INITIALIZERS + REGULARIZERS + ACTIVITY \
    + CONSTRAINTS + DROPOUTS + SEQUENCES + _positional(unroll=False) + SEED
LSTM = GATED + INITIALIZERS + _positional(unit_forget_bias=True) + REGULARIZERS + ACTIVITY + CONSTRAINTS + DROPOUTS \
    + SEED + SEQUENCES + _positional(unroll=False, use_cudnn="auto")
GRU = GATED + INITIALIZERS + REGULARIZERS + ACTIVITY + CONSTRAINTS + DROPOUTS + SEED + SEQUENCES \
    + _positional(unroll=False, reset_after=True, use_cudnn="auto")
CONV_LSTM = _positional(filters=REQUIRED, kernel_size=REQUIRED, strides=1, padding="valid", data_format=None,
                        dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True) \
    + INITIALIZERS + _positional(unit_forget_bias=True) + REGULARIZERS + ACTIVITY + CONSTRAINTS + DROPOUTS + SEED \
    + SEQUENCES
DENSE = _positional(units=REQUIRED, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                    bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                    kernel_constraint=None, bias_constraint=None) + LORA + _positional(quantization_config=None)
EMBEDDING = _positional(input_dim=REQUIRED, output_dim=REQUIRED, embeddings_initializer="uniform",
                        embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, weights=None) \
    + LORA + _positional(quantization_config=None)
NORMALIZATION = _positional(beta_initializer="zeros", gamma_initializer="ones")
NORM_PENALTIES = _positional(beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)
LAYER_NORM = _positional(axis=-1, epsilon=1e-3, center=True, scale=True) + NORMALIZATION + NORM_PENALTIES
BATCH_NORM = _positional(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True) + NORMALIZATION \
    + _positional(moving_mean_initializer="zeros", moving_variance_initializer="ones") + NORM_PENALTIES \
    + _positional(renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False)
CONV1D = _positional(filters=REQUIRED, kernel_size=REQUIRED, strides=1, padding="valid", data_format=None,
                     dilation_rate=1, groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                     bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None, bias_constraint=None)
RNN = _positional(cell=REQUIRED, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                  unroll=False, zero_output_for_mask=False)
BIDIRECTIONAL = _positional(layer=REQUIRED, merge_mode="concat", weights=None, backward_layer=None)
INPUT = _positional(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None,
                    tensor=None, optional=False)
INPUT_LAYER = _positional(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                          input_tensor=None, optional=False, name=None)

# Layers whose config has `go_backwards`, so that Bidirectional can make a backward copy.
RECURRENT = ("SimpleRNN", "LSTM", "GRU", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
# Layers without a `state_size`, which RNN and StackedRNNCells refuse as cells.
STATELESS = ("Dense", "Embedding", "LayerNormalization", "BatchNormalization", "Conv1D", "TimeDistributed",
             "Bidirectional", "Dropout", "Masking", "Reshape", "InputLayer")


# --- checks -------------------------------------------------------------------------------------

def _unrecognized(layer: str, keywords: dict) -> str:
    return f"Unrecognized keyword arguments passed to {layer}: {keywords}"


def _layer_checks(layer: str, input_dim_is_the_layers: bool = True) -> Tuple[Check, ...]:
    """What `Layer.__init__` validates, for a row whose `**kwargs` reach it."""
    warning = ("Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential models, "
               "prefer using an `Input(shape)` object as the first layer in the model instead.")
    checks = (
        Check(("trainable",), lambda trainable: not isinstance(trainable, bool),
              lambda trainable: "Expected `trainable` to be a boolean. "
                                f"Received: trainable={trainable} (of type {type(trainable)})"),
        Check(("name",), lambda name: name is not None and (not isinstance(name, str) or "/" in name),
              lambda name: "Argument `name` must be a string and cannot contain character `/`. "
                           f"Received: name={name} (of type {type(name)})"),
        Check(("input_shape",), lambda input_shape: input_shape is not None, warning, severity="warning"),
    )
    if not input_dim_is_the_layers:
        return checks
    return checks + (
        Check(("input_dim",), lambda input_dim: input_dim is not None, warning, severity="warning"),
        # `input_dim` wins, so `input_shape` is left over among the unrecognized keywords.
        Check(("input_dim", "input_shape"),
              lambda input_dim, input_shape: input_dim is not None and input_shape is not None,
              lambda input_dim, input_shape: _unrecognized(layer, {"input_shape": input_shape})),
    )


def _tuple_problem(value: Any, rank: int, name: str, allow_zero: bool = False) -> Optional[str]:
    """`standardize_tuple`'s refusal of `value`, if any."""
    message = f"The `{name}` argument must be a tuple of {rank} integers. Received {name}={value}"
    if isinstance(value, int):
        values = (value,) * rank
    else:
        if not isinstance(value, (tuple, list)):
            return message
        if len(value) != rank:
            return message
        if not all(isinstance(item, int) for item in value):
            raise TypeError("an element is not known statically")
        values = tuple(value)
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        return f"{message}, including values {bad} that do not satisfy `value {'>= 0' if allow_zero else '> 0'}`"
    return None


def _tuple_check(name: str, rank: int, allow_zero: bool = False) -> Check:
    return Check((name,), lambda **v: _tuple_problem(v[name], rank, name, allow_zero) is not None,
                 lambda **v: _tuple_problem(v[name], rank, name, allow_zero))


def _padding_check(allow_causal: bool) -> Check:
    allowed = ("causal", "same", "valid") if allow_causal else ("same", "valid")

    def refused(padding) -> bool:
        if isinstance(padding, (list, tuple)):
            return False
        if not isinstance(padding, str):
            raise TypeError("Keras fails on `.lower()` before it checks")
        return padding.lower() not in allowed

    # Keras prints a set whose order changes from one process to the next; this is its sorted order.
    listed = "{" + ", ".join(repr(value) for value in allowed) + "}"
    return Check(("padding",), refused, lambda padding: "The `padding` argument must be a list/tuple or one of "
                                                        f"{listed}. Received: {padding.lower()}")


DATA_FORMAT_CHECK = Check(
    ("data_format",),
    lambda data_format: data_format is not None and str(data_format).lower() not in ("channels_first", "channels_last"),
    lambda data_format: "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                        f"Received: data_format={str(data_format).lower()}",
)


def _strides_and_dilation(rank: int, message: str) -> Check:
    def tuples(strides, dilation_rate):
        return (strides,) * rank if isinstance(strides, int) else tuple(strides), \
            (dilation_rate,) * rank if isinstance(dilation_rate, int) else tuple(dilation_rate)

    return Check(("strides", "dilation_rate"),
                 lambda **v: max(tuples(**v)[0]) > 1 and max(tuples(**v)[1]) > 1,
                 lambda **v: message.format(*tuples(**v)))


def _conv_checks(rank: int) -> Tuple[Check, ...]:
    return (_tuple_check("kernel_size", rank), _tuple_check("strides", rank, allow_zero=True),
            _padding_check(allow_causal=False), DATA_FORMAT_CHECK, _tuple_check("dilation_rate", rank),
            _strides_and_dilation(rank, "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. "
                                        "Please provide `strides=1` or `dilation_rate=1`. "
                                        "Received: strides={} and dilation_rate={}"))


CONV1D_CHECKS = (
    _tuple_check("kernel_size", 1), _tuple_check("strides", 1), _tuple_check("dilation_rate", 1),
    _padding_check(allow_causal=True), DATA_FORMAT_CHECK,
    Check(("filters",), lambda filters: filters is not None and filters <= 0,
          "Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}."),
    Check(("groups",), lambda groups: groups <= 0,
          "The number of groups must be a positive integer. Received: groups={groups}."),
    Check(("filters", "groups"), lambda filters, groups: filters is not None and filters % groups != 0,
          "The number of filters must be evenly divisible by the number of groups. "
          "Received: groups={groups}, filters={filters}."),
    _strides_and_dilation(1, "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                             "Received: strides={} and dilation_rate={}"),
)


def _lora_check(constraint: str, noun: str) -> Check:
    return Check(("lora_rank", constraint), lambda **v: bool(v["lora_rank"]) and v[constraint] is not None,
                 f"Lora is incompatible with {noun} constraints. In order to enable lora on this layer, "
                 f"remove the `{constraint}` argument.")


UNITS_CHECK = Check(("units",), lambda units: units <= 0,
                    "Received an invalid value for argument `units`, expected a positive integer, got {units}.")
USE_CUDNN_CHECK = Check(("use_cudnn",), lambda use_cudnn: use_cudnn not in ("auto", True, False),
                        lambda use_cudnn: "Invalid valid received for argument `use_cudnn`. Expected one of "
                                          f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}")


def _positive_int_check(name: str) -> Check:
    return Check((name,), lambda **v: not isinstance(v[name], int) or isinstance(v[name], bool) or v[name] <= 0,
                 lambda **v: f"`{name}` must be a positive integer. Received: {name}={v[name]} "
                             f"(of type {type(v[name]).__name__}).")


def _layer_argument(config: Any) -> LayerConfig:
    if not isinstance(config, LayerConfig):
        raise TypeError("not a layer this tool understands")
    return config


def _nested_flag(config: Any, name: str) -> bool:
    value = _layer_argument(config).arguments.get(name, False)
    if isinstance(value, Polynomial) and value.is_constant:
        return bool(value.value)
    if isinstance(value, (Unknown, Polynomial)):
        raise TypeError(f"`{name}` is not known")
    return value


def _stateless_cells(cells: Any) -> bool:
    return any(_layer_argument(cell).layer in STATELESS for cell in cells)


RNN_CELL_CHECKS = (
    Check(("cell",), lambda cell: not isinstance(cell, (list, tuple)) and _layer_argument(cell).layer in STATELESS,
          "The RNN cell should have a `state_size` attribute (single integer or list of integers, one integer "
          "per RNN state). Received: cell="),
    Check(("cell",), lambda cell: isinstance(cell, (list, tuple)) and _stateless_cells(cell),
          "All cells must have a `state_size` attribute. Received cell without a `state_size`: "),
)
STACKED_CELLS_CHECK = Check(("cells",), _stateless_cells,
                            "All cells must have a `state_size` attribute. Received cell without a `state_size`: ")

MERGE_MODES = ["sum", "mul", "ave", "concat", None]
COMMON_ATTRIBUTES = ("stateful", "return_sequences", "return_state")


def _backward_go_backwards(backward_layer: Any) -> bool:
    return True if backward_layer is None else _nested_flag(backward_layer, "go_backwards")


def _mismatched_attribute(layer: Any, backward_layer: Any) -> Optional[str]:
    if backward_layer is None:
        return None
    return next((name for name in COMMON_ATTRIBUTES
                 if _nested_flag(layer, name) != _nested_flag(backward_layer, name)), None)


BIDIRECTIONAL_CHECKS = (
    Check(("merge_mode",), lambda merge_mode: merge_mode not in MERGE_MODES,
          lambda merge_mode: f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}'),
    # The backward copy is rebuilt from the layer's config with `go_backwards=True` added.
    Check(("layer", "backward_layer"),
          lambda layer, backward_layer: backward_layer is None and _layer_argument(layer).layer not in RECURRENT,
          lambda layer, backward_layer: _unrecognized(layer.layer, {"go_backwards": True})),
    Check(("layer", "backward_layer"),
          lambda layer, backward_layer: _nested_flag(layer, "go_backwards") == _backward_go_backwards(backward_layer),
          lambda layer, backward_layer: "Forward layer and backward layer should have different `go_backwards` "
                                        f"value. Received: forward_layer.go_backwards "
                                        f"{_nested_flag(layer, 'go_backwards')}, backward_layer.go_backwards="
                                        f"{_backward_go_backwards(backward_layer)}"),
    Check(("layer", "backward_layer"),
          lambda layer, backward_layer: _mismatched_attribute(layer, backward_layer) is not None,
          lambda layer, backward_layer: _attribute_mismatch(layer, backward_layer)),
)


def _attribute_mismatch(layer: LayerConfig, backward_layer: LayerConfig) -> str:
    name = _mismatched_attribute(layer, backward_layer)
    return (f'Forward layer and backward layer are expected to have the same value for attribute "{name}", got '
            f'"{_nested_flag(layer, name)}" for forward layer and "{_nested_flag(backward_layer, name)}" '
            "for backward layer")


def _declared_shape(values: dict) -> Tuple[Any, Any]:
    """(shape, batch_shape) as InputLayer resolves its legacy aliases."""
    shape, batch_shape = values["shape"], values["batch_shape"]
    if values.get("input_shape") is not None:
        shape = values["input_shape"]
    if values.get("batch_input_shape") is not None:
        batch_shape = values["batch_input_shape"]
    return shape, batch_shape


def _either(shape: Any, batch_shape: Any) -> Any:
    return shape if shape is not None else batch_shape


def _shape_problem(shape: Any) -> Optional[str]:
    if shape is None:
        return None
    if not isinstance(shape, (tuple, list)):
        return f"Cannot convert '{shape}' to a shape."
    if any(isinstance(d, (Unknown, Polynomial)) for d in shape):
        raise TypeError("a dimension is not known statically")
    if any(isinstance(d, int) and d < 0 for d in shape):
        return f"Cannot convert '{tuple(shape)}' to a shape. Negative dimensions are not allowed."
    return None


def _input_checks(tensor_argument: str, aliases: Tuple[str, ...]) -> Tuple[Check, ...]:
    names = ("shape", "batch_shape", "batch_size", tensor_argument) + aliases

    def check(fails, message) -> Check:
        return Check(names, lambda **v: v[tensor_argument] is None and fails(*_declared_shape(v), v["batch_size"]),
                     lambda **v: message(*_declared_shape(v)) if callable(message) else message)

    return (
        check(lambda shape, batch_shape, batch_size: shape is not None and batch_shape is not None,
              "You cannot pass both `shape` and `batch_shape` at the same time."),
        check(lambda shape, batch_shape, batch_size: batch_size is not None and batch_shape is not None,
              "You cannot pass both `batch_size` and `batch_shape` at the same time."),
        check(lambda shape, batch_shape, batch_size: shape is None and batch_shape is None,
              "You must pass a `shape` argument."),
        check(lambda shape, batch_shape, batch_size: _shape_problem(_either(shape, batch_shape)) is not None,
              lambda shape, batch_shape: _shape_problem(_either(shape, batch_shape))),
    )


INPUT_LAYER_CHECKS = _input_checks("input_tensor", ("input_shape", "batch_input_shape")) + (
    Check(("input_shape",), lambda input_shape: input_shape is not None,
          "Argument `input_shape` is deprecated. Use `shape` instead.", severity="warning"),
)


def _reshape_problem(target_shape: Any) -> Optional[str]:
    if not isinstance(target_shape, (tuple, list)):
        return f"'{type(target_shape).__name__}' object is not iterable"
    target = tuple(target_shape)
    if any(isinstance(d, int) and d < -1 for d in target):
        return ("Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown "
                f"dimension. Received: target_shape={target}.")
    if sum(1 for d in target if isinstance(d, int) and d == -1) > 1:
        return f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={target}."
    return None


RENORM_KEYS = ["rmax", "rmin", "dmax"]


def _clipping(renorm: bool, renorm_clipping: Any) -> dict:
    clipping = (renorm_clipping or {}) if renorm else {}
    if not isinstance(clipping, dict):
        raise TypeError("`renorm_clipping` is not a dict")
    return clipping


def _both_bounds_reversed(clipping: dict) -> bool:
    rmax, rmin = clipping.get("rmax"), clipping.get("rmin")
    return rmax is not None and rmin is not None and rmax < rmin


def _int_problem(axis: Any) -> Tuple[Optional[int], Optional[str]]:
    """`int(axis)`, as BatchNormalization takes it, or what Python says when it cannot."""
    if isinstance(axis, LayerConfig):  # Keras would be handed the layer object itself
        return None, f"int() argument must be a string, a bytes-like object or a real number, not '{axis.layer}'"
    try:
        return int(axis), None
    except (TypeError, ValueError, OverflowError) as error:
        return None, str(error)


def _axes(axis: Any) -> Optional[List[Any]]:
    """LayerNormalization's axes, sorted as its `build` sorts them; None when one is not known."""
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if any(isinstance(a, (Unknown, Polynomial)) for a in axes):
        return None
    return sorted(axes)


def _axes_problem(axis: Any) -> Optional[str]:
    """What LayerNormalization's `build` raises on these axes: sorting them, or indexing the input's
    shape with them."""
    try:
        axes = _axes(axis)
    except TypeError as error:
        return str(error)
    if axes is None:  # the check cannot say: skipped, and the row says the axis is unknown
        raise TypeError("an axis is not known statically")
    wrong = [a for a in axes if not isinstance(a, int)]
    return f"tuple indices must be integers or slices, not {type(wrong[0]).__name__}" if wrong else None


BATCH_NORM_CHECKS = (
    # `self.axis = int(axis)`, first thing after `Layer.__init__`: a tuple of axes is refused.
    Check(("axis",), lambda axis: _int_problem(axis)[1] is not None, lambda axis: _int_problem(axis)[1]),
    Check(("renorm", "renorm_clipping"), lambda **v: bool(set(_clipping(**v)) - set(RENORM_KEYS)),
          lambda **v: f"Received invalid keys for `renorm_clipping` argument: {_clipping(**v)}. "
                      f"Supported values: {RENORM_KEYS}."),
    # Keras forgot the f-prefix on the next two messages: the braces are printed as they are.
    Check(("renorm", "renorm_clipping"), lambda **v: _both_bounds_reversed(_clipping(**v)),
          lambda **v: "rmax should be greater than rmin in the `renorm_clipping` argument. "
                      "Received: rmax={rmax}, rmin={rmin}."),
    Check(("renorm", "renorm_clipping"),
          lambda **v: _clipping(**v).get("dmax") is not None and _clipping(**v)["dmax"] < 0,
          lambda **v: "dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."),
)


# --- sizes and names ----------------------------------------------------------------------------

def _dimension(c: Config, value: Any) -> Optional[Polynomial]:
    """A shape entry as a size, when it is one."""
    if isinstance(value, Unknown):
        c.unknowns.setdefault(value.name, value)
        return Polynomial.symbol(value.name)
    if isinstance(value, Polynomial):
        return value if not value.is_constant or value.value >= 0 else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Polynomial.constant(value)
    return None


def _last_dimension(c: Config, shape: Any) -> Optional[Polynomial]:
    if isinstance(shape, (tuple, list)) and shape:
        return _dimension(c, shape[-1])
    return None


def _given_input(c: Config) -> Optional[Polynomial]:
    """The input's last axis: the call-time size, else the Keras-2 `input_dim` / `input_shape` hint."""
    if c.input_size is not None:
        return c.input
    if c.raw("input_dim") is not None:
        return _dimension(c, c.raw("input_dim"))
    if c.raw("input_shape") is not None:
        return _last_dimension(c, c.raw("input_shape"))
    return None


def _input(c: Config) -> Polynomial:
    given = _given_input(c)
    return given if given is not None else c.input


def _axis_size(c: Config, axis: int) -> Polynomial:
    if axis == -1:
        return _input(c)
    name = f"input_shape[{axis}]"
    c.unknowns.setdefault(name, Unknown(name, "only the input's last axis is known statically"))
    return Polynomial.symbol(name)


def _channels_first(c: Config) -> bool:
    return str(c.known("data_format")).lower() == "channels_first"


def _channels(c: Config) -> Polynomial:
    if not _channels_first(c):
        return _input(c)
    c.unknowns.setdefault("input_channels", Unknown(
        "input_channels", "with data_format='channels_first' the channel count is not the input's last axis"))
    return Polynomial.symbol("input_channels")


def _snake_case(name: str) -> str:
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _names(configs: Sequence[LayerConfig]) -> List[str]:
    """The names Keras gives these layers when they are created in this order in a fresh session."""
    created: Counter = Counter()
    names = []
    for config in configs:
        explicit = config.arguments.get("name")
        if isinstance(explicit, str):
            names.append(explicit)
            continue
        base = _snake_case(config.layer)
        names.append(f"{base}_{created[base]}" if created[base] else base)
        created[base] += 1
    return names


def _layer_config(value: Any, argument: str) -> LayerConfig:
    if not isinstance(value, LayerConfig):
        raise MissingValue(argument, Unknown(argument, f"`{argument}` is not a layer this tool understands"))
    return value


def _counted(c: Config, config: LayerConfig, inputs: Polynomial) -> Count:
    """A nested layer's count; one that could not be counted for want of a value stops the owner too.
    One the framework refuses is returned, so that its errors reach the owner's count."""
    child = c.count_nested(config, inputs)
    if child.total is None and not child.errors:
        reason = next((p.message for p in child.problems if p.severity == "info"), f"cannot count {config.layer}")
        raise MissingValue(config.layer, child.unknowns[0] if child.unknowns else Unknown(config.layer, reason))
    return child


def _refused(children: Iterable[Count]) -> Optional[Built]:
    children = tuple(children)
    return Built((), term(0), None, children) if any(child.total is None for child in children) else None


def _formula(count: Count) -> Term:
    """A nested layer's own derivation, as a sum so that a product around it parenthesises it."""
    return Term(count.total, count.formula.split(" = ")[0], 1)


def _under(prefix: str, tensors: Iterable[TensorSpec]) -> Tuple[TensorSpec, ...]:
    return tuple(TensorSpec(prefix + t.name, t.shape, t.role, t.trainable) for t in tensors)


def _product(sizes: Sequence[Polynomial]) -> Term:
    """The product of sizes; that of no sizes is 1 (a shape-() weight holds one number)."""
    if not sizes:
        return term(1)
    result = term(sizes[0])
    for size in sizes[1:]:
        result = result * term(size)
    return result


# --- recurrent rows -----------------------------------------------------------------------------

def _recurrent_cell(gates: int, c: Config) -> Built:
    """kernel (i, g·h), recurrent_kernel (h, g·h), bias (g·h) or, for GRU's reset_after, (2, g·h)."""
    units, inputs, bias, trainable = c.size("units"), _input(c), c.flag("use_bias"), c.flag("trainable")
    two_biases = gates == 3 and c.flag("reset_after")
    tensors = [tensor("kernel", inputs, gates * units, trainable=trainable),
               tensor("recurrent_kernel", units, gates * units, trainable=trainable)]
    h = term(units)
    formula = h * term(inputs) + h**2
    if bias:
        tensors.append(tensor("bias", *((2,) if two_biases else ()), gates * units, role=BIAS, trainable=trainable))
        formula = formula + (2 * h if two_biases else h)
    return Built(tuple(tensors), gates * formula if gates > 1 else formula, units)


def _cell(gates: int):
    return lambda c: _recurrent_cell(gates, c)


def _recurrent_layer(gates: int, cell_name: str):
    def build(c: Config) -> Built:
        cell = _recurrent_cell(gates, c)
        return Built(_under(cell_name + "/", cell.tensors), cell.formula, cell.output_size)

    return build


def _conv_lstm(rank: int):
    def build(c: Config) -> Built:
        filters, kernel, inputs = c.size("filters"), c.sizes("kernel_size"), _channels(c)
        kernel = kernel * rank if len(kernel) == 1 else kernel
        # The cell is built without the layer's `trainable`, so its variables stay trainable.
        tensors = [tensor("conv_lstm_cell/kernel", *kernel, inputs, 4 * filters),
                   tensor("conv_lstm_cell/recurrent_kernel", *kernel, filters, 4 * filters)]
        f = term(filters)
        formula = _product(kernel) * term(inputs) * f + _product(kernel) * f**2
        if c.flag("use_bias"):
            tensors.append(tensor("conv_lstm_cell/bias", 4 * filters, role=BIAS))
            formula = formula + f
        return Built(tuple(tensors), 4 * formula, None if _channels_first(c) else filters)

    return build


def _rnn(c: Config) -> Built:
    cell = c.raw("cell")
    if isinstance(cell, (list, tuple)):
        cells = [_layer_config(item, "cell") for item in cell]
        config = LayerConfig(FRAMEWORK, "StackedRNNCells", {"cells": cells})
        name = _names(cells + [config])[-1]
    else:
        config = _layer_config(cell, "cell")
        name = _names([config])[0]
    inner = _counted(c, config, _input(c))
    return _refused([inner]) or Built(prefixed(name + "/", inner), _formula(inner), inner.output_size, (inner,))


def _stacked_cells(c: Config) -> Built:
    cells = c.raw("cells")
    if not isinstance(cells, (list, tuple)) or not cells:
        raise MissingValue("cells", Unknown("cells", "`cells` is not a list of layers this tool understands"))
    configs = [_layer_config(cell, "cells") for cell in cells]
    inputs, counts = _input(c), []
    for config in configs:
        counts.append(_counted(c, config, inputs))
        if counts[-1].total is None:
            return _refused(counts)
        inputs = counts[-1].output_size
        if inputs is None:
            raise MissingValue("cells", Unknown("cells", f"the output size of {config.layer} is not known"))
    tensors = tuple(t for name, count in zip(_names(configs), counts) for t in prefixed(name + "/", count))
    formula = _formula(counts[0])
    for count in counts[1:]:
        formula = formula + _formula(count)
    return Built(tensors, formula, counts[-1].output_size, tuple(counts))


def _bidirectional(c: Config) -> Built:
    """Two copies of `layer` (the backward one rebuilt from its config), or `layer` and `backward_layer`."""
    configs = [_layer_config(c.raw("layer"), "layer")]
    if c.raw("backward_layer") is not None:
        configs.append(_layer_config(c.raw("backward_layer"), "backward_layer"))
    children = tuple(_counted(c, config, _input(c)) for config in configs)
    refusal = _refused(children)
    if refusal:
        return refusal
    names = _names(configs)
    forward, backward = children[0], children[-1]
    if len(children) == 1:
        backward_name, formula = "backward_" + names[0].removeprefix("backward_"), 2 * _formula(forward)
    else:
        backward_name, formula = names[1], _formula(forward) + _formula(backward)
    tensors = prefixed("forward_" + names[0].removeprefix("forward_") + "/", forward) \
        + prefixed(backward_name + "/", backward)
    # Keras sizes the output from the forward layer alone, even when a backward layer of another width
    # makes the real concatenation narrower: the layers after it are built from this size.
    output = forward.output_size
    if output is not None and c.known("merge_mode") == "concat":
        output = 2 * output
    return Built(tensors, formula, output, children)


def _time_distributed(c: Config) -> Built:
    layer = _layer_config(c.raw("layer"), "layer")
    inner = _counted(c, layer, _input(c))
    return _refused([inner]) or Built(prefixed(_names([layer])[0] + "/", inner), _formula(inner),
                                      inner.output_size, (inner,))


# --- common rows --------------------------------------------------------------------------------

def _with_lora(c: Config, name: str, leading: Tuple[Polynomial, ...], outputs: Polynomial, role: str):
    """The main matrix and, with `lora_rank`, the two trainable factors that freeze it."""
    trainable, rank = c.flag("trainable"), c.known("lora_rank")
    tensors = [tensor(name, *leading, outputs, role=role, trainable=trainable and not rank)]
    formula = _product(leading) * term(outputs)
    if rank:
        tensors += [tensor(f"lora_{name}_a", *leading, rank, role=role, trainable=trainable),
                    tensor(f"lora_{name}_b", rank, outputs, role=role, trainable=trainable)]
        formula = formula + _product(leading) * rank + rank * term(outputs)
    return tensors, formula


def _with_bias(c: Config, tensors: List[TensorSpec], formula: Term, outputs: Polynomial) -> Tuple[tuple, Term]:
    if not c.flag("use_bias"):
        return tuple(tensors), formula
    return tuple(tensors) + (tensor("bias", outputs, role=BIAS, trainable=c.flag("trainable")),), \
        formula + term(outputs)


def _dense(c: Config) -> Built:
    units = c.size("units")
    tensors, formula = _with_lora(c, "kernel", (_input(c),), units, WEIGHT)
    return Built(*_with_bias(c, tensors, formula, units), units)


def _embedding(c: Config) -> Built:
    width = c.size("output_dim")
    tensors, formula = _with_lora(c, "embeddings", (c.size("input_dim"),), width, TABLE)
    return Built(tuple(tensors), formula, width)


def _conv1d(c: Config) -> Built:
    filters, groups, channels = c.size("filters"), c.known("groups"), _channels(c)
    if groups != 1:
        # A polynomial cannot be divided by the group count, and Keras checks divisibility only when built.
        if not channels.is_constant:
            raise MissingValue("groups", Unknown("input_size", "a grouped convolution needs the input channel count"))
        if channels.value % groups:
            raise MissingValue("groups", Unknown("groups", "The number of input channels must be evenly divisible "
                                                           f"by the number of groups. Received groups={groups}, but "
                                                           f"the input has {channels.value} channels"))
        channels = Polynomial.constant(channels.value // groups)
    tensors, formula = _with_lora(c, "kernel", (c.sizes("kernel_size")[0], channels), filters, WEIGHT)
    return Built(*_with_bias(c, tensors, formula, filters), None if _channels_first(c) else filters)


def _layer_norm(c: Config) -> Built:
    axes = _axes(c.known("axis"))
    if axes is None:
        raise MissingValue("axis", Unknown("axis", "an axis is not known statically"))
    shape = tuple(_axis_size(c, a) for a in axes)
    rms, trainable = c.flag("rms_scaling"), c.flag("trainable")
    tensors, formula = [], term(0)
    if c.flag("scale") or rms:
        tensors.append(tensor("gamma", *shape, role=SCALE, trainable=trainable))
    if c.flag("center") and not rms:
        tensors.append(tensor("beta", *shape, role=BIAS, trainable=trainable))
    if tensors:
        formula = _product(shape) if len(tensors) == 1 else 2 * _product(shape)
    return Built(tuple(tensors), formula, _given_input(c))


def _batch_norm(c: Config) -> Built:
    size, trainable = _axis_size(c, _int_problem(c.known("axis"))[0]), c.flag("trainable")
    tensors = []
    if c.flag("scale"):
        tensors.append(tensor("gamma", size, role=SCALE, trainable=trainable))
    if c.flag("center"):
        tensors.append(tensor("beta", size, role=BIAS, trainable=trainable))
    statistics = ["moving_mean", "moving_variance"]
    if c.flag("renorm"):
        statistics += ["moving_stddev", "renorm_mean", "renorm_stddev"]
    tensors += [tensor(name, size, role=STATISTIC, trainable=False) for name in statistics]
    return Built(tuple(tensors), len(tensors) * term(size), _given_input(c))


# --- shape rows ---------------------------------------------------------------------------------

def _passthrough(c: Config) -> Built:
    return Built((), term(0), _given_input(c))


def _reshape(c: Config) -> Built:
    target = c.raw("target_shape")
    last = _last_dimension(c, target)
    return Built((), term(0), last if last is None or not last.is_constant or last.value > 0 else None)


def _input_layer(c: Config) -> Built:
    shape, batch_shape = _declared_shape(c.values)
    return Built((), term(0), _last_dimension(c, _either(shape, batch_shape)))


def _refused_shape(shape: Tuple[Polynomial, ...]) -> Optional[str]:
    """What `add_weight` raises on a shape with a negative size (`standardize_shape`, printing a tuple)."""
    if negative_dimension(shape) is not None:
        text = shape_text(shape) + ("," if len(shape) == 1 else "")
        return f"Cannot convert '({text})' to a shape. Negative dimensions are not allowed."
    return refused_shape(shape)


def _row(name: str, signature: Tuple[Arg, ...], build, checks: Tuple[Check, ...] = (), kind: str = "recurrent",
         keywords: Tuple[Arg, ...] = (), own_input_dim: bool = False) -> LayerSpec:
    """A layer whose `**kwargs` reach `Layer.__init__`."""
    return LayerSpec(FRAMEWORK, name, _signature(signature, keywords), build,
                     _layer_checks(name, not own_input_dim) + checks, None, kind=kind, refuse_shape=_refused_shape)


SPECS = (
    _row("SimpleRNN", SIMPLE_RNN, _recurrent_layer(1, "simple_rnn_cell"), (UNITS_CHECK,)),
    _row("LSTM", LSTM, _recurrent_layer(4, "lstm_cell"), (UNITS_CHECK, USE_CUDNN_CHECK), keywords=IMPLEMENTATION),
    _row("GRU", GRU, _recurrent_layer(3, "gru_cell"), (UNITS_CHECK, USE_CUDNN_CHECK), keywords=IMPLEMENTATION),
    _row("SimpleRNNCell", SIMPLE_RNN_CELL, _cell(1), (UNITS_CHECK,), kind="cell"),
    _row("LSTMCell", LSTM_CELL, _cell(4), (UNITS_CHECK,), kind="cell", keywords=IMPLEMENTATION),
    _row("GRUCell", GRU_CELL, _cell(3), (UNITS_CHECK,), kind="cell", keywords=IMPLEMENTATION),
    _row("RNN", RNN, _rnn, RNN_CELL_CHECKS),
    _row("StackedRNNCells", _positional(cells=REQUIRED), _stacked_cells, (STACKED_CELLS_CHECK,), kind="cell"),
    _row("Bidirectional", BIDIRECTIONAL, _bidirectional, BIDIRECTIONAL_CHECKS, kind="wrapper"),
    _row("ConvLSTM1D", CONV_LSTM, _conv_lstm(1), _conv_checks(1)),
    _row("ConvLSTM2D", CONV_LSTM, _conv_lstm(2), _conv_checks(2)),
    _row("ConvLSTM3D", CONV_LSTM, _conv_lstm(3), _conv_checks(3)),
    _row("TimeDistributed", _positional(layer=REQUIRED), _time_distributed, kind="wrapper"),
    _row("Dense", DENSE, _dense, (
        Check(("units",), lambda units: not isinstance(units, int) or units <= 0,
              "Received an invalid value for `units`, expected a positive integer. Received: units={units}"),
        _lora_check("kernel_constraint", "kernel"),
    ), kind="common"),
    _row("Embedding", EMBEDDING, _embedding, (
        _positive_int_check("input_dim"), _positive_int_check("output_dim"),
        Check(("input_length",), lambda input_length: input_length is not None,
              "Argument `input_length` is deprecated. Just remove it.", severity="warning"),
        _lora_check("embeddings_constraint", "embedding"),
    ), kind="common", keywords=_keywords(input_length=None), own_input_dim=True),
    _row("LayerNormalization", LAYER_NORM, _layer_norm, (
        Check(("axis",), lambda axis: isinstance(axis, bool) or not isinstance(axis, (int, list, tuple)),
              lambda axis: "Expected an int or a list/tuple of ints for the argument 'axis', but received: %r" % axis),
        Check(("rms_scaling",), lambda rms_scaling: bool(rms_scaling),
              "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the input by the "
              "variance, not the root mean square. To correctly use RMS Normalization, please use "
              "`keras.layers.RMSNormalization` instead.", severity="warning"),
        # When the layer is built, after the warning.
        Check(("axis",), lambda axis: _axes_problem(axis) is not None, _axes_problem),
    ), kind="common", keywords=_keywords(rms_scaling=False)),
    _row("BatchNormalization", BATCH_NORM, _batch_norm, BATCH_NORM_CHECKS, kind="common"),
    _row("Conv1D", CONV1D, _conv1d, CONV1D_CHECKS + (_lora_check("kernel_constraint", "kernel"),), kind="common",
         keywords=_keywords(lora_rank=None, lora_alpha=None)),
    _row("Dropout", _positional(rate=REQUIRED, noise_shape=None, seed=None), _passthrough, (
        Check(("rate",), lambda rate: not 0 <= rate <= 1,
              "Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
              "Received: rate={rate}"),
    ), kind="common"),
    _row("Masking", _positional(mask_value=0.0), _passthrough, kind="common"),
    _row("Reshape", _positional(target_shape=REQUIRED), _reshape, (
        Check(("target_shape",), lambda target_shape: _reshape_problem(target_shape) is not None, _reshape_problem),
    ), kind="common"),
    # `Input` is a function with a closed signature; `InputLayer` drops unknown keywords on the floor.
    LayerSpec(FRAMEWORK, "Input", INPUT, _input_layer, _input_checks("tensor", ()), None, kind="shape"),
    LayerSpec(FRAMEWORK, "InputLayer", INPUT_LAYER + _keywords(input_shape=None, batch_input_shape=None),
              _input_layer, INPUT_LAYER_CHECKS, None, accepts_extra_keywords=True, kind="shape"),
)
