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
