"""Keras 3: every table row against `keras.layers`, on the JAX backend.

Layers are built inside a `StatelessScope` that never initialises its variables: the shapes are
real, but nothing is allocated and no initialiser is compiled. `clear_session()` before each
construction gives the names of a fresh session, which is what the table assumes.
"""

import inspect
import math
import os
import re
import warnings

import pytest
from hypothesis import given, strategies as st

os.environ["KERAS_BACKEND"] = "jax"
keras = pytest.importorskip("keras")

from rnnlens.catalog import CATALOG  # noqa: E402
from rnnlens.core import LayerConfig, bind  # noqa: E402

from .harness import build_and_compare, ours  # noqa: E402

pytestmark = pytest.mark.differential
layers = keras.layers

sizes = st.integers(1, 300)
small = st.integers(1, 12)
trainable = st.booleans()


def built(make, input_shape):
    """What Keras builds: every weight's path below the layer, with its shape and own trainable flag
    (the flag a model goes by: it trains every variable whose flag is set)."""

    def build():
        keras.backend.clear_session(free_memory=False)
        with keras.StatelessScope(initialize_variables=False):
            layer = make()
            layer.build(input_shape)
        return {w.path.removeprefix(layer.name + "/"): (tuple(w.shape), w.trainable) for w in layer.weights}

    return build


def sorted_sets(build):
    """Keras prints sets of strings in an order that changes between processes: sort them."""

    def sort(match):
        return "{" + ", ".join(sorted(match.group(1).split(", "))) + "}"

    def sorted_build():
        try:
            return build()
        except ValueError as error:
            raise ValueError(re.sub(r"\{('[^{}]*')\}", sort, str(error))) from error

    return sorted_build


def construct(make):
    """For rows without weights: Keras must accept (or refuse) the arguments, and builds nothing."""

    def build():
        keras.backend.clear_session(free_memory=False)
        make()
        return {}

    return build


def nested(layer, /, **arguments):
    return LayerConfig("keras", layer, arguments)


def real(config):
    """The Keras layer a `LayerConfig` describes."""
    arguments = {name: [real(item) for item in value] if isinstance(value, list) else
                 real(value) if isinstance(value, LayerConfig) else value
                 for name, value in config.arguments.items()}
    return getattr(layers, config.layer)(**arguments)


# --- signatures ---------------------------------------------------------------------------------

def keras_parameters(name):
    target = keras.Input if name == "Input" else getattr(layers, name).__init__
    return [p for p in inspect.signature(target).parameters.values()
            if p.name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD]


@pytest.mark.parametrize("spec", [spec for spec in CATALOG if spec.framework == "keras"], ids=lambda spec: spec.name)
def test_signatures_match_keras(spec):
    theirs = [(p.name, p.default if p.default is not inspect.Parameter.empty else "REQUIRED")
              for p in keras_parameters(spec.name) if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    mine = [(arg.name, repr(arg.default) if repr(arg.default) == "REQUIRED" else arg.default)
            for arg in spec.positional]
    assert mine == theirs


MINIMAL = {
    "SimpleRNN": {"units": 2}, "LSTM": {"units": 2}, "GRU": {"units": 2}, "SimpleRNNCell": {"units": 2},
    "LSTMCell": {"units": 2}, "GRUCell": {"units": 2}, "RNN": {"cell": nested("LSTMCell", units=2)},
    "StackedRNNCells": {"cells": [nested("LSTMCell", units=2)]}, "Bidirectional": {"layer": nested("LSTM", units=2)},
    "ConvLSTM1D": {"filters": 2, "kernel_size": 3}, "ConvLSTM2D": {"filters": 2, "kernel_size": 3},
    "ConvLSTM3D": {"filters": 2, "kernel_size": 3}, "TimeDistributed": {"layer": nested("Dense", units=2)},
    "Dense": {"units": 2}, "Embedding": {"input_dim": 5, "output_dim": 2}, "LayerNormalization": {},
    "BatchNormalization": {}, "Conv1D": {"filters": 2, "kernel_size": 3}, "Dropout": {"rate": 0.5}, "Masking": {},
    "Reshape": {"target_shape": (2, 3)},
}


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_keyword_only_arguments_are_accepted_by_keras(name):
    spec = CATALOG.get("keras", name)
    extras = {arg.name: arg.default for arg in spec.signature if arg.keyword_only}
    config = nested(name, **MINIMAL[name], **extras)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real(config)
    assert not bind(spec, (), config.arguments).problems


@pytest.mark.parametrize("name, keywords", [("LSTM", {"foo": 1}), ("Dense", {"batch_input_shape": (None, 3)}),
                                            ("Bidirectional", {"go_backwards": True})])
def test_unknown_keywords_are_refused(name, keywords):
    arguments = {**MINIMAL[name], **keywords}
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to"):
        real(nested(name, **arguments))
    assert bind(CATALOG.get("keras", name), (), arguments).problems[0].severity == "error"


def test_input_layer_ignores_unknown_keywords_and_reads_legacy_aliases():
    arguments = {"batch_input_shape": (None, 7, 3), "whatever": 1}
    assert not bind(CATALOG.get("keras", "InputLayer"), (), arguments).problems
    assert layers.InputLayer(**arguments).batch_shape[-1] == ours("keras", "InputLayer", arguments).output_size.value


# --- recurrent layers ---------------------------------------------------------------------------

def test_seed_case_lstm_after_input():
    with keras.StatelessScope(initialize_variables=False):
        model = keras.Sequential([keras.Input((None, 3)), layers.LSTM(2)])
    result = ours("keras", "LSTM", {"units": 2}, input_size=3)
    assert model.count_params() == result.total.value == 48
    assert result.formula == "4·(2·3 + 2² + 2) = 48"
    assert [t.name for t in result.tensors] == ["lstm_cell/kernel", "lstm_cell/recurrent_kernel", "lstm_cell/bias"]
    assert result.output_size.value == 2 and result.macs_per_step.value == 40


@given(
    layer=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]),
    units=sizes,
    input_size=sizes,
    use_bias=st.booleans(),
    trainable=trainable,
    extra=st.sampled_from([{}, {"reset_after": False}, {"implementation": 1}, {"unit_forget_bias": False},
                           {"dropout": 1.5, "recurrent_dropout": -0.5}, {"use_cudnn": False}]),
)
def test_recurrent_layers(layer, units, input_size, use_bias, trainable, extra):
    if layer != "GRU" and "reset_after" in extra or layer != "LSTM" and "unit_forget_bias" in extra \
            or layer == "SimpleRNN" and ("implementation" in extra or "use_cudnn" in extra):
        extra = {}
    arguments = dict(units=units, use_bias=use_bias, trainable=trainable, **extra)
    result = ours("keras", layer, arguments, input_size)
    build_and_compare(result, built(lambda: getattr(layers, layer)(**arguments), (None, 5, input_size)))
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[layer]
    biases = (2 if layer == "GRU" and extra.get("reset_after", True) else 1) * use_bias
    assert result.total.value == gates * (units * input_size + units**2 + biases * units)
    assert result.output_size.value == units


@given(layer=st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"]), units=sizes, input_size=sizes,
       use_bias=st.booleans(), reset_after=st.booleans(), trainable=trainable)
def test_cells(layer, units, input_size, use_bias, reset_after, trainable):
    arguments = dict(units=units, use_bias=use_bias, trainable=trainable)
    if layer == "GRUCell":
        arguments["reset_after"] = reset_after
    build_and_compare(ours("keras", layer, arguments, input_size),
                      built(lambda: getattr(layers, layer)(**arguments), (None, input_size)))


@given(units=st.sampled_from([0, -1, -7]), layer=st.sampled_from(["SimpleRNN", "LSTM", "GRU", "LSTMCell", "GRUCell"]))
def test_non_positive_units_are_refused(units, layer):
    build_and_compare(ours("keras", layer, {"units": units}, 3),
                      built(lambda: getattr(layers, layer)(units), (None, 5, 3)))


@pytest.mark.parametrize("arguments", [{"use_cudnn": "yes"}, {"trainable": 1}, {"name": "a/b"}, {"name": 3},
                                       {"input_dim": 3, "input_shape": (None, 3)}])
def test_layer_keywords_are_validated(arguments):
    arguments = {"units": 2, **arguments}
    build_and_compare(ours("keras", "LSTM", arguments, 3), built(lambda: layers.LSTM(**arguments), (None, 5, 3)))


def cell_lists(min_size=1):
    """Cells of mixed kinds, some named by hand (uniquely, as two weights cannot share a path)."""
    cell = st.tuples(st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"]), st.integers(1, 40), st.booleans(),
                     st.booleans())
    return st.lists(cell, min_size=min_size, max_size=3).map(lambda cells: [
        nested(layer, units=units, use_bias=use_bias, **({"name": f"cell_{index}"} if named else {}))
        for index, (layer, units, use_bias, named) in enumerate(cells)])


@given(cells=cell_lists(), single=st.booleans(), input_size=st.integers(1, 40))
def test_rnn_of_cells(cells, single, input_size):
    cell = cells[0] if single else cells
    result = ours("keras", "RNN", {"cell": cell}, input_size)
    build_and_compare(result, built(lambda: real(nested("RNN", cell=cell)), (None, 5, input_size)))
    assert result.output_size == cells[0 if single else -1].arguments["units"]


@given(cells=cell_lists(), input_size=st.integers(1, 40))
def test_stacked_rnn_cells(cells, input_size):
    build_and_compare(ours("keras", "StackedRNNCells", {"cells": cells}, input_size),
                      built(lambda: real(nested("StackedRNNCells", cells=cells)), (None, input_size)))


@pytest.mark.parametrize("cell", [nested("Dense", units=2),
                                  [nested("LSTMCell", units=2), nested("Dropout", rate=0.1)]])
def test_rnn_refuses_cells_without_state(cell):
    build_and_compare(ours("keras", "RNN", {"cell": cell}, 3),
                      built(lambda: real(nested("RNN", cell=cell)), (None, 5, 3)))


def recurrent_configs(name):
    return st.builds(lambda layer, units, trainable, named: nested(layer, units=units, trainable=trainable,
                                                                   **({"name": name} if named else {})),
                     st.sampled_from(["SimpleRNN", "LSTM", "GRU"]), st.integers(1, 40), trainable, st.booleans())


@given(layer=recurrent_configs("forward_inner"), merge_mode=st.sampled_from(["concat", "sum", "mul", "ave", None]),
       backward=st.one_of(st.none(), recurrent_configs("reverse")), trainable=trainable,
       input_size=st.integers(1, 40))
def test_bidirectional(layer, merge_mode, backward, trainable, input_size):
    arguments = {"layer": layer, "merge_mode": merge_mode, "trainable": trainable}
    if backward is not None:
        arguments["backward_layer"] = nested(backward.layer, **backward.arguments, go_backwards=True)
    result = ours("keras", "Bidirectional", arguments, input_size)
    build_and_compare(result, built(lambda: real(nested("Bidirectional", **arguments)), (None, 5, input_size)))
    # The symbolic shape is what the next layer is built from, even when it is not what a call returns.
    keras.backend.clear_session(free_memory=False)
    with keras.StatelessScope(initialize_variables=False):
        output = real(nested("Bidirectional", **arguments))(keras.Input((5, input_size)))
    assert result.output_size == (output[0] if merge_mode is None else output).shape[-1]


@pytest.mark.parametrize("arguments", [
    {"layer": nested("LSTM", units=2), "merge_mode": "max"},
    {"layer": nested("LSTM", units=2, go_backwards=True)},
    {"layer": nested("Dense", units=2)},
    {"layer": nested("LSTM", units=2), "backward_layer": nested("GRU", units=3)},
    {"layer": nested("LSTM", units=2), "backward_layer": nested("GRU", units=3, go_backwards=True, stateful=True)},
    {"layer": nested("LSTM", units=0)},
])
def test_bidirectional_rejections(arguments):
    build_and_compare(ours("keras", "Bidirectional", arguments, 3),
                      built(lambda: real(nested("Bidirectional", **arguments)), (None, 5, 3)))


@given(rank=st.integers(1, 3), filters=small, channels=small, kernel=st.integers(1, 4), as_tuple=st.booleans(),
       use_bias=st.booleans(), trainable=trainable, spacing=st.sampled_from([{}, {"strides": 2}, {"dilation_rate": 2},
                                                                            {"padding": "same"}]))
def test_conv_lstm(rank, filters, channels, kernel, as_tuple, use_bias, trainable, spacing):
    kernel_size = tuple(range(kernel, kernel + rank)) if as_tuple else kernel
    arguments = dict(filters=filters, kernel_size=kernel_size, use_bias=use_bias, trainable=trainable, **spacing)
    layer = f"ConvLSTM{rank}D"
    build_and_compare(ours("keras", layer, arguments, channels),
                      built(lambda: getattr(layers, layer)(**arguments), (None, 3) + (8,) * rank + (channels,)))


@pytest.mark.parametrize("arguments", [
    {"kernel_size": 0}, {"kernel_size": (3, -1)}, {"kernel_size": (3,)}, {"strides": -1}, {"padding": "causal"},
    {"data_format": "NHWC"}, {"strides": 2, "dilation_rate": 2}, {"dilation_rate": 0},
])
def test_conv_lstm_rejections(arguments):
    arguments = {"filters": 2, "kernel_size": 3, **arguments}
    build_and_compare(ours("keras", "ConvLSTM2D", arguments, 3),
                      sorted_sets(built(lambda: layers.ConvLSTM2D(**arguments), (None, 3, 8, 8, 3))))


def test_trainable_false_does_not_reach_wrapped_variables():
    """A model trains what a wrapper or a ConvLSTM built with `trainable=False` holds."""
    cases = [("Bidirectional", {"layer": nested("LSTM", units=2)}, (5, 3)),
             ("TimeDistributed", {"layer": nested("Dense", units=2)}, (5, 3)),
             ("RNN", {"cell": nested("LSTMCell", units=2)}, (5, 3)),
             ("ConvLSTM1D", {"filters": 2, "kernel_size": 3}, (5, 7, 3)),
             ("LSTM", {"units": 2}, (5, 3))]
    for name, arguments, shape in cases:
        arguments = {**arguments, "trainable": False}
        with keras.StatelessScope(initialize_variables=False):
            model = keras.Sequential([keras.Input(shape), real(nested(name, **arguments))])
        trained = sum(math.prod(w.shape) for w in model.trainable_weights)
        assert ours("keras", name, arguments, shape[-1]).trainable.value == trained, name


# --- common layers ------------------------------------------------------------------------------

@given(units=sizes, input_size=sizes, use_bias=st.booleans(), lora_rank=st.sampled_from([None, 0, 1, 4]),
       trainable=trainable)
def test_dense(units, input_size, use_bias, lora_rank, trainable):
    arguments = dict(units=units, use_bias=use_bias, lora_rank=lora_rank, trainable=trainable)
    build_and_compare(ours("keras", "Dense", arguments, input_size),
                      built(lambda: layers.Dense(**arguments), (None, input_size)))


@pytest.mark.parametrize("arguments", [{"units": 0}, {"units": -3}, {"units": 2.0},
                                       {"units": 2, "lora_rank": 2, "kernel_constraint": "non_neg"}])
def test_dense_rejections(arguments):
    build_and_compare(ours("keras", "Dense", arguments, 3), built(lambda: layers.Dense(**arguments), (None, 3)))


@given(input_dim=st.integers(-1, 300), output_dim=st.integers(-1, 300), lora_rank=st.sampled_from([None, 2]),
       trainable=trainable, input_length=st.sampled_from([None, 10]))
def test_embedding(input_dim, output_dim, lora_rank, trainable, input_length):
    arguments = dict(input_dim=input_dim, output_dim=output_dim, lora_rank=lora_rank, trainable=trainable,
                     input_length=input_length)
    result = ours("keras", "Embedding", arguments)
    build_and_compare(result, built(lambda: layers.Embedding(**arguments), (None, 5)))


@given(input_size=sizes, center=st.booleans(), scale=st.booleans(), rms_scaling=st.booleans(),
       axis=st.sampled_from([-1, [-1], (-1,)]), trainable=trainable)
def test_layer_normalization(input_size, center, scale, rms_scaling, axis, trainable):
    arguments = dict(axis=axis, center=center, scale=scale, rms_scaling=rms_scaling, trainable=trainable)
    result = ours("keras", "LayerNormalization", arguments, input_size)
    build_and_compare(result, built(lambda: layers.LayerNormalization(**arguments), (None, 5, input_size)))
    assert result.output_size == input_size


def test_layer_normalization_over_other_axes_is_a_polynomial():
    result = ours("keras", "LayerNormalization", {"axis": [1, -1]}, 4)
    assert str(result.total) == "8·input_shape[1]"
    build_and_compare(ours("keras", "LayerNormalization", {"axis": "last"}, 4),
                      built(lambda: layers.LayerNormalization(axis="last"), (None, 5, 4)))


@given(input_size=sizes, center=st.booleans(), scale=st.booleans(), renorm=st.booleans(), trainable=trainable,
       clipping=st.sampled_from([None, {"rmax": 3.0}, {"rmax": 1.0, "rmin": 2.0}, {"dmax": -1.0}, {"cap": 1.0}]))
def test_batch_normalization(input_size, center, scale, renorm, trainable, clipping):
    arguments = dict(center=center, scale=scale, renorm=renorm, trainable=trainable, renorm_clipping=clipping)
    build_and_compare(ours("keras", "BatchNormalization", arguments, input_size),
                      built(lambda: layers.BatchNormalization(**arguments), (None, 5, input_size)))


@pytest.mark.parametrize("axis", [(1, 2), [1, 2], (), "a", float("nan"), float("inf"), None, -1.0])
def test_batch_normalization_takes_int_of_its_axis(axis):
    build_and_compare(ours("keras", "BatchNormalization", {"axis": axis}, 7),
                      built(lambda: layers.BatchNormalization(axis=axis), (None, 5, 7)))
    if axis == -1:
        assert ours("keras", "BatchNormalization", {"axis": 2.5}, 7).total == \
            ours("keras", "BatchNormalization", {"axis": 2}, 7).total


@pytest.mark.parametrize("axis", [(), [], (2.5,), ("a", 1), (None,), (-1, -1)])
def test_layer_normalization_sorts_and_indexes_its_axes(axis):
    build_and_compare(ours("keras", "LayerNormalization", {"axis": axis}, 7),
                      built(lambda: layers.LayerNormalization(axis=axis), (None, 5, 7)))


@pytest.mark.parametrize("layer, arguments", [("ConvLSTM1D", {"filters": -1, "kernel_size": 3}),
                                              ("ConvLSTM1D", {"filters": 0, "kernel_size": 3})])
def test_a_negative_weight_size_is_refused_by_add_weight(layer, arguments):
    build_and_compare(ours("keras", layer, arguments, 7),
                      built(lambda: getattr(layers, layer)(**arguments), (None, 3, 6, 7)))


@given(filters=st.integers(1, 32), channels=st.integers(1, 32), kernel=st.sampled_from([1, 3, (5,)]),
       groups=st.sampled_from([1, 2, 4]), use_bias=st.booleans(), lora_rank=st.sampled_from([None, 2]),
       padding=st.sampled_from(["valid", "same", "causal"]), trainable=trainable)
def test_conv1d(filters, channels, kernel, groups, use_bias, lora_rank, padding, trainable):
    channels, filters = channels * groups, filters * groups
    arguments = dict(filters=filters, kernel_size=kernel, groups=groups, use_bias=use_bias, lora_rank=lora_rank,
                     padding=padding, trainable=trainable)
    build_and_compare(ours("keras", "Conv1D", arguments, channels),
                      built(lambda: layers.Conv1D(**arguments), (None, 16, channels)))


@pytest.mark.parametrize("arguments", [
    {"filters": 0}, {"filters": 4, "groups": 0}, {"filters": 6, "groups": 4}, {"filters": 4, "kernel_size": 0},
    {"filters": 4, "strides": 0}, {"filters": 4, "strides": 2, "dilation_rate": 2}, {"filters": 4, "padding": "full"},
])
def test_conv1d_rejections(arguments):
    arguments = {"kernel_size": 3, **arguments}
    build_and_compare(ours("keras", "Conv1D", arguments, 4),
                      sorted_sets(built(lambda: layers.Conv1D(**arguments), (None, 16, 4))))


def test_conv1d_groups_that_do_not_divide_the_input_are_not_counted():
    # Keras refuses only when building, which the core cannot report as the framework's error.
    result = ours("keras", "Conv1D", {"filters": 4, "kernel_size": 3, "groups": 2}, 3)
    assert result.total is None
    with pytest.raises(ValueError) as refusal:
        built(lambda: layers.Conv1D(4, 3, groups=2), (None, 16, 3))()
    assert result.problems[-1].message.removeprefix("cannot count Conv1D: ") in str(refusal.value)


@given(inner=st.sampled_from([nested("Dense", units=5), nested("LayerNormalization"),
                              nested("BatchNormalization", renorm=True), nested("Conv1D", filters=4, kernel_size=1),
                              nested("Dense", units=3, trainable=False)]),
       input_size=st.integers(1, 50), trainable=trainable)
def test_time_distributed(inner, input_size, trainable):
    arguments = {"layer": inner, "trainable": trainable}
    result = ours("keras", "TimeDistributed", arguments, input_size)
    shape = (None, 4, 6, input_size) if inner.layer == "Conv1D" else (None, 4, input_size)
    build_and_compare(result, built(lambda: real(nested("TimeDistributed", **arguments)), shape))


# --- shape rows and the Keras-2 input keywords ---------------------------------------------------

@given(units=small, input_size=small, keyword=st.sampled_from(["input_shape", "input_dim"]))
def test_legacy_input_keywords_size_the_first_layer(units, input_size, keyword):
    hint = {"input_shape": (None, input_size)} if keyword == "input_shape" else {"input_dim": input_size}
    result = ours("keras", "LSTM", {"units": units, **hint})
    assert result.total.value == 4 * (units * input_size + units**2 + units)
    assert any(p.severity == "warning" for p in result.problems)
    if keyword == "input_shape":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with keras.StatelessScope(initialize_variables=False):
                model = keras.Sequential([layers.LSTM(units, **hint)])
        assert model.count_params() == result.total.value
    # The size given at call time wins over the hint, as `build(input_shape)` does.
    assert ours("keras", "LSTM", {"units": units, **hint}, input_size + 1).total.value == \
        4 * (units * (input_size + 1) + units**2 + units)


def test_a_wrapped_layer_ignores_its_own_input_shape():
    result = ours("keras", "Bidirectional", {"layer": nested("LSTM", units=2, input_shape=(None, 3))})
    assert not result.is_exact and "input_size" in str(result.total)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Sequential([layers.Bidirectional(layers.LSTM(2, input_shape=(None, 3)))])
    assert not model.built


@pytest.mark.parametrize("layer, input_shape", [("ConvLSTM1D", (None, 3, 5, 8)), ("Conv1D", (None, 5, 16))])
def test_channels_first_leaves_the_channel_count_unknown(layer, input_shape):
    arguments = {"filters": 4, "kernel_size": 3, "data_format": "channels_first"}
    result = ours("keras", layer, arguments, input_shape[-1])
    assert result.output_size is None and result.total.unknowns == ("input_channels",)
    weights = built(lambda: getattr(layers, layer)(**arguments), input_shape)()
    assert result.total.substitute({"input_channels": 5}) == sum(math.prod(shape) for shape, _ in weights.values())


@given(shape=st.lists(st.one_of(st.none(), st.integers(0, 50)), min_size=1, max_size=3).map(tuple),
       form=st.sampled_from(["shape", "batch_shape"]))
def test_input_output_size(shape, form):
    for layer in ("Input", "InputLayer"):
        result = ours("keras", layer, {form: shape})
        tensor = keras.Input(**{form: shape})
        assert result.total.value == 0
        assert (result.output_size.value if result.output_size is not None else None) == tensor.shape[-1]


@pytest.mark.parametrize("arguments", [{}, {"shape": (3,), "batch_shape": (2, 3)},
                                       {"batch_size": 2, "batch_shape": (2, 3)}, {"shape": 3}, {"shape": (-1, 3)}])
def test_input_rejections(arguments):
    build_and_compare(ours("keras", "Input", arguments), construct(lambda: keras.Input(**arguments)))
    build_and_compare(ours("keras", "InputLayer", arguments), construct(lambda: layers.InputLayer(**arguments)))


def test_input_layer_input_shape_is_deprecated_but_used():
    result = ours("keras", "InputLayer", {"input_shape": (None, 6)})
    build_and_compare(result, construct(lambda: layers.InputLayer(input_shape=(None, 6))))
    assert result.output_size == 6


@given(input_size=sizes, rate=st.sampled_from([0.0, 0.5, 1.0, 1.5, -0.1]))
def test_dropout_and_masking_pass_the_size_through(input_size, rate):
    build_and_compare(ours("keras", "Dropout", {"rate": rate}, input_size), construct(lambda: layers.Dropout(rate)))
    if 0 <= rate <= 1:
        assert ours("keras", "Dropout", {"rate": rate}, input_size).output_size == input_size
    assert ours("keras", "Masking", {}, input_size).output_size == input_size


@given(target=st.lists(st.integers(-3, 12), min_size=1, max_size=3).map(tuple))
def test_reshape(target):
    result = ours("keras", "Reshape", {"target_shape": target}, 12)
    build_and_compare(result, construct(lambda: layers.Reshape(target)))
    if result.total is not None:
        expected = target[-1] if target[-1] > 0 else None
        assert (result.output_size.value if result.output_size is not None else None) == expected


# --- what the analysis reads besides the rows -------------------------------------------------------

def test_model_paths_and_parameter_free_names_are_what_keras_says():
    import importlib

    from rnnlens.catalog import keras as table

    for path in table.SEQUENTIAL + table.FUNCTIONAL + table.MODEL_BASES:
        if path.startswith("keras."):
            module, name = path.rsplit(".", 1)
            assert isinstance(getattr(importlib.import_module(module), name), type), path
    assert set(table.MODULES) >= {"keras", "keras.layers"}
    for name in table.PARAMETER_FREE:
        found = getattr(layers, name, None) or getattr(keras, name)
        if isinstance(found, type) and issubclass(found, layers.Layer):
            own = [cls for cls in found.__mro__ if cls.__module__.startswith("keras.src.layers")
                   and cls is not layers.Layer and not cls.__module__.endswith("layers.layer")]
            assert not any("add_weight" in inspect.getsource(cls) for cls in own), name
        assert CATALOG.get("keras", name) is None, name
