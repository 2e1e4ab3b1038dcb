"""4. Against what users do today to learn a model's size: a Python process that imports the framework,
builds the model and counts (`sum(p.numel())`, torchinfo's summary, Keras `count_params()`), versus
RNN Lens answering the same question — the one-shot `rnnlens check --json` process and a warm server's
hover on the model. Wall time and peak RSS of each whole process; the counts must agree."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from common import ENV, PYTHON, RNNLENS, Context, Table, mb, ms, p50, ratio, rnnlens_server

TORCH_MODEL = '''"""A part-of-speech tagger: embeddings, a bidirectional LSTM stack, a GRU and a linear classifier."""

import torch
import torch.nn as nn

VOCAB = 30_000
EMBED = 300
HIDDEN = 512
TAGS = 45


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED, padding_idx=0)
        self.encoder = nn.LSTM(EMBED, HIDDEN, num_layers=2, bidirectional=True, dropout=0.3, batch_first=True)
        self.decoder = nn.GRU(2 * HIDDEN, HIDDEN, batch_first=True)
        self.classify = nn.Linear(HIDDEN, TAGS)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        states, _ = self.encoder(self.embedding(tokens))
        states, _ = self.decoder(states)
        return self.classify(states)
'''

KERAS_MODEL = '''"""A sentiment classifier: embeddings, two bidirectional recurrent layers, a sigmoid."""

import keras
from keras import layers

MAX_TOKENS = 20_000
EMBED = 128

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(MAX_TOKENS, EMBED)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.GRU(64))(x)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs, name="sentiment")
'''

LOAD = '''import importlib.util, sys
spec = importlib.util.spec_from_file_location("user_model", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
'''

SCRIPTS = {
    "torch: import, build, sum(p.numel())": ("torch", LOAD + "model = module.Tagger()\n"
                                             "print(sum(p.numel() for p in model.parameters()))\n"),
    "torchinfo.summary(model)": ("torch", LOAD + "from torchinfo import summary\nmodel = module.Tagger()\n"
                                 "print(summary(model, verbose=0).total_params)\n"),
    "keras: import, build, count_params()": ("keras", LOAD + "print(module.model.count_params())\n"),
}


TIME = "/usr/bin/time"


def run_process(argv: List[str], scratch: Path) -> Tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and stdout of one process.

    The peak comes from GNU time (`%M`), not from this process's wait4: Python spawns children with
    vfork, and Linux then records the parent's high-water mark as the child's ru_maxrss — the harness's
    own size would leak into every figure. GNU time is small and forks normally."""
    if not Path(TIME).exists():  # without GNU time: wait4, an upper bound (see above)
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        return time.perf_counter() - start, usage.ru_maxrss * 1024, out.decode()
    report = scratch / "time.txt"
    start = time.perf_counter()
    completed = subprocess.run([TIME, "-f", "%M", "-o", str(report)] + argv, capture_output=True, env=ENV)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {completed.returncode}: {completed.stderr.decode()[-2000:]}")
    peak_kb = int(report.read_text().split()[-1])
    return elapsed, peak_kb * 1024, completed.stdout.decode()


def _cli_model(output: str) -> Optional[dict]:
    files = json.loads(output)["files"]
    models = files[0]["models"] if files else []
    return max(models, key=lambda m: m["params"] or 0) if models else None


_TOTAL = re.compile(r"— \*\*(?:≥ )?([\d,]+) params\*\*")


def run(ctx: Context) -> None:
    folder = ctx.tmp / "users"
    folder.mkdir()
    files = {"torch": folder / "tagger_torch.py", "keras": folder / "sentiment_keras.py"}
    files["torch"].write_text(TORCH_MODEL)
    files["keras"].write_text(KERAS_MODEL)
    scripts = {}
    for name, (framework, code) in SCRIPTS.items():
        path = folder / f"count_{len(scripts)}.py"
        path.write_text(code)
        scripts[name] = (framework, [PYTHON, str(path), str(files[framework])])
    if importlib.util.find_spec("torchinfo") is None:  # (importing it here would import torch)
        del scripts["torchinfo.summary(model)"]
        ctx.problem("users: torchinfo is not installed (pip install torchinfo); its row is skipped")

    if not Path(TIME).exists():
        ctx.problem(f"users: {TIME} is missing: peak RSS falls back to wait4, which counts the harness's own size")
    reps = 1 if ctx.quick else 5
    ctx.log(f"users: {reps} runs of each process…")
    runs: Dict[str, List[Tuple[float, int, str]]] = {name: [] for name in scripts}
    cli = {framework: [] for framework in files}
    bare = []
    warmup = 0 if ctx.quick else 1
    for i in range(reps + warmup):  # the first round (of a full run) warms the file cache and is dropped
        result = run_process([PYTHON, "-c", "pass"], folder)
        if i >= warmup:
            bare.append(result)
        for name, (framework, argv) in scripts.items():
            result = run_process(argv, folder)
            if i >= warmup:
                runs[name].append(result)
        for framework, path in files.items():
            result = run_process(RNNLENS + ["check", "--json", str(path)], folder)
            if i >= warmup:
                cli[framework].append(result)

    # The warm server: hover on the model's name, and the whole file's inlay hints.
    warm = {}
    server_reps = 20 if ctx.quick else 200
    with rnnlens_server() as server:
        server.initialize()
        for framework, path in files.items():
            model = _cli_model(cli[framework][0][2])
            uri = path.as_uri()
            server.open(uri, path.read_text())
            lines = path.read_text().count("\n")
            position = (model["line"] - 1, model["column"] - 1) if model else (0, 0)
            server.hover(uri, *position)
            hover_times, hint_times, total = [], [], None
            for _ in range(server_reps):
                elapsed, hover = server.hover(uri, *position)
                hover_times.append(elapsed)
                elapsed, _ = server.hints(uri, (0, 0, lines + 1, 0))
                hint_times.append(elapsed)
            if hover:
                match = _TOTAL.search(hover["contents"]["value"])
                total = int(match.group(1).replace(",", "")) if match else None
            warm[framework] = (p50(hover_times), p50(hint_times), total)
        server_rss = server.memory()["VmRSS"]

    table = Table("Against what users do today: the same question, \"how many parameters?\"",
                  ["model", "how", "params", "wall (ms)", "peak RSS (MB)", "rnnlens CLI faster", "goal",
                   "CLI less memory", "goal", "warm hover faster", "goal", "verdict"])
    for framework in files:
        cli_time = p50([t for t, _, _ in cli[framework]])
        cli_rss = p50([m for _, m, _ in cli[framework]])
        model = _cli_model(cli[framework][0][2])
        cli_count = model["params"] if model else None
        hover_time, hint_time, hover_count = warm[framework]
        for name, (fw, _) in scripts.items():
            if fw != framework:
                continue
            wall = p50([t for t, _, _ in runs[name]])
            rss = p50([m for _, m, _ in runs[name]])
            counts = {int(out.strip().splitlines()[-1]) for _, _, out in runs[name]}
            count = counts.pop() if len(counts) == 1 else None
            agree = count is not None and count == cli_count == hover_count
            if not agree:
                ctx.problem(f"users: {name} counts {count}, rnnlens check {cli_count}, the hover {hover_count}")
            short = name.split(":")[0] if ":" in name else "torchinfo"
            goals = [ctx.goal("users", f"CLI faster than {short} ({framework} model)", wall / cli_time, 20,
                              at_most=False),
                     ctx.goal("users", f"CLI less peak memory than {short} ({framework} model)", rss / cli_rss, 10,
                              at_most=False),
                     ctx.goal("users", f"warm server faster than {short} ({framework} model)", wall / hover_time,
                              1000, at_most=False)]
            if not agree:
                for goal in goals:
                    goal.note = "counts differ"
            state = "MISMATCH" if not agree else " / ".join(g.verdict for g in goals)
            table.add(framework, name, f"{count:,}" if count is not None else "?", ms(wall), mb(rss),
                      ratio(wall / cli_time), "≥ 20×", ratio(rss / cli_rss), "≥ 10×", ratio(wall / hover_time),
                      "≥ 1,000×", state)
        table.add(framework, "rnnlens check --json (process)", f"{cli_count:,}" if cli_count is not None else "?",
                  ms(cli_time), mb(cli_rss), "", "", "", "", "", "", "")
        table.add(framework, "warm server: hover on the model", f"{hover_count:,}" if hover_count is not None else "?",
                  ms(hover_time), "", "", "", "", "", "", "", "")
        table.add(framework, "warm server: inlay hints, whole file", "", ms(hint_time), "", "", "", "", "", "", "", "")
    table.add("—", "for scale: `python -c pass`", "", ms(p50([t for t, _, _ in bare])), mb(p50([m for _, m, _ in bare])),
              "", "", "", "", "", "", "")
    table.notes += [
        f"- Processes: median of {reps} runs{' after a dropped warm-up run' if warmup else ''}; peak RSS is GNU "
        f"time's %M (maximum resident set size) of that process. Warm server: median of {server_reps} round trips; "
        f"its RSS after the two files: {mb(server_rss)} MB.",
        "- The counts of every row of a model agree (checked), or the row says MISMATCH.",
    ]
    ctx.emit(table)
