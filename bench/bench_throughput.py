"""2. Analysis throughput against raw parsing: RNN Lens's analysis (in-process `rnnlens.analysis.analyze`,
and the `rnnlens check --json` process) vs tree-sitter-python parse-only (in-process, and a process that
reads and parses the same folder), over generated model files plus the Python standard library."""

from __future__ import annotations

import os
import subprocess
import sysconfig
import time
from pathlib import Path
from typing import List, Tuple

import tree_sitter
import tree_sitter_python

from common import ENV, HERE, PYTHON, RNNLENS, Context, Table, p50, ratio
from generate import generate

SKIP = {"site-packages", "dist-packages", "__pycache__", "node_modules", "build", "dist"}


def stdlib_files(limit_bytes: int) -> List[Tuple[str, bytes]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    out, total = [], 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith(".") and
                         not (Path(folder, d) / "pyvenv.cfg").exists())
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = Path(folder, name)
            try:
                data = path.read_bytes()
                data.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # rnnlens check reports these (exit 2); they are not part of the comparison
            relative = path.relative_to(root).as_posix().replace("/", "__")
            out.append((relative, data))
            total += len(data)
            if total >= limit_bytes:
                return out
    return out


def build_corpus(ctx: Context) -> Tuple[Path, dict]:
    corpus = ctx.tmp / "corpus"
    parts = {"models": [], "stdlib": []}
    big, small = (2, 5) if ctx.quick else (16, 40)
    for i in range(big):
        parts["models"].append((f"model_10k_{i}.py", generate(10_000, seed=100 + i).encode()))
    for i in range(small):
        parts["models"].append((f"model_1k_{i}.py", generate(1_000, seed=200 + i).encode()))
    parts["stdlib"] = stdlib_files(3 * 2**20 if ctx.quick else 10**12)
    for part, files in parts.items():
        folder = corpus / part
        folder.mkdir(parents=True)
        for name, data in files:
            (folder / name).write_bytes(data)
    return corpus, parts


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _process(argv: List[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {completed.returncode}: {completed.stderr.decode()[-2000:]}")
    return elapsed


def run(ctx: Context) -> None:
    from rnnlens.analysis import analyze  # noqa: PLC0415 — in-process, as the CLI does

    ctx.log("throughput: building the corpus…")
    corpus, parts = build_corpus(ctx)
    parts["all"] = parts["models"] + parts["stdlib"]
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
    reps = 1 if ctx.quick else 3
    table = Table("Throughput: analysis vs tree-sitter-python parse-only (MB/s, median of "
                  f"{reps} alternating runs)",
                  ["corpus", "how", "files", "MB", "parse-only MB/s", "rnnlens MB/s", "throughput ratio",
                   "goal", "verdict"])
    # In-process times are per file and add up: "all" is the sum of its two parts, run by run.
    timings = {}
    for part in ("models", "stdlib"):
        datas = [data for _, data in parts[part]]
        parse_times, analyse_times, layers = [], [], 0
        try:
            for _ in range(reps):
                parse_times.append(_timed(lambda: [parser.parse(d) for d in datas]))
                found = []
                analyse_times.append(_timed(lambda: found.extend(len(analyze(d).findings) for d in datas)))
                layers = sum(found)
        except Exception as error:  # the product is being worked on: report, and go on with the other rows
            ctx.problem(f"throughput: analyze() raised {error!r} on the {part} corpus")
            continue
        timings[part] = (parse_times, analyse_times, layers)
    if len(timings) == 2:
        timings["all"] = tuple([a + b for a, b in zip(timings["models"][i], timings["stdlib"][i])] for i in (0, 1)) \
            + (timings["models"][2],)
    for part in ("all", "models", "stdlib"):
        datas = [data for _, data in parts[part]]
        size = sum(map(len, datas))
        if part not in timings:
            table.add(part, "in-process", len(datas), f"{size / 1e6:.1f}", "", "", "", "", "FAIL (analyze raised)")
            if part != "stdlib":
                ctx.goal("throughput", f"analysis ≥ ⅓ of parse-only (in-process, {part})", None, 1 / 3,
                         at_most=False, note="analyze raised")
            continue
        parse_times, analyse_times, layers = timings[part]
        parse_rate, analyse_rate = size / p50(parse_times) / 1e6, size / p50(analyse_times) / 1e6
        r = analyse_rate / parse_rate
        goal = None
        if part == "all":
            goal = ctx.goal("throughput", "analysis ≥ ⅓ of parse-only (in-process, models + stdlib)", r, 1 / 3,
                            at_most=False)
        elif part == "models":
            goal = ctx.goal("throughput", "analysis ≥ ⅓ of parse-only (in-process, generated models only)", r,
                            1 / 3, at_most=False)
        table.add(part, "in-process", len(datas), f"{size / 1e6:.1f}", f"{parse_rate:.2f}", f"{analyse_rate:.2f}",
                  ratio(r), "≥ 0.33×" if goal else "—", goal.verdict if goal else "(report)")
        if part == "models":
            table.notes.append(f"- {layers:,} layers found in the generated model files.")

    ctx.log("throughput: processes…")
    for part, folders in (("all", [corpus]),):
        size = sum(len(d) for _, d in parts[part])
        parse_times, check_times = [], []
        try:
            for _ in range(reps):
                parse_times.append(_process([PYTHON, str(HERE / "parse_only.py")] + [str(f) for f in folders]))
                check_times.append(_process(RNNLENS + ["check", "--json"] + [str(f) for f in folders]))
        except RuntimeError as error:
            ctx.problem(f"throughput: {error}")
            ctx.goal("throughput", f"`rnnlens check --json` ≥ ⅓ of a parse-only process ({part})", None, 1 / 3,
                     at_most=False, note="the CLI failed")
            table.add(part, "process", len(parts[part]), f"{size / 1e6:.1f}", "", "", "", "≥ 0.33×", "FAIL (the CLI failed)")
            continue
        parse_rate, check_rate = size / p50(parse_times) / 1e6, size / p50(check_times) / 1e6
        r = check_rate / parse_rate
        goal = ctx.goal("throughput", f"`rnnlens check --json` ≥ ⅓ of a parse-only process ({part})", r, 1 / 3,
                        at_most=False)
        table.add(part, "process", len(parts[part]), f"{size / 1e6:.1f}", f"{parse_rate:.2f}",
                  f"{check_rate:.2f}", ratio(r), "≥ 0.33×", goal.verdict)
    table.notes += [
        "- in-process: `tree_sitter.Parser.parse(bytes)` per file vs `rnnlens.analysis.analyze(bytes)` per file "
        "(which parses too), files already in memory. process: `python bench/parse_only.py DIR` (read + parse) vs "
        "`rnnlens check --json DIR` (read + parse + analyse + JSON), wall time including start-up.",
        "- The standard library is the \"files with no layers\" part: RNN Lens skips a file whose text never "
        "names a framework module before parsing it, so its share of the corpus moves the mixed ratio; the "
        "generated-models rows are the analysis proper.",
    ]
    ctx.emit(table)
