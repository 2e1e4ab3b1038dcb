"""Issue 9's promises on small files of the shape real code has, without running a framework.

- The exact `params` stays null wherever any value is only a default — an argparse default, a
  parameter's default, a field default of a config the caller passes — and the count with those
  defaults is given beside it (`params_with_defaults`, with the defaults' provenance).
- Where a value is unknown, the honest formula is given in the user's own names, with a stacked
  layer's later layers seeing `D·hidden`, and an unknown flag as the cases it selects.
- Names that are not what they seem are resolved from the file's own definitions.

Expected counts come from the frameworks' documented formulas (written out below, e.g. PyTorch's LSTM:
4·h·(input + h + 2) per layer and direction), never from the product; test_frameworks.py compares the
corpus with the frameworks themselves. Known gaps and bugs are strict xfails whose reason is the
diagnosis and whose source is the minimal reproducer.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .checks import evaluate
from .conftest import check_json


def torch_lstm(input_size: int, hidden: int, layers: int = 1, directions: int = 1) -> int:
    """torch.nn.LSTM: per layer and direction W_ih (4h×in), W_hh (4h×h), two biases (4h)."""
    total, size = 0, input_size
    for _ in range(layers):
        total += directions * 4 * hidden * (size + hidden + 2)
        size = directions * hidden
    return total


def torch_gru(input_size: int, hidden: int, layers: int = 1, directions: int = 1) -> int:
    total, size = 0, input_size
    for _ in range(layers):
        total += directions * 3 * hidden * (size + hidden + 2)
        size = directions * hidden
    return total


def analyse(tmp_path: Path, source: str) -> Dict[str, Any]:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    (record,) = check_json(path)["files"]
    return record


def layer(record: Dict[str, Any], name: str, line: int) -> Dict[str, Any]:
    found = [entry for entry in record["layers"] if entry["layer"] == name and entry["line"] == line]
    assert len(found) == 1, [(entry["layer"], entry["line"]) for entry in record["layers"]]
    return found[0]


def origins(entry: Dict[str, Any]) -> List[str]:
    return [origin for default in entry["defaults"] for origin in default["origins"]]


def exact_sites(record: Dict[str, Any]) -> List[int]:
    return [site["params"] for site in record["instantiations"] if isinstance(site["params"], int)]


# -- defaults are not known values ---------------------------------------------------------------------


def test_an_argparse_default_is_a_default_not_a_known_value(tmp_path):
    record = analyse(tmp_path, """
        import argparse
        import torch.nn as nn

        parser = argparse.ArgumentParser()
        parser.add_argument("--input_dim", type=int, default=40)
        parser.add_argument("--hidden", type=int, default=320)
        parser.add_argument("--layers", type=int, default=3)
        args = parser.parse_args()

        rnn = nn.GRU(args.input_dim, args.hidden, args.layers)
    """)
    gru = layer(record, "GRU", 10)
    assert gru["params"] is None
    assert gru["params_with_defaults"] == torch_gru(40, 320, 3)
    assert evaluate(gru["params_polynomial"], {"args.input_dim": 13, "args.hidden": 7, "args.layers": 2}) \
        == torch_gru(13, 7, 2)
    assert all("argparse" in origin for origin in origins(gru)), origins(gru)
    assert {default["value"] for default in gru["defaults"]} == {"40", "320", "3"}


def test_a_parameter_default_is_a_default_not_a_known_value(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Tagger(nn.Module):
            def __init__(self, vocab_size, emb_dim=100, hidden_dim=256, num_layers=2):
                super().__init__()
                self.embedding = nn.Embedding(vocab_size, emb_dim)
                self.rnn = nn.LSTM(emb_dim, hidden_dim, num_layers, batch_first=True)
    """)
    lstm = layer(record, "LSTM", 8)
    assert lstm["params"] is None
    assert lstm["params_with_defaults"] == torch_lstm(100, 256, 2)
    assert any("default of hidden_dim" in origin for origin in origins(lstm)), origins(lstm)
    embedding = layer(record, "Embedding", 7)
    assert embedding["params"] is None and embedding["params_with_defaults"] is None  # vocab_size has no default
    assert embedding["params_polynomial"] == "emb_dim·vocab_size"


def test_a_received_configs_field_defaults_are_defaults(tmp_path):
    record = analyse(tmp_path, """
        from dataclasses import dataclass

        import torch.nn as nn


        @dataclass
        class Config:
            embed: int = 64
            hidden: int = 128


        class Encoder(nn.Module):
            def __init__(self, cfg: Config):
                super().__init__()
                self.rnn = nn.GRU(cfg.embed, cfg.hidden)
    """)
    gru = layer(record, "GRU", 15)
    assert gru["params"] is None
    assert gru["params_with_defaults"] == torch_gru(64, 128)
    assert any("Config.hidden" in origin for origin in origins(gru)), origins(gru)


def test_a_linen_fields_default_is_not_a_known_value(tmp_path):
    record = analyse(tmp_path, """
        import flax.linen as nn


        class Encoder(nn.Module):
            hidden: int = 128

            @nn.compact
            def __call__(self, x):
                return nn.RNN(nn.GRUCell(self.hidden))(x)
    """)
    assert all(entry["params"] is None for entry in record["layers"])


def test_values_the_file_itself_fixes_are_known(tmp_path):
    record = analyse(tmp_path, """
        from dataclasses import dataclass

        import torch.nn as nn

        CONFIG = {"embed": 32, "hidden": 64}


        @dataclass
        class Config:
            embed: int = 8
            hidden: int = 16


        cfg = Config(hidden=48)
        a = nn.GRU(CONFIG["embed"], CONFIG["hidden"])
        b = nn.GRU(cfg.embed, cfg.hidden)
    """)
    assert layer(record, "GRU", 15)["params"] == torch_gru(32, 64)
    assert layer(record, "GRU", 16)["params"] == torch_gru(8, 48)


def test_a_site_given_command_line_values_states_no_exact_total(tmp_path):
    record = analyse(tmp_path, """
        import argparse
        import torch.nn as nn

        parser = argparse.ArgumentParser()
        parser.add_argument("--hidden", type=int, default=8)
        args = parser.parse_args()


        class M(nn.Module):
            def __init__(self, hidden):
                super().__init__()
                self.rnn = nn.GRU(4, hidden)


        m = M(args.hidden)
    """)
    assert exact_sites(record) == []


def test_at_a_site_the_constructors_own_defaults_are_certain(tmp_path):
    """`Tagger(8000)` runs with `hidden=256`: a default the call leaves in place is no guess, so the site's
    total is exact — and says that it used defaults."""
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Tagger(nn.Module):
            def __init__(self, vocab_size, hidden=256):
                super().__init__()
                self.embed = nn.Embedding(vocab_size, 64)
                self.rnn = nn.GRU(64, hidden)


        model = Tagger(8000)
    """)
    (site,) = record["instantiations"]
    assert site["params"] == 8000 * 64 + torch_gru(64, 256) and site["status"] == "exact"
    assert site["uses_defaults"] is True
    assert [entry["params"] for entry in layer(record, "GRU", 8)["as_built"]] == [torch_gru(64, 256)]


def test_a_site_of_a_class_reading_argparse_defaults_states_no_exact_total(tmp_path):
    record = analyse(tmp_path, """
        import argparse
        import torch.nn as nn

        parser = argparse.ArgumentParser()
        parser.add_argument("--hidden", type=int, default=8)
        args = parser.parse_args()


        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(4, args.hidden)


        m = M()
    """)
    assert exact_sites(record) == []


def test_a_site_passing_a_config_is_counted_with_that_config(tmp_path):
    record = analyse(tmp_path, """
        from dataclasses import dataclass

        import torch.nn as nn


        @dataclass
        class C:
            h: int = 8


        class M(nn.Module):
            def __init__(self, c: C):
                super().__init__()
                self.rnn = nn.GRU(4, c.h)


        m = M(C(h=16))
    """)
    assert exact_sites(record) == [torch_gru(4, 16)]


def test_store_true_defaults_to_false(tmp_path):
    record = analyse(tmp_path, """
        import argparse
        import torch.nn as nn

        parser = argparse.ArgumentParser()
        parser.add_argument("--bidirectional", action="store_true")
        parser.add_argument("--no-bias", dest="bias", action="store_false")
        parser.add_argument("--layers", action="count")
        args = parser.parse_args()
        rnn = nn.GRU(4, 8, bidirectional=args.bidirectional, bias=args.bias)
        deep = nn.GRU(4, 8, num_layers=args.layers)
    """)
    gru = layer(record, "GRU", 9)
    assert gru["params"] is None  # a flag may be given
    assert gru["params_with_defaults"] == torch_gru(4, 8)
    assert layer(record, "GRU", 10)["params_with_defaults"] is None  # `count` defaults to None: no count


# -- the honest formula --------------------------------------------------------------------------------


def test_the_formula_is_written_in_the_parameters_names(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Encoder(nn.Module):
            def __init__(self, emb_dim, hidden_dim, num_layers, dropout):
                super().__init__()
                self.encoder = nn.LSTM(emb_dim, hidden_dim, num_layers, dropout=dropout)
    """)
    lstm = layer(record, "LSTM", 7)
    assert lstm["params"] is None
    # 4h(e + h + 2) for the first layer, 4h(2h + 2) for each further one.
    assert lstm["params_polynomial"] == "8·hidden_dim²·num_layers + 4·emb_dim·hidden_dim - 4·hidden_dim² " \
                                        "+ 8·hidden_dim·num_layers"
    assert {u["name"] for u in lstm["unknowns"]} >= {"emb_dim", "hidden_dim", "num_layers"}


@pytest.mark.parametrize("values", [(3, 5, 1), (7, 11, 2), (40, 256, 4)])
def test_a_stacked_layers_later_layers_see_d_times_hidden(tmp_path, values):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Encoder(nn.Module):
            def __init__(self, emb_dim, hidden_dim, num_layers):
                super().__init__()
                self.encoder = nn.LSTM(emb_dim, hidden_dim, num_layers, bidirectional=True)
    """)
    emb_dim, hidden_dim, num_layers = values
    formula = layer(record, "LSTM", 7)["params_polynomial"]
    assert evaluate(formula, {"emb_dim": emb_dim, "hidden_dim": hidden_dim, "num_layers": num_layers}) \
        == torch_lstm(emb_dim, hidden_dim, num_layers, directions=2)


def test_an_unknown_flag_is_shown_as_the_cases_it_selects(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Encoder(nn.Module):
            def __init__(self, hidden=64, bidir=False):
                super().__init__()
                self.rnn = nn.GRU(32, hidden, bidirectional=bidir)
    """)
    gru = layer(record, "GRU", 7)
    assert gru["params"] is None
    cases = {case["when"]: case for case in gru["cases"]}
    assert set(cases) == {"bidirectional=True", "bidirectional=False"}
    for flag, directions in (("True", 2), ("False", 1)):
        assert evaluate(cases[f"bidirectional={flag}"]["params_polynomial"], {"hidden": 17}) \
            == torch_gru(32, 17, directions=directions)
    assert gru["params_with_defaults"] == torch_gru(32, 64)


def test_cells_built_over_an_unknown_range_give_a_formula_never_a_number(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Stack(nn.Module):
            def __init__(self, input_size, hidden, layers):
                super().__init__()
                self.cells = nn.ModuleList(
                    [nn.LSTMCell(input_size if i == 0 else hidden, hidden) for i in range(layers)])
    """)
    cell = layer(record, "LSTMCell", 8)
    assert cell["params"] is None and cell["iterations"] == []
    (model,) = record["models"]
    assert model["status"] != "exact" and model["params"] in (None, 0)


def test_cells_built_over_a_known_range_are_counted_per_iteration(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn

        LAYERS = 3


        class Stack(nn.Module):
            def __init__(self):
                super().__init__()
                self.cells = nn.ModuleList([nn.LSTMCell(40 if i == 0 else 128, 128) for i in range(LAYERS)])
    """)
    cell = layer(record, "LSTMCell", 9)
    cell_count = lambda size, hidden: 4 * hidden * (size + hidden + 2)  # noqa: E731
    assert [entry["params"] for entry in cell["iterations"]] == [cell_count(40, 128)] + [cell_count(128, 128)] * 2
    (model,) = record["models"]
    assert model["status"] == "exact" and model["params"] == cell_count(40, 128) + 2 * cell_count(128, 128)


def test_a_loop_carried_size_is_not_read_as_its_first_value(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.cells = nn.ModuleList()
                size = 4
                for _ in range(3):
                    self.cells.append(nn.GRUCell(size, 8))
                    size = 8
    """)
    cell = layer(record, "GRUCell", 10)
    assert cell["params"] is None
    assert [entry["params"] for entry in cell["iterations"]] in ([], [336, 432, 432])


def test_a_conditional_size_is_not_named_like_a_parameter(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class Stack(nn.Module):
            def __init__(self, input_size, hidden_size, layers):
                super().__init__()
                self.cells = nn.ModuleList(
                    [nn.LSTMCell(input_size if i == 0 else hidden_size, hidden_size) for i in range(layers)])
    """)
    cell = layer(record, "LSTMCell", 8)
    unknown = next(u for u in cell["unknowns"] if u["argument"] == "input_size")
    assert unknown["name"] != "input_size"


def test_unpacked_keyword_arguments_are_unknown(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        def LSTM(input_size, hidden_size, **kwargs):
            return nn.LSTM(input_size, hidden_size, **kwargs)
    """)
    lstm = layer(record, "LSTM", 5)
    assert any(u["argument"] in ("num_layers", "bidirectional", "**kwargs") or "kwargs" in u["name"]
               for u in lstm["unknowns"]), lstm["unknowns"]


# -- names that are not what they seem -----------------------------------------------------------------


def test_the_files_own_names_are_resolved_from_its_definitions(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn

        Cell = nn.GRU
        CELL_TYPE = "LSTM"


        def LSTM(input_size, hidden_size):
            m = nn.LSTM(input_size, hidden_size)
            return m


        class RNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.cell = nn.RNNCell(4, 8)


        a = Cell(4, 8)
        b = getattr(nn, CELL_TYPE)(4, 8)
        c = LSTM(4, 8)
        d = RNN()
    """)
    found = {(entry["line"], entry["layer"]): entry["params"] for entry in record["layers"]}
    assert found == {(8, "LSTM"): None, (15, "RNNCell"): 8 * (4 + 8 + 2), (18, "GRU"): torch_gru(4, 8),
                     (19, "LSTM"): torch_lstm(4, 8)}


def test_keras_2_paths_and_module_aliases_are_resolved(tmp_path):
    record = analyse(tmp_path, """
        import keras
        from keras.layers import recurrent
        from keras.layers.recurrent import LSTM as OldLSTM

        Cell = recurrent.GRU
        a = Cell(8, input_shape=(None, 4))
        b = OldLSTM(8, input_shape=(None, 4))
        c = keras.layers.recurrent.SimpleRNN(8, input_shape=(None, 4))
    """)
    # Keras: GRU (reset_after) 3·(i·u + u² + 2u), LSTM 4·(i·u + u² + u), SimpleRNN i·u + u² + u.
    found = {(entry["line"], entry["layer"]): entry["params"] for entry in record["layers"]}
    assert found == {(6, "GRU"): 3 * (4 * 8 + 64 + 16), (7, "LSTM"): 4 * (4 * 8 + 64 + 8),
                     (8, "SimpleRNN"): 4 * 8 + 64 + 8}


def test_getattr_over_a_fixed_set_of_names_gives_each_class(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class M(nn.Module):
            def __init__(self, rnn_type, h=8):
                super().__init__()
                if rnn_type in ["LSTM", "GRU"]:
                    self.rnn = getattr(nn, rnn_type)(h, h)
    """)
    (entry,) = [entry for entry in record["layers"] if entry["line"] == 8]
    assert (entry["layer"], entry["params"]) == ("LSTM | GRU", None)
    assert [(case["when"], case["params_polynomial"]) for case in entry["cases"]] == [
        ("rnn_type=LSTM", "8·h² + 8·h"), ("rnn_type=GRU", "6·h² + 6·h")]


def test_a_site_counts_only_the_branch_its_values_select(tmp_path):
    record = analyse(tmp_path, """
        import torch.nn as nn


        class M(nn.Module):
            def __init__(self, kind, h):
                super().__init__()
                if kind == "LSTM":
                    self.rnn = nn.LSTM(h, h)
                else:
                    self.rnn = nn.GRU(h, h)


        m = M("LSTM", 8)
    """)
    assert exact_sites(record) == [torch_lstm(8, 8)]


# -- over the whole real-code corpus ---------------------------------------------------------------------


def _layers(report):
    return [(path, entry) for path, record in sorted(report.items()) for entry in record["layers"]]


def _names(formula: str) -> set:
    """The unknown names of a formula; a placeholder keeps its angle brackets (`<input_size>`)."""
    return set(re.findall(r"<?[A-Za-z_][A-Za-z0-9_.]*>?", formula))


def test_no_exact_count_rests_on_a_default(report):
    """Nowhere in the corpus does an exact `params` come from a value that is only a default."""
    wrong = [(path, entry["line"], entry["layer"]) for path, entry in _layers(report)
             if isinstance(entry["params"], int)
             and any("default of" in origin or "argparse" in origin
                     for argument in entry["arguments"] for origin in argument["origins"])]
    assert not wrong
    both = [(path, entry["line"]) for path, entry in _layers(report)
            if entry["params"] is not None and entry["params_with_defaults"] is not None]
    assert not both, "a count with defaults is only given beside an unknown exact count"


def test_defaults_are_used_in_the_corpus(report):
    """The corpus exercises what it proves: counts with defaults from parameters, argparse and configs."""
    labels = {origin for _, entry in _layers(report) for default in entry["defaults"] for origin in default["origins"]}
    assert any("(argparse)" in label for label in labels)
    assert any(label.startswith("default of ModelConfig.") for label in labels)
    assert any(label.startswith("default of hidden") for label in labels)


def test_the_formula_names_only_what_the_unknowns_explain(report):
    """Every name in a count's formula is an unknown with its reason — a wrapper's too (Bidirectional,
    RNN of a cell), whose formula is in its inner layer's names."""
    unexplained = [(path, entry["line"], entry["layer"], _names(entry["params_polynomial"]) - {
        u["name"] for u in entry["unknowns"]}) for path, entry in _layers(report) if entry["params_polynomial"]]
    assert not [item for item in unexplained if item[3]]


def test_every_count_with_defaults_of_its_own_arguments_says_where_each_default_came_from(report):
    for path, entry in _layers(report):
        for default in entry["defaults"]:
            assert any(origin.startswith("default of") for origin in default["origins"]), (path, entry["line"])


def test_every_count_with_defaults_lists_its_defaults(report):
    """Also when the defaults reach the layer through another one: a wrapper's inner layer
    (`Bidirectional(LSTM(lstm_units))`) or the layer before it (`Dense(1)` after it)."""
    silent = [(path, entry["line"], entry["layer"]) for path, entry in _layers(report)
              if entry["params_with_defaults"] is not None and not entry["defaults"]]
    assert not silent


def test_defaults_behind_a_layer_are_the_ones_its_count_rests_on(tmp_path):
    """A wrapper lists its inner layer's defaults; the layer after it lists those behind its input size —
    and not the ones behind the wrapper's own input, which its output does not depend on (here both
    sizes are 128, so only asking the core whether the output depends on the input tells them apart)."""
    record = analyse(tmp_path, """
        import keras
        from keras import layers

        def build_model(embed_dim=128, lstm_units=64):
            inputs = keras.Input((None,), dtype="int32")
            x = layers.Embedding(1000, embed_dim)(inputs)
            x = layers.Bidirectional(layers.LSTM(lstm_units))(x)
            return keras.Model(inputs, layers.Dense(1)(layers.Dropout(0.5)(x)))
    """)
    bidirectional, dense = layer(record, "Bidirectional", 7), layer(record, "Dense", 8)
    assert (bidirectional["params_with_defaults"], dense["params_with_defaults"]) == (98_816, 129)
    assert {o.split(" at ")[0] for o in origins(bidirectional) if o.startswith("default")} == {
        "default of embed_dim", "default of lstm_units"}
    assert {o.split(" at ")[0] for o in origins(dense) if o.startswith("default")} == {"default of lstm_units"}
