"""The corpus against the real frameworks: every number the CLI states, the framework builds.

Each corpus file that runs is executed once by `framework_runner.py` (two subprocesses in parallel:
torch and Paddle; the JAX-based Keras, flax nnx, flax linen, Equinox and Haiku), which records each
layer the file's code constructs — by the position of the constructor call, and the positions of the
file's calls that led to it — with the parameter count the framework reports, and each model object
the file binds to a name. linen and Haiku make parameters only when `init` runs, so for them the
runner keeps what `init` made (shapes only) and reads each module's share by its scope path or name.
Then, against `rnnlens check --json` on the whole corpus:

- every layer whose `params` is an integer was built there, with exactly that many parameters (and
  `trainable_params` trainable ones) — in a loop, at every iteration;
- every count `as_built` at a call (`Encoder(5000, hidden=64)`) is what that call built;
- every model whose `status` is `exact`, and every `instantiations` entry bound to a name, has exactly
  the framework's total; a `lower_bound` is not above it;
- every layer the file's code built was found by the analysis (nothing is missed);
- every layer built has a statically known count (at its constructor or as built), unless
  `NOT_KNOWN` below says why not.

A file that does not parse (a file mid-edit) cannot run: its intact constructors are checked against
hand-computed counts in test_positions.py. A layer built only in a function the file never calls is
not compared (the runner sees nothing there); the corpus calls what it defines.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from .helpers import CORPUS

pytestmark = pytest.mark.differential
RUNNER = Path(__file__).with_name("framework_runner.py")
TIMEOUT = 180

# Layers built when the file runs whose count the analysis does not state: (file, text on the line) → why.
NOT_KNOWN = {
    ("torch/unknown_sizes.py", "nn.LSTM(input_dim, hidden_dim"): "`input_dim` is a parameter of build_encoder",
    ("torch/unknown_sizes.py", "nn.Embedding(len(tokens), 32)"): "`tokens` is a list passed in",
    ("torch/unknown_sizes.py", "nn.GRU(32, cfg.hidden"): "`cfg` is an object passed in",
    ("torch/unknown_sizes.py", "nn.Linear(cfg.hidden, 4)"): "`cfg` is an object passed in",
    ("flax/linen_encoder.py", "nn.Bidirectional("): "applied to `x`, a parameter of `__call__`",
    ("torch/configurable.py", "nn.Linear(encoder.out_dim"): "`encoder` is an object passed in",
    ("keras/functional.py", "(merged)"): "its input comes from `layers.concatenate`, a function not followed",
    ("haiku/core.py", "hk.LSTM(HIDDEN)"): "applied through `hk.dynamic_unroll`, which is not followed",
    ("haiku/core.py", "hk.GRU(HIDDEN // 2)"): "applied through `hk.dynamic_unroll`, which is not followed",
    ("haiku/core.py", "hk.VanillaRNN(32)"): "applied through `hk.dynamic_unroll`, which is not followed",
    ("haiku/core.py", "hk.Linear(10)"): "its input comes from `hk.dynamic_unroll`, which is not followed",
    ("haiku/core.py", "hk.LayerNorm("): "its input comes from `hk.dynamic_unroll`, which is not followed",
}


def not_knowable(name: str, line: int) -> bool:
    text = (CORPUS / name).read_text(encoding="utf-8").splitlines()[line - 1]
    return any(file == name and needle in text for file, needle in NOT_KNOWN)


def runner_of(layer: Dict[str, Any]) -> str:
    """Which runner builds this layer: its framework, or flax's namespace."""
    return (layer.get("namespace") or "flax") if layer["framework"] == "flax" else layer["framework"]


def runnable(path: Path) -> bool:
    if path.suffix == ".ipynb":
        return True  # the runner joins the code cells; magics become comments
    try:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    except SyntaxError:
        return False
    return True


LAZY = ("linen", "haiku")
# Which runner a corpus folder needs, whatever the analysis found there (notebooks: what it found).
FOLDERS = {"torch": {"torch"}, "keras": {"keras"}, "paddle": {"paddle"}, "equinox": {"equinox"},
           "haiku": {"haiku"}, "flax": {"nnx", "linen"}}
# One process for the JAX-based frameworks (they share JAX's start-up), one for the others.
PROCESSES = (("torch", "paddle"), ("keras", "nnx", "linen", "equinox", "haiku"))


@pytest.fixture(scope="module")
def built(corpus_report) -> Dict[str, Dict[str, Any]]:
    """What the frameworks built, by corpus file and runner: the processes run in parallel."""
    files: Dict[Tuple[str, ...], List[str]] = defaultdict(list)
    for name, record in corpus_report.items():
        needed = {runner_of(layer) for layer in record["layers"]} | FOLDERS.get(name.split("/")[0], set())
        if not runnable(CORPUS / name) or not needed:
            continue
        for group in PROCESSES:
            if needed & set(group):
                files[group].append(name)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", PYTHONWARNINGS="ignore")
    processes = {
        group: subprocess.Popen([sys.executable, str(RUNNER), ",".join(group), *names], cwd=CORPUS, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for group, names in files.items()
    }
    results: Dict[str, Dict[str, Any]] = {}
    for group, process in processes.items():
        out, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0, f"the {'/'.join(group)} runner failed:\n{err[-4000:]}"
        for name, entry in json.loads(out).items():
            merged = results.setdefault(name, {"layers": [], "models": {}, "instances": {}, "errors": []})
            merged["layers"] += entry["layers"]
            merged["models"].update(entry["models"])
            merged["instances"].update(entry["instances"])
            merged["errors"] += [f"with {'/'.join(group)}:\n{entry['error']}"] if entry["error"] else []
    return results


def position(item: Dict[str, Any]) -> Tuple[Any, int, int]:
    return item.get("cell"), item["line"], item["column"]


def runnable_files() -> List[str]:
    return [path.relative_to(CORPUS).as_posix() for path in sorted(CORPUS.rglob("*"))
            if path.suffix in (".py", ".ipynb") and runnable(path)]


def where(name: str, item: Dict[str, Any]) -> str:
    cell = f"cell {item['cell']}, " if item.get("cell") is not None else ""
    return f"{name}:{cell}line {item['line']}, column {item['column']}"


@pytest.mark.parametrize("name", runnable_files())
def test_counts_match_the_frameworks(name, corpus_report, built):
    record = corpus_report[name]
    run = built.get(name, {"layers": [], "errors": []})
    assert not run["errors"], f"{name} did not run " + "\n".join(run["errors"])
    real: Dict[Tuple[Any, int, int], List[Dict[str, Any]]] = defaultdict(list)
    for item in run["layers"]:
        real[position(item)].append(item)
    problems = []
    for layer in record["layers"]:
        if not runner_of(layer) or not isinstance(layer["params"], int):
            continue
        made = real.get(position(layer), [])
        if not made:
            problems.append(f"{where(name, layer)}: {layer['layer']} is counted ({layer['params']}) "
                            "but the framework built no layer there")
        for item in made:
            if (item["params"], item["trainable"]) != (layer["params"], layer["trainable_params"]):
                problems.append(f"{where(name, layer)}: {layer['layer']}: the analysis says "
                                f"{layer['params']} ({layer['trainable_params']} trainable), "
                                f"{item['layer']} has {item['params']} ({item['trainable']} trainable)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", runnable_files())
def test_counts_as_built_match_the_frameworks(name, corpus_report, built):
    """A layer inside a class the file instantiates with known arguments (`Encoder(5000, hidden=64)`) has
    its count as built there: the instance built by that call has exactly that many parameters."""
    record = corpus_report[name]
    run = built.get(name, {"layers": []})
    problems = []
    for layer in record["layers"]:
        if runner_of(layer) in LAZY:
            continue  # their layers are made by `init`, not by the call that makes the model object
        for built_at in layer.get("as_built", []):
            if not isinstance(built_at.get("params"), int) or ("cell" in layer) != ("cell" in built_at):
                continue  # (a notebook's positions without a cell: test_positions.py has that bug)
            call = position(built_at)
            made = [item for item in run["layers"] if position(item) == position(layer)
                    and any(position(outer) == call for outer in item["built_by"])]
            if not made:
                problems.append(f"{where(name, layer)}: {layer['layer']} as built at line {call[1]} is counted "
                                f"({built_at['params']}) but that call built no layer there")
            for item in made:
                if item["params"] != built_at["params"]:
                    problems.append(f"{where(name, layer)}: {layer['layer']} as built at line {call[1]}: the "
                                    f"analysis says {built_at['params']}, the framework {item['params']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", runnable_files())
def test_instantiations_match_the_frameworks(name, corpus_report, built):
    """`small = Encoder(1000)`: the model the call builds has the total stated for that call."""
    record = corpus_report[name]
    run = built.get(name)
    if run is None:
        return
    text = (CORPUS / name).read_text(encoding="utf-8")
    cells = [cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
             for cell in json.loads(text)["cells"]] if name.endswith(".ipynb") else [text]
    problems = []
    for made in record.get("instantiations", []):
        if made["status"] == "unknown":
            continue
        text = cells[made.get("cell", 0)].splitlines()[made["line"] - 1]
        bound = re.match(r"\s*(\w+)\s*=\s*", text)
        if bound is None or bound.end() != made["column"] - 1:
            continue  # not bound to a name (an argument of another call): compared through its layers
        real = run["models"].get(bound.group(1))
        if real is None or real["params"] is None:
            problems.append(f"{name}:{made['line']}: {made['model']} is counted ({made['params']}) but the file "
                            f"never built {bound.group(1)}")
        elif made["status"] == "exact" and real["params"] != made["params"]:
            problems.append(f"{name}:{made['line']}: {bound.group(1)} = {made['model']}(…): the analysis says "
                            f"{made['params']}, the framework {real['params']}")
        elif made["status"] == "lower_bound" and made["params"] > real["params"]:
            problems.append(f"{name}:{made['line']}: the lower bound {made['params']} is above {real['params']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", runnable_files())
def test_model_totals_match_the_frameworks(name, corpus_report, built):
    record = corpus_report[name]
    run = built.get(name)
    problems = []
    for model in record["models"]:
        if model["status"] == "unknown" or run is None:
            continue
        key = "instances" if model["kind"] == "class" else "models"
        found = run[key].get(model["name"])
        real = found if found is not None and "error" not in found and found["params"] is not None else None
        if real is None:
            why = found["error"] if found and "error" in found else ""
            problems.append(f"{name}: model {model['name']} (line {model['line']}) is {model['status']} "
                            f"({model['params']}) but the file never built it{': ' + why if why else ''}")
        elif model["status"] == "lower_bound":
            if model["params"] > real["params"]:
                problems.append(f"{name}: model {model['name']}: the lower bound {model['params']} is above "
                                f"the framework's {real['params']}")
        elif (real["params"], real["trainable"]) != (model["params"], model["trainable_params"]):
            problems.append(f"{name}: model {model['name']}: the analysis says {model['params']} "
                            f"({model['trainable_params']} trainable), the framework {real['params']} "
                            f"({real['trainable']} trainable)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", runnable_files())
def test_every_built_layer_is_found_and_known(name, corpus_report, built):
    record = corpus_report[name]
    found = {position(layer): layer for layer in record["layers"]}
    problems = []
    if name in built:
        for item in built[name]["layers"]:
            layer = found.get(position(item))
            if layer is None:
                if item["layer"] != "InputLayer":  # `Sequential.build()` and `input_shape=` make these
                    problems.append(f"{where(name, item)}: the framework built a {item['layer']} "
                                    "that the analysis did not find")
                continue
            excused = item.get("cell") is None and not_knowable(name, item["line"])
            as_built = {position(entry): entry["params"] for entry in layer.get("as_built", [])}
            known_as_built = any(isinstance(as_built.get(position(outer)), int) for outer in item["built_by"])
            known = isinstance(layer["params"], int) or known_as_built or excused
            if not known and item["params"] is not None:
                problems.append(f"{where(name, item)}: {layer['layer']} has {item['params']} parameters, "
                                f"the analysis does not know ({layer['params_polynomial'] or layer['unknowns']})")
    assert not problems, "\n".join(problems)


def test_the_corpus_proves_something(corpus_report, built):
    """Guard against a vacuous pass: every framework has layers compared, and many of them."""
    compared = [runner_of(layer) for name, record in corpus_report.items() for layer in record["layers"]
                if isinstance(layer["params"], int) and name in built]
    exact_models = sum(1 for name, record in corpus_report.items() for model in record["models"]
                       if model["status"] == "exact" and name in built)
    assert set(compared) == {"torch", "keras", "paddle", "equinox", "nnx", "linen", "haiku"}
    assert len(compared) >= 80, len(compared)
    assert exact_models >= 20, exact_models
