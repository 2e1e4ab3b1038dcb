"""PaddlePaddle: every table row against `paddle.nn`, built for real on the CPU (paddle has no
shape-only construction: `LazyGuard` breaks the recurrent layers' weight packing)."""

import os
import warnings

import pytest
from hypothesis import given, strategies as st

from .harness import build_and_compare, ours

os.environ.setdefault("GLOG_minloglevel", "2")  # paddle's C++ logging, read when paddle loads
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "No ccache found", about compiling extensions
    paddle = pytest.importorskip("paddle")
pytestmark = pytest.mark.differential

sizes = st.integers(1, 300)

# False freezes a recurrent tensor or removes a common one; True and a ParamAttr are the default.
attrs = st.sampled_from([None, False, True, paddle.ParamAttr()])
RECURRENT_ATTRS = ("weight_ih_attr", "weight_hh_attr", "bias_ih_attr", "bias_hh_attr")
recurrent_attrs = st.fixed_dictionaries({name: attrs for name in RECURRENT_ATTRS})


def state(layer):
    """What paddle reports once per tensor: `named_parameters()` drops the second name of each."""
    return {name: (tuple(p.shape), not p.stop_gradient) for name, p in layer.named_parameters()}


def compare(layer, arguments):
    build_and_compare(ours("paddle", layer, arguments),
                      lambda: state(getattr(paddle.nn, layer)(**arguments)))


@given(
    layer=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]),
    input_size=sizes,
    hidden_size=sizes,
    num_layers=st.integers(-1, 4),
    direction=st.sampled_from(["forward", "bidirect", "bidirectional"]),
    time_major=st.booleans(),
    dropout=st.sampled_from([0.0, 0.5, 3.0]),
    attributes=recurrent_attrs,
    extra=st.sampled_from([{}, {"proj_size": 1}, {"proj_size": 0}, {"activation": "relu"}]),
)
def test_stacked_layers(layer, input_size, hidden_size, num_layers, direction, time_major, dropout, attributes,
                        extra):
    if "proj_size" in extra:
        extra = {"proj_size": min(extra["proj_size"] * hidden_size // 2, hidden_size - 1)} if layer == "LSTM" else {}
    if "activation" in extra and layer != "SimpleRNN":
        extra = {}
    compare(layer, dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers, direction=direction,
                        time_major=time_major, dropout=dropout, **attributes, **extra))


@given(
    layer=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]),
    input_size=st.integers(-1, 5),
    hidden_size=st.integers(-1, 8),
    num_layers=st.integers(-1, 2),
    direction=st.sampled_from(["forward", "bidirect", "backward"]),
    weight_hh_attr=st.sampled_from([None, False]),
    proj_size=st.integers(-2, 10),
    activation=st.sampled_from(["tanh", "sigmoid"]),
)
def test_stacked_rejections_match(layer, input_size, hidden_size, num_layers, direction, weight_hh_attr, proj_size,
                                  activation):
    arguments = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers, direction=direction,
                     weight_hh_attr=weight_hh_attr)
    arguments.update({"LSTM": {"proj_size": proj_size}, "SimpleRNN": {"activation": activation}}.get(layer, {}))
    compare(layer, arguments)


def test_state_dict_lists_each_tensor_twice_and_the_count_once():
    layer = paddle.nn.GRU(3, 4, 2, direction="bidirect")
    counted = ours("paddle", "GRU", {"input_size": 3, "hidden_size": 4, "num_layers": 2, "direction": "bidirect"})
    assert len(layer.state_dict()) == 2 * len(state(layer)) == 2 * len(counted.tensors)
    assert counted.total.value == sum(p.numel().item() for p in layer.parameters())


def test_flat_names_slide_when_a_bias_attr_is_false():
    arguments = {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bias_ih_attr": False}
    counted = {t.name: tuple(d.value for d in t.shape) for t in ours("paddle", "SimpleRNN", arguments).tensors}
    assert counted["weight_ih_l1"] == (4,) and counted["bias_hh_l0"] == (4,) and "1.cell.bias_hh" in counted
    compare("SimpleRNN", arguments)


@given(
    layer=st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"]),
    input_size=st.integers(0, 300),
    hidden_size=sizes,
    attributes=recurrent_attrs,
    extra=st.sampled_from([{}, {"proj_size": 1}, {"activation": "relu"}]),
)
def test_cells(layer, input_size, hidden_size, attributes, extra):
    if "proj_size" in extra:
        extra = {"proj_size": hidden_size // 2} if layer == "LSTMCell" else {}
    if "activation" in extra and layer != "SimpleRNNCell":
        extra = {}
    compare(layer, dict(input_size=input_size, hidden_size=hidden_size, **attributes, **extra))


@given(
    layer=st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"]),
    input_size=st.integers(-2, 5),
    hidden_size=st.integers(-1, 6),
    proj_size=st.integers(-2, 8),
    activation=st.sampled_from(["relu", "sigmoid"]),
)
def test_cell_rejections_match(layer, input_size, hidden_size, proj_size, activation):
    arguments = dict(input_size=input_size, hidden_size=hidden_size)
    arguments.update({"LSTMCell": {"proj_size": proj_size}, "SimpleRNNCell": {"activation": activation}}.get(layer, {}))
    compare(layer, arguments)


@given(in_features=st.integers(-2, 300), out_features=st.integers(-2, 300), weight_attr=attrs, bias_attr=attrs)
def test_linear(in_features, out_features, weight_attr, bias_attr):
    compare("Linear", dict(in_features=in_features, out_features=out_features, weight_attr=weight_attr,
                           bias_attr=bias_attr))


@given(
    num_embeddings=st.integers(0, 300),
    embedding_dim=st.integers(0, 300),
    padding=st.one_of(st.none(), st.floats(-2.2, 1.2)),
    freeze=st.booleans(),
    weight_attr=st.sampled_from([None, False, paddle.ParamAttr()]),
    sparse=st.booleans(),
)
def test_embedding(num_embeddings, embedding_dim, padding, freeze, weight_attr, sparse):
    # padding_idx is drawn relative to the table, across paddle's accepted range [-2n, n) and past it.
    padding_idx = None if padding is None else int(padding * num_embeddings)
    compare("Embedding", dict(num_embeddings=num_embeddings, embedding_dim=embedding_dim, padding_idx=padding_idx,
                              _freeze=freeze, weight_attr=weight_attr, sparse=sparse))


@given(
    shape=st.one_of(st.integers(-2, 300), st.lists(st.integers(-3, 20), max_size=3)),
    affine=st.booleans(),
    bias=st.booleans(),
    weight_attr=st.sampled_from([None, False, paddle.ParamAttr()]),
    bias_attr=st.sampled_from([None, False, paddle.ParamAttr()]),
)
def test_layer_norm(shape, affine, bias, weight_attr, bias_attr):
    compare("LayerNorm", dict(normalized_shape=shape, elementwise_affine=affine, bias=bias, weight_attr=weight_attr,
                              bias_attr=bias_attr))


@pytest.mark.parametrize("layer, arguments", [
    ("Linear", dict(in_features=-45, out_features=79)), ("Linear", dict(in_features=2**31, out_features=1)),
    ("Embedding", dict(num_embeddings=2**31, embedding_dim=1)), ("LSTMCell", dict(input_size=3, hidden_size=2**31)),
    # np.prod multiplies in int64, wrapping around: to 0, to a size past int32, to a negative size.
    ("LayerNorm", dict(normalized_shape=[2**32, 2**32])), ("LayerNorm", dict(normalized_shape=[3] * 50)),
    ("LayerNorm", dict(normalized_shape=[3] * 4096)),
])
def test_sizes_paddle_cannot_create_are_refused(layer, arguments):
    compare(layer, arguments)


@pytest.mark.parametrize("num_layers", ["relu", 2.0, None])
def test_a_layer_count_that_is_no_int_is_refused(num_layers):
    compare("LSTM", dict(input_size=3, hidden_size=4, num_layers=num_layers))


def test_more_layers_than_listed_are_not_counted_and_say_why():
    from rnnlens.catalog.blocks import MAX_LISTED_LAYERS

    result = ours("paddle", "LSTM", dict(input_size=3, hidden_size=4, num_layers=10**7))
    assert 10**7 > MAX_LISTED_LAYERS and result.total is None and not result.errors
    assert "num_layers=10000000" in result.problems[-1].message
