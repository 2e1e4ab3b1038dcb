"""PyTorch: every table row against `torch.nn`, built on the meta device (no weights allocated)."""

import pytest
from hypothesis import given, strategies as st

from .harness import build_and_compare, ours

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.differential

sizes = st.integers(1, 300)


def state(module):
    return {name: (tuple(p.shape), p.requires_grad) for name, p in module.named_parameters()}


@given(
    layer=st.sampled_from(["RNN", "LSTM", "GRU"]),
    input_size=sizes,
    hidden_size=sizes,
    num_layers=st.integers(1, 4),
    bias=st.booleans(),
    bidirectional=st.booleans(),
    dropout=st.sampled_from([0.0, 0.25, 1.0]),
    extra=st.sampled_from([{}, {"proj_size": 1}, {"proj_size": 0}, {"nonlinearity": "relu"}]),
)
def test_stacked_layers(layer, input_size, hidden_size, num_layers, bias, bidirectional, dropout, extra):
    if layer == "LSTM" and "proj_size" in extra:
        extra = {"proj_size": min(extra["proj_size"] * hidden_size // 2, hidden_size - 1)}
    if layer != "RNN":
        extra = {k: v for k, v in extra.items() if k != "nonlinearity"}
    arguments = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers, bias=bias,
                     bidirectional=bidirectional, dropout=dropout, **extra)
    build_and_compare(ours("torch", layer, arguments),
                      lambda: state(getattr(torch.nn, layer)(**arguments, device="meta")))


@given(
    proj_size=st.integers(-2, 12),
    hidden_size=st.integers(-1, 10),
    input_size=st.integers(-1, 5),
    num_layers=st.integers(0, 2),
    dropout=st.sampled_from([0.0, 0.5, 1.5, -0.1]),
)
def test_lstm_rejections_and_warnings_match(proj_size, hidden_size, input_size, num_layers, dropout):
    arguments = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                     dropout=dropout, proj_size=proj_size)
    build_and_compare(ours("torch", "LSTM", arguments), lambda: state(torch.nn.LSTM(**arguments, device="meta")))


@pytest.mark.parametrize("layer", ["RNN", "GRU"])
def test_proj_size_is_refused_outside_lstm(layer):
    arguments = dict(input_size=3, hidden_size=4, proj_size=0)
    build_and_compare(ours("torch", layer, arguments),
                      lambda: state(getattr(torch.nn, layer)(**arguments, device="meta")))


def test_rnn_nonlinearity_is_the_fourth_positional():
    from rnnlens.catalog import CATALOG
    from rnnlens.core import bind

    binding = bind(CATALOG.get("torch", "RNN"), (3, 4, 2, "relu"))
    assert binding.values["nonlinearity"] == "relu" and not binding.problems
    build_and_compare(ours("torch", "RNN", binding.values), lambda: state(torch.nn.RNN(3, 4, 2, "relu", device="meta")))
    build_and_compare(ours("torch", "RNN", {"input_size": 3, "hidden_size": 4, "nonlinearity": "sigmoid"}),
                      lambda: state(torch.nn.RNN(3, 4, nonlinearity="sigmoid", device="meta")))


@given(layer=st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"]), input_size=sizes, hidden_size=sizes,
       bias=st.booleans())
def test_cells(layer, input_size, hidden_size, bias):
    arguments = dict(input_size=input_size, hidden_size=hidden_size, bias=bias)
    build_and_compare(ours("torch", layer, arguments),
                      lambda: state(getattr(torch.nn, layer)(**arguments, device="meta")))


@given(in_features=sizes, out_features=sizes, bias=st.booleans())
def test_linear(in_features, out_features, bias):
    arguments = dict(in_features=in_features, out_features=out_features, bias=bias)
    build_and_compare(ours("torch", "Linear", arguments), lambda: state(torch.nn.Linear(**arguments, device="meta")))


@given(num_embeddings=sizes, embedding_dim=sizes, freeze=st.booleans())
def test_embedding(num_embeddings, embedding_dim, freeze):
    arguments = dict(num_embeddings=num_embeddings, embedding_dim=embedding_dim, _freeze=freeze)
    build_and_compare(ours("torch", "Embedding", arguments),
                      lambda: state(torch.nn.Embedding(**arguments, device="meta")))


@given(shape=st.one_of(sizes, st.lists(st.integers(1, 20), min_size=1, max_size=3).map(tuple)),
       affine=st.booleans(), bias=st.booleans())
def test_layer_norm(shape, affine, bias):
    arguments = dict(normalized_shape=shape, elementwise_affine=affine, bias=bias)
    build_and_compare(ours("torch", "LayerNorm", arguments),
                      lambda: state(torch.nn.LayerNorm(**arguments, device="meta")))


@given(in_channels=st.integers(1, 64), out_channels=st.integers(1, 64),
       kernel=st.one_of(st.integers(1, 7), st.lists(st.integers(0, 4), max_size=3).map(tuple)),
       groups=st.sampled_from([1, 2, 4]), bias=st.booleans())
def test_conv1d(in_channels, out_channels, kernel, groups, bias):
    """torch keeps every entry of a kernel_size tuple, none included: weight (out, in / groups, *kernel)."""
    arguments = dict(in_channels=in_channels, out_channels=out_channels, kernel_size=kernel, groups=groups, bias=bias)
    build_and_compare(ours("torch", "Conv1d", arguments), lambda: state(torch.nn.Conv1d(**arguments, device="meta")))


@pytest.mark.parametrize("layer, arguments", [
    ("Linear", dict(in_features=-45, out_features=79)), ("Linear", dict(in_features=3, out_features=-1, bias=False)),
    ("Embedding", dict(num_embeddings=-44, embedding_dim=2)), ("LayerNorm", dict(normalized_shape=(3, -3))),
    ("LayerNorm", dict(normalized_shape=-1)), ("Conv1d", dict(in_channels=-4, out_channels=4, kernel_size=3)),
    ("Conv1d", dict(in_channels=4, out_channels=4, kernel_size=(3, -1))),
    ("RNNCell", dict(input_size=-1, hidden_size=3)), ("GRUCell", dict(input_size=3, hidden_size=-1)),
    # More bytes than an int64 can count: torch refuses before allocating anything.
    ("LayerNorm", dict(normalized_shape=(2**32, 2**32))), ("Linear", dict(in_features=2**31, out_features=2**31)),
    ("LayerNorm", dict(normalized_shape=[2**16] * 4)),
    # No tensor of that shape is made, or it holds one number: torch builds these.
    ("LayerNorm", dict(normalized_shape=(-3,), elementwise_affine=False)), ("LayerNorm", dict(normalized_shape=())),
])
def test_sizes_torch_cannot_allocate_are_refused(layer, arguments):
    build_and_compare(ours("torch", layer, arguments),
                      lambda: state(getattr(torch.nn, layer)(**arguments, device="meta")))


@pytest.mark.parametrize("arguments", [dict(num_layers=1001), dict(num_layers=1200, bidirectional=True, proj_size=2)])
def test_layers_past_the_listed_ones_are_counted_alike(arguments):
    """Past MAX_LISTED_LAYERS the layers after the first are one stacked entry, and the count stays exact."""
    from rnnlens.catalog.blocks import MAX_LISTED_LAYERS

    result = ours("torch", "LSTM", dict(input_size=3, hidden_size=4, **arguments))
    module = torch.nn.LSTM(3, 4, **arguments, device="meta")
    parameters = list(module.parameters())
    assert arguments["num_layers"] > MAX_LISTED_LAYERS
    assert result.total.value == sum(p.numel() for p in parameters)
    assert len(result.tensors) == 2 * len(parameters) // arguments["num_layers"]  # layer 0, then layers 1…L-1
