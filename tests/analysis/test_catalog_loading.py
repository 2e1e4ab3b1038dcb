"""The framework tables load lazily: a file that imports torch loads the torch table only, and what
is looked up is the same as with every table loaded."""

from __future__ import annotations

import json
import subprocess
import sys

from rnnlens import catalog
from rnnlens.catalog import FRAMEWORKS, ROOTS, TABLES, Callee, callee_at, star_layers


def _paths(table):
    return list(getattr(table, "MODULES", {})) + [path for name in ("MODEL_BASES", "SEQUENTIAL", "FUNCTIONAL")
                                                  for path in getattr(table, name, ())]


def test_every_table_path_starts_with_one_of_its_frameworks_roots():
    for framework in FRAMEWORKS:
        assert {path.split(".")[0] for path in _paths(TABLES[framework])} <= set(ROOTS[framework]), framework
    roots = [root for framework in FRAMEWORKS for root in ROOTS[framework]]
    assert len(roots) == len(set(roots))


def test_lookups_are_those_of_an_index_of_every_table():
    index = {}
    for framework in FRAMEWORKS:  # as the catalog was built before tables loaded lazily
        table = TABLES[framework]
        for path, namespace in getattr(table, "MODULES", {}).items():
            for spec in table.SPECS:
                if spec.namespace == namespace:
                    index[f"{path}.{spec.name}"] = Callee(framework, "layer", spec, spec.name)
        for kind, name in (("model_base", "MODEL_BASES"), ("sequential", "SEQUENTIAL"), ("functional", "FUNCTIONAL")):
            for path in getattr(table, name, ()):
                index[path] = Callee(framework, kind, None, path.rsplit(".", 1)[-1])
    for path, callee in index.items():
        assert callee_at(path) == callee
    for framework in FRAMEWORKS:
        for module in getattr(TABLES[framework], "MODULES", {}):
            prefix = module + "."
            assert star_layers(module) == {path[len(prefix):]: c for path, c in index.items()
                                           if path.startswith(prefix) and "." not in path[len(prefix):]}
    assert [spec.framework for spec in catalog.CATALOG] == sorted((spec.framework for spec in catalog.CATALOG),
                                                                   key=FRAMEWORKS.index)


def test_checking_a_torch_file_loads_the_torch_table_only(tmp_path):
    path = tmp_path / "model.py"
    path.write_text("import torch.nn as nn\nrnn = nn.LSTM(3, 4)\n")
    script = ("import json, sys\nfrom rnnlens.cli import main\nfrom contextlib import redirect_stdout\nimport io\n"
              f"with redirect_stdout(io.StringIO()):\n    main(['check', '--json', {str(path)!r}])\n"
              "print(json.dumps(sorted(m for m in sys.modules if m.startswith('rnnlens.catalog.'))))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = json.loads(completed.stdout.strip().splitlines()[-1])
    assert [name for name in loaded if name.rsplit(".", 1)[-1] in FRAMEWORKS] == ["rnnlens.catalog.torch"]
