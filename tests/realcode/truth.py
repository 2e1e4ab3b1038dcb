"""Ground truth for the real-code corpus, from the real frameworks. Run by the tests, never by the product.

    python truth.py JOBS.json

JOBS.json: {"runs": [{"framework": "torch", "path": ..., "argv": [...], "builds": {label: expression},
"jax": false}]} — one process may run several frameworks (the JAX-based ones share JAX's start-up).

For each run the corpus file is executed (`runpy`, run name `__realcode__`, so `if __name__ ==
"__main__"` blocks stay quiet) with `sys.argv = [path, *argv]` — an argparse script sees exactly these
flags, so with no flags it builds everything with its argparse defaults. Then each build expression
is evaluated in the file's namespace, where `measure`, `jax`, `jnp`, `np` are also defined. A build's
value is a model object (counted as the framework counts it), or the int that `measure(...)` returned
(linen and Haiku only make parameters when `init` runs; Keras subclassed models when first called).

Every catalog layer (the classes RNN Lens counts) constructed by the file's own code is recorded by
the position of the constructor call — the innermost frame of the corpus file, so a layer built in
the file's `def LSTM(...)` helper is recorded where `nn.LSTM(...)` is written — with

- `count`: its parameters as the framework reports them;
- `bound`: the constructor's arguments that are plain values (`{"bidirectional": true, ...}`);
- `env`: the plain values the constructing frame could see — its locals, module constants, and one
  level of attributes of its objects (`self.hidden`, `cfg.hidden_size`, `args.nhid`) — so that a
  formula in those names can be evaluated and compared.

Prints {"runs": [{"path", "argv", "error", "builds": {label: {"total", "error", "layers"}}}]}, where
the label "<import>" holds what running the file itself built.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import inspect
import io
import json
import math
import os
import runpy
import sys
import traceback
import types
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("GLOG_minloglevel", "3")
warnings.simplefilter("ignore")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import probe  # noqa: E402
from probe import catalog_rows as _rows, linen_size, position as _position, tree_size as _size  # noqa: E402

PLAIN = (bool, int, float, str)
records = []  # dicts: position, class name, instance, bound arguments, environment
targets = set()  # the corpus file being run


def _plain(value):
    return isinstance(value, PLAIN) and not (isinstance(value, int) and abs(value) > 2**62)


def _attributes(value):
    if isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return {}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        return {name: getattr(value, name, None) for name in names}
    try:
        return dict(vars(value))
    except TypeError:
        return {}


def snapshot(frame):
    """Plain values a formula written in this frame may name."""
    env = {}
    scopes = [frame.f_globals, frame.f_locals]
    for scope in scopes:
        for name, value in list(scope.items()):
            if name.startswith("__"):
                continue
            if _plain(value):
                env[name] = value
            elif not callable(value) or hasattr(value, "__dict__"):
                for attribute, inner in list(_attributes(value).items())[:200]:
                    if _plain(inner) and not attribute.startswith("_"):
                        env[f"{name}.{attribute}"] = inner
    return env


def _record(cls, instance, frame, args, kwargs, original):
    line, column = _position(frame)
    try:
        binding = inspect.signature(original).bind(instance, *args, **kwargs)
        binding.apply_defaults()
        bound = binding.arguments
    except (TypeError, ValueError):
        bound = {}
    attributes = {k: v for k, v in _attributes(instance).items() if _plain(v) and not k.startswith("_")}
    attributes.update({k: v for k, v in bound.items() if _plain(v)})
    records.append({"line": line, "byte": column, "layer": cls.__name__, "instance": instance,
                    "bound": attributes, "env": snapshot(frame), "args": (args, kwargs)})


def watch(classes):
    probe.watch(classes, targets, _record)


# -- one adapter per framework: the classes to watch, counting a layer, counting a model ------------


class Torch:
    def __init__(self):
        import torch

        self.torch = torch
        torch.set_num_threads(1)
        watch([getattr(torch.nn, name) for name in _rows("torch")])

    def layer(self, record):
        return sum(p.numel() for p in record["instance"].parameters())

    def model(self, value):
        return sum(p.numel() for p in value.parameters()) if isinstance(value, self.torch.nn.Module) else None

    def helpers(self):
        return {}


class Paddle:
    def __init__(self):
        import paddle

        self.paddle = paddle
        paddle.set_device("cpu")
        watch([getattr(paddle.nn, name) for name in _rows("paddle")])

    def layer(self, record):
        return sum(math.prod(p.shape) for p in record["instance"].parameters())

    def model(self, value):
        if isinstance(value, self.paddle.nn.Layer):
            return sum(math.prod(p.shape) for p in value.parameters())
        return None

    def helpers(self):
        return {}


class Keras:
    def __init__(self):
        import keras

        self.keras = keras
        # `compile` makes optimizer and metric variables, which a stateless scope refuses; they are
        # not parameters of the model.
        keras.Model.compile = lambda self, *args, **kwargs: None
        # `tensorflow.keras` is Keras 3 since TF 2.16; TensorFlow itself is not installed here, so the
        # corpus files (and only they: Keras probes for TensorFlow itself) import a stand-in.
        tensorflow = types.ModuleType("tensorflow")
        tensorflow.keras = keras
        real_import = builtins.__import__

        def _import(name, globals=None, locals=None, fromlist=(), level=0):
            if level == 0 and name.split(".")[0] == "tensorflow" and (globals or {}).get("__file__") in targets:
                module = tensorflow
                for part in name.split(".")[1:] if fromlist else ():
                    module = getattr(module, part)
                return module
            return real_import(name, globals, locals, fromlist, level)

        builtins.__import__ = _import
        watch([getattr(keras.layers, name) for name in _rows("keras")
               if name != "Input" and hasattr(keras.layers, name)])

    def _weights(self, layer):
        if not layer.built:
            return None
        return sum(math.prod(w.shape) for w in layer.weights)

    def layer(self, record):
        layer = record["instance"]
        # A layer handed to `Bidirectional` is never built itself: its forward copy is.
        for other in records:
            if isinstance(other["instance"], self.keras.layers.Bidirectional):
                args, kwargs = other["args"]
                inner = args[0] if args else kwargs.get("layer")
                if inner is layer:
                    return self._weights(other["instance"].forward_layer)
        return self._weights(layer)

    def model(self, value):
        return self._weights(value) if isinstance(value, self.keras.Model) else None

    def running(self):
        """Real shapes, no initial values: nothing to compile (and the counts are the same)."""
        return self.keras.StatelessScope(initialize_variables=False)

    def helpers(self):
        def measure(model, *inputs):
            # Symbolic inputs: the model is traced (shapes only), not run.
            model(*[self.keras.KerasTensor(x.shape, dtype=str(x.dtype)) for x in inputs])
            return self._weights(model)

        return {"measure": measure}


class Equinox:
    def __init__(self):
        import equinox as eqx
        import jax

        self.eqx, self.jax = eqx, jax
        watch([getattr(eqx.nn, name) for name in _rows("equinox")])

    def layer(self, record):
        return _size(self.jax, self.eqx.filter(record["instance"], self.eqx.is_array))

    def trace(self, body):
        """Run the file and the builds as one abstract trace: the arrays are shapes, never computed,
        so nothing is compiled (eager initialisation compiles every initializer per shape)."""
        import jax.numpy as jnp

        self.jax.eval_shape(lambda: (body(), jnp.zeros(()))[1])

    def model(self, value):
        return _size(self.jax, self.eqx.filter(value, self.eqx.is_array)) if isinstance(value, self.eqx.Module) \
            else None

    def helpers(self):
        return {}


class Nnx:
    def __init__(self):
        import jax
        from flax import nnx

        self.nnx, self.jax = nnx, jax
        watch([getattr(nnx, name) for name in _rows("flax", "nnx") if hasattr(nnx, name)])

    def layer(self, record):
        return self.model(record["instance"])

    def trace(self, body):
        """Run the file and the builds as one abstract trace: the arrays are shapes, never computed,
        so nothing is compiled (eager initialisation compiles every initializer per shape)."""
        import jax.numpy as jnp

        self.jax.eval_shape(lambda: (body(), jnp.zeros(()))[1])

    def model(self, value):
        if not isinstance(value, self.nnx.Module):
            return None
        return _size(self.jax, self.nnx.state(value, self.nnx.Param))

    def helpers(self):
        return {}


class Linen:
    """A linen layer's parameters are the subtree at its scope's path in what `init` made; a linen `RNN`
    or `Bidirectional` owns its cells' parameters."""

    def __init__(self):
        import flax.linen as nn
        import jax

        self.nn, self.jax = nn, jax
        self.variables = {}
        watch([getattr(nn, name) for name in _rows("flax", "linen") if hasattr(nn, name)])

    def layer(self, record):
        variables = self.variables.get(id(record["instance"]))
        return None if variables is None else linen_size(self.nn, self.jax, variables.get("params", {}), record["instance"])

    def model(self, value):
        return None

    def helpers(self):
        jax = self.jax

        def measure(module, *inputs):
            start = len(records)
            variables = jax.eval_shape(module.init, jax.random.PRNGKey(0), *inputs)
            for record in records[start:]:
                self.variables[id(record["instance"])] = variables
            return _size(jax, variables.get("params", {}))

        return {"measure": measure}


class Haiku:
    """Haiku modules make their parameters in a transformed function's `init`; a module's are the
    entries under its name."""

    def __init__(self):
        import haiku as hk
        import jax

        self.hk, self.jax = hk, jax
        self.params = {}
        watch([getattr(hk, name) for name in _rows("haiku") if hasattr(hk, name)])

    def layer(self, record):
        params = self.params.get(id(record["instance"]))
        if params is None:
            return None
        name = record["instance"].module_name
        return sum(_size(self.jax, value) for key, value in params.items() if key == name or key.startswith(name + "/"))

    def model(self, value):
        return None

    def helpers(self):
        hk, jax = self.hk, self.jax

        def measure(function, *inputs):
            start = len(records)
            params = jax.eval_shape(hk.transform(function).init, jax.random.PRNGKey(0), *inputs)
            for record in records[start:]:
                self.params[id(record["instance"])] = params
            return _size(jax, params)

        return {"measure": measure}


ADAPTERS = {"torch": Torch, "paddle": Paddle, "keras": Keras, "equinox": Equinox, "nnx": Nnx, "linen": Linen,
            "haiku": Haiku}


def _running(adapter):
    return adapter.running() if hasattr(adapter, "running") else contextlib.nullcontext()


def _column(path, line, byte):
    if byte is None:
        return None
    with open(path, encoding="utf-8") as source:
        text = source.read().splitlines()[line - 1].encode("utf-8")
    return len(text[:byte].decode("utf-8")) + 1


def _layers(adapter, path, recorded):
    layers = []
    for record in recorded:
        try:
            count = adapter.layer(record)
        except Exception:  # noqa: BLE001 - a layer that cannot be measured is reported as such
            count = None
        layers.append({"line": record["line"], "column": _column(path, record["line"], record["byte"]),
                       "layer": record["layer"], "count": count, "bound": record["bound"], "env": record["env"]})
    return layers


def _build(adapter, namespace, path, expression):
    start = len(records)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            value = eval(expression, namespace)  # noqa: S307 - the test's own expressions
        total = value if isinstance(value, int) and not isinstance(value, bool) else adapter.model(value)
        error = None
    except Exception:  # noqa: BLE001
        total, error = None, traceback.format_exc(limit=6)
    return {"total": total, "error": error, "layers": _layers(adapter, path, records[start:])}


def run(adapter, job):
    path = os.path.abspath(job["path"])
    targets.clear()
    targets.add(path)
    sys.argv = [path, *job["argv"]]
    start = len(records)
    result = {"path": job["path"], "argv": job["argv"], "error": None, "builds": {}}

    def body():
        with _running(adapter):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    namespace = runpy.run_path(path, run_name="__realcode__")
            except BaseException:  # noqa: BLE001 - SystemExit from argparse included
                result["error"] = traceback.format_exc(limit=8)
                return
            result["builds"]["<import>"] = {"total": None, "error": None,
                                            "layers": _layers(adapter, path, records[start:])}
            _builds(adapter, namespace, path, job, result)

    if hasattr(adapter, "trace"):
        adapter.trace(body)
    else:
        body()
    del records[start:]
    return result


def _builds(adapter, namespace, path, job, result):
    namespace.update(adapter.helpers())
    if job.get("jax"):
        import jax
        import jax.numpy as jnp
        import numpy as np

        namespace.update({"jax": jax, "jnp": jnp, "np": np})
    for label, expression in job["builds"].items():
        result["builds"][label] = _build(adapter, namespace, path, expression)


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        jobs = json.load(file)
    adapters = {}
    out = []
    for job in jobs["runs"]:
        if job["framework"] not in adapters:
            adapters[job["framework"]] = ADAPTERS[job["framework"]]()
        out.append(run(adapters[job["framework"]], job))
    sys.stdout.write(json.dumps({"runs": out}, default=repr))


if __name__ == "__main__":
    main()
