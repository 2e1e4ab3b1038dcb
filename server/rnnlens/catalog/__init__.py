"""The framework catalog: one declarative table per framework, gathered into one `Catalog`.

Each table module declares its rows (`SPECS`) and where they live (`MODULES`: import path →
namespace), plus what the analysis needs to recognise models around them (`MODEL_BASES`, `SEQUENTIAL`,
`FUNCTIONAL`, `PARAMETER_FREE`). Adding a framework means adding its module, its top-level packages
to `ROOTS` and its import to `_import_table`; nothing downstream changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

from ..core.count import Catalog
from ..core.spec import LayerSpec

# Each framework's table, and the top-level packages its paths start with (`MODULES`, `MODEL_BASES`,
# `SEQUENTIAL`, `FUNCTIONAL`; a test keeps these in step). A table is imported only when a file names
# one of its packages, so that `rnnlens check` on a torch file never loads the Keras table.
ROOTS: Dict[str, Tuple[str, ...]] = {
    "torch": ("torch",), "keras": ("keras", "keras_core", "tensorflow", "tf_keras"), "flax": ("flax",),
    "equinox": ("equinox",), "haiku": ("haiku",), "paddle": ("paddle",),
}
FRAMEWORKS = tuple(ROOTS)
_FRAMEWORKS_OF_ROOT: Dict[str, List[str]] = {}
for _framework, _roots in ROOTS.items():
    for _root in _roots:
        _FRAMEWORKS_OF_ROOT.setdefault(_root, []).append(_framework)


def _import_table(framework: str) -> ModuleType:
    # Spelled out, not importlib by a computed name: the package imports nothing whose name it builds
    # (tests/hardening/test_no_execution.py audits that).
    if framework == "torch":
        from . import torch as table
    elif framework == "keras":
        from . import keras as table
    elif framework == "flax":
        from . import flax as table
    elif framework == "equinox":
        from . import equinox as table
    elif framework == "haiku":
        from . import haiku as table
    elif framework == "paddle":
        from . import paddle as table
    else:
        raise KeyError(framework)
    return table


class _Tables(Mapping):
    """framework → its table module, imported on first use."""

    def __init__(self) -> None:
        self._loaded: Dict[str, ModuleType] = {}

    def __getitem__(self, framework: str) -> ModuleType:
        table = self._loaded.get(framework)
        if table is None:
            table = self._loaded[framework] = _import_table(framework)
            _add(framework, table)
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(FRAMEWORKS)

    def __len__(self) -> int:
        return len(FRAMEWORKS)


class _LazyCatalog(Catalog):
    """Every table row, the framework's table loaded when one of its rows is first asked for."""

    def __init__(self) -> None:
        super().__init__(())

    def get(self, framework: str, layer: str, namespace: str = "") -> Optional[LayerSpec]:
        if framework in ROOTS:
            TABLES[framework]
        return super().get(framework, layer, namespace)

    def _everything(self) -> None:
        for framework in FRAMEWORKS:
            TABLES[framework]

    def __iter__(self):
        self._everything()
        # In the order of FRAMEWORKS, as if every table had been loaded at once.
        return iter(sorted(self._specs.values(), key=lambda spec: FRAMEWORKS.index(spec.framework)
                           if spec.framework in ROOTS else len(FRAMEWORKS)))

    def __len__(self) -> int:
        self._everything()
        return super().__len__()

    def __bool__(self) -> bool:
        return True


TABLES: Mapping = _Tables()
CATALOG = _LazyCatalog()


@dataclass(frozen=True)
class Callee:
    """What a dotted path names, as far as counting is concerned."""

    framework: str
    kind: str  # "layer" | "model_base" | "sequential" | "functional" | "parameter_free" | "other_layer"
    spec: Optional[LayerSpec] = None
    name: str = ""


_CALLEES: Dict[str, Callee] = {}
_LAYER_MODULES: Dict[str, Tuple[str, FrozenSet[str]]] = {}


def _add(framework: str, table: ModuleType) -> None:
    """Index a table just loaded: its rows by dotted path, and its layer modules."""
    CATALOG.add(table.SPECS)
    modules: Dict[str, str] = getattr(table, "MODULES", {})
    for path, namespace in modules.items():
        for spec in table.SPECS:
            if spec.namespace == namespace:
                _CALLEES[f"{path}.{spec.name}"] = Callee(framework, "layer", spec, spec.name)
    for kind, paths in (("model_base", "MODEL_BASES"), ("sequential", "SEQUENTIAL"),
                        ("functional", "FUNCTIONAL")):
        for path in getattr(table, paths, ()):
            _CALLEES[path] = Callee(framework, kind, None, path.rsplit(".", 1)[-1])
    for path in modules:
        _LAYER_MODULES[path] = (framework, frozenset(getattr(table, "PARAMETER_FREE", ())))


def _load_for(path: str) -> None:
    """Load the tables of the frameworks a dotted path could belong to."""
    for framework in _FRAMEWORKS_OF_ROOT.get(path.split(".", 1)[0], ()):
        TABLES[framework]


def callee_at(path: str) -> Optional[Callee]:
    """What `torch.nn.LSTM`, `keras.layers.Dropout` or `tensorflow.keras.Sequential` is, if anything.

    A capitalised name in a layer module that has no row is an `other_layer`: a model containing one
    has only a lower bound."""
    _load_for(path)
    known = _CALLEES.get(path)
    if known is not None:
        return known
    module, _, name = path.rpartition(".")
    framework_and_free = _LAYER_MODULES.get(module)
    if framework_and_free is None or not name[:1].isupper():
        return None
    framework, parameter_free = framework_and_free
    return Callee(framework, "parameter_free" if name in parameter_free else "other_layer", None, name)


def star_layers(module: str) -> Dict[str, Callee]:
    """The rows a `from module import *` brings into scope."""
    _load_for(module)
    prefix = module + "."
    return {path[len(prefix):]: callee for path, callee in _CALLEES.items()
            if path.startswith(prefix) and "." not in path[len(prefix):]}
