"""Model totals: each weight once, lower bounds that say what they leave out."""

from __future__ import annotations

import pytest

from .helpers import layer_at, line_of, model_named, source_json


def lstm(i, h):
    return 4 * h * (i + h) + 8 * h


def gru(i, h):
    return 3 * h * (i + h) + 6 * h


def linear(i, o):
    return o * (i + 1)


TORCH_MODEL = """import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.rnn = nn.LSTM(8, 16)
        self.drop = nn.Dropout(0.5)
        self.act = nn.ReLU()
        self.out = nn.Linear(16, 4)

    def forward(self, x):
        return self.out(self.act(self.drop(self.rnn(self.embed(x))[0])))
"""


def test_a_torch_module_total_is_the_sum_of_its_layers(tmp_path):
    record = source_json(tmp_path, TORCH_MODEL)
    model = model_named(record, "Tagger")
    total = 800 + lstm(8, 16) + linear(16, 4)
    assert (model["kind"], model["framework"], model["status"]) == ("class", "torch", "exact")
    assert (model["params"], model["trainable_params"]) == (total, total)
    assert model["not_counted"] == [] and model["params_polynomial"] is None
    assert (model["line"], model["column"]) == (3, 7)  # the class's name
    assert {layer["model"] for layer in record["layers"]} == {"Tagger"}


def test_parameter_free_layers_do_not_make_a_lower_bound(tmp_path):
    model = model_named(source_json(tmp_path, TORCH_MODEL), "Tagger")
    assert model["status"] == "exact"


def test_a_layer_outside_the_catalog_makes_a_lower_bound_and_is_named(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Net(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.conv = nn.Conv2d(3, 8, 3)\n"
              "        self.rnn = nn.GRU(8, 8)\n")
    model = model_named(source_json(tmp_path, source), "Net")
    assert (model["status"], model["params"]) == ("lower_bound", gru(8, 8))
    assert model["not_counted"] == ["Conv2d at line 6 (not in the catalog)"]


def test_layers_built_in_a_loop_of_known_length_count_once_per_iteration(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Stack(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.first = nn.GRU(4, 4)\n"
              "        self.rest = nn.ModuleList([nn.GRU(4, 4) for _ in range(3)])\n"
              "        self.heads = nn.ModuleList()\n"
              "        for _ in range(2):\n"
              "            self.heads.append(nn.Linear(4, 2))\n")
    record = source_json(tmp_path, source)
    model = model_named(record, "Stack")
    assert (model["status"], model["params"]) == ("exact", 4 * gru(4, 4) + 2 * linear(4, 2))
    # the layer itself is still counted where it is written
    assert layer_at(record, 7)["params"] == gru(4, 4)


def test_a_loop_over_literal_sizes_counts_each_size(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Heads(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.heads = nn.ModuleList()\n"
              "        for size in (2, 8):\n"
              "            self.heads.append(nn.Linear(4, size))\n")
    record = source_json(tmp_path, source)
    assert [item["params"] for item in layer_at(record, 8)["iterations"]] == [linear(4, 2), linear(4, 8)]
    model = model_named(record, "Heads")
    assert (model["status"], model["params"]) == ("exact", linear(4, 2) + linear(4, 8))


@pytest.mark.parametrize("source", ["for k in (2, 8):\n    y = nn.Linear(4, k)\n",
                                    "z = [nn.Linear(4, k) for k in (2, 8)]\n"])
def test_a_module_level_loop_over_literal_sizes(tmp_path, source):
    layer = source_json(tmp_path, "import torch.nn as nn\n" + source)["layers"][0]
    assert [item["params"] for item in layer["iterations"]] == [linear(4, 2), linear(4, 8)]


def test_a_layer_built_in_a_loop_of_unknown_length_makes_a_lower_bound(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Stack(nn.Module):\n"
              "    def __init__(self, depth):\n"
              "        super().__init__()\n"
              "        self.first = nn.GRU(4, 4)\n"
              "        self.rest = nn.ModuleList([nn.GRU(4, 4) for _ in range(depth)])\n")
    model = model_named(source_json(tmp_path, source), "Stack")
    assert (model["status"], model["params"]) == ("lower_bound", gru(4, 4))
    assert model["not_counted"] == ["GRU at line 7 (built in a loop)"]


def test_layers_in_a_plain_list_are_not_part_of_a_torch_module(tmp_path):
    # torch registers only attributes, ModuleList and ModuleDict: `model.parameters()` leaves these out.
    source = ("import torch.nn as nn\n\n"
              "class Net(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(4, 4)\n"
              "        self.heads = [nn.Linear(4, 2), nn.Linear(4, 3)]\n"
              "        self.named = {'a': nn.Linear(4, 2)}\n"
              "        blocks = [nn.Linear(4, 4)]\n"
              "        self.blocks = blocks\n"
              "        stacked = [nn.Linear(4, 4) for _ in range(2)]\n"
              "        self.stack = nn.Sequential(*stacked)\n"
              "        self.kept = nn.ModuleDict({'b': nn.Linear(4, 1)})\n")
    model = model_named(source_json(tmp_path, source), "Net")
    assert model["params"] == gru(4, 4) + 2 * linear(4, 4) + linear(4, 1)
    assert model["not_counted"] == [f"Linear at line {line} (kept where the module does not register it)"
                                    for line in (7, 7, 8, 9)]


def test_a_shared_layer_instance_counts_once(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Siamese(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.encoder = nn.GRU(10, 20)\n"
              "        self.left = self.encoder\n"
              "        self.right = self.encoder\n")
    model = model_named(source_json(tmp_path, source), "Siamese")
    assert (model["status"], model["params"]) == ("exact", gru(10, 20))


def test_a_repeated_list_of_one_layer_counts_once(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Repeated(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        block = nn.Linear(8, 8)\n"
              "        self.blocks = nn.ModuleList([block] * 3)\n")
    model = model_named(source_json(tmp_path, source), "Repeated")
    assert (model["status"], model["params"]) == ("exact", linear(8, 8))


def test_a_torch_sequential_is_a_model(tmp_path):
    source = ("from torch import nn\n"
              "mlp = nn.Sequential(\n"
              "    nn.Linear(4, 8),\n"
              "    nn.Linear(8, 2),\n"
              ")\n")
    model = model_named(source_json(tmp_path, source), "mlp")
    assert (model["kind"], model["status"], model["params"]) == ("sequential", "exact", linear(4, 8) + linear(8, 2))
    assert (model["line"], model["column"]) == (2, 1)


def test_parameter_free_layers_in_a_sequential_keep_it_exact(tmp_path):
    source = ("from torch import nn\n"
              "mlp = nn.Sequential(\n"
              "    nn.Linear(4, 8),\n"
              "    nn.Tanh(),\n"
              "    nn.Dropout(0.1),\n"
              "    nn.Linear(8, 2),\n"
              ")\n")
    model = model_named(source_json(tmp_path, source), "mlp")
    assert (model["status"], model["params"], model["not_counted"]) == ("exact", linear(4, 8) + linear(8, 2), [])


def test_a_layer_outside_the_catalog_in_a_sequential_makes_a_lower_bound(tmp_path):
    source = ("from torch import nn\n"
              "net = nn.Sequential(\n"
              "    nn.Conv2d(3, 8, 3),\n"
              "    nn.Linear(8, 2),\n"
              ")\n")
    model = model_named(source_json(tmp_path, source), "net")
    assert (model["status"], model["params"]) == ("lower_bound", linear(8, 2))
    assert len(model["not_counted"]) == 1


def test_a_submodel_of_the_same_file_is_included(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Encoder(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(6, 12)\n\n"
              "class Seq2Seq(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.encoder = Encoder()\n"
              "        self.decoder = nn.GRUCell(12, 12)\n")
    model = model_named(source_json(tmp_path, source), "Seq2Seq")
    assert (model["status"], model["params"]) == ("exact", gru(6, 12) + 3 * 12 * 24 + 6 * 12)


def test_a_subclass_of_a_model_class_is_a_model(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Base(nn.Module):\n"
              "    pass\n\n"
              "class Child(Base):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(2, 2)\n")
    model = model_named(source_json(tmp_path, source), "Child")
    assert (model["framework"], model["params"]) == ("torch", gru(2, 2))


def test_a_plain_class_is_not_a_model(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Builder:\n"
              "    def make(self):\n"
              "        return nn.GRU(2, 2)\n")
    record = source_json(tmp_path, source)
    assert record["models"] == [] and record["layers"][0]["model"] is None


@pytest.mark.parametrize("source, framework, total", [
    ("import paddle.nn as pnn\n\nclass M(pnn.Layer):\n    def __init__(self):\n        super().__init__()\n"
     "        self.rnn = pnn.GRU(4, 8)\n", "paddle", gru(4, 8)),
    ("from flax import nnx\n\nclass M(nnx.Module):\n    def __init__(self, rngs):\n"
     "        self.head = nnx.Linear(8, 2, rngs=rngs)\n", "flax", linear(8, 2)),
    ("import equinox as eqx\n\nclass M(eqx.Module):\n    head: eqx.nn.Linear\n\n    def __init__(self, key):\n"
     "        self.head = eqx.nn.Linear(8, 2, key=key)\n", "equinox", linear(8, 2)),
], ids=["paddle", "nnx", "equinox"])
def test_models_of_other_frameworks(tmp_path, source, framework, total):
    model = model_named(source_json(tmp_path, source), "M")
    assert (model["framework"], model["status"], model["params"]) == (framework, "exact", total)


def test_the_layers_name_the_model_they_are_counted_in(tmp_path):
    record = source_json(tmp_path, TORCH_MODEL)
    assert layer_at(record, line_of(TORCH_MODEL, "self.rnn"))["model"] == "Tagger"


BRANCHING = """import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.rnn = nn.GRU(h, h)

class M(nn.Module):
    def __init__(self, kind, h):
        super().__init__()
        if kind.lower() == 'lstm':
            self.rnn = nn.LSTM(h, h)
        else:
            self.rnn = nn.GRU(h, h)
            self.encoder = Encoder(h)

lstm_model = M('LSTM', 8)
gru_model = M('GRU', 8)
"""


def test_a_site_counts_only_the_branch_its_values_take(tmp_path):
    record = source_json(tmp_path, BRANCHING)
    totals = {made["line"]: (made["status"], made["params"]) for made in record["instantiations"]}
    assert totals == {line_of(BRANCHING, "lstm_model ="): ("exact", lstm(8, 8)),
                      line_of(BRANCHING, "gru_model ="): ("exact", 2 * gru(8, 8))}
    built = {layer["line"]: [b["line"] for b in layer["as_built"]] for layer in record["layers"]}
    assert built[line_of(BRANCHING, "nn.LSTM(h, h)")] == [line_of(BRANCHING, "lstm_model =")]
    assert built[line_of(BRANCHING, "nn.LSTM(h, h)") + 2] == [line_of(BRANCHING, "gru_model =")]


HELPERS = """import torch.nn as nn

def LSTM(input_size, hidden_size, **kwargs):
    m = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        param.data.uniform_(-0.1, 0.1)
    return m

def Linear(in_features, out_features, bias=True):
    m = nn.Linear(in_features, out_features, bias=bias)
    return m

def either(flag, size):
    if flag:
        return nn.Linear(size, size)
    return nn.GRU(size, size)

class Encoder(nn.Module):
    def __init__(self, hidden, layers=1, kind='lstm'):
        super().__init__()
        self.rnn = LSTM(hidden, hidden, num_layers=layers)
        self.out = Linear(hidden, 3, bias=False)
        self.unregistered = [Linear(hidden, 2)]
        self.other = either(True, hidden)
        if kind == 'lstm':
            self.extra = Linear(hidden, 1)

small = Encoder(8)
deep = Encoder(8, layers=2, kind='gru')
"""


def test_layers_built_by_helper_functions_are_counted_with_the_calls_arguments(tmp_path):
    record = source_json(tmp_path, HELPERS)
    totals = {made["line"]: (made["status"], made["params"]) for made in record["instantiations"]}
    lstm2 = lstm(8, 8) + 4 * 8 * (8 + 8) + 8 * 8
    assert totals == {line_of(HELPERS, "small ="): ("lower_bound", lstm(8, 8) + 8 * 3 + linear(8, 1)),
                      line_of(HELPERS, "deep ="): ("lower_bound", lstm2 + 8 * 3)}
    model = model_named(record, "Encoder")
    assert model["status"] == "unknown" and model["params_polynomial"] == "8·hidden²·layers + 8·hidden·layers + 3·hidden"
    assert model["not_counted"] == [
        "Linear(…) at line 23 (kept where the module does not register it)",
        "either(…) at line 24 (built by a function of this file, and not countable)",
        "Linear(…) at line 26 (built only if a condition that is not known holds)"]
    # The helper's layer, as built at each site: once where one size is built, not at all where two are.
    built = {layer["line"]: [(b["line"], b["params"]) for b in layer["as_built"]] for layer in record["layers"]}
    assert built[line_of(HELPERS, "m = nn.LSTM")] == [(line_of(HELPERS, "small ="), lstm(8, 8)),
                                                       (line_of(HELPERS, "deep ="), lstm2)]
    assert built[line_of(HELPERS, "m = nn.Linear")] == [(line_of(HELPERS, "deep ="), 8 * 3)]


def test_a_weight_tied_to_a_helper_built_layer_counts_once(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "def Linear(i, o):\n"
              "    m = nn.Linear(i, o, bias=False)\n"
              "    return m\n\n"
              "class M(nn.Module):\n"
              "    def __init__(self, v, h):\n"
              "        super().__init__()\n"
              "        self.embed = nn.Embedding(v, h)\n"
              "        self.out = Linear(h, v)\n"
              "        self.out.weight = self.embed.weight\n\n"
              "m = M(10, 4)\n")
    record = source_json(tmp_path, source)
    assert [(made["status"], made["params"]) for made in record["instantiations"]] == [("exact", 40)]
    assert model_named(record, "M")["params_polynomial"] == "h·v"


@pytest.mark.parametrize("edit", [("nn.Linear(i, o)", "nn.Linear(o, o)"), ("nn.GRU(h, h)", "nn.GRU(h, 8)")])
def test_a_site_is_counted_again_when_a_helper_or_a_nested_model_it_builds_changes(edit):
    from rnnlens.analysis.units import UnitCache, analyze

    source = ("import torch.nn as nn\n\n"
              "def Linear(i, o):\n"
              "    m = nn.Linear(i, o)\n"
              "    return m\n\n"
              "class A(nn.Module):\n"
              "    def __init__(self, h):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(h, h)\n\n"
              "class M(nn.Module):\n"
              "    def __init__(self, h):\n"
              "        super().__init__()\n"
              "        self.out = Linear(h, 2)\n"
              "        self.a = A(h)\n\n"
              "m = M(4)\n")
    cache = UnitCache()
    analyze(source, cache=cache)
    edited = source.replace(*edit)  # the same length: nothing moves, only the definition's text changes
    totals = [[i.total for i in analysis.instantiations] for analysis in (analyze(edited, cache=cache),
                                                                          analyze(edited))]
    assert totals[0] == totals[1]


def test_a_site_leaves_out_and_names_the_sub_models_it_does_not_count(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Enc(nn.Module):\n"
              "    def __init__(self, h):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(h, h)\n\n"
              "class M(nn.Module):\n"
              "    def __init__(self, h, cfg):\n"
              "        super().__init__()\n"
              "        self.out = nn.Linear(h, 2)\n"
              "        self.enc = Enc(**cfg)\n"
              "        self.plain = [Enc(h)]\n\n"
              "m = M(4, {'h': 4})\n")
    record = source_json(tmp_path, source)
    # torch builds 130: the Linear and `self.enc`; the Enc in a plain list is no parameter of M.
    assert [(made["status"], made["params"]) for made in record["instantiations"]] == [("lower_bound", linear(4, 2))]
    assert model_named(record, "M")["not_counted"] == ["Enc at line 13 (kept where the module does not register it)",
                                                       "Enc at line 12 (unknown)"]


def test_a_helper_called_in_a_loop_counts_once_per_iteration(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "def Cell(input_size, hidden_size, **kwargs):\n"
              "    return nn.LSTMCell(input_size, hidden_size, **kwargs)\n\n"
              "class Decoder(nn.Module):\n"
              "    def __init__(self, hidden, layers):\n"
              "        super().__init__()\n"
              "        self.cells = nn.ModuleList([Cell(2 * hidden if i == 0 else hidden, hidden, bias=False)\n"
              "                                    for i in range(layers)])\n\n"
              "d = Decoder(4, 3)\n")
    record = source_json(tmp_path, source)
    expected = 4 * 4 * (8 + 4) + 2 * 4 * 4 * (4 + 4)
    assert [(made["status"], made["params"]) for made in record["instantiations"]] == [("exact", expected)]
    assert model_named(record, "Decoder")["not_counted"] == ["Cell(…) at line 9 (built in a loop)"]


LINEN = """import flax.linen as nn

class Tagger(nn.Module):
    vocab: int
    hidden: int = 16
    scale = 3

    @nn.compact
    def __call__(self, x):
        x = nn.Embed(self.vocab, self.hidden * self.scale)(x)
        return nn.Dense(self.vocab)(x)

class Wider(Tagger):
    extra: int = 2

by_position = Tagger(10, 4)
by_keyword = Tagger(vocab=10)
unknown_order = Wider(10, 4)
"""


def test_a_linen_site_sets_the_fields_of_the_module(tmp_path):
    record = source_json(tmp_path, LINEN)
    totals = {made["line"]: made["params"] for made in record["instantiations"] if made["model"] == "Tagger"}
    assert totals == {line_of(LINEN, "by_position ="): 10 * 12 + linear(12, 10),
                      line_of(LINEN, "by_keyword ="): 10 * 48 + linear(48, 10)}
    # Fields of a base class come first: positional arguments are not bound to a guessed order.
    assert all(made["model"] != "Wider" for made in record["instantiations"])
    embed = layer_at(record, line_of(LINEN, "nn.Embed("))
    assert embed["params"] is None and embed["params_polynomial"] == "3·self.hidden·self.vocab"


def test_an_equinox_array_field_counts_its_shape(tmp_path):
    source = ("import equinox as eqx\n"
              "import jax\n"
              "import jax.numpy as jnp\n\n"
              "class Head(eqx.Module):\n"
              "    def __init__(self, n, key):\n"
              "        self.linear = eqx.nn.Linear(n, 2, key=key)\n"
              "        self.bias = jnp.zeros((n, 2))\n"
              "        self.scale = jax.random.normal(key, shape=(n,))\n"
              "        self.mask = jax.random.bernoulli(key, 0.5, (n, 3))\n"
              "        self.other = jnp.asarray(n)\n\n"
              "head = Head(4, jax.random.PRNGKey(0))\n")
    record = source_json(tmp_path, source)
    assert [(made["status"], made["params"]) for made in record["instantiations"]] == [
        ("lower_bound", linear(4, 2) + 4 * 2 + 4 + 4 * 3)]
    assert model_named(record, "Head")["not_counted"] == [
        "self.other at line 11 (an array field: a parameter this tool does not count)"]


def test_a_factory_returning_a_functional_keras_model_is_counted_where_it_is_called(tmp_path):
    source = ("import keras\n\n"
              "def build(units=8):\n"
              "    inputs = keras.Input((None, 4))\n"
              "    x = keras.layers.GRU(units)(inputs)\n"
              "    return keras.Model(inputs, keras.layers.Dense(1)(x))\n\n"
              "small = build()\n"
              "large = build(units=16)\n")
    record = source_json(tmp_path, source)

    def keras_gru(i, h):
        return 3 * h * (i + h) + 6 * h

    assert [(made["model"], made["status"], made["params"]) for made in record["instantiations"]] == [
        ("build", "exact", keras_gru(4, 8) + linear(8, 1)), ("build", "exact", keras_gru(4, 16) + linear(16, 1))]
    gru = layer_at(record, 5)
    assert [b["params"] for b in gru["as_built"]] == [keras_gru(4, 8), keras_gru(4, 16)]
    assert model_named(record, "build")["kind"] == "functional"


OBJECTS = """import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.rnn = nn.GRU(h, h)

class Pair(nn.Module):
    def __init__(self, left, right, spare, use_spare):
        super().__init__()
        self.left = left
        self.right = right
        if use_spare:
            self.spare = spare

enc = Encoder(4)
other = Encoder(8)
shared = Pair(enc, enc, other, False)
both = Pair(enc, other, other, True)
"""


def test_a_site_counts_the_models_passed_in_that_the_class_keeps(tmp_path):
    record = source_json(tmp_path, OBJECTS)
    totals = {made["line"]: (made["status"], made["params"]) for made in record["instantiations"]}
    # One object kept twice is one set of parameters; one not kept (or kept on a branch not taken) adds none.
    assert totals[line_of(OBJECTS, "shared =")] == ("exact", gru(4, 4))
    assert totals[line_of(OBJECTS, "both =")] == ("exact", gru(4, 4) + gru(8, 8))
    built = {layer["line"]: [b["line"] for b in layer["as_built"]] for layer in record["layers"]}
    assert built[line_of(OBJECTS, "nn.GRU")] == [line_of(OBJECTS, "enc ="), line_of(OBJECTS, "other =")]


CARRIED = """import torch.nn as nn

class Residual(nn.Module):
    def __init__(self, input_size, hidden, n):
        super().__init__()
        self.cells = nn.ModuleList()
        for _ in range(n):
            self.cells.append(nn.GRUCell(input_size, hidden))
            input_size = hidden

class Early(nn.Module):
    def __init__(self, input_size, hidden, n):
        super().__init__()
        self.cells = nn.ModuleList()
        for i in range(n):
            if i == 2:
                break
            self.cells.append(nn.GRUCell(input_size, hidden))

class Doubling(nn.Module):
    def __init__(self, size, n):
        super().__init__()
        self.cells = nn.ModuleList()
        for _ in range(n):
            self.cells.append(nn.GRUCell(size, size))
            size *= 2

residual = Residual(4, 8, 3)
early = Early(4, 8, 5)
doubling = Doubling(4, 2)
"""


def test_a_loop_follows_the_sizes_its_body_carries_to_the_next_iteration(tmp_path):
    record = source_json(tmp_path, CARRIED)
    totals = {made["model"]: (made["status"], made["params"]) for made in record["instantiations"]}
    # The first cell sees the input, the next ones the hidden size (never 3 times the first).
    assert totals["Residual"] == ("exact", gru(4, 8) + 2 * gru(8, 8))
    # Built until a `break`, or with a size rebound with `*=`: no count per iteration is claimed.
    assert totals["Early"][0] == totals["Doubling"][0] == "lower_bound"


def test_a_model_passed_in_but_not_followed_makes_a_lower_bound(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "class Encoder(nn.Module):\n"
              "    def __init__(self, h, **options):\n"
              "        super().__init__()\n"
              "        self.rnn = nn.GRU(h, h)\n\n"
              "class Holder(nn.Module):\n"
              "    def __init__(self, inner):\n"
              "        super().__init__()\n"
              "        self.inner = inner\n\n"
              "options = {}\n"
              "unseen = Encoder(4, **options)\n"
              "held = Holder(unseen)\n"
              "a = Holder(b)\n"
              "b = Holder(a)\n")
    record = source_json(tmp_path, source)  # and no endless recursion through `a` and `b`
    statuses = {made["line"]: (made["status"], made["params"]) for made in record["instantiations"]}
    assert statuses[line_of(source, "held =")] == ("lower_bound", 0)


def test_a_paddle_parameter_attribute_keeps_the_parameter(tmp_path):
    source = ("import paddle\n"
              "import paddle.nn as nn\n\n"
              "kept = nn.Linear(4, 2, weight_attr=paddle.ParamAttr(initializer=nn.initializer.Uniform()))\n"
              "frozen = nn.Linear(4, 2, weight_attr=paddle.ParamAttr(trainable=False))\n"
              "table = nn.Embedding(10, 3, weight_attr=paddle.ParamAttr(name='table'))\n")
    record = source_json(tmp_path, source)
    assert layer_at(record, 4)["params"] == linear(4, 2)
    assert layer_at(record, 5)["params"] is None  # its trainable count is not the usual one: not claimed
    assert layer_at(record, 6)["params"] == 30


def test_a_helper_that_changes_its_keywords_is_not_counted_with_the_calls(tmp_path):
    source = ("import torch.nn as nn\n\n"
              "def LSTM(input_size, hidden_size, **kwargs):\n"
              "    kwargs.setdefault('bidirectional', True)\n"
              "    return nn.LSTM(input_size, hidden_size, **kwargs)\n\n"
              "class M(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.rnn = LSTM(4, 8, num_layers=1)\n\n"
              "m = M()\n")
    record = source_json(tmp_path, source)
    assert [made["status"] for made in record["instantiations"]] == ["lower_bound"]
