"""Which framework a call belongs to: imports, aliases, and names that only look like layers."""

from __future__ import annotations

import pytest

from .helpers import layer_at, line_of, source_json

LSTM_3_4 = 4 * 4 * (3 + 4 + 2)  # torch: 4 gates · hidden · (input + hidden + 2 biases) = 144
KERAS_GRU_3_2 = 3 * 2 * (3 + 2 + 2)  # keras GRU(2) on 3 features, reset_after: 3·u·(i + u + 2) = 42


def single(tmp_path, source, line_needle, layer=None):
    record = source_json(tmp_path, source)
    return layer_at(record, line_of(source, line_needle), layer)


@pytest.mark.parametrize("source", [
    "import torch.nn as nn\nrnn = nn.LSTM(3, 4)\n",
    "from torch import nn\nrnn = nn.LSTM(3, 4)\n",
    "import torch\nrnn = torch.nn.LSTM(3, 4)\n",
    "import torch.nn\nrnn = torch.nn.LSTM(3, 4)\n",
    "from torch.nn import LSTM\nrnn = LSTM(3, 4)\n",
    "import torch.nn.modules.rnn as R\nrnn = R.LSTM(3, 4)\n",
], ids=["import-torch.nn-as-nn", "from-torch-import-nn", "import-torch", "import-torch.nn",
        "from-torch.nn-import-LSTM", "import-modules-path"])
def test_torch_import_forms(tmp_path, source):
    layer = single(tmp_path, source, "rnn =")
    assert (layer["framework"], layer["layer"], layer["params"]) == ("torch", "LSTM", LSTM_3_4)


def test_a_layer_imported_under_another_name_keeps_its_class_name(tmp_path):
    layer = single(tmp_path, "from torch.nn import LSTM as L\nrnn = L(3, 4)\n", "rnn =")
    assert (layer["layer"], layer["params"]) == ("LSTM", LSTM_3_4)


def test_an_alias_assigned_in_code_is_followed(tmp_path):
    source = "import torch.nn as nn\nCell = nn.GRUCell\nAlso = Cell\ncell = Also(3, 4)\n"
    layer = single(tmp_path, source, "cell =")
    assert (layer["layer"], layer["params"]) == ("GRUCell", 3 * 4 * (3 + 4 + 2))


def test_star_import_brings_the_layers_into_scope(tmp_path):
    layer = single(tmp_path, "from torch.nn import *\nrnn = LSTM(3, 4)\n", "rnn =")
    assert (layer["framework"], layer["params"]) == ("torch", LSTM_3_4)


def test_a_local_class_named_lstm_is_not_counted(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class LSTM(nn.Module):\n"
              "    def __init__(self, input_size, hidden_size):\n"
              "        super().__init__()\n\n"
              "mine = LSTM(3, 4)\n"
              "theirs = nn.LSTM(3, 4)\n")
    record = source_json(tmp_path, source)
    assert [layer["line"] for layer in record["layers"]] == [line_of(source, "theirs =")]


def test_a_local_function_named_like_a_layer_is_not_counted(tmp_path):
    source = "from torch.nn import LSTM\n\ndef LSTM(a, b):\n    return a + b\n\nx = LSTM(3, 4)\n"
    assert source_json(tmp_path, source)["layers"] == []


def test_a_name_that_was_never_imported_is_not_counted(tmp_path):
    assert source_json(tmp_path, "rnn = LSTM(3, 4)\ngru = nn.GRU(3, 4)\n")["layers"] == []


def test_an_import_of_another_library_is_not_a_framework(tmp_path):
    source = "import mylib.nn as nn\nfrom other import LSTM\na = nn.LSTM(3, 4)\nb = LSTM(3, 4)\n"
    assert source_json(tmp_path, source)["layers"] == []


def test_the_same_alias_means_different_frameworks_in_different_files(tmp_path):
    torch_file = source_json(tmp_path, "import torch.nn as nn\ncell = nn.GRUCell(3, 4)\n", "a.py")
    flax_file = source_json(tmp_path, "import flax.linen as nn\ncell = nn.GRUCell(features=4)\n", "b.py")
    assert torch_file["layers"][0]["framework"] == "torch"
    assert (flax_file["layers"][0]["framework"], flax_file["layers"][0]["namespace"]) == ("flax", "linen")


KERAS_FORMS = [
    ("import keras\n", "keras.layers.GRU(2)"),
    ("from keras import layers\nimport keras\n", "layers.GRU(2)"),
    ("from keras.layers import GRU\nimport keras\n", "GRU(2)"),
    ("from tensorflow import keras\n", "keras.layers.GRU(2)"),
    ("import tensorflow as tf\nfrom tensorflow import keras\n", "tf.keras.layers.GRU(2)"),
    ("import tensorflow.keras.layers as kl\nfrom tensorflow import keras\n", "kl.GRU(2)"),
    ("from tensorflow.keras import layers\nfrom tensorflow import keras\n", "layers.GRU(2)"),
]


@pytest.mark.parametrize("imports, call", KERAS_FORMS, ids=[call + " / " + imports.splitlines()[0]
                                                            for imports, call in KERAS_FORMS])
def test_keras_import_forms(tmp_path, imports, call):
    source = f"{imports}model = keras.Sequential([keras.Input((None, 3)), {call}])\n"
    layer = single(tmp_path, source, "model =", "GRU")
    assert (layer["framework"], layer["params"]) == ("keras", KERAS_GRU_3_2)


def test_flax_nnx_import(tmp_path):
    source = "from flax import nnx\ncell = nnx.GRUCell(3, 4, rngs=nnx.Rngs(0))\n"
    layer = single(tmp_path, source, "cell =")
    assert (layer["framework"], layer["namespace"], layer["layer"]) == ("flax", "nnx", "GRUCell")
    assert isinstance(layer["params"], int)


def test_flax_linen_import_as_nn(tmp_path):
    layer = single(tmp_path, "import flax.linen as nn\ncell = nn.LSTMCell(features=4)\n", "cell =")
    assert (layer["framework"], layer["namespace"], layer["layer"]) == ("flax", "linen", "LSTMCell")
    # linen learns the input size when the cell is first called.
    assert "input_size" in layer["params_polynomial"]


def test_equinox_import_as_eqx(tmp_path):
    source = "import equinox as eqx\nimport jax\ncell = eqx.nn.LSTMCell(3, 4, key=jax.random.PRNGKey(0))\n"
    layer = single(tmp_path, source, "cell =")
    assert (layer["framework"], layer["layer"], layer["params"]) == ("equinox", "LSTMCell", 4 * 4 * (3 + 4 + 1))


def test_haiku_import_as_hk(tmp_path):
    layer = single(tmp_path, "import haiku as hk\n\ndef f(x):\n    return hk.LSTM(4)(x)\n", "hk.LSTM")
    assert (layer["framework"], layer["layer"]) == ("haiku", "LSTM")
    assert "input_size" in layer["params_polynomial"]


def test_paddle_import_as_pnn(tmp_path):
    layer = single(tmp_path, "import paddle.nn as pnn\nrnn = pnn.LSTM(3, 4)\n", "rnn =")
    assert (layer["framework"], layer["layer"], layer["params"]) == ("paddle", "LSTM", LSTM_3_4)


def test_imports_inside_a_function_scope_the_alias_to_it(tmp_path):
    source = ("def torch_model():\n    import torch.nn as nn\n    return nn.GRU(3, 4)\n\n"
              "def flax_model():\n    import flax.linen as nn\n    return nn.GRUCell(features=4)\n")
    record = source_json(tmp_path, source)
    assert [(layer["framework"], layer["layer"]) for layer in record["layers"]] == [("torch", "GRU"),
                                                                                   ("flax", "GRUCell")]


def test_frameworks_option_counts_only_those(tmp_path):
    from .helpers import check_json

    path = tmp_path / "both.py"
    path.write_text("import torch.nn as nn\nimport paddle.nn as pnn\na = nn.GRU(3, 4)\nb = pnn.GRU(3, 4)\n")
    record = check_json(path, extra=["--frameworks", "paddle"])["files"][0]
    assert [layer["framework"] for layer in record["layers"]] == ["paddle"]
