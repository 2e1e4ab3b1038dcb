"""Keras layers learn their input size when called: the analysis follows it through the graph."""

from __future__ import annotations

import re

import pytest

from .helpers import argument, layer_at, layers_at, line_of, model_named, source_json

HEADER = "import keras\nfrom keras import layers\n"


def lstm(i, u):
    return 4 * u * (i + u + 1)


def gru(i, u, reset_after=True):
    return 3 * u * (i + u + (2 if reset_after else 1))


def simple(i, u):
    return u * (i + u + 1)


def dense(i, u):
    return u * (i + 1)


def keras_json(tmp_path, body):
    source = HEADER + body
    return source, source_json(tmp_path, source)


SEED = "\ntiny = keras.Sequential([keras.Input((None, 3)), layers.LSTM(2)])\n"


def test_the_seed_lstm_after_input_counts_48(tmp_path):
    source, record = keras_json(tmp_path, SEED)
    layer = layer_at(record, line_of(source, "tiny ="), "LSTM")
    assert layer["params"] == 48 == lstm(3, 2)
    assert layer["trainable_params"] == 48
    assert layer["formula"] == "4·(2·3 + 2² + 2) = 48"
    size = argument(layer, "input size")
    assert size["value"] == "3" and size["known"] is True
    assert {t["name"]: t["shape"] for t in layer["tensors"]} == {
        "lstm_cell/kernel": [3, 8], "lstm_cell/recurrent_kernel": [2, 8], "lstm_cell/bias": [8]}
    model = model_named(record, "tiny")
    assert (model["kind"], model["status"], model["params"]) == ("sequential", "exact", 48)


def test_the_seed_input_size_is_traced_to_input(tmp_path):
    source, record = keras_json(tmp_path, SEED)
    line = line_of(source, "tiny =")
    layer = layer_at(record, line, "LSTM")
    (origin,) = argument(layer, "input size")["origins"]
    assert re.fullmatch(rf"(keras\.)?Input\(\(None, 3\)\) at line {line}", origin), origin


def test_an_input_bound_to_a_name_is_traced_to_its_line(tmp_path):
    body = ("features = keras.Input(shape=(None, 5))\n"
            "outputs = layers.GRU(4)(features)\n"
            "model = keras.Model(features, outputs)\n")
    source, record = keras_json(tmp_path, body)
    layer = layer_at(record, line_of(source, "outputs ="), "GRU")
    assert layer["params"] == gru(5, 4)
    assert any(origin.endswith(f"at line {line_of(source, 'features =')}")
               for origin in argument(layer, "input size")["origins"])


def test_embedding_width_is_the_next_layers_input(tmp_path):
    body = ("model = keras.Sequential([\n"
            "    layers.Embedding(1000, 64),\n"
            "    layers.LSTM(32),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    embedding_line = line_of(source, "layers.Embedding")
    layer = layer_at(record, line_of(source, "layers.LSTM"), "LSTM")
    assert layer["params"] == lstm(64, 32)
    assert argument(layer, "input size")["origins"] == [f"output of Embedding at line {embedding_line}"]
    assert model_named(record, "model")["params"] == 64_000 + lstm(64, 32)


def test_stacked_recurrent_layers_with_return_sequences(tmp_path):
    body = ("model = keras.Sequential([\n"
            "    keras.Input((None, 10)),\n"
            "    layers.LSTM(128, return_sequences=True),\n"
            "    layers.GRU(64, return_sequences=True),\n"
            "    layers.SimpleRNN(32),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "LSTM(128"))["params"] == lstm(10, 128)
    assert layer_at(record, line_of(source, "GRU(64"))["params"] == gru(128, 64)
    assert layer_at(record, line_of(source, "SimpleRNN(32"))["params"] == simple(64, 32)


def test_dense_changes_the_size_the_next_layer_sees(tmp_path):
    body = ("model = keras.Sequential([\n"
            "    keras.Input((None, 10)),\n"
            "    layers.Dense(6),\n"
            "    layers.GRU(4),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "Dense(6"))["params"] == dense(10, 6)
    assert layer_at(record, line_of(source, "GRU(4"))["params"] == gru(6, 4)


@pytest.mark.parametrize("between", ["layers.Dropout(0.5)", "layers.Masking(mask_value=0.0)",
                                     "layers.Dropout(rate=0.1)"])
def test_dropout_and_masking_pass_the_size_through_a_sequential(tmp_path, between):
    body = ("model = keras.Sequential([\n"
            "    keras.Input((None, 12)),\n"
            f"    {between},\n"
            "    layers.LSTM(8),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "LSTM(8"))["params"] == lstm(12, 8)
    assert model_named(record, "model")["status"] == "exact"


@pytest.mark.parametrize("between", ["layers.Dropout(0.2)", "layers.Masking()"])
def test_dropout_and_masking_pass_the_size_through_the_functional_api(tmp_path, between):
    body = ("inputs = keras.Input((None, 12))\n"
            f"x = {between}(inputs)\n"
            "outputs = layers.GRU(8)(x)\n"
            "model = keras.Model(inputs, outputs)\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "outputs ="))["params"] == gru(12, 8)
    model = model_named(record, "model")
    assert (model["status"], model["params"]) == ("exact", gru(12, 8))


def test_add_chains(tmp_path):
    body = ("model = keras.Sequential()\n"
            "model.add(keras.Input(shape=(None, 16)))\n"
            "model.add(layers.SimpleRNN(32, return_sequences=True))\n"
            "model.add(layers.GRU(16, reset_after=False))\n"
            "model.add(layers.Dense(4))\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "SimpleRNN"))["params"] == simple(16, 32)
    assert layer_at(record, line_of(source, "GRU("))["params"] == gru(32, 16, reset_after=False)
    assert layer_at(record, line_of(source, "Dense("))["params"] == dense(16, 4)
    model = model_named(record, "model")
    assert (model["status"], model["params"]) == ("exact", simple(16, 32) + gru(32, 16, False) + dense(16, 4))


def test_input_shape_on_the_first_layer(tmp_path):
    body = ("model = keras.Sequential([\n"
            "    layers.LSTM(20, input_shape=(None, 7), return_sequences=True),\n"
            "    layers.LSTM(10),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "LSTM(20"))["params"] == lstm(7, 20)
    assert layer_at(record, line_of(source, "LSTM(10"))["params"] == lstm(20, 10)


def test_functional_embedding_then_bidirectional(tmp_path):
    body = ("inputs = keras.Input(shape=(None,), dtype='int32')\n"
            "x = layers.Embedding(20_000, 128)(inputs)\n"
            "x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)\n"
            "x = layers.Bidirectional(layers.LSTM(64))(x)\n"
            "outputs = layers.Dense(1, activation='sigmoid')(x)\n"
            "model = keras.Model(inputs, outputs)\n")
    source, record = keras_json(tmp_path, body)
    first = layer_at(record, line_of(source, "return_sequences=True))(x)"), "Bidirectional")
    second = layer_at(record, line_of(source, "LSTM(64))(x)"), "Bidirectional")
    assert first["params"] == 2 * lstm(128, 64)
    assert second["params"] == 2 * lstm(128, 64)  # concat: 2·64 = 128 in
    assert first["output_size"] == 128
    model = model_named(record, "model")
    total = 20_000 * 128 + 4 * lstm(128, 64) + dense(128, 1)
    assert (model["kind"], model["status"], model["params"]) == ("functional", "exact", total)


@pytest.mark.parametrize("mode, width", [("'concat'", 16), ("'sum'", 8), ("'mul'", 8), ("'ave'", 8)])
def test_bidirectional_merge_modes_decide_the_next_input(tmp_path, mode, width):
    body = ("inputs = keras.Input((None, 4))\n"
            f"x = layers.Bidirectional(layers.GRU(8, return_sequences=True), merge_mode={mode})(inputs)\n"
            "outputs = layers.LSTM(3)(x)\n"
            "model = keras.Model(inputs, outputs)\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "x ="), "Bidirectional")["params"] == 2 * gru(4, 8)
    assert layer_at(record, line_of(source, "outputs ="))["params"] == lstm(width, 3)
    assert model_named(record, "model")["params"] == 2 * gru(4, 8) + lstm(width, 3)


def test_time_distributed_dense(tmp_path):
    body = ("model = keras.Sequential([\n"
            "    keras.Input((None, 9)),\n"
            "    layers.GRU(6, return_sequences=True),\n"
            "    layers.TimeDistributed(layers.Dense(5)),\n"
            "    layers.LSTM(2),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    wrapper = layer_at(record, line_of(source, "TimeDistributed"), "TimeDistributed")
    inner = layer_at(record, line_of(source, "TimeDistributed"), "Dense")
    assert wrapper["params"] == inner["params"] == dense(6, 5)
    assert layer_at(record, line_of(source, "LSTM(2"))["params"] == lstm(5, 2)
    model = model_named(record, "model")
    assert model["params"] == gru(9, 6) + dense(6, 5) + lstm(5, 2)  # the Dense once, inside its wrapper


def test_a_wrapped_layer_is_a_finding_that_points_at_its_wrapper(tmp_path):
    source, record = keras_json(tmp_path, "model = keras.Sequential([keras.Input((None, 3)), "
                                          "layers.Bidirectional(layers.LSTM(2))])\n")
    line = line_of(source, "model =")
    wrapper = layer_at(record, line, "Bidirectional")
    inner = layer_at(record, line, "LSTM")
    assert wrapper["wrapped_by"] is None
    assert inner["wrapped_by"] == {"line": wrapper["line"], "column": wrapper["column"]}
    assert inner["params"] == lstm(3, 2) and wrapper["params"] == 2 * lstm(3, 2)
    assert model_named(record, "model")["params"] == 2 * lstm(3, 2)


def test_a_layer_instance_applied_twice_counts_once(tmp_path):
    body = ("left = keras.Input((None, 20))\n"
            "right = keras.Input((None, 20))\n"
            "encoder = layers.LSTM(24)\n"
            "model = keras.Model([left, right], [encoder(left), encoder(right)])\n")
    source, record = keras_json(tmp_path, body)
    assert len(layers_at(record, line_of(source, "encoder ="), "LSTM")) == 1
    model = model_named(record, "model")
    assert (model["status"], model["params"]) == ("exact", lstm(20, 24))


def test_rnn_of_a_cell_and_of_stacked_cells(tmp_path):
    body = ("cells = [layers.LSTMCell(32), layers.LSTMCell(16)]\n"
            "model = keras.Sequential([\n"
            "    keras.Input((None, 10)),\n"
            "    layers.RNN(layers.GRUCell(20), return_sequences=True),\n"
            "    layers.RNN(layers.StackedRNNCells(cells)),\n"
            "])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "GRUCell(20)"), "RNN")["params"] == gru(10, 20)
    stacked = lstm(20, 32) + lstm(32, 16)
    assert layer_at(record, line_of(source, "StackedRNNCells"), "RNN")["params"] == stacked
    assert model_named(record, "model")["params"] == gru(10, 20) + stacked


def test_a_subclassed_model_without_input_sizes_is_unknown_not_guessed(tmp_path):
    body = ("class Tagger(keras.Model):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.rnn = layers.LSTM(16)\n"
            "        self.out = layers.Dense(3)\n")
    source, record = keras_json(tmp_path, body)
    layer = layer_at(record, line_of(source, "self.rnn ="))
    assert layer["params"] is None
    assert layer["params_polynomial"] == "64·input_size + 1,088"
    assert any(u["name"] == "input_size" for u in layer["unknowns"])
    model = model_named(record, "Tagger")
    assert model["status"] == "unknown" and model["params"] is None


def test_a_graph_the_analysis_cannot_follow_is_not_a_silent_undercount(tmp_path):
    body = ("tokens = keras.Input((None,), dtype='int32')\n"
            "x = layers.Embedding(100, 8)(tokens)\n"
            "x = layers.LSTM(8, return_sequences=True)(x)\n"
            "ids = keras.ops.argmax(x, axis=-1)\n"
            "outputs = layers.Embedding(8, 4)(ids)\n"
            "model = keras.Model(tokens, outputs)\n")
    source, record = keras_json(tmp_path, body)
    model = model_named(record, "model")
    real_total = 800 + lstm(8, 8) + 32
    assert model["params"] == real_total or (model["status"] == "lower_bound" and model["not_counted"])
    assert model["params"] <= real_total


def test_bidirectional_without_merge_returns_two_tensors(tmp_path):
    body = ("frames = keras.Input((None, 6))\n"
            "forward, backward = layers.Bidirectional(layers.GRU(10, return_sequences=True), merge_mode=None)(frames)\n"
            "model = keras.Model(frames, [forward, backward])\n")
    source, record = keras_json(tmp_path, body)
    assert layer_at(record, line_of(source, "forward, backward"), "Bidirectional")["params"] == 2 * gru(6, 10)
    model = model_named(record, "model")
    assert (model["status"], model["params"]) == ("exact", 2 * gru(6, 10))


def test_a_functional_model_counts_only_the_layers_that_lead_to_its_outputs(tmp_path):
    body = ("inputs = keras.Input((None, 4))\n"
            "used = layers.GRU(3)(inputs)\n"
            "unused = layers.LSTM(50)(inputs)\n"
            "model = keras.Model(inputs=inputs, outputs=used)\n")
    source, record = keras_json(tmp_path, body)
    model = model_named(record, "model")
    assert (model["status"], model["params"]) == ("exact", gru(4, 3))
