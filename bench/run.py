"""RNN Lens benchmarks: every figure is a ratio against a baseline measured in the same run.

    python bench/run.py                 # everything (about 15–25 minutes on 2 cores)
    python bench/run.py --quick         # a smoke test (a minute or two)
    python bench/run.py --only latency,startup

Benchmarks: latency (server vs the pygls floor), throughput (analysis vs tree-sitter parse-only),
startup (start-up time and memory vs the floor), users (vs importing torch/keras to count), scaling
(file size and open documents). Prints a table per benchmark and writes them all as Markdown to
bench/results.md (a partial run — --quick or --only — to bench/results-partial.md unless --output).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HERE, Context, Table, machine  # noqa: E402

BENCHMARKS = ["latency", "throughput", "startup", "users", "scaling"]


def _module(name: str):
    return __import__(f"bench_{name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few repetitions and small inputs (a smoke test)")
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"run only these ({', '.join(BENCHMARKS)})")
    parser.add_argument("--output", type=Path, help="Markdown results (default: bench/results.md for a full run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of generated files")
    arguments = parser.parse_args()

    names = BENCHMARKS
    if arguments.only:
        names = [n.strip() for n in arguments.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    partial = arguments.quick or bool(arguments.only)
    output = arguments.output or HERE / ("results-partial.md" if partial else "results.md")

    tmp = Path(tempfile.mkdtemp(prefix="rnnlens-bench-"))
    ctx = Context(quick=arguments.quick, tmp=tmp)
    described = machine()
    header = Table("Machine", ["", ""])
    for key, value in described.items():
        header.add(key, value)
    command = " ".join(["python bench/run.py"] + sys.argv[1:])
    print(f"{command}\n\n{header.text()}\n", flush=True)

    started = time.perf_counter()
    loads = Table("Run", ["benchmark", "seconds", "load average after it (1/5/15 min)"])
    loads.notes.append(f"- {described['cores']} cores; a load average well above the core count means other "
                       "processes competed for the CPU during the run, and the ratios are less reliable.")
    try:
        for name in names:
            ctx.log(f"== {name} ==")
            t0 = time.perf_counter()
            try:
                _module(name).run(ctx)
            except Exception:  # one broken benchmark must not hide the others' figures
                ctx.problem(f"{name} failed:\n{traceback.format_exc()}")
            load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
            loads.add(name, f"{time.perf_counter() - t0:.0f}", load)
            ctx.log(f"== {name}: {time.perf_counter() - t0:.0f} s, load average {load} ==")
    finally:
        if arguments.keep:
            print(f"generated files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started

    summary = Table("Goals (issue 7)", ["benchmark", "goal", "measured", "target", "margin", "verdict"])
    for goal in ctx.goals:
        summary.add(goal.section, goal.what, "—" if goal.measured is None else
                    (f"{goal.measured:.2f}×" if goal.measured < 100 else f"{goal.measured:,.0f}×"),
                    goal.target, goal.margin, goal.verdict + (f" ({goal.note})" if goal.note else ""))
    passed = sum(goal.passed for goal in ctx.goals)
    summary.notes.append(f"{passed} of {len(ctx.goals)} goals pass.")
    print("\n" + loads.text() + "\n\n" + summary.text(), flush=True)
    if ctx.problems:
        print("\nProblems:\n" + "\n".join(f"- {p}" for p in ctx.problems))

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"# RNN Lens benchmarks\n\n`{command}` — {when}, {elapsed / 60:.1f} min"
             + (" (quick: a smoke test, not figures to publish)" if arguments.quick else ""),
             header.markdown().replace("### Machine", "## Machine"), "## Goals\n\n" + summary.markdown().split("\n", 2)[2],
             "## Results"] + [table.markdown() for table in ctx.tables] + [loads.markdown()]
    if ctx.problems:
        parts.append("## Problems\n\n" + "\n".join(f"- {p.splitlines()[0]}" for p in ctx.problems))
    output.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
