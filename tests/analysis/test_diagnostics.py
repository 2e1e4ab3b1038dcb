"""Configurations the framework refuses or warns about: in its words, on the offending argument."""

from __future__ import annotations

import pytest

from .helpers import layer_at, source_json


def only_layer(tmp_path, call, imports="import torch.nn as nn\n"):
    source = f"{imports}layer = {call}\n"
    return layer_at(source_json(tmp_path, source), imports.count("\n") + 1)


def test_a_refused_configuration_has_no_count_and_an_error_on_the_argument(tmp_path):
    layer = only_layer(tmp_path, "nn.LSTM(10, 20, proj_size=30)")
    assert layer["params"] is None and layer["params_polynomial"] is None
    (diagnostic,) = layer["diagnostics"]
    assert diagnostic["severity"] == "error"
    assert diagnostic["message"] == "proj_size has to be smaller than hidden_size"
    # on `proj_size=30`: columns 25..37 of `layer = nn.LSTM(10, 20, proj_size=30)`
    assert (diagnostic["line"], diagnostic["column"], diagnostic["end_column"]) == (2, 25, 37)


def test_a_warning_keeps_the_count(tmp_path):
    layer = only_layer(tmp_path, "nn.GRU(4, 4, dropout=0.2)")
    assert layer["params"] == 3 * 4 * (4 + 4 + 2)
    (diagnostic,) = layer["diagnostics"]
    assert diagnostic["severity"] == "warning"
    assert diagnostic["message"].startswith("dropout option adds dropout after all but last recurrent layer")


def test_framework_messages_of_other_frameworks(tmp_path):
    layer = only_layer(tmp_path, "pnn.GRU(4, 4, direction='sideways')", "import paddle.nn as pnn\n")
    assert layer["params"] is None
    assert [d["severity"] for d in layer["diagnostics"]] == ["error"]


def test_a_size_from_a_constant_is_checked_too(tmp_path):
    source = "import torch.nn as nn\nHIDDEN = 0\nrnn = nn.GRU(4, HIDDEN)\n"
    layer = layer_at(source_json(tmp_path, source), 3)
    assert layer["params"] is None
    assert layer["diagnostics"][0]["message"] == "hidden_size must be greater than zero"


def test_an_unknown_size_draws_no_diagnostic(tmp_path):
    source = "import torch.nn as nn\n\ndef f(h):\n    return nn.LSTM(4, h, proj_size=8)\n"
    layer = layer_at(source_json(tmp_path, source), 4)
    assert layer["diagnostics"] == []


@pytest.mark.parametrize("call", [
    "nn.LSTM(3, 4, hiden_size=5)",
    "nn.GRU(3, 4, 1, True, False, 0.0, False, None, None, 9)",
    "nn.GRU(3, 4, input_size=3)",
])
def test_a_call_python_refuses_has_no_count(tmp_path, call):
    layer = only_layer(tmp_path, call)
    assert [d["severity"] for d in layer["diagnostics"]] == ["error"]
    assert layer["params"] is None
