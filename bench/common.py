"""What every benchmark shares: the servers' command lines, statistics, tables, goals, the machine."""

from __future__ import annotations

import atexit
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from lsp_client import LspClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
_SCRIPT = Path(PYTHON).parent / "rnnlens"
# What an editor or a user runs: the installed console script (or `python -m rnnlens` without one).
RNNLENS = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "rnnlens"]
FLOOR = [PYTHON, str(HERE / "floor_server.py")]
ENV = dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "jax"), PYTHONUNBUFFERED="1")

_live: List[LspClient] = []


def _kill_all() -> None:
    for client in _live:
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait()


atexit.register(_kill_all)


def rnnlens_server(label: str = "rnnlens") -> LspClient:
    client = LspClient(RNNLENS + ["serve"], label, env=ENV)
    _live.append(client)
    return client


def floor_server(table: Optional[Path] = None, label: str = "floor") -> LspClient:
    client = LspClient(FLOOR + ([str(table)] if table is not None else []), label, env=ENV)
    _live.append(client)
    return client


# -- statistics ----------------------------------------------------------------------------------------
def p50(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p99(samples: Sequence[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def ms(seconds: Optional[float]) -> str:
    if seconds is None:
        return "—"
    value = seconds * 1000
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def mb(n_bytes: Optional[float]) -> str:
    return "—" if n_bytes is None else f"{n_bytes / 2**20:,.1f}"


def ratio(value: Optional[float]) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if value < 100 else f"{value:,.0f}×"


# -- goals ---------------------------------------------------------------------------------------------
@dataclass
class Goal:
    section: str
    what: str
    measured: Optional[float]
    limit: float
    at_most: bool = True  # measured ≤ limit passes (else measured ≥ limit)
    note: str = ""  # set when the measurement does not count (answers differ): the goal fails

    @property
    def passed(self) -> bool:
        if self.measured is None or self.note:
            return False
        return self.measured <= self.limit if self.at_most else self.measured >= self.limit

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def target(self) -> str:
        return ("≤ " if self.at_most else "≥ ") + ratio(self.limit)

    @property
    def margin(self) -> str:
        """How far from the limit, as a factor (>1 is headroom when passing, shortfall when failing)."""
        if self.measured is None or self.measured == 0:
            return "—"
        factor = self.limit / self.measured if self.at_most else self.measured / self.limit
        return f"{factor:.2f}×" + (" headroom" if factor >= 1 else " short")


def verdict(goal: Optional[Goal]) -> str:
    return "" if goal is None else goal.verdict


# -- tables --------------------------------------------------------------------------------------------
@dataclass
class Table:
    title: str
    columns: List[str]
    rows: List[List[str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append(["" if cell is None else str(cell) for cell in cells])

    def _numeric(self, index: int) -> bool:
        values = [row[index] for row in self.rows if index < len(row) and row[index] not in ("", "—")]
        return bool(values) and all(v[:1].isdigit() or v[:1] in "-+≤≥" for v in values)

    def text(self) -> str:
        widths = [max([len(c)] + [len(row[i]) for row in self.rows if i < len(row)])
                  for i, c in enumerate(self.columns)]
        right = [self._numeric(i) for i in range(len(self.columns))]

        def line(cells):
            return "  ".join((cell.rjust(w) if r else cell.ljust(w)) for cell, w, r in zip(cells, widths, right)).rstrip()

        out = [self.title, line(self.columns), "  ".join("─" * w for w in widths)]
        out += [line(row + [""] * (len(self.columns) - len(row))) for row in self.rows]
        out += self.notes
        return "\n".join(out)

    def markdown(self) -> str:
        right = [self._numeric(i) for i in range(len(self.columns))]
        out = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |",
               "| " + " | ".join("---:" if r else "---" for r in right) + " |"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row + [""] * (len(self.columns) - len(row))) + " |"
                for row in self.rows]
        if self.notes:
            out += [""] + [note if note.startswith("- ") else f"{note}" for note in self.notes]
        return "\n".join(out)


@dataclass
class Context:
    quick: bool
    tmp: Path
    tables: List[Table] = field(default_factory=list)
    goals: List[Goal] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    log: Callable[[str], None] = print

    def emit(self, table: Table) -> None:
        self.tables.append(table)
        print("\n" + table.text() + "\n", flush=True)

    def goal(self, *args, **kwargs) -> Goal:
        goal = Goal(*args, **kwargs)
        self.goals.append(goal)
        return goal

    def problem(self, message: str) -> None:
        self.problems.append(message)
        print(f"!! {message}", flush=True)


# -- the machine ---------------------------------------------------------------------------------------
def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def compile_bytecode() -> str:
    """Compile RNN Lens's modules to bytecode, as `pip install` does for an installed package: a
    development checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from
    source at every process start, while the libraries it is compared with (torch, keras, pygls) load
    theirs from bytecode. Returns what the machine table says about it."""
    import compileall

    compiled = compileall.compile_dir(str(ROOT / "server" / "rnnlens"), quiet=1)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return ("compiled before the run" if compiled else "compiling failed") + \
        (f" (PYTHONDONTWRITEBYTECODE={flag})" if flag else "")


def machine() -> Dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        total = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        memory = f"{int(total) / 2**20:.1f} GiB"
    except (OSError, IndexError, ValueError):
        memory = "unknown"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        commit = (commit + (" (with uncommitted changes)" if dirty else "")) or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    return {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} ({usable} usable)",
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "pygls": _version("pygls"),
        "lsprotocol": _version("lsprotocol"),
        "tree-sitter / tree-sitter-python": f"{_version('tree-sitter')} / {_version('tree-sitter-python')}",
        "rnnlens": f"{_version('rnnlens')} at {commit}",
        "rnnlens bytecode": compile_bytecode(),
        "torch / torchinfo / keras": f"{_version('torch')} / {_version('torchinfo')} / {_version('keras')} "
                                     f"(KERAS_BACKEND={ENV['KERAS_BACKEND']})",
        "load average at start (1/5/15 min)": load,
    }


def dump_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
