"""Runs corpus files with a real framework and reports what it built, for the differential test.

Used only by tests (`test_differential.py` starts it in a subprocess, one per framework); the
product never runs the code it reads. Usage:

    python framework_runner.py FRAMEWORK FILE...

prints one JSON document: for each file, every catalog layer constructed *directly* by the file's
code (not inside another layer's constructor), keyed by where its constructor call starts
(1-based line, 1-based code-point column, and for notebooks the cell), with the parameter count
the framework reports; and every model object the file binds to a module-level name, with its
total.

How: the `__init__` of each catalog class is wrapped to remember the instance together with the
position of the call in the corpus file, read from the calling frame's instruction positions (the
call expression's start, which is what the analysis reports). A layer made by a framework while it
constructs another recorded layer (Keras's `Bidirectional` clones its layer) is not the file's own.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import math
import os
import re
import sys
import time
import traceback
import types
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("GLOG_minloglevel", "3")
# nnx and Equinox initialise their parameters eagerly, one small XLA compilation per shape: compile
# without optimisation (the values are never used, only the shapes), which is several times faster.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from probe import catalog_rows as _rows, linen_size, position as _position, tree_size as _leaves_size, \
    watch  # noqa: E402

RUN_NAME = "__corpus__"  # not "__main__": the files' demo blocks do not run
MAGIC = re.compile(r"^([ \t]*)[%!]", re.MULTILINE)

_import = builtins.__import__  # what the corpus files import with (the Keras adapter wraps it)
records = []  # (filename, line, byte column, class name, instance)
targets = set()  # the corpus files being run
arguments = {}  # id(instance) → the (args, kwargs) its constructor received


def _context(frame, targets):
    """The positions of the file's calls further up the stack (`Encoder(5000)` building this layer)."""
    calls = []
    while frame is not None:
        if frame.f_code.co_filename in targets:
            calls.append(_position(frame))
        frame = frame.f_back
    return calls


def _record(cls, instance, frame, args, kwargs, original):
    line, column = _position(frame)
    records.append((frame.f_code.co_filename, line, column, cls, instance, _context(frame.f_back, targets)))
    arguments[id(instance)] = (args, kwargs)


# -- per framework: which classes, how to count a layer, which objects are models -------------------


class Torch:
    def __init__(self):
        import torch

        self.torch = torch
        self.classes = [getattr(torch.nn, name) for name in _rows("torch")]

    def count(self, module):
        parameters = list(module.parameters())
        return (sum(p.numel() for p in parameters), sum(p.numel() for p in parameters if p.requires_grad))

    def is_model(self, value):
        return isinstance(value, self.torch.nn.Module)

    model_count = count


class Keras:
    def __init__(self):
        import keras

        self.keras = keras
        self.copies = {}
        # `tensorflow.keras` is Keras 3 since TF 2.16; TensorFlow itself is not installed here, so the
        # corpus files (and only they: Keras probes for TensorFlow itself) import a stand-in.
        tensorflow = types.ModuleType("tensorflow")
        tensorflow.keras = keras
        global _import
        real_import = builtins.__import__

        def _import(name, globals=None, locals=None, fromlist=(), level=0):
            if level == 0 and (name == "tensorflow" or name.startswith("tensorflow.")):
                module = tensorflow
                for part in name.split(".")[1:] if fromlist else ():
                    module = getattr(module, part)
                return module
            return real_import(name, globals, locals, fromlist, level)
        # `Input` is a function; the InputLayer it makes has no weights.
        self.classes = [getattr(keras.layers, name) for name in _rows("keras")
                        if name not in ("Input",) and hasattr(keras.layers, name)]

    def running(self):
        """Real shapes, no initial values: nothing to compile (and the counts are the same)."""
        return self.keras.StatelessScope(initialize_variables=False)

    def prepare(self, instances):
        """A layer inside `Bidirectional` is never built itself: Keras builds a copy of it for each
        direction. Its weights are the forward copy's."""
        for layer in instances:
            if isinstance(layer, self.keras.layers.Bidirectional):
                args, kwargs = arguments[id(layer)]
                inner = args[0] if args else kwargs["layer"]
                self.copies[id(inner)] = layer.forward_layer

    def _weights(self, layer):
        layer = self.copies.get(id(layer), layer)
        if not layer.built:
            return None
        return (sum(math.prod(w.shape) for w in layer.weights),
                sum(math.prod(w.shape) for w in layer.trainable_weights))

    def count(self, layer):
        return self._weights(layer)

    def is_model(self, value):
        return isinstance(value, self.keras.Model)

    model_count = _weights


class Paddle:
    def __init__(self):
        import paddle

        self.paddle = paddle
        self.classes = [getattr(paddle.nn, name) for name in _rows("paddle")]

    def count(self, layer):
        parameters = layer.parameters()
        return (sum(math.prod(p.shape) for p in parameters),
                sum(math.prod(p.shape) for p in parameters if not p.stop_gradient))

    def is_model(self, value):
        return isinstance(value, self.paddle.nn.Layer)

    model_count = count


class Equinox:
    def __init__(self):
        import equinox as eqx
        import jax

        self.eqx, self.jax = eqx, jax
        self.classes = [getattr(eqx.nn, name) for name in _rows("equinox")]

    def count(self, module):
        leaves = self.jax.tree_util.tree_leaves(self.eqx.filter(module, self.eqx.is_array))
        total = sum(leaf.size for leaf in leaves)
        return total, total  # Equinox has no frozen parameters of its own

    def is_model(self, value):
        return isinstance(value, self.eqx.Module)

    model_count = count


class Nnx:
    def __init__(self):
        from flax import nnx
        import jax

        self.nnx, self.jax = nnx, jax
        self.classes = [getattr(nnx, name) for name in _rows("flax", "nnx") if hasattr(nnx, name)]

    def _size(self, module, kind):
        return sum(leaf.size for leaf in self.jax.tree_util.tree_leaves(self.nnx.state(module, kind)))

    def count(self, module):
        trainable = self._size(module, self.nnx.Param)
        return trainable + self._size(module, self.nnx.BatchStat), trainable

    def is_model(self, value):
        return isinstance(value, self.nnx.Module)

    model_count = count


class Linen:
    """linen modules have no parameters until `Module.init` runs: `init` is wrapped to keep the
    variables it made, and a layer's parameters are the subtree at its scope's path (a linen `RNN`
    or `Bidirectional` owns its cells' parameters, which live at the cells' own paths)."""

    def __init__(self):
        import flax.linen as nn
        import jax

        self.nn, self.jax = nn, jax
        self.classes = [getattr(nn, name) for name in _rows("flax", "linen") if hasattr(nn, name)]
        self.variables, self.inits = {}, {}
        original = nn.Module.init
        adapter = self

        def init(module, *args, **kwargs):
            start = len(records)
            # shapes only (ShapeDtypeStructs): nothing is compiled, the corpus only needs the shapes
            variables = jax.eval_shape(lambda *a, **k: original(module, *a, **k), *args, **kwargs)
            for record in records[start:]:
                adapter.variables.setdefault(id(record[4]), variables)
            adapter.inits.setdefault(type(module).__name__, variables)
            return variables

        nn.Module.init = init

    def count(self, layer):
        variables = self.variables.get(id(layer))
        if variables is None:
            return None
        total = linen_size(self.nn, self.jax, variables.get("params", {}), layer)
        return None if total is None else (total, total)

    def is_model(self, value):
        return isinstance(value, self.nn.Module)

    def model_count(self, module):
        variables = self.inits.get(type(module).__name__)
        if variables is None:
            return None
        total = _leaves_size(self.jax, variables.get("params", {}))
        return total, total


class Haiku:
    """Haiku modules make their parameters inside a transformed function's `init`: `hk.transform` is
    wrapped to keep what `init` made, and a module's parameters are the entries under its name."""

    def __init__(self):
        import haiku as hk
        import jax

        self.hk, self.jax = hk, jax
        self.classes = [getattr(hk, name) for name in _rows("haiku") if hasattr(hk, name)]
        self.params = {}
        original = hk.transform
        adapter = self

        def transform(function, *args, **kwargs):
            transformed = original(function, *args, **kwargs)

            def init(*init_args, **init_kwargs):
                start = len(records)
                params = jax.eval_shape(transformed.init, *init_args, **init_kwargs)  # shapes only
                for record in records[start:]:
                    adapter.params.setdefault(id(record[4]), params)
                return params

            return transformed._replace(init=init)

        hk.transform = transform

    def count(self, module):
        params = self.params.get(id(module))
        if params is None:
            return None
        name = module.module_name
        total = sum(_leaves_size(self.jax, value) for key, value in params.items()
                    if key == name or key.startswith(name + "/"))
        return total, total

    def is_model(self, value):
        return isinstance(value, self.hk.Module)

    model_count = count


FRAMEWORKS = {"torch": Torch, "keras": Keras, "paddle": Paddle, "equinox": Equinox, "nnx": Nnx, "linen": Linen,
              "haiku": Haiku}


# -- running a file -------------------------------------------------------------------------------


def source_of(path: Path):
    """The Python source and, for a notebook, (cell index, first line) of each code cell."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text, None
    cells, parts, line = [], [], 1
    for index, cell in enumerate(json.loads(text)["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        source = MAGIC.sub(r"\1#", source) + "\n"
        cells.append((index, line))
        parts.append(source)
        line += source.count("\n")
    return "".join(parts), cells


def locate(line, byte_column, lines, cells):
    text = lines[line - 1].encode("utf-8")
    column = len(text[:byte_column].decode("utf-8")) + 1 if byte_column is not None else None
    if cells is None:
        return {"line": line, "column": column}
    index, first = [(index, first) for index, first in cells if first <= line][-1]
    return {"cell": index, "line": line - first + 1, "column": column}


def _model_of(adapters, value):
    return next((adapter for adapter in adapters.values() if adapter.is_model(value)), None)


def _counted(counted):
    return {"params": counted[0] if counted else None, "trainable": counted[1] if counted else None}


def run(frameworks, paths):
    """Execute each file once, watching the classes of every framework named."""
    adapters = {name: FRAMEWORKS[name]() for name in frameworks}
    owner = {}
    for name, adapter in adapters.items():
        owner.update({cls: name for cls in adapter.classes})
    targets.update(str(Path(p).resolve()) for p in paths)
    watch(owner, targets, _record)
    report = {}
    for name in paths:
        path = Path(name).resolve()
        source, cells = source_of(path)
        module = types.ModuleType(RUN_NAME)  # registered: dataclasses (flax, equinox) look it up
        sys.modules[RUN_NAME] = module
        namespace = module.__dict__
        namespace.update({"__file__": str(path), "__builtins__": dict(vars(builtins), __import__=_import)})
        start, started = len(records), time.monotonic()
        entry = {"layers": [], "models": {}, "instances": {}, "error": None, "seconds": 0.0}
        report[name] = entry
        try:
            code = compile(source, str(path), "exec")
            with contextlib.ExitStack() as stack:
                stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
                for adapter in adapters.values():
                    stack.enter_context(getattr(adapter, "running", contextlib.nullcontext)())
                exec(code, namespace)
        except Exception:  # a corpus file that does not run is a test failure, reported as such
            entry["error"] = traceback.format_exc(limit=8)
            continue
        # Model classes the file defines but never instantiates: try them without arguments.
        instances = {}
        for value in namespace.values():
            if _model_of(adapters, value) is not None:
                instances.setdefault(type(value).__name__, value)
        classes = {value.__name__: value for value in namespace.values()
                   if isinstance(value, type) and getattr(value, "__module__", None) == RUN_NAME}
        for class_name, cls in classes.items():
            if class_name in instances:
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    candidate = cls()
            except Exception as error:  # it needs arguments: the analysis cannot know them either
                entry["instances"][class_name] = {"error": f"{type(error).__name__}: {error}"}
                continue
            if _model_of(adapters, candidate) is not None:
                instances[class_name] = candidate
        made = records[start:]
        for adapter in adapters.values():
            getattr(adapter, "prepare", lambda instances: None)([record[4] for record in made])
        lines = source.splitlines()
        for filename, line, column, cls, instance, context in made:
            runner = owner[cls]
            entry["layers"].append(dict(locate(line, column, lines, cells), layer=cls.__name__, framework=runner,
                                        built_by=[locate(*call, lines, cells) for call in context],
                                        **_counted(adapters[runner].count(instance))))
        for variable, value in namespace.items():
            adapter = _model_of(adapters, value)
            if adapter is not None:
                entry["models"][variable] = dict(type=type(value).__name__, **_counted(adapter.model_count(value)))
        for class_name, instance in instances.items():
            entry["instances"][class_name] = _counted(_model_of(adapters, instance).model_count(instance))
        entry["seconds"] = round(time.monotonic() - started, 2)
    return report


if __name__ == "__main__":
    result = run(sys.argv[1].split(","), sys.argv[2:])
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip the frameworks' slow teardown
