"""Sizes that cannot be known statically: the count is a formula in named unknowns, each with a reason."""

from __future__ import annotations

import re

from .helpers import evaluate_polynomial, layer_at, line_of, model_named, source_json


def counted(tmp_path, source, needle):
    return layer_at(source_json(tmp_path, source), line_of(source, needle))


def reasons(layer):
    return {unknown["name"]: unknown["reason"] for unknown in layer["unknowns"]}


def test_a_function_parameter_gives_a_polynomial_with_its_reason(tmp_path):
    source = "import torch.nn as nn\n\ndef build(input_dim):\n    return nn.LSTM(input_dim, 128)\n"
    layer = counted(tmp_path, source, "return nn.LSTM")
    assert layer["params"] is None and layer["trainable_params"] is None
    # 4·128·(i + 128) + 8·128 = 512·i + 66,560
    assert layer["params_polynomial"] == "512·input_dim + 66,560"
    assert reasons(layer)["input_dim"] == "a parameter of `build`"
    assert [u["argument"] for u in layer["unknowns"] if u["name"] == "input_dim"] == ["input_size"]


def test_a_parameter_with_a_default_is_still_unknown(tmp_path):
    # The caller may pass another value: the default is not a guess worth making.
    source = "import torch.nn as nn\n\ndef build(hidden=64):\n    return nn.GRU(8, hidden)\n"
    layer = counted(tmp_path, source, "return nn.GRU")
    assert layer["params"] is None
    assert layer["params_polynomial"] == "3·hidden² + 30·hidden"


def test_a_formula_in_several_unknowns(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "def build(vocab_size, dim):\n"
              "    return nn.Linear(2 * dim, vocab_size)\n")
    layer = counted(tmp_path, source, "return nn.Linear")
    assert layer["params_polynomial"] == "2·dim·vocab_size + vocab_size"
    assert set(reasons(layer)) >= {"dim", "vocab_size"}


def test_tensor_shapes_show_the_unknowns(tmp_path):
    source = "import torch.nn as nn\n\ndef build(n):\n    return nn.GRUCell(n, 4)\n"
    layer = counted(tmp_path, source, "return nn.GRUCell")
    shapes = {tensor["name"]: tensor["shape"] for tensor in layer["tensors"]}
    assert shapes["weight_ih"] == [12, "n"] and shapes["weight_hh"] == [12, 4]
    weight_ih = next(t for t in layer["tensors"] if t["name"] == "weight_ih")
    assert weight_ih["params"] == "12·n"


def test_len_of_a_runtime_list_is_unknown(tmp_path):
    source = ("import json\nimport torch.nn as nn\n"
              "vocab = json.load(open('vocab.json'))\n"
              "embed = nn.Embedding(len(vocab), 32)\n")
    layer = counted(tmp_path, source, "embed =")
    assert layer["params"] is None
    assert layer["params_polynomial"] == "32·num_embeddings"
    assert layer["unknowns"] and all(u["argument"] == "num_embeddings" for u in layer["unknowns"])


def test_len_of_a_literal_list_is_known(tmp_path):
    source = "import torch.nn as nn\nvocab = ['<pad>', 'a', 'b']\nembed = nn.Embedding(len(vocab), 32)\n"
    assert counted(tmp_path, source, "embed =")["params"] == 96


def test_config_attributes_are_named_unknowns(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Model(nn.Module):\n"
              "    def __init__(self, cfg):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(cfg.model.hidden, 2 * cfg.model.hidden)\n")
    layer = counted(tmp_path, source, "self.rnn =")
    # i = c, h = 2c: 3·2c·(c + 2c) + 6·2c = 18c² + 12c
    assert layer["params_polynomial"] == "18·cfg.model.hidden² + 12·cfg.model.hidden"
    assert reasons(layer) == {"cfg.model.hidden": "an attribute this tool cannot follow"}


def test_an_unknown_flag_leaves_no_count_but_says_why(tmp_path):
    source = "import torch.nn as nn\n\ndef build(flag):\n    return nn.GRU(3, 4, bidirectional=flag)\n"
    layer = counted(tmp_path, source, "return nn.GRU")
    assert layer["params"] is None and layer["params_polynomial"] is None
    assert any(u["argument"] == "bidirectional" for u in layer["unknowns"])


def test_a_missing_required_argument_is_an_error_not_a_guess(tmp_path):
    layer = counted(tmp_path, "import torch.nn as nn\nrnn = nn.LSTM(10)\n", "rnn =")
    assert layer["params"] is None
    assert [d["severity"] for d in layer["diagnostics"]] == ["error"]
    assert "hidden_size" in layer["diagnostics"][0]["message"]


def test_a_model_with_an_unknown_member_has_a_polynomial_total(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Encoder(nn.Module):\n"
              "    def __init__(self, vocab_size):\n"
              "        super().__init__()\n"
              "        self.embed = nn.Embedding(vocab_size, 16)\n"
              "        self.rnn = nn.GRU(16, 16)\n")
    model = model_named(source_json(tmp_path, source), "Encoder")
    assert model["status"] == "unknown"
    assert model["params"] is None
    assert model["params_polynomial"] == f"16·vocab_size + {3 * 16 * 32 + 6 * 16:,}"


def test_every_unknown_of_a_polynomial_is_explained(corpus_report):
    for name, record in corpus_report.items():
        for layer in record["layers"]:
            if layer["params_polynomial"] is None:
                continue
            named = {unknown["name"] for unknown in layer["unknowns"]}
            for tensor in layer["tensors"]:
                for dimension in tensor["shape"]:
                    if isinstance(dimension, str):
                        symbols = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", dimension))
                        assert symbols <= named, (name, layer["line"], dimension, named)


def test_arithmetic_on_an_opaque_name_does_not_become_that_name(tmp_path):
    source = ("import torch.nn as nn\n"
              "from config import HIDDEN_SIZE\n"
              "rnn = nn.LSTM(HIDDEN_SIZE, HIDDEN_SIZE * 2)\n")
    layer = counted(tmp_path, source, "rnn =")
    # i = H, h = 2H: 4·2H·(H + 2H) + 8·2H = 24H² + 16H. A formula in HIDDEN_SIZE alone must be that one;
    # one in more names must give it when each name takes the value its argument has.
    polynomial = layer["params_polynomial"]
    assert polynomial != "8·HIDDEN_SIZE² + 8·HIDDEN_SIZE"
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", polynomial))
    values = {"HIDDEN_SIZE": 5, "hidden_size": 10, "input_size": 5}
    assert names <= set(values), names
    assert evaluate_polynomial(polynomial, values) == 24 * 25 + 16 * 5


def test_each_unknown_is_listed_once_under_the_name_the_formula_uses(tmp_path):
    source = ("import json\nimport torch.nn as nn\n"
              "vocab = json.load(open('vocab.json'))\n"
              "embed = nn.Embedding(len(vocab), 32)\n")
    layer = counted(tmp_path, source, "embed =")
    assert [u["name"] for u in layer["unknowns"]] == ["num_embeddings"]
