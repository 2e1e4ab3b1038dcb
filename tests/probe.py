"""What the two framework-truth scripts share (tests/analysis/framework_runner.py for the corpus,
tests/realcode/truth.py for the real-code proof): where the file's call that is running starts, which
frames are only the machinery of a construction, which layers the file itself builds (`watch`), the
catalog's class names, and the size of a pytree or of a linen layer's parameters. Imported by path from those scripts, which run in subprocesses."""

from __future__ import annotations

import functools
import inspect
import math
import sys

from rnnlens.catalog import CATALOG  # the list of classes to watch; pure Python


def position(frame):
    """(line, 0-based byte column) where the call being executed in `frame` starts."""
    positions = list(frame.f_code.co_positions())
    index = frame.f_lasti // 2
    if 0 <= index < len(positions) and positions[index][0] is not None:
        line, _, column, _ = positions[index]
        return line, column
    return frame.f_lineno, None


def constructing(frame, instance) -> bool:
    """Whether a framework frame between the file's call and `__init__` is only the machinery of that
    construction (a metaclass's `__call__`, Haiku's interceptors around `__init__`, `keras.Input`),
    rather than other code the file called that builds layers of its own (a layer's `__call__`,
    `hk.dynamic_unroll`, linen's `clone`)."""
    code = frame.f_code
    if code.co_name in ("run_interceptors", "Input"):
        return True
    if not code.co_argcount:
        return False
    first = frame.f_locals.get(code.co_varnames[0])
    return isinstance(first, type) or first is instance


_wrapper_codes = set()


def watch(classes, targets, built):
    """Wrap each class's `__init__`: once an instance is made by a call in one of the `targets` files
    (not inside another layer's constructor or call), `built(cls, instance, frame, args, kwargs,
    original)` with the frame of that call."""
    for cls in classes:
        original = cls.__init__

        def make(cls, original):
            @functools.wraps(original)
            def __init__(self, *args, **kwargs):
                original(self, *args, **kwargs)
                frame = _calling_frame(cls, self, sys._getframe(1), targets)
                if frame is not None:
                    built(cls, self, frame, args, kwargs, original)

            try:  # Keras reads the constructor's signature when it creates a layer
                __init__.__signature__ = inspect.signature(original)
            except (TypeError, ValueError):
                pass
            return __init__

        wrapper = make(cls, original)
        _wrapper_codes.add(wrapper.__code__)
        cls.__init__ = wrapper


def _calling_frame(cls, instance, frame, targets):
    if type(instance) is not cls:  # a subclass's own row (or the user's subclass) decides
        return None
    while frame is not None:
        if frame.f_code.co_filename in targets:
            return frame
        if frame.f_code in _wrapper_codes or not constructing(frame, instance):
            return None  # built by other code: another layer's constructor, a layer's call, ...
        frame = frame.f_back
    return None


def catalog_rows(framework, namespace=""):
    return [spec.name for spec in CATALOG if spec.framework == framework and spec.namespace == namespace]


def tree_size(jax, tree) -> int:
    return sum(math.prod(leaf.shape) for leaf in jax.tree_util.tree_leaves(tree))


def linen_size(nn, jax, params, layer):
    """The parameters of a linen layer: the subtree at its scope's path (a linen `RNN` or `Bidirectional`
    owns its cells' parameters, which live at the cells' own paths); None when it has none there."""
    if isinstance(layer, nn.RNN):
        return linen_size(nn, jax, params, layer.cell)
    if isinstance(layer, nn.Bidirectional):
        parts = [linen_size(nn, jax, params, rnn) for rnn in (layer.forward_rnn, layer.backward_rnn)]
        return None if None in parts else sum(parts)
    scope = getattr(layer, "scope", None)
    if scope is None:
        return None
    node = params
    for part in scope.path:
        node = node.get(part) if hasattr(node, "get") else None
        if node is None:
            return None
    return tree_size(jax, node)
