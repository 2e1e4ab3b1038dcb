"""Issue 8, no execution, ever: the analysis never evaluates document text, never imports user modules
or frameworks, never reads the files a document names. Three proofs:

1. in this process, documents whose evaluation would have side effects are analysed (and presented)
   while eval/exec/compile/__import__/open/os.system/subprocess are wrapped to record every call;
2. the CLI and the server run as subprocesses with booby-trapped `torch`, `keras`, … packages and a user
   module first on their path (importing any of them writes a marker file), and FIFOs where the
   documents point at other files (reading one would block: the test would time out);
3. an audit of the package's source for the calls that could do any of that.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import json
import os
import pathlib
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

from rnnlens.analysis import analyze
from rnnlens.analysis.notebook import read_notebook

from .invariants import assert_well_formed
from .rpc import RawServer, capabilities_for
from .sources import ROOT

PACKAGE = ROOT / "server" / "rnnlens"
FRAMEWORKS = ["torch", "tensorflow", "keras", "jax", "flax", "equinox", "haiku", "paddle", "tf_keras", "keras_core"]
USER_MODULE = "rnnlens_marker_user_module"


def documents(marker: Path) -> Dict[str, str]:
    """Documents that would leave `marker` (or import USER_MODULE) if any part of them ran."""
    m = str(marker)
    header = "import torch.nn as nn\nimport os, subprocess, importlib, pickle, json\n"
    bodies = {
        "import_call": f"H = __import__('os').system('touch {m}')\nrnn = nn.LSTM(3, H)\n",
        "eval": f"H = eval(\"__import__('os').system('touch {m}')\")\nrnn = nn.LSTM(3, H)\n",
        "exec": f"exec(\"open({m!r}, 'w').write('x')\")\nrnn = nn.LSTM(3, 2)\n",
        "compile": f"code = compile(\"open({m!r}, 'w')\", 'x', 'exec')\nrnn = nn.LSTM(3, len(code.co_names))\n",
        "open_write": f"H = int(open({m!r}, 'w').write('xxxx'))\nrnn = nn.LSTM(3, H)\n",
        "system": f"H = os.system('touch {m}')\nrnn = nn.LSTM(3, H)\n",
        "subprocess": f"H = subprocess.run(['touch', {m!r}]).returncode\nrnn = nn.LSTM(3, H)\n",
        "user_module": f"import {USER_MODULE}\nrnn = nn.LSTM(3, {USER_MODULE}.SIZE)\n",
        "user_from_import": f"from {USER_MODULE} import SIZE as H\nrnn = nn.LSTM(3, H)\n",
        "importlib": f"mod = importlib.import_module('{USER_MODULE}')\nrnn = nn.LSTM(3, mod.SIZE)\n",
        "relative": "from .sibling import HIDDEN\nfrom . import config\nrnn = nn.LSTM(3, HIDDEN)\n",
        "config_file": "H = json.load(open('config.json'))['hidden']\nrnn = nn.LSTM(3, H)\n",
        "dunder_index": f"class X:\n    def __index__(self):\n        open({m!r}, 'w')\n        return 3\n"
                        "rnn = nn.LSTM(3, X())\n",
        "dunder_len": f"class S:\n    def __len__(self):\n        os.system('touch {m}')\n        return 3\n"
                      "rnn = nn.LSTM(3, len(S()))\n",
        "lambda": f"rnn = nn.LSTM(3, (lambda: __import__('os').system('touch {m}'))())\n",
        "fstring": f"name = f\"{{__import__('os').system('touch {m}')}}\"\nrnn = nn.LSTM(3, len(name))\n",
        "decorator": f"def deco(f):\n    os.system('touch {m}')\n    return f\n@deco\nclass M(nn.Module):\n"
                     "    def __init__(self):\n        self.rnn = nn.LSTM(3, 2)\n",
        "metaclass": f"class Meta(type):\n    def __call__(cls):\n        os.system('touch {m}')\n"
                     "class M(nn.Module, metaclass=Meta):\n    def __init__(self):\n        self.rnn = nn.LSTM(3, 2)\n",
        "pickle": f"H = pickle.loads(b\"cos\\nsystem\\n(S'touch {m}'\\ntR.\")\nrnn = nn.LSTM(3, H)\n",
        "builtins": f"__builtins__['exec'](\"open({m!r}, 'w')\")\nrnn = nn.LSTM(3, 2)\n",
        "class_property": f"class C:\n    @property\n    def size(self):\n        os.system('touch {m}')\n        return 3\n"
                          "rnn = nn.LSTM(3, C().size)\n",
        "default_argument": f"def f(h=__import__('os').system('touch {m}')):\n    return nn.LSTM(3, h)\n",
        "star_user": f"from {USER_MODULE} import *\nrnn = LSTM(3, SIZE)\n",
    }
    return {name: header + body for name, body in bodies.items()}


@contextlib.contextmanager
def recording():
    """Wrap everything that could run or read something; yield the list of calls made."""
    calls: List[tuple] = []
    saved = {}

    def wrap(owner, name, record):
        original = getattr(owner, name)
        saved[(owner, name)] = original

        def wrapper(*args, **kwargs):
            calls.append(record(*args, **kwargs))
            return original(*args, **kwargs)
        setattr(owner, name, wrapper)

    for name in ("eval", "exec", "compile", "open", "breakpoint"):
        wrap(builtins, name, lambda *a, _n=name, **k: (_n, repr(a[:1])[:80]))
    wrap(builtins, "__import__", lambda name, *a, **k: ("import", name, (a[3] if len(a) > 3 else k.get("level", 0))))
    wrap(importlib, "import_module", lambda name, *a, **k: ("import_module", name))
    wrap(io, "open", lambda *a, **k: ("io.open", repr(a[:1])[:80]))
    for name in ("system", "popen", "open", "execv", "execve", "spawnv", "listdir", "scandir"):
        wrap(os, name, lambda *a, _n=name, **k: (f"os.{_n}", repr(a[:1])[:80]))
    wrap(subprocess, "Popen", lambda *a, **k: ("subprocess.Popen", repr(a[:1])[:80]))
    for name in ("open", "read_text", "read_bytes", "iterdir"):
        wrap(pathlib.Path, name, lambda *a, _n=name, **k: (f"Path.{_n}", repr(a[:1])[:80]))
    try:
        yield calls
    finally:
        for (owner, name), original in saved.items():
            setattr(owner, name, original)


def _analyse_all(docs: Dict[str, str]) -> None:
    for name, source in docs.items():
        data = source.encode()
        analysis = analyze(data)
        assert_well_formed(data, analysis)


def test_documents_with_side_effects_are_analysed_without_running_or_reading_anything(tmp_path):
    marker = tmp_path / "marker"
    docs = documents(marker)
    _analyse_all(docs)  # warm up: the product's own lazy imports happen outside the recording
    modules_before = set(sys.modules)
    with recording() as calls:
        _analyse_all(docs)
    assert not marker.exists()
    imported = {c[1] for c in calls if c[0] in ("import", "import_module")}
    forbidden = {USER_MODULE, "sibling", "config"} | set(FRAMEWORKS)
    assert not {name.split(".")[0] for name in imported} & forbidden, imported
    others = [c for c in calls if c[0] not in ("import",)]
    assert others == [], f"the analysis called {others[:10]}"
    gained = set(sys.modules) - modules_before
    assert not {name.split(".")[0] for name in gained} & forbidden, gained


def test_notebook_magics_and_shell_escapes_are_not_run(tmp_path):
    marker = tmp_path / "marker"
    cells = [f"!touch {marker}", f"%run {tmp_path / 'script.py'}", f"%%bash\ntouch {marker}",
             "import torch.nn as nn\nrnn = nn.LSTM(3, 2)", f"get_ipython().system('touch {marker}')"]
    (tmp_path / "script.py").write_text(f"open({str(marker)!r}, 'w')\n")
    notebook = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None}
                          for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    parsed = read_notebook(json.dumps(notebook))
    with recording() as calls:
        analysis = analyze(parsed.source.encode())
    assert [f.layer for f in analysis.findings] == ["LSTM"]
    assert not marker.exists()
    assert [c for c in calls if c[0] != "import"] == []


def _booby_trapped_path(tmp_path: Path) -> Path:
    """A folder for the front of PYTHONPATH where importing a framework or the user module leaves a
    marker file in tmp_path/imported/."""
    trap = tmp_path / "trap"
    imported = tmp_path / "imported"
    imported.mkdir()
    for name in FRAMEWORKS:
        package = trap / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"open({str(imported / name)!r}, 'w').close()\n")
        (package / "nn.py").write_text(f"open({str(imported / (name + '.nn'))!r}, 'w').close()\n")
    (trap / f"{USER_MODULE}.py").write_text(f"open({str(imported / USER_MODULE)!r}, 'w').close()\nSIZE = 3\n")
    # the trap works: a Python with this path that imports torch.nn and the user module leaves markers
    env = dict(os.environ, PYTHONPATH=str(trap))
    subprocess.run([sys.executable, "-c", f"import torch.nn, {USER_MODULE}"], env=env, check=True, timeout=60)
    assert sorted(os.listdir(imported)) == sorted(["torch", "torch.nn", USER_MODULE])
    for name in os.listdir(imported):
        os.remove(imported / name)
    return trap


def _project(tmp_path: Path) -> Path:
    """The documents as files of a workspace, next to FIFOs where they name other files."""
    project = tmp_path / "project"
    project.mkdir()
    marker = tmp_path / "marker"
    for name, source in documents(marker).items():  # prefixed: a file named like a module (pickle.py)
        (project / f"doc_{name}.py").write_text(source)  # would shadow it for any `python -m` run here
    for fifo in ("sibling.py", "config.json", "config.py"):
        os.mkfifo(project / fifo)
    return project


def test_the_cli_imports_nothing_and_runs_nothing(tmp_path):
    trap, project = _booby_trapped_path(tmp_path), _project(tmp_path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(trap), str(PACKAGE.parent)]))
    files = sorted(str(p) for p in project.glob("doc_*.py"))
    result = subprocess.run([sys.executable, "-m", "rnnlens", "check", "--json", *files], capture_output=True,
                            text=True, env=env, cwd=project, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(os.listdir(tmp_path / "imported")) == []
    assert not (tmp_path / "marker").exists()
    assert len(json.loads(result.stdout)["files"]) == len(files)


def test_the_server_imports_nothing_runs_nothing_and_reads_nothing(tmp_path):
    trap, project = _booby_trapped_path(tmp_path), _project(tmp_path)
    env = {"PYTHONPATH": os.pathsep.join([str(trap), str(PACKAGE.parent)])}
    with RawServer(env=env, cwd=str(project)) as server:
        capabilities = capabilities_for()
        result = server.call("initialize", {"processId": None, "rootUri": project.as_uri(),
                                            "workspaceFolders": [{"uri": project.as_uri(), "name": "p"}],
                                            "capabilities": capabilities})
        assert result["capabilities"]
        server.notify("initialized", {})
        answered = 0
        for path in sorted(project.glob("doc_*.py")):
            uri = server.open(path.as_uri(), path.read_text())
            hints = server.hints(uri, timeout=20)
            answered += len(hints)
            for hint in hints:
                server.call("inlayHint/resolve", hint, 20)
            for line in range(12):
                server.hover(uri, line, 12, timeout=20)
            server.call("textDocument/codeLens", {"textDocument": {"uri": uri}}, 20)
            server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}}, 20)
        assert answered >= len(documents(tmp_path / "marker")) - 1  # each LSTM got its hint (star_user has none)
        for fifo in ("sibling.py", "config.json"):  # requests for them: answered without reading them
            assert server.hints((project / fifo).as_uri(), timeout=10) == []
        server.assert_healthy()
    assert sorted(os.listdir(tmp_path / "imported")) == []
    assert not (tmp_path / "marker").exists()


# -- the audit ------------------------------------------------------------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint", "execfile", "input"}
FORBIDDEN_ATTRIBUTE_CALLS = {
    ("importlib", "import_module"), ("importlib", "__import__"), ("os", "system"), ("os", "popen"),
    ("os", "execv"), ("os", "execve"), ("os", "execvp"), ("os", "spawnv"), ("os", "spawnl"), ("os", "startfile"),
    ("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads"), ("runpy", "run_path"),
    ("runpy", "run_module"), ("builtins", "eval"), ("builtins", "exec"), ("code", "interact"),
}
FORBIDDEN_MODULES = {"subprocess", "runpy", "pickle", "marshal", "ctypes", "code", "codeop", "shelve", "importlib",
                     "multiprocessing", "pty"} | set(FRAMEWORKS)
FILE_READS = {"read_text", "read_bytes", "write_text", "write_bytes", "scandir", "listdir", "iterdir", "glob",
              "rglob", "get_text_document", "get_document"}
# The only places allowed to touch the file system: the command line reading the paths it is given, and
# discovering files under them (with their .gitignore). Nothing in the analysis or the server.
ALLOWED_FILE_ACCESS = {("cli.py", "_read", "read_bytes"), ("files.py", "extended", "read_text"),
                       ("files.py", "_walk", "scandir")}


class _Audit(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path, self.functions, self.problems = path, ["<module>"], []

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _where(self, node) -> str:
        return f"{self.path}:{node.lineno} in {self.functions[-1]}"

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                self.problems.append(f"{self._where(node)}: import {alias.name}")
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        if node.level == 0 and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            self.problems.append(f"{self._where(node)}: from {node.module} import …")
        self.generic_visit(node)

    def visit_Call(self, node):
        function = node.func
        if isinstance(function, ast.Name):
            if function.id in FORBIDDEN_CALLS:
                self.problems.append(f"{self._where(node)}: {function.id}()")
            if function.id == "open" and (Path(self.path).name, self.functions[-1], "open") not in ALLOWED_FILE_ACCESS:
                self.problems.append(f"{self._where(node)}: open()")
            if function.id == "getattr" and node.args and isinstance(node.args[0], ast.Name) \
                    and node.args[0].id in ("builtins", "__builtins__", "os", "importlib"):
                self.problems.append(f"{self._where(node)}: getattr({node.args[0].id}, …)")
        elif isinstance(function, ast.Attribute):
            owner = function.value.id if isinstance(function.value, ast.Name) else None
            if (owner, function.attr) in FORBIDDEN_ATTRIBUTE_CALLS:
                self.problems.append(f"{self._where(node)}: {owner}.{function.attr}()")
            reads = function.attr in FILE_READS or (function.attr == "walk" and owner == "os") or \
                (function.attr == "open" and owner in ("io", "os", "codecs", "pathlib", "Path", "path"))
            if reads and (Path(self.path).name, self.functions[-1], function.attr) not in ALLOWED_FILE_ACCESS:
                self.problems.append(f"{self._where(node)}: .{function.attr}()")
        self.generic_visit(node)


def test_the_package_source_calls_nothing_that_runs_imports_or_reads_what_a_document_names():
    problems = []
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 20
    for path in sources:
        audit = _Audit(path.relative_to(PACKAGE).as_posix())
        audit.visit(ast.parse(path.read_text(), str(path)))
        problems += audit.problems
    assert problems == []


def test_the_audit_would_catch_each_kind_of_offence():
    """The audit is only worth something if it fails on what it looks for."""
    offences = textwrap.dedent("""
        import subprocess
        from importlib import import_module
        import torch
        def analyse(text, path):
            eval(text)
            exec(text)
            compile(text, "x", "exec")
            __import__(text)
            importlib.import_module(text)
            os.system(text)
            open(path)
            path.read_text()
            io.open(path)
            workspace.get_text_document(path)
    """)
    audit = _Audit("analysis/offender.py")
    audit.visit(ast.parse(offences))
    assert len(audit.problems) == 13, audit.problems
