"""Where findings are: code-point columns, spans, files that do not parse, notebooks."""

from __future__ import annotations

import json

import pytest

from .helpers import CORPUS, file_json, layer_at, line_of, model_named, source_json


def test_line_and_column_are_where_the_call_starts_and_ends(tmp_path):
    source = "import torch.nn as nn\n\nrnn = nn.LSTM(\n    3,\n    4,\n)\n"
    layer = source_json(tmp_path, source)["layers"][0]
    assert (layer["line"], layer["column"], layer["end_line"], layer["end_column"]) == (3, 7, 6, 2)


def test_a_call_applied_right_away_is_located_by_its_constructor(tmp_path):
    source = "import keras\nfrom keras import layers\nx = keras.Input((None, 3))\ny = layers.LSTM(2)(x)\n"
    layer = layer_at(source_json(tmp_path, source), 4, "LSTM")
    assert (layer["column"], layer["end_column"]) == (5, 19)  # `layers.LSTM(2)`, not `(x)`


def test_columns_count_code_points_after_non_ascii_text():
    record = file_json(CORPUS / "torch" / "unicode_text.py")
    source = (CORPUS / "torch" / "unicode_text.py").read_text(encoding="utf-8")
    for needle, layer_name in (("ä = nn.LSTM", "LSTM"), ("编码器 = nn.GRU", "GRU"), ("rnn = nn.RNN", "RNN")):
        line = line_of(source, needle)
        text = source.splitlines()[line - 1]
        layer = layer_at(record, line, layer_name)
        call = text.index("nn.")
        assert layer["column"] == call + 1, (needle, layer["column"])  # str indexes are code points
        assert layer["end_column"] == text.index(")", call) + 2
        assert isinstance(layer["params"], int)


def test_the_counts_after_non_ascii_text_are_right():
    record = file_json(CORPUS / "torch" / "unicode_text.py")
    assert [layer["params"] for layer in record["layers"]] == [
        4 * 8 * (32 + 8 + 2), 3 * 16 * (32 + 16 + 2), 4 * (4 + 4 + 2)]
    assert record["layers"][0]["arguments"][0]["origins"] == ["größe at line 5"]


def test_a_file_with_syntax_errors_still_counts_every_intact_constructor():
    path = CORPUS / "torch" / "mid_edit.py"
    source = path.read_text(encoding="utf-8")
    record = file_json(path)
    found = {(layer["line"], layer["layer"]): layer["params"] for layer in record["layers"]}
    assert found[(line_of(source, "first ="), "LSTM")] == 4 * 64 * (10 + 64 + 2)
    assert found[(line_of(source, "second ="), "GRU")] == 2 * (3 * 64 * (64 + 64 + 2))
    assert found[(line_of(source, "self.rnn ="), "RNN")] == 16 * (8 + 16 + 2)
    assert found[(line_of(source, "self.cell ="), "LSTMCell")] == 4 * 64 * (16 + 64 + 2)
    assert found[(line_of(source, "last ="), "Linear")] == 64 * 3 + 3
    # the unclosed `nn.Linear(16, 4` is not an intact constructor
    assert (line_of(source, "self.out ="), "Linear") not in found


def test_an_error_above_a_constructor_keeps_its_constants(tmp_path):
    source = "import torch.nn as nn\nHIDDEN = 32\ndef broken(:\n    pass\nrnn = nn.GRU(HIDDEN, HIDDEN)\n"
    layer = layer_at(source_json(tmp_path, source), 5)
    assert layer["params"] == 3 * 32 * (32 + 32 + 2)


def test_an_unclosed_bracket_above_a_constructor(tmp_path):
    # tree-sitter's recovery would make the rest of the file one ERROR node; syntax.repaired parses it
    # again without the broken line, and the CLI has no previous version to carry findings over from.
    source = "import torch.nn as nn\nHIDDEN = 32\nbroken = [1, 2\nrnn = nn.GRU(HIDDEN, HIDDEN)\n"
    layer = layer_at(source_json(tmp_path, source), 4)
    assert layer["params"] == 3 * 32 * (32 + 32 + 2)


def test_an_empty_file_and_a_file_of_garbage(tmp_path):
    assert source_json(tmp_path, "", "empty.py")["layers"] == []
    assert source_json(tmp_path, ")))(((\x00 def class\n\t\t\t:", "garbage.py")["layers"] == []


def test_notebook_positions_are_per_cell():
    path = CORPUS / "notebooks" / "char_rnn.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    record = file_json(path)
    gru = [layer for layer in record["layers"] if layer["layer"] == "GRU"]
    assert len(gru) == 1
    cell = "".join(cells[gru[0]["cell"]]["source"])
    assert gru[0]["cell"] == 3  # the index among all cells, markdown included
    assert gru[0]["line"] == line_of(cell, "nn.GRU")
    assert gru[0]["column"] == cell.splitlines()[gru[0]["line"] - 1].index("nn.GRU") + 1
    # constants flow from one cell to the next, as when the notebook runs top to bottom
    assert gru[0]["params"] == 3 * 512 * (64 + 512 + 2) + 3 * 512 * (512 + 512 + 2)
    assert any(origin == "HIDDEN at cell 1, line 7" for a in gru[0]["arguments"] for origin in a["origins"])


def test_notebook_magics_and_raw_cells_are_not_python():
    record = file_json(CORPUS / "notebooks" / "char_rnn.ipynb")
    # the raw cell's `nn.LSTM(1, 1)` is not code
    assert {layer["layer"] for layer in record["layers"]} == {"Embedding", "GRU", "Linear", "LSTMCell"}
    cell = layer_at(record, 2, "LSTMCell", cell=4)
    assert cell["params"] == 4 * 128 * (512 + 128 + 2)


def test_notebook_models_are_located_by_cell():
    model = model_named(file_json(CORPUS / "notebooks" / "char_rnn.ipynb"), "CharRNN")
    assert (model["cell"], model["line"], model["column"], model["status"]) == (3, 1, 7, "exact")


def test_a_notebook_with_a_string_source_and_no_code(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": "nn.LSTM(3, 4)"},
        {"cell_type": "code", "source": "import torch.nn as nn\nrnn = nn.LSTM(3, 4)"},
    ]}))
    layer = file_json(path)["layers"][0]
    assert (layer["cell"], layer["line"], layer["column"], layer["params"]) == (1, 2, 7, 144)
    assert layer["end_line"] == 2


def test_notebook_as_built_positions_are_per_cell():
    record = file_json(CORPUS / "notebooks" / "char_rnn.ipynb")
    gru = layer_at(record, 5, "GRU", cell=3)
    assert gru["as_built"] and gru["as_built"][0]["cell"] == 4 and gru["as_built"][0]["line"] == 1
