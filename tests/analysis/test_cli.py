"""`rnnlens check`: exit codes, the JSON schema, which files it reads, colour."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import CORPUS, check_json, run_cli

LSTM_SOURCE = "import torch.nn as nn\nrnn = nn.LSTM(3, 4)\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def write(path: Path, text: str = LSTM_SOURCE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def checked_paths(*arguments, extra=()) -> list:
    document = check_json(*arguments, extra=extra)
    return sorted(Path(record["path"]).name for record in document["files"])


# -- exit codes ----------------------------------------------------------------------------------


def test_exit_code_0_when_every_file_was_read():
    code, out, err = run_cli(["check", str(CORPUS)])
    assert (code, err) == (0, "")
    assert "params" in out


def test_a_missing_path_exits_2_and_the_other_files_are_still_checked(tmp_path):
    good = write(tmp_path / "good.py")
    code, out, err = run_cli(["check", "--json", str(tmp_path / "missing.py"), str(good)])
    assert code == 2
    assert "missing.py" in err and "no such file" in err
    assert [record["path"] for record in json.loads(out)["files"]] == [str(good)]


def test_a_non_utf8_file_exits_2_and_the_other_files_are_still_checked(tmp_path):
    (tmp_path / "latin1.py").write_bytes("# caf\xe9\nimport torch.nn as nn\n".encode("latin-1"))
    write(tmp_path / "z_good.py")
    code, out, err = run_cli(["check", "--json", str(tmp_path)])
    assert code == 2
    assert "latin1.py" in err and "UTF-8" in err
    assert [Path(record["path"]).name for record in json.loads(out)["files"]] == ["z_good.py"]


def test_a_broken_notebook_exits_2_and_the_other_files_are_still_checked(tmp_path):
    write(tmp_path / "broken.ipynb", "{not json")
    write(tmp_path / "good.py")
    code, out, err = run_cli(["check", "--json", str(tmp_path)])
    assert code == 2 and "broken.ipynb" in err
    assert [Path(record["path"]).name for record in json.loads(out)["files"]] == ["good.py"]


def test_usage_errors_exit_2(tmp_path):
    assert run_cli(["check"])[0] == 2
    assert run_cli(["check", "--frameworks", "theano", str(tmp_path)])[0] == 2
    assert run_cli(["check", "--fail-on", "sometimes", str(tmp_path)])[0] == 2


INVALID = "import torch.nn as nn\nrnn = nn.LSTM(10, 20, proj_size=30)\n"
WARNED = "import torch.nn as nn\nrnn = nn.LSTM(10, 20, dropout=0.5)\n"


def test_fail_on_error_exits_1_when_the_framework_would_refuse_a_configuration(tmp_path):
    path = write(tmp_path / "invalid.py", INVALID)
    assert run_cli(["check", str(path)])[0] == 0
    code, out, _ = run_cli(["check", "--fail-on", "error", str(path)])
    assert code == 1
    assert "proj_size has to be smaller than hidden_size" in out


def test_fail_on_error_ignores_warnings_and_fail_on_warning_does_not(tmp_path):
    path = write(tmp_path / "warned.py", WARNED)
    assert run_cli(["check", "--fail-on", "error", str(path)])[0] == 0
    assert run_cli(["check", "--fail-on", "warning", str(path)])[0] == 1
    assert run_cli(["check", "--fail-on", "warning", str(write(tmp_path / "fine.py"))])[0] == 0


def test_unreadable_paths_win_over_fail_on(tmp_path):
    path = write(tmp_path / "invalid.py", INVALID)
    assert run_cli(["check", "--fail-on", "error", str(path), str(tmp_path / "nope.py")])[0] == 2


# -- the JSON document ---------------------------------------------------------------------------

LAYER_KEYS = {"line", "column", "end_line", "end_column", "framework", "layer", "params", "trainable_params",
              "params_polynomial", "formula", "unknowns", "tensors", "output_size", "macs_per_step", "arguments",
              "wrapped_by", "model", "diagnostics"}
MODEL_KEYS = {"name", "line", "column", "kind", "framework", "params", "trainable_params", "status", "not_counted",
              "params_polynomial"}
DIAGNOSTIC_KEYS = {"line", "column", "end_line", "end_column", "severity", "message"}


def test_json_schema_version_1(corpus_report):
    assert corpus_report  # the fixture checked {"version": 1, "files": [...]}
    for record in corpus_report.values():
        assert set(record) >= {"path", "layers", "models", "diagnostics"}
        for layer in record["layers"]:
            assert set(layer) >= LAYER_KEYS, LAYER_KEYS - set(layer)
            assert layer["framework"] in ("torch", "keras", "flax", "equinox", "haiku", "paddle")
            assert ("namespace" in layer) == (layer["framework"] == "flax")
            assert isinstance(layer["params"], (int, type(None))) and not isinstance(layer["params"], bool)
            assert (layer["params"] is None) or layer["params_polynomial"] is None
            for item in layer["unknowns"]:
                assert set(item) >= {"argument", "name", "reason"}
            for tensor in layer["tensors"]:
                assert set(tensor) >= {"name", "shape", "params", "trainable"}
                assert all(isinstance(d, (int, str)) for d in tensor["shape"])
            for item in layer["arguments"]:
                assert set(item) >= {"name", "value", "known", "origins"}
            for diagnostic in layer["diagnostics"]:
                assert set(diagnostic) >= DIAGNOSTIC_KEYS
                assert diagnostic["severity"] in ("error", "warning")
            if layer["wrapped_by"] is not None:
                assert set(layer["wrapped_by"]) >= {"line", "column"}
        for model in record["models"]:
            assert set(model) >= MODEL_KEYS, MODEL_KEYS - set(model)
            assert model["status"] in ("exact", "lower_bound", "unknown")
            assert model["kind"] in ("class", "sequential", "functional")
            assert (model["status"] == "unknown") == (model["params"] is None)
            assert all(isinstance(item, str) for item in model["not_counted"])
            assert (model["status"] == "lower_bound") == bool(model["not_counted"]) or model["status"] == "unknown"


def test_json_layer_totals_are_the_sum_of_their_tensors(corpus_report):
    for record in corpus_report.values():
        for layer in record["layers"]:
            if isinstance(layer["params"], int):
                assert layer["params"] == sum(t["params"] for t in layer["tensors"])
                assert layer["trainable_params"] == sum(t["params"] for t in layer["tensors"] if t["trainable"])
                assert layer["formula"].endswith(f"{layer['params']:,}")


def test_json_file_diagnostics_collect_the_layers_diagnostics(tmp_path):
    record = check_json(write(tmp_path / "invalid.py", INVALID))["files"][0]
    assert len(record["diagnostics"]) == 1
    diagnostic = record["diagnostics"][0]
    assert diagnostic["layer"] == "LSTM" and diagnostic["severity"] == "error"
    assert (diagnostic["line"], diagnostic["column"]) == (2, 23)  # at `proj_size=30`
    assert record["layers"][0]["params"] is None


def test_json_is_valid_for_an_empty_folder(tmp_path):
    assert check_json(tmp_path) == {"version": 1, "files": []}


# -- which files are read ------------------------------------------------------------------------


def test_folders_are_walked_recursively_for_py_pyi_and_ipynb(tmp_path):
    write(tmp_path / "a.py")
    write(tmp_path / "deep" / "er" / "b.pyi")
    (tmp_path / "c.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": LSTM_SOURCE}]}))
    write(tmp_path / "notes.txt")
    assert checked_paths(tmp_path) == ["a.py", "b.pyi", "c.ipynb"]


def test_hidden_folders_virtual_environments_and_caches_are_skipped(tmp_path):
    write(tmp_path / "keep.py")
    write(tmp_path / ".hidden" / "no1.py")
    write(tmp_path / "venv" / "lib" / "no2.py")
    write(tmp_path / "venv" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "env2" / "no3.py")
    (tmp_path / "env2" / "conda-meta").mkdir()
    write(tmp_path / "__pycache__" / "no4.py")
    write(tmp_path / "node_modules" / "no5.py")
    assert checked_paths(tmp_path) == ["keep.py"]


def test_gitignore_is_respected(tmp_path):
    write(tmp_path / ".gitignore", "# comment\ngenerated/\n*_pb2.py\n/top.py\n!important_pb2.py\n")
    write(tmp_path / "keep.py")
    write(tmp_path / "top.py")
    write(tmp_path / "sub" / "top.py")
    write(tmp_path / "model_pb2.py")
    write(tmp_path / "important_pb2.py")
    write(tmp_path / "generated" / "no.py")
    write(tmp_path / "sub" / ".gitignore", "local.py\n")
    write(tmp_path / "sub" / "local.py")
    names = sorted(Path(record["path"]).relative_to(tmp_path).as_posix()
                   for record in check_json(tmp_path)["files"])
    assert names == ["important_pb2.py", "keep.py", "sub/top.py"]


def test_exclude_patterns(tmp_path):
    write(tmp_path / "keep.py")
    write(tmp_path / "experiments" / "a.py")
    write(tmp_path / "models" / "test_models.py")
    assert checked_paths(tmp_path, extra=["--exclude", "experiments", "--exclude", "test_*.py"]) == ["keep.py"]


def test_a_file_named_explicitly_is_read_even_in_a_skipped_place(tmp_path):
    path = write(tmp_path / ".hidden" / "explicit.py")
    assert checked_paths(path) == ["explicit.py"]


# -- the text output -----------------------------------------------------------------------------


def test_text_output_annotates_the_line_and_shows_the_model_table(tmp_path):
    path = write(tmp_path / "model.py", "import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n"
                                        "        super().__init__()\n        self.rnn = nn.LSTM(3, 4)\n")
    code, out, _ = run_cli(["check", "--color", "never", str(path)])
    assert code == 0
    assert re.search(r"6 │ +self\.rnn = nn\.LSTM\(3, 4\) +‹144 params›", out), out
    assert 'Model: "M"' in out and "Total params: 144" in out


def test_detailed_style_shows_the_formula(tmp_path):
    path = write(tmp_path / "model.py")
    out = run_cli(["check", "--style", "detailed", "--color", "never", str(path)])[1]
    assert "‹144 params = 4·(4·3 + 4² + 2·4)›" in out, out
    assert "‹144 params›" in run_cli(["check", "--color", "never", str(path)])[1]


def test_colour_always_and_never(tmp_path):
    path = write(tmp_path / "model.py")
    assert ANSI.search(run_cli(["check", "--color", "always", str(path)])[1])
    assert not ANSI.search(run_cli(["check", "--color", "never", str(path)])[1])


def _run_on_a_terminal(arguments, env, stream="stdout"):
    """What `rnnlens ARGUMENTS` writes to `stream` when that is a pseudo-terminal."""
    primary, secondary = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: secondary}
    process = subprocess.Popen([sys.executable, "-m", "rnnlens", *arguments], env=env, **streams)
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([primary], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=30)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color_is_set(tmp_path):
    path = write(tmp_path / "model.py")
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    assert ANSI.search(_run_on_a_terminal(["check", str(path)], env))
    plain = _run_on_a_terminal(["check", str(path)], dict(env, NO_COLOR="1"))
    assert "144 params" in plain and not ANSI.search(plain)


def test_plain_output_when_not_on_a_terminal(tmp_path):
    code, out, _ = run_cli(["check", str(write(tmp_path / "model.py"))], env={"NO_COLOR": ""})
    assert code == 0 and not ANSI.search(out)


def test_dtype_shows_memory_besides_fp32(tmp_path):
    path = write(tmp_path / "model.py", "import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n"
                                        "        super().__init__()\n        self.rnn = nn.LSTM(300, 1024)\n")
    out = run_cli(["check", "--dtype", "bfloat16", "--color", "never", str(path)])[1]
    # 5,431,296 parameters: 4 bytes each in fp32, 2 in bfloat16, in Keras summary()'s units
    assert "Total params: 5,431,296 (20.72 MB fp32, 10.36 MB bfloat16)" in out, out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_on_a_terminal_when_checking_many_files(tmp_path):
    for number in range(25):
        write(tmp_path / f"m{number:02}.py")
    progress = _run_on_a_terminal(["check", str(tmp_path)], dict(os.environ), stream="stderr")
    assert "25/25" in progress
    assert _run_on_a_terminal(["check", str(tmp_path / "m00.py")], dict(os.environ), stream="stderr") == ""
