"""Haiku: every table row against `haiku`, initialised shape-only with `jax.eval_shape(f.init, ...)`.

Haiku creates parameters when a module is first called, so each build calls the module once on an
input of the drawn size; the count is also checked as a polynomial in the unknown `input_size`.
"""

import math

import pytest
from hypothesis import given, strategies as st

from rnnlens.core import Unknown

from .harness import build_and_compare, ours

jax = pytest.importorskip("jax")
hk = pytest.importorskip("haiku")
jnp = jax.numpy
pytestmark = pytest.mark.differential

sizes = st.integers(1, 300)
CORES = ["LSTM", "GRU", "VanillaRNN"]


def initialised(make_output, inputs):
    """Parameter shapes, named below the module's own name ("lstm/linear" + "w" → "linear/w")."""
    params = jax.eval_shape(hk.transform(make_output).init, jax.random.key(0), inputs)
    return {"/".join(module.split("/")[1:] + [name]): (tuple(p.shape), True)
            for module, leaves in params.items() for name, p in leaves.items()}


def core_params(layer, arguments, input_size):
    def step(x):
        core = getattr(hk, layer)(**arguments)
        return core(x, core.initial_state(1))

    return lambda: initialised(step, jnp.zeros((1, input_size)))


def module_params(layer, arguments, inputs):
    return lambda: initialised(lambda x: getattr(hk, layer)(**arguments)(x), inputs)


@given(layer=st.sampled_from(CORES), input_size=sizes, hidden_size=st.integers(0, 300), double_bias=st.booleans())
def test_cores(layer, input_size, hidden_size, double_bias):
    arguments = dict(hidden_size=hidden_size, **({"double_bias": double_bias} if layer == "VanillaRNN" else {}))
    build_and_compare(ours("haiku", layer, arguments, input_size), core_params(layer, arguments, input_size))


@given(layer=st.sampled_from(CORES), input_size=sizes, hidden_size=sizes, name=st.sampled_from([None, "encoder"]))
def test_cores_without_an_input_size_count_a_polynomial(layer, input_size, hidden_size, name):
    symbolic = ours("haiku", layer, dict(hidden_size=hidden_size, name=name))
    assert symbolic.total.unknowns == ("input_size",)
    real = core_params(layer, dict(hidden_size=hidden_size, name=name), input_size)()
    expected = sum(math.prod(shape) for shape, _ in real.values())
    assert symbolic.total.substitute({"input_size": input_size}).value == expected
    assert symbolic.formula.endswith(f"= {symbolic.total}")


@given(layer=st.sampled_from(CORES), hidden_size=st.integers(-2, 1))
def test_core_refusals_match(layer, hidden_size):
    build_and_compare(ours("haiku", layer, dict(hidden_size=hidden_size), 2),
                      core_params(layer, dict(hidden_size=hidden_size), 2))


@given(input_size=sizes, output_size=st.integers(-2, 300), with_bias=st.booleans())
def test_linear(input_size, output_size, with_bias):
    arguments = dict(output_size=output_size, with_bias=with_bias)
    build_and_compare(ours("haiku", "Linear", arguments, input_size),
                      module_params("Linear", arguments, jnp.zeros((2, input_size))))
    if output_size >= 0:
        assert ours("haiku", "Linear", arguments).total.substitute({"input_size": input_size}) == \
            ours("haiku", "Linear", arguments, input_size).total


@given(vocab_size=st.one_of(st.none(), st.integers(-2, 300)), embed_dim=st.one_of(st.none(), st.integers(-2, 300)))
def test_embed(vocab_size, embed_dim):
    arguments = dict(vocab_size=vocab_size, embed_dim=embed_dim)
    build_and_compare(ours("haiku", "Embed", arguments),
                      module_params("Embed", arguments, jnp.zeros((3,), jnp.int32)))


@given(vocab_size=sizes, embed_dim=sizes, pass_sizes=st.booleans())
def test_embed_from_a_matrix(vocab_size, embed_dim, pass_sizes):
    matrix = jnp.zeros((vocab_size, embed_dim))
    given_sizes = dict(vocab_size=vocab_size, embed_dim=embed_dim) if pass_sizes else {}
    result = ours("haiku", "Embed", dict(given_sizes, embedding_matrix=Unknown("embedding_matrix")))
    if pass_sizes:
        build_and_compare(result, module_params("Embed", dict(given_sizes, embedding_matrix=matrix),
                                                jnp.zeros((3,), jnp.int32)))
    else:
        assert result.total is None


@given(input_size=sizes, create_scale=st.booleans(), create_offset=st.booleans(),
       param_axis=st.sampled_from([{}, {"param_axis": -1}, {"param_axis": [-1]}]),
       initializers=st.sampled_from([{}, {"scale_init": jnp.ones}, {"offset_init": jnp.zeros}]))
def test_layer_norm(input_size, create_scale, create_offset, param_axis, initializers):
    arguments = dict(axis=-1, create_scale=create_scale, create_offset=create_offset, **param_axis, **initializers)
    build_and_compare(ours("haiku", "LayerNorm", arguments, input_size),
                      module_params("LayerNorm", arguments, jnp.zeros((2, input_size))))


def test_layer_norm_on_another_parameter_axis_needs_the_input_rank():
    arguments = dict(axis=-1, create_scale=True, create_offset=True, param_axis=0)
    assert ours("haiku", "LayerNorm", arguments, 4).total is None
