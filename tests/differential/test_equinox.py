"""Equinox: every table row against `equinox.nn`, built shape-only with `eqx.filter_eval_shape`.

Refusals are built for real, on tiny sizes: shape-only evaluation accepts negative dimensions that the
compiler refuses when the arrays are actually drawn.
"""

import pytest
from hypothesis import given, strategies as st

from rnnlens.core import Unknown

from .harness import build_and_compare, ours

jax = pytest.importorskip("jax")
eqx = pytest.importorskip("equinox")
pytestmark = pytest.mark.differential

sizes = st.integers(1, 300)
KEY = jax.random.key(0)


def state(module):
    arrays = eqx.filter(module, lambda leaf: isinstance(leaf, (jax.Array, jax.ShapeDtypeStruct)))
    leaves, _ = jax.tree_util.tree_flatten_with_path(arrays)
    return {jax.tree_util.keystr(path, simple=True, separator="."): (tuple(leaf.shape), True) for path, leaf in leaves}


def shapes_of(layer, **arguments):
    return lambda: state(eqx.filter_eval_shape(getattr(eqx.nn, layer), **arguments))


def built_for_real(layer, **arguments):
    return lambda: state(getattr(eqx.nn, layer)(**arguments))


@given(layer=st.sampled_from(["LSTMCell", "GRUCell"]), input_size=sizes, hidden_size=sizes, use_bias=st.booleans())
def test_cells(layer, input_size, hidden_size, use_bias):
    arguments = dict(input_size=input_size, hidden_size=hidden_size, use_bias=use_bias, key=KEY)
    build_and_compare(ours("equinox", layer, arguments), shapes_of(layer, **arguments))


@given(layer=st.sampled_from(["LSTMCell", "GRUCell"]), input_size=st.integers(-2, 2), hidden_size=st.integers(-2, 2))
def test_cell_refusals_match(layer, input_size, hidden_size):
    arguments = dict(input_size=input_size, hidden_size=hidden_size, key=KEY)
    build_and_compare(ours("equinox", layer, arguments), built_for_real(layer, **arguments))


def test_cells_take_sizes_positionally_and_need_a_key():
    from rnnlens.catalog import CATALOG
    from rnnlens.core import bind

    binding = bind(CATALOG.get("equinox", "GRUCell"), (3, 4, False))
    assert binding.values == {"input_size": 3, "hidden_size": 4, "use_bias": False} and not binding.problems
    assert ours("equinox", "GRUCell", binding.values).total is None
    build_and_compare(ours("equinox", "GRUCell", dict(binding.values, key=KEY)),
                      lambda: state(eqx.filter_eval_shape(eqx.nn.GRUCell, 3, 4, False, key=KEY)))


features = st.one_of(sizes, st.just("scalar"))


@given(in_features=features, out_features=features, use_bias=st.booleans())
def test_linear(in_features, out_features, use_bias):
    arguments = dict(in_features=in_features, out_features=out_features, use_bias=use_bias, key=KEY)
    result = ours("equinox", "Linear", arguments)
    build_and_compare(result, shapes_of("Linear", **arguments))
    assert result.output_size == (None if out_features == "scalar" else out_features)


@given(in_features=st.integers(-2, 2), out_features=st.integers(-2, 2))
def test_linear_refusals_match(in_features, out_features):
    arguments = dict(in_features=in_features, out_features=out_features, key=KEY)
    build_and_compare(ours("equinox", "Linear", arguments), built_for_real("Linear", **arguments))


optional_sizes = st.one_of(st.none(), st.integers(-2, 300))


@given(num_embeddings=optional_sizes, embedding_size=optional_sizes, key=st.sampled_from([None, KEY]))
def test_embedding(num_embeddings, embedding_size, key):
    arguments = dict(num_embeddings=num_embeddings, embedding_size=embedding_size, key=key)
    build_and_compare(ours("equinox", "Embedding", arguments), shapes_of("Embedding", **arguments))


@given(num_embeddings=sizes, embedding_size=sizes)
def test_embedding_from_a_weight(num_embeddings, embedding_size):
    weight = jax.ShapeDtypeStruct((num_embeddings, embedding_size), "float32")
    real = shapes_of("Embedding", weight=weight)
    build_and_compare(ours("equinox", "Embedding", dict(num_embeddings=num_embeddings, embedding_size=embedding_size,
                                                         weight=Unknown("weight"))), real)
    assert ours("equinox", "Embedding", dict(weight=Unknown("weight"))).total is None


@given(shape=st.one_of(st.integers(-1, 300), st.lists(st.integers(-1, 20), max_size=3).map(tuple)),
       use_weight=st.booleans(), use_bias=st.booleans(),
       deprecated=st.sampled_from([{}, {"elementwise_affine": True}, {"elementwise_affine": False}]))
def test_layer_norm(shape, use_weight, use_bias, deprecated):
    arguments = dict(shape=shape, use_weight=use_weight, use_bias=use_bias, **deprecated)
    build_and_compare(ours("equinox", "LayerNorm", arguments), shapes_of("LayerNorm", **arguments))
