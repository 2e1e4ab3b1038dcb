"""Invariants every table row must keep, whatever the framework."""

import pytest
from hypothesis import given, strategies as st

from rnnlens.catalog import CATALOG, FRAMEWORKS, TABLES
from rnnlens.core import Polynomial, Unknown, bind, count
from rnnlens.core.spec import REQUIRED

SPECS = sorted(CATALOG, key=lambda s: (s.framework, s.namespace, s.name))


def test_every_framework_has_a_table():
    assert set(FRAMEWORKS) == {"torch", "keras", "flax", "equinox", "haiku", "paddle"}
    for framework, table in TABLES.items():
        assert table.SPECS, f"{framework} has no rows"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.framework}.{s.namespace + '.' if s.namespace else ''}{s.name}")
def test_the_formula_equals_the_sum_of_the_tensors_in_unknown_sizes(spec):
    """With every required size unknown, each row still counts (as a polynomial) or says which
    value it needs; its formula's value always equals its tensors' total."""
    arguments = {arg.name: Unknown(arg.name) for arg in spec.signature if arg.default is REQUIRED
                 and arg.name not in ("key", "rngs", "layer", "cell", "cells", "forward_rnn", "backward_rnn")}
    result = count(spec, arguments, None, CATALOG)
    if result.total is None:
        assert result.problems, f"{spec.name}: no count and no reason"
        return
    tensors_total = sum((t.params for t in result.tensors), Polynomial())
    assert result.total == tensors_total
    assert result.formula.endswith(str(result.total))


def test_binding_follows_python():
    spec = CATALOG.get("torch", "LSTM")
    binding = bind(spec, (3, 4), {"num_layers": 2})
    assert binding.values == {"input_size": 3, "hidden_size": 4, "num_layers": 2}
    assert not binding.problems
    assert bind(spec, (3,), {"input_size": 3}).problems[0].message == \
        "LSTM() got multiple values for argument 'input_size'"
    assert bind(spec, (), {"units": 3}).problems[0].message == "LSTM() got an unexpected keyword argument 'units'"
    assert "positional" in bind(spec, tuple(range(20))).problems[0].message


def test_a_missing_required_argument_is_an_error_not_a_guess():
    result = count(CATALOG.get("torch", "LSTM"), {"input_size": 3}, None, CATALOG)
    assert result.total is None
    assert result.errors[0].message == "LSTM() missing required argument: 'hidden_size'"


def test_seed_formulas():
    h, m = Polynomial.symbol("n"), Polynomial.symbol("m")
    torch_lstm = count(CATALOG.get("torch", "LSTM"), {"input_size": m, "hidden_size": h}, None, CATALOG)
    assert torch_lstm.total == 4 * (h * m + h**2 + 2 * h)
    no_bias = count(CATALOG.get("torch", "LSTM"), {"input_size": m, "hidden_size": h, "bias": False}, None, CATALOG)
    assert no_bias.total == 4 * (h * m + h**2)
    gru = count(CATALOG.get("torch", "GRU"), {"input_size": m, "hidden_size": h}, None, CATALOG)
    assert gru.total == 3 * (h * (h + m) + 2 * h)


def test_unknown_structure_flags_give_no_count_and_say_why():
    result = count(CATALOG.get("torch", "LSTM"), {"input_size": 3, "hidden_size": 4,
                                                  "bidirectional": Unknown("bidir", "a parameter")}, None, CATALOG)
    assert result.total is None
    assert any(u.name == "bidir" for u in result.unknowns)


@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 3), st.booleans())
def test_macs_count_each_weight_matrix_element_once(i, h, layers, bidirectional):
    result = count(CATALOG.get("torch", "LSTM"), {"input_size": i, "hidden_size": h, "num_layers": layers,
                                                  "bidirectional": bidirectional}, None, CATALOG)
    biases = (2 if bidirectional else 1) * layers * 2 * 4 * h
    assert result.macs_per_step.value == result.total.value - biases


def _row(build, **extra):
    from rnnlens.core.spec import Arg, LayerSpec

    return LayerSpec("test", "Row", (Arg("size"),), build, **extra)


def test_a_row_that_raises_on_an_odd_value_is_not_counted_and_says_so():
    def build(c):
        return c.sizes("size")[0]  # an IndexError on an empty tuple

    result = count(_row(build), {"size": ()}, None, CATALOG)
    assert result.total is None and not result.errors
    assert result.unknowns and "cannot read" in result.problems[-1].message


def test_a_tensor_no_framework_can_make_is_refused():
    from rnnlens.core.spec import Built, tensor
    from rnnlens.core.formula import term

    def build(c):
        size = c.size("size")
        return Built((tensor("a", 2, 3), tensor("b", 3, size)), 6 + 3 * term(size), size)

    assert count(_row(build), {"size": 4}, None, CATALOG).total.value == 18
    negative = count(_row(build), {"size": -4}, None, CATALOG)
    assert negative.total is None
    assert negative.errors[0].message == "cannot create an array of shape (3, -4): negative dimension -4"
    huge = count(_row(build), {"size": 2**62}, None, CATALOG)
    assert huge.total is None and "overflows int64" in huge.errors[0].message
    # An unknown size may be anything: only a framework that sees it can refuse it.
    assert count(_row(build), {"size": Unknown("n")}, None, CATALOG).total is not None
    # A table words the refusal as its framework does.
    worded = count(_row(build, refuse_shape=lambda shape: "no"), {"size": 4}, None, CATALOG)
    assert [p.message for p in worded.errors] == ["no"]


def test_long_shapes_are_abbreviated_in_messages():
    from rnnlens.core.spec import shape_text

    assert shape_text((Polynomial.constant(2**32), Polynomial.symbol("n"))) == "4294967296, n"
    assert shape_text(tuple(Polynomial.constant(3) for _ in range(4096))).endswith("3, … (4096 dimensions)")


def test_huge_layer_counts_stay_exact_without_listing_every_layer():
    result = count(CATALOG.get("torch", "LSTM"), {"input_size": 3, "hidden_size": 4, "num_layers": 10**7},
                   None, CATALOG)
    assert result.total.value == 4 * (4 * 3 + 4**2 + 8) + (10**7 - 1) * 4 * (4 * 4 + 4**2 + 8)
    assert len(result.tensors) == 8
