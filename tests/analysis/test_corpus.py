"""What the corpus covers, and what it must show that the differential test cannot prove."""

from __future__ import annotations

import re

import pytest

from .helpers import CORPUS, layer_at, layers_at, line_of, model_named

# Every import form issue 4 lists, the corpus file that uses it, and the framework its layers belong to.
ALIAS_FORMS = [  # (the form, the file using it, the framework, how a call through it starts)
    ("import torch.nn as nn", "torch/tagger.py", "torch", "nn."),
    ("from torch import nn", "torch/from_import.py", "torch", "nn."),
    ("from torch.nn import GRU, LSTM as L", "torch/renamed.py", "torch", "L("),
    ("from torch.nn import *", "torch/star_import.py", "torch", "LSTM("),
    ("import keras", "keras/sequential.py", "keras", "keras.layers."),
    ("from keras import layers", "keras/cells.py", "keras", "layers."),
    ("from keras import Input, Model, layers", "keras/functional.py", "keras", "Input("),
    ("from tensorflow import keras", "keras/tf_style.py", "keras", "keras.layers."),
    ("import tensorflow.keras.layers as kl", "keras/tf_style.py", "keras", "kl."),
    ("import tensorflow as tf", "keras/tf_style.py", "keras", "tf.keras.layers.GRU("),
    ("from flax import nnx", "flax/nnx_model.py", "flax", "nnx."),
    ("import flax.linen as nn", "flax/linen_encoder.py", "flax", "nn."),
    ("import equinox as eqx", "equinox/model.py", "equinox", "eqx.nn."),
    ("import haiku as hk", "haiku/core.py", "haiku", "hk."),
    ("import paddle.nn as pnn", "paddle/seq2seq.py", "paddle", "pnn."),
]


def source(name):
    return (CORPUS / name).read_text(encoding="utf-8")


def test_every_corpus_file_is_read_and_has_findings(corpus_report):
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb"))
    assert sorted(corpus_report) == files
    for name, record in corpus_report.items():
        assert record["layers"], name


@pytest.mark.parametrize("form, name, framework, call", ALIAS_FORMS,
                         ids=[form for form, *_ in ALIAS_FORMS])
def test_every_alias_form_is_in_the_corpus_and_understood(corpus_report, form, name, framework, call):
    lines = source(name).splitlines()
    assert any(line.split("  #")[0] == form for line in lines)
    uses = [layer for layer in corpus_report[name]["layers"]
            if lines[layer["line"] - 1][layer["column"] - 1:].startswith(call)]
    assert uses, f"no layer of {name} is reached through `{form}`"
    assert {layer["framework"] for layer in uses} == {framework}


def test_the_same_alias_nn_is_torch_in_one_file_and_linen_in_another(corpus_report):
    assert {layer["framework"] for layer in corpus_report["torch/tagger.py"]["layers"]} == {"torch"}
    linen = corpus_report["flax/linen_encoder.py"]["layers"]
    assert {(layer["framework"], layer["namespace"]) for layer in linen} == {("flax", "linen")}


def test_the_local_class_named_lstm_is_not_counted(corpus_report):
    text = source("torch/renamed.py")
    assert layers_at(corpus_report["torch/renamed.py"], line_of(text, "scratch = LSTM(")) == []
    assert len(layer_at(corpus_report["torch/renamed.py"], line_of(text, "speech = L("), "LSTM")["tensors"]) == 15


def test_an_alias_assigned_in_code(corpus_report):
    text = source("torch/renamed.py")
    layer = layer_at(corpus_report["torch/renamed.py"], line_of(text, "cell = Cell("))
    assert layer["layer"] == "GRUCell"


def test_shared_instances_and_repeated_lists_count_once(corpus_report):
    record = corpus_report["torch/from_import.py"]
    hidden, features = 256, 40
    gru = 3 * hidden * (features + hidden) + 6 * hidden
    assert model_named(record, "SharedEncoder")["params"] == gru + (2 * hidden + 1)
    rnn = hidden * (hidden + hidden) + 2 * hidden
    assert model_named(record, "RepeatedBlock")["params"] == hidden * hidden + hidden + rnn


def test_constants_across_scopes_in_the_tagger(corpus_report):
    record = corpus_report["torch/tagger.py"]
    text = source("torch/tagger.py")
    lstm = layer_at(record, line_of(text, "self.lstm = nn.LSTM"))
    origins = {a["name"]: a["origins"] for a in lstm["arguments"]}
    assert origins["input_size"] == [f"EMBEDDING_DIM at line {line_of(text, 'EMBEDDING_DIM = 100')}"]
    assert f"self.hidden_dim at line {line_of(text, 'self.hidden_dim =')}" in origins["hidden_size"]
    assert f"HIDDEN_DIM at line {line_of(text, 'HIDDEN_DIM = 128')}" in origins["hidden_size"]
    cell = layer_at(record, line_of(text, "return nn.LSTMCell"))
    assert f"hidden at line {line_of(text, 'hidden = 3 * HIDDEN_DIM')}" in cell["arguments"][1]["origins"]


def test_unknown_sizes_in_the_corpus_are_formulas_with_reasons(corpus_report):
    record = corpus_report["torch/unknown_sizes.py"]
    text = source("torch/unknown_sizes.py")
    encoder = layer_at(record, line_of(text, "return nn.LSTM(input_dim"))
    assert encoder["params"] is None and "input_dim" in encoder["params_polynomial"]
    assert any(u["name"] == "input_dim" and "build_encoder" in u["reason"] for u in encoder["unknowns"])
    rnn = layer_at(record, line_of(text, "nn.GRU(32, cfg.hidden"))
    assert rnn["params"] is None
    assert any(u["name"].startswith("cfg.") for u in rnn["unknowns"])
    assert model_named(record, "Model")["status"] == "unknown"


def test_linen_compact_sizes_flow_and_setup_sizes_are_formulas(corpus_report):
    record = corpus_report["flax/linen_encoder.py"]
    text = source("flax/linen_encoder.py")
    assert layer_at(record, line_of(text, "nn.RNN(nn.OptimizedLSTMCell"), "RNN")["params"] == 82_432
    assert model_named(record, "Encoder")["params"] == 115_722  # what `init` makes (test_differential)
    gru = layer_at(record, line_of(text, "nn.GRUCell(features=64)"))
    assert gru["params"] is None and "input_size" in gru["params_polynomial"]


def test_haiku_sizes_that_come_from_the_call_are_formulas_in_input_size(corpus_report):
    record = corpus_report["haiku/core.py"]
    text = source("haiku/core.py")
    assert layer_at(record, line_of(text, "hk.Embed("))["params"] == 64_000
    lstm = layer_at(record, line_of(text, "hk.LSTM(HIDDEN)"))
    assert lstm["params_polynomial"] == "1,024·input_size + 263,168"  # (i + 256)·1,024 + 1,024


def test_keras_subclassed_model_is_unknown(corpus_report):
    model = model_named(corpus_report["keras/subclassed.py"], "Seq2Seq")
    assert model["status"] == "unknown" and model["params"] is None


def test_the_mid_edit_file_is_the_one_that_does_not_parse():
    broken = []
    for path in sorted(CORPUS.rglob("*.py")):
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        except SyntaxError:
            broken.append(path.relative_to(CORPUS).as_posix())
    assert broken == ["torch/mid_edit.py"]
