"""The framework catalog: one declarative table per framework, gathered into one `Catalog`.

Each table module declares its rows (`SPECS`) and where they live (`MODULES`: import path →
namespace), plus what the analysis needs to recognise models around them (`MODEL_BASES`, `SEQUENTIAL`,
`FUNCTIONAL`, `PARAMETER_FREE`). Adding a framework means adding its module to `TABLES`; nothing
downstream changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Dict, FrozenSet, Optional, Tuple

from ..core.count import Catalog
from ..core.spec import LayerSpec
from . import equinox, flax, haiku, keras, paddle, torch

TABLES: Dict[str, ModuleType] = {
    "torch": torch, "keras": keras, "flax": flax, "equinox": equinox, "haiku": haiku, "paddle": paddle,
}
FRAMEWORKS = tuple(TABLES)
CATALOG = Catalog(spec for table in TABLES.values() for spec in table.SPECS)


@dataclass(frozen=True)
class Callee:
    """What a dotted path names, as far as counting is concerned."""

    framework: str
    kind: str  # "layer" | "model_base" | "sequential" | "functional" | "parameter_free" | "other_layer"
    spec: Optional[LayerSpec] = None
    name: str = ""


def _index() -> Dict[str, Callee]:
    index: Dict[str, Callee] = {}
    for framework, table in TABLES.items():
        modules: Dict[str, str] = getattr(table, "MODULES", {})
        for path, namespace in modules.items():
            for spec in table.SPECS:
                if spec.namespace == namespace:
                    index[f"{path}.{spec.name}"] = Callee(framework, "layer", spec, spec.name)
        for kind, paths in (("model_base", "MODEL_BASES"), ("sequential", "SEQUENTIAL"),
                            ("functional", "FUNCTIONAL")):
            for path in getattr(table, paths, ()):
                index[path] = Callee(framework, kind, None, path.rsplit(".", 1)[-1])
    return index


_CALLEES = _index()
_LAYER_MODULES: Dict[str, Tuple[str, FrozenSet[str]]] = {
    path: (framework, frozenset(getattr(table, "PARAMETER_FREE", ())))
    for framework, table in TABLES.items() for path in getattr(table, "MODULES", {})
}


def callee_at(path: str) -> Optional[Callee]:
    """What `torch.nn.LSTM`, `keras.layers.Dropout` or `tensorflow.keras.Sequential` is, if anything.

    A capitalised name in a layer module that has no row is an `other_layer`: a model containing one
    has only a lower bound."""
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
    prefix = module + "."
    return {path[len(prefix):]: callee for path, callee in _CALLEES.items()
            if path.startswith(prefix) and "." not in path[len(prefix):]}
