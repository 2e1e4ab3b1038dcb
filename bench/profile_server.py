"""Profile the RNN Lens server on one benchmark scenario, under cProfile, through the same stdio client.

    python bench/profile_server.py warm-whole [--lines 10000] [--reps 200] [--top 30] [--output x.prof]

Scenarios: cold (open + first whole-document hints, repeated on fresh URIs), warm-whole, warm-visible,
edit-visible / edit-whole (a one-digit didChange, the request 25 ms later), b2b-visible / b2b-whole (the
request written with the didChange), hover. Prints the functions with the most internal and cumulative
time; the .prof file opens in snakeviz or `python -m pstats`.
"""

from __future__ import annotations

import argparse
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ENV, PYTHON  # noqa: E402
from docs import make_doc  # noqa: E402
from lsp_client import LspClient  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["cold", "warm-whole", "warm-visible", "edit-visible", "edit-whole",
                                             "b2b-visible", "b2b-whole", "hover"])
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--settings", type=json.loads, default={"analysis": {"timeBudget": 600}},
                        help="initializationOptions as JSON (default: no time budget, since cProfile slows the "
                             "analysis past it and a cut analysis would be profiled instead)")
    arguments = parser.parse_args()

    output = arguments.output or Path(tempfile.mkdtemp(prefix="rnnlens-profile-")) / f"{arguments.scenario}.prof"
    doc = make_doc(f"profile{arguments.lines}", arguments.lines, seed=7)
    argv = [PYTHON, "-m", "cProfile", "-o", str(output), "-m", "rnnlens", "serve"]
    client = LspClient(argv, "rnnlens (cProfile)", env=ENV)
    try:
        client.initialize(settings=arguments.settings)
        uri = doc.uri("main")
        kind, _, range_name = arguments.scenario.partition("-")
        if kind != "cold":
            client.open(uri, doc.text)
            client.hints(uri, doc.ranges["whole"])
        variant = "a"
        times = []
        for i in range(arguments.reps):
            if kind == "cold":
                fresh = doc.uri(f"cold{i}")
                elapsed, _ = client.hints(fresh, doc.ranges["whole"], before=client.open_bytes(fresh, doc.text))
                client.close(fresh)
            elif kind == "warm":
                elapsed, _ = client.hints(uri, doc.ranges[range_name])
            elif kind == "hover":
                elapsed, _ = client.hover(uri, *doc.hovers[0])
            else:
                line, character, digit_a, digit_b = doc.edit
                variant = "b" if variant == "a" else "a"
                change = client.change_bytes(uri, line, character, character + 1, digit_b if variant == "b" else digit_a)
                if kind == "edit":
                    client.write(change)
                    time.sleep(0.025)
                    change = b""
                elapsed, _ = client.hints(uri, doc.ranges[range_name], before=change)
            times.append(elapsed)
        times.sort()
        print(f"{arguments.scenario}, {arguments.lines:,} lines: p50 {times[len(times) // 2] * 1000:.2f} ms "
              f"under cProfile ({len(times)} round trips)")
    finally:
        client.shutdown(timeout=30)
    if not output.exists():
        print("no profile written (the server did not exit cleanly)")
        return 1
    stats = pstats.Stats(str(output))
    stats.sort_stats("tottime").print_stats(arguments.top)
    stats.sort_stats("cumulative").print_stats(arguments.top)
    print(f"profile: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
