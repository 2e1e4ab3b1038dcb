"""Flax: every table row against `flax.linen` and `flax.nnx`, built shape-only.

linen modules make their parameters when `init` first calls them, so each linen build runs `init`
under `jax.eval_shape` on an input of the drawn size, which the core gets as the call-time input size;
nnx modules make them at construction, traced by `jax.eval_shape`. Tensor names are parameter paths
below the module itself (linen's `params` collection, nnx's `Param`s).
"""

import math

import pytest
from hypothesis import given, strategies as st

from rnnlens.catalog import CATALOG
from rnnlens.core import LayerConfig, Unknown, bind, count

from .harness import build_and_compare

jax = pytest.importorskip("jax")
nn = pytest.importorskip("flax.linen")
nnx = pytest.importorskip("flax.nnx")
traverse_util = pytest.importorskip("flax.traverse_util")
jnp = jax.numpy
pytestmark = pytest.mark.differential

sizes = st.integers(1, 300)
small = st.integers(1, 48)
KEY = jax.random.key(0)
# What the analysis passes for an argument whose value is not a literal (`nnx.Rngs(0)`, a function).
OPAQUE_RNGS = Unknown("nnx.Rngs(0)", "the result of a call this tool does not evaluate")
LINEN_CELLS = ["LSTMCell", "OptimizedLSTMCell", "GRUCell", "SimpleCell", "MGUCell"]
NNX_CELLS = ["LSTMCell", "OptimizedLSTMCell", "GRUCell", "SimpleCell"]


def ours(namespace, layer, arguments, input_size=None):
    spec = CATALOG.get("flax", layer, namespace)
    assert spec is not None, f"no table row for flax.{namespace}.{layer}"
    return count(spec, arguments, input_size, CATALOG)


def linen_params(variables):
    assert set(variables) <= {"params"}, f"collections other than params: {set(variables)}"
    return {name: (tuple(p.shape), True)
            for name, p in traverse_util.flatten_dict(variables.get("params", {}), sep="/").items()}


def linen_cell_params(cell, input_size, spatial=()):
    def init(x):
        return cell.init(KEY, cell.initialize_carry(KEY, x.shape), x)

    return linen_params(jax.eval_shape(init, jax.ShapeDtypeStruct((1, *spatial, input_size), jnp.float32)))


def linen_sequence_output(module, input_size):
    """The layer's parameters and the last axis of its output, over a 2-step sequence."""
    inputs = jax.ShapeDtypeStruct((1, 2, input_size), jnp.float32)
    output, variables = jax.eval_shape(lambda x: module.init_with_output(KEY, x), inputs)
    return linen_params(variables), output.shape[-1]


def nnx_params(make):
    # Tracing the construction and keeping only its `Param`s is `nnx.eval_shape`, at half the cost.
    params = jax.eval_shape(lambda: nnx.state(make(), nnx.Param))
    return {"/".join(map(str, path)): (tuple(variable.shape), True) for path, variable in nnx.to_flat_state(params)}


def linen_cell_config(layer, features, flag):
    extra = {"SimpleCell": {"residual": flag}, "MGUCell": {"reset_gate": flag}}.get(layer, {})
    return LayerConfig("flax", layer, dict(features=features, **extra), "linen")


def real_linen(config):
    arguments = {k: real_linen(v) if isinstance(v, LayerConfig) else v for k, v in config.arguments.items()}
    return getattr(nn, config.layer)(**arguments)


# ---------------------------------------------------------------------------------------- linen


@given(layer=st.sampled_from(LINEN_CELLS), input_size=sizes, features=sizes, flag=st.booleans())
def test_linen_cells(layer, input_size, features, flag):
    config = linen_cell_config(layer, features, flag)
    result = ours("linen", layer, config.arguments, input_size)
    build_and_compare(result, lambda: linen_cell_params(real_linen(config), input_size))
    assert result.output_size.value == features


@given(layer=st.sampled_from(LINEN_CELLS + ["ConvLSTMCell"]), input_size=small, features=small, flag=st.booleans())
def test_linen_cells_without_an_input_size_count_a_polynomial(layer, input_size, features, flag):
    config = linen_cell_config(layer, features, flag)
    if layer == "ConvLSTMCell":
        config = LayerConfig("flax", layer, dict(features=features, kernel_size=(3,), use_bias=flag), "linen")
    symbolic = ours("linen", layer, config.arguments)
    assert symbolic.total.unknowns == ("input_size",)
    assert [u.name for u in symbolic.unknowns] == ["input_size"]
    spatial = (4,) if layer == "ConvLSTMCell" else ()
    real = linen_cell_params(real_linen(config), input_size, spatial)
    assert symbolic.total.substitute({"input_size": input_size}).value == sum(math.prod(s) for s, _ in real.values())
    assert symbolic.formula.endswith(f"= {symbolic.total}")


@given(input_size=small, features=small, kernel_size=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
       use_bias=st.booleans())
def test_linen_conv_lstm_cell(input_size, features, kernel_size, use_bias):
    arguments = dict(features=features, kernel_size=kernel_size, use_bias=use_bias)
    build_and_compare(ours("linen", "ConvLSTMCell", arguments, input_size),
                      lambda: linen_cell_params(nn.ConvLSTMCell(**arguments), input_size, (4,) * len(kernel_size)))


@given(layer=st.sampled_from(LINEN_CELLS), input_size=sizes, features=sizes, flag=st.booleans(),
       cell_name=st.sampled_from([None, "encoder"]), reverse=st.booleans())
def test_linen_rnn(layer, input_size, features, flag, cell_name, reverse):
    cell = linen_cell_config(layer, features, flag)
    if cell_name:
        cell = LayerConfig("flax", layer, dict(cell.arguments, name=cell_name), "linen")
    arguments = dict(cell=cell, reverse=reverse)
    result = ours("linen", "RNN", arguments, input_size)
    real = {}

    def build():
        real["params"], real["output"] = linen_sequence_output(real_linen(LayerConfig("flax", "RNN", arguments)),
                                                               input_size)
        return real["params"]

    build_and_compare(result, build)
    assert result.output_size.value == real["output"]


@given(forward=st.sampled_from(LINEN_CELLS), backward=st.sampled_from(LINEN_CELLS), input_size=sizes,
       forward_features=sizes, backward_features=sizes, flag=st.booleans(), merge=st.sampled_from(["concat", "add"]))
def test_linen_bidirectional(forward, backward, input_size, forward_features, backward_features, flag, merge):
    if merge == "add":
        backward_features = forward_features
    arguments = {
        name: LayerConfig("flax", "RNN", {"cell": linen_cell_config(layer, features, flag)}, "linen")
        for name, layer, features in (("forward_rnn", forward, forward_features),
                                      ("backward_rnn", backward, backward_features))
    }
    real_arguments = {name: real_linen(config) for name, config in arguments.items()}
    if merge == "add":
        arguments["merge_fn"] = Unknown("merge_fn", "a lambda")
        real_arguments["merge_fn"] = lambda a, b: a + b
    result = ours("linen", "Bidirectional", arguments, input_size)
    real = {}

    def build():
        real["params"], real["output"] = linen_sequence_output(nn.Bidirectional(**real_arguments), input_size)
        return real["params"]

    build_and_compare(result, build)
    assert result.output_size is None if merge == "add" else result.output_size.value == real["output"]


def test_linen_rnn_without_shared_parameters_is_not_counted():
    arguments = dict(cell=linen_cell_config("SimpleCell", 3, False), variable_axes={"params": 0},
                     variable_broadcast=False, split_rngs={"params": True})
    result = ours("linen", "RNN", arguments, 2)
    assert result.total is None and result.problems[0].severity == "info"
    real, _ = linen_sequence_output(real_linen(LayerConfig("flax", "RNN", arguments)), 2)
    assert real["cell/h/kernel"][0] == (2, 3, 3), "each time step got its own kernel"


@given(input_size=sizes, features=sizes, use_bias=st.booleans())
def test_linen_dense(input_size, features, use_bias):
    arguments = dict(features=features, use_bias=use_bias)
    layer = nn.Dense(**arguments)
    build_and_compare(ours("linen", "Dense", arguments, input_size), lambda: linen_params(
        jax.eval_shape(lambda x: layer.init(KEY, x), jax.ShapeDtypeStruct((1, input_size), jnp.float32))))


@given(num_embeddings=sizes, features=sizes)
def test_linen_embed(num_embeddings, features):
    arguments = dict(num_embeddings=num_embeddings, features=features)
    layer = nn.Embed(**arguments)
    build_and_compare(ours("linen", "Embed", arguments), lambda: linen_params(
        jax.eval_shape(lambda x: layer.init(KEY, x), jax.ShapeDtypeStruct((1, 3), jnp.int32))))


@pytest.mark.parametrize("layer, arguments, inputs", [
    ("Dense", dict(features=-1), jax.ShapeDtypeStruct((1, 3), jnp.float32)),
    ("Dense", dict(features=-1, use_bias=False), jax.ShapeDtypeStruct((1, 3), jnp.float32)),
    ("Embed", dict(num_embeddings=16, features=-1), jax.ShapeDtypeStruct((1, 3), jnp.int32)),
    ("Embed", dict(num_embeddings=-16, features=2), jax.ShapeDtypeStruct((1, 3), jnp.int32)),
])
def test_linen_negative_sizes_are_refused_when_init_makes_the_parameters(layer, arguments, inputs):
    """linen checks no size, but `init` cannot make an array with a negative dimension. jax's words
    depend on the initialiser (and on tracing), so only the refusal itself is compared."""
    result = ours("linen", layer, arguments, 3)
    assert result.total is None and result.errors
    with pytest.raises(Exception):
        module = getattr(nn, layer)(**arguments)
        jax.eval_shape(lambda x: module.init(KEY, x), inputs)


@given(input_size=sizes, use_bias=st.booleans(), use_scale=st.booleans(), feature_axes=st.sampled_from([-1, (-1,)]))
def test_linen_layer_norm(input_size, use_bias, use_scale, feature_axes):
    arguments = dict(use_bias=use_bias, use_scale=use_scale, feature_axes=feature_axes)
    layer = nn.LayerNorm(**arguments)
    build_and_compare(ours("linen", "LayerNorm", arguments, input_size), lambda: linen_params(
        jax.eval_shape(lambda x: layer.init(KEY, x), jax.ShapeDtypeStruct((1, input_size), jnp.float32))))


def test_linen_parent_and_name_are_keyword_only():
    spec = CATALOG.get("flax", "Dense", "linen")
    fields = [arg.name for arg in spec.positional]
    assert bind(spec, (None,) * (len(fields) + 1)).problems
    with pytest.raises(TypeError, match=f"takes {len(fields) + 1} positional arguments"):
        nn.Dense(*([3] + [None] * len(fields)))
    assert not bind(spec, (3,), {"name": "head"}).problems


# ------------------------------------------------------------------------------------------ nnx


def nnx_cell(layer, arguments):
    return getattr(nnx, layer)(**arguments, rngs=nnx.Rngs(0))


@given(layer=st.sampled_from(NNX_CELLS), in_features=sizes, hidden_features=sizes, keep_rngs=st.booleans(),
       carry_init=st.booleans())
def test_nnx_cells(layer, in_features, hidden_features, keep_rngs, carry_init):
    arguments = dict(in_features=in_features, hidden_features=hidden_features, keep_rngs=keep_rngs)
    result = ours("nnx", layer, dict(arguments, rngs=OPAQUE_RNGS, carry_init="zeros_init()" if carry_init else None))
    real = dict(arguments, carry_init=nnx.initializers.zeros_init() if carry_init else None)
    build_and_compare(result, lambda: nnx_params(lambda: nnx_cell(layer, real)))
    assert result.output_size.value == hidden_features


@given(layer=st.sampled_from(NNX_CELLS + ["Linear", "Embed"]), first=st.integers(-2, 2), second=st.integers(-2, 2))
def test_nnx_sizes_refused_by_the_initialisers(layer, first, second):
    names = {"Linear": ("in_features", "out_features"), "Embed": ("num_embeddings", "features")}.get(
        layer, ("in_features", "hidden_features"))
    arguments = dict(zip(names, (first, second)))
    # Real construction: a negative embedding passes `eval_shape` and fails only when compiled.
    build_and_compare(ours("nnx", layer, dict(arguments, rngs=OPAQUE_RNGS)),
                      lambda: nnx_params(lambda: nnx_cell(layer, arguments)) if min(first, second) > 0
                      else nnx_cell(layer, arguments))


def test_nnx_custom_initialisers_are_not_second_guessed():
    result = ours("nnx", "Linear", dict(in_features=0, out_features=3, rngs=OPAQUE_RNGS,
                                        kernel_init=Unknown("nnx.initializers.zeros", "a function")))
    assert result.total.value == 3
    build_and_compare(result, lambda: nnx_params(
        lambda: nnx.Linear(0, 3, kernel_init=nnx.initializers.zeros, rngs=nnx.Rngs(0))))


def nnx_cell_config(layer, in_features, hidden_features):
    return LayerConfig("flax", layer, dict(in_features=in_features, hidden_features=hidden_features,
                                           rngs=OPAQUE_RNGS), "nnx")


def real_nnx(config):
    arguments = {k: real_nnx(v) if isinstance(v, LayerConfig) else v for k, v in config.arguments.items()}
    if arguments.get("rngs") is OPAQUE_RNGS:
        arguments["rngs"] = nnx.Rngs(0)
    return getattr(nnx, config.layer)(**arguments)


RNGS = [True, False, None, 0, 1.5, "carry"]


@given(layer=st.sampled_from(NNX_CELLS), in_features=sizes, hidden_features=sizes, rngs=st.sampled_from(RNGS))
def test_nnx_rnn(layer, in_features, hidden_features, rngs):
    arguments = dict(cell=nnx_cell_config(layer, in_features, hidden_features), rngs=rngs)
    result = ours("nnx", "RNN", arguments)
    build_and_compare(result, lambda: nnx_params(lambda: real_nnx(LayerConfig("flax", "RNN", arguments))))
    if result.total is not None:
        assert result.output_size.value == hidden_features


@given(forward=st.sampled_from(NNX_CELLS), backward=st.sampled_from(NNX_CELLS), in_features=sizes,
       forward_features=sizes, backward_features=sizes, rngs=st.sampled_from(RNGS))
def test_nnx_bidirectional(forward, backward, in_features, forward_features, backward_features, rngs):
    arguments = dict(
        forward_rnn=LayerConfig("flax", "RNN", {"cell": nnx_cell_config(forward, in_features, forward_features)},
                                "nnx"),
        backward_rnn=LayerConfig("flax", "RNN", {"cell": nnx_cell_config(backward, in_features, backward_features)},
                                 "nnx"),
        rngs=rngs)
    result = ours("nnx", "Bidirectional", arguments)
    build_and_compare(result, lambda: nnx_params(lambda: real_nnx(LayerConfig("flax", "Bidirectional", arguments))))
    if result.total is not None:
        assert result.output_size.value == forward_features + backward_features


def test_nnx_wrappers_pass_on_what_their_cells_cannot_count():
    unknown_size = ours("nnx", "RNN", {"cell": nnx_cell_config("GRUCell", Unknown("width", "a parameter"), 4)})
    assert unknown_size.total.unknowns == ("width",) and [u.name for u in unknown_size.unknowns] == ["width"]
    refused = ours("nnx", "RNN", {"cell": nnx_cell_config("GRUCell", 0, 4)})
    assert refused.total is None and [p.message for p in refused.errors] == ["division by zero"]


@given(in_features=sizes, out_features=sizes, use_bias=st.booleans())
def test_nnx_linear(in_features, out_features, use_bias):
    arguments = dict(in_features=in_features, out_features=out_features, use_bias=use_bias)
    build_and_compare(ours("nnx", "Linear", dict(arguments, rngs=OPAQUE_RNGS)),
                      lambda: nnx_params(lambda: nnx.Linear(**arguments, rngs=nnx.Rngs(0))))


@given(num_embeddings=sizes, features=sizes)
def test_nnx_embed(num_embeddings, features):
    arguments = dict(num_embeddings=num_embeddings, features=features)
    build_and_compare(ours("nnx", "Embed", dict(arguments, rngs=OPAQUE_RNGS)),
                      lambda: nnx_params(lambda: nnx.Embed(**arguments, rngs=nnx.Rngs(0))))


@given(num_features=st.one_of(sizes, st.integers(-2, 0)), use_bias=st.booleans(), use_scale=st.booleans(),
       feature_axes=st.sampled_from([-1, 0]))
def test_nnx_layer_norm(num_features, use_bias, use_scale, feature_axes):
    arguments = dict(num_features=num_features, use_bias=use_bias, use_scale=use_scale, feature_axes=feature_axes)
    build_and_compare(ours("nnx", "LayerNorm", dict(arguments, rngs=OPAQUE_RNGS)),
                      lambda: nnx_params(lambda: nnx.LayerNorm(**arguments, rngs=nnx.Rngs(0))))


def test_nnx_takes_only_the_sizes_positionally():
    spec = CATALOG.get("flax", "LSTMCell", "nnx")
    assert not bind(spec, (2, 3), {"rngs": OPAQUE_RNGS}).problems
    assert bind(spec, (2, 3, OPAQUE_RNGS)).problems
    with pytest.raises(TypeError, match="takes 3 positional arguments"):
        nnx.LSTMCell(2, 3, nnx.Rngs(0))
    missing = ours("nnx", "LSTMCell", dict(in_features=2, hidden_features=3))
    assert missing.total is None and "'rngs'" in missing.errors[0].message
