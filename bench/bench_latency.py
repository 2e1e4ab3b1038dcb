"""1. Server latency against the pygls floor: inlay hints (visible range and whole document) and hover, on
generated model files of 1,000 and 10,000 lines — cold, warm, 25 ms after a one-character edit, and
back to back with the edit. The two servers run side by side and are measured alternately (ABAB…, the
first of each pair alternating too), so drift on a noisy machine hits both alike."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from common import Context, Table, floor_server, ms, p50, p99, ratio, rnnlens_server, verdict
from docs import Answers, Doc, describe_difference, make_doc, precompute, same_hints
from lsp_client import LspClient

EDIT_DELAY = 0.025  # VS Code's debounce before it asks again


@dataclass
class Side:
    """One server under measurement, with the state of its open benchmark document."""

    client: LspClient
    variant: Dict[str, str] = field(default_factory=dict)  # uri -> "a" / "b"
    samples: Dict[str, List[float]] = field(default_factory=dict)
    mismatches: Dict[str, str] = field(default_factory=dict)  # case -> the first difference
    mismatch_counts: Dict[str, int] = field(default_factory=dict)


@dataclass
class Reps:
    cold: int
    warm: int
    edit: int


def reps_for(quick: bool, lines: int) -> Reps:
    if quick:
        return Reps(cold=3, warm=30, edit=15)
    return Reps(cold=20 if lines <= 1000 else 10, warm=200, edit=100)


class Pair:
    """RNN Lens and the floor, driven alike."""

    def __init__(self, answers: Answers, rn: LspClient, fl: LspClient):
        self.answers = answers
        self.sides = {"rnnlens": Side(rn), "floor": Side(fl)}

    def interleave(self, case: str, reps: int, measure: Callable[[Side, int], Tuple[float, bool, str]]) -> None:
        order = list(self.sides.values())
        for side in order:
            side.samples[case] = []
            side.mismatches.pop(case, None)
            side.mismatch_counts.pop(case, None)
        for i in range(reps):
            for side in (order if i % 2 == 0 else order[::-1]):
                elapsed, ok, why = measure(side, i)
                side.samples[case].append(elapsed)
                if not ok:
                    side.mismatches.setdefault(case, why)
                    side.mismatch_counts[case] = side.mismatch_counts.get(case, 0) + 1

    def check_hints(self, side: Side, doc: Doc, uri: str, range_name: str, result) -> Tuple[bool, str]:
        expected = self.answers.expected(doc, side.variant.get(uri, "a"), range_name)
        if same_hints(result, expected, uri, side.client.versions.get(uri, 1)):
            return True, ""
        return False, describe_difference(result, expected)

    # -- cases ------------------------------------------------------------------------------------------
    def cold(self, doc: Doc, range_name: str, reps: int) -> str:
        case = f"cold {range_name}"
        text, hint_range = doc.text, doc.ranges[range_name]

        def measure(side: Side, i: int):
            uri = doc.uri(f"cold-{range_name}-{i}")
            elapsed, result = side.client.hints(uri, hint_range, before=side.client.open_bytes(uri, text))
            ok, why = self.check_hints(side, doc, uri, range_name, result)
            side.client.close(uri)
            return elapsed, ok, why

        self.interleave(case, reps, measure)
        return case

    def warm(self, doc: Doc, uri: str, range_name: str, reps: int, label: str = "") -> str:
        case = f"warm {range_name}{label}"
        hint_range = doc.ranges[range_name]

        def measure(side: Side, i: int):
            elapsed, result = side.client.hints(uri, hint_range)
            return (elapsed,) + self.check_hints(side, doc, uri, range_name, result)

        self.interleave(case, reps, measure)
        return case

    def hover(self, doc: Doc, uri: str, reps: int) -> str:
        case = "warm hover"
        position = doc.hovers[0]

        def measure(side: Side, i: int):
            elapsed, result = side.client.hover(uri, *position)
            expected = self.answers.hovers[(doc.name, side.variant.get(uri, "a"), position)]
            return elapsed, result == expected, "" if result == expected else "different hover"

        self.interleave(case, reps, measure)
        return case

    def _edit_bytes(self, side: Side, doc: Doc, uri: str) -> bytes:
        line, character, digit_a, digit_b = doc.edit
        new = "b" if side.variant.get(uri, "a") == "a" else "a"
        side.variant[uri] = new
        return side.client.change_bytes(uri, line, character, character + 1, digit_b if new == "b" else digit_a)

    def edit(self, doc: Doc, uri: str, range_name: str, reps: int, delay: Optional[float]) -> str:
        case = f"edit+25ms {range_name}" if delay else f"back-to-back {range_name}"
        hint_range = doc.ranges[range_name]

        def measure(side: Side, i: int):
            change = self._edit_bytes(side, doc, uri)
            if delay:
                side.client.write(change)
                time.sleep(delay)
                change = b""
            elapsed, result = side.client.hints(uri, hint_range, before=change)
            return (elapsed,) + self.check_hints(side, doc, uri, range_name, result)

        self.interleave(case, reps, measure)
        return case


def mismatch_text(side: Side, case: str) -> str:
    if case not in side.mismatches:
        return f"{side.client.label}: all {len(side.samples[case])} identical"
    return (f"{side.client.label}: {side.mismatch_counts[case]} of {len(side.samples[case])} differ, "
            f"first: {side.mismatches[case][:300]}")


GOALS = {  # case -> (p50 limit, p99 limit); whole-document edits get 2× (the issue names 10,000 lines)
    "warm visible": (1.5, 3.0), "warm whole": (1.5, 3.0), "warm hover": (1.5, 3.0),
    "edit+25ms visible": (1.5, 3.0), "edit+25ms whole": (2.0, 3.0),
    "back-to-back visible": (3.0, 3.0), "back-to-back whole": (3.0, 3.0),
}


def run(ctx: Context, sizes=(1000, 10000)) -> None:
    docs = [make_doc(f"latency{lines}", lines, seed=7) for lines in sizes]
    ctx.log("latency: asking RNN Lens for the floor's table…")
    answers = precompute(docs)
    for note in answers.unstable:
        ctx.problem(f"RNN Lens's answer changed between identical requests: {note}")
    table_path = answers.write_table(ctx.tmp / "latency-table.json")
    table = Table("Latency: RNN Lens vs the pygls floor (round trip through a stdio client, ms)",
                  ["lines", "case", "hints", "n", "rnnlens p50", "floor p50", "ratio p50", "goal p50",
                   "rnnlens p99", "floor p99", "ratio p99", "goal p99", "verdict"])
    for doc in docs:
        reps = reps_for(ctx.quick, doc.lines)
        ctx.log(f"latency: {doc.lines:,} lines ({reps})…")
        with rnnlens_server() as rn, floor_server(table_path) as fl:
            rn.initialize()
            fl.initialize()
            pair = Pair(answers, rn, fl)
            cases = []
            for range_name in ("visible", "whole"):
                cases.append(pair.cold(doc, range_name, reps.cold))
            uri = doc.uri("main")
            for side in pair.sides.values():
                side.client.open(uri, doc.text)
                side.client.hints(uri, doc.ranges["whole"])  # analysed once before the warm cases
            for range_name in ("visible", "whole"):
                cases.append(pair.warm(doc, uri, range_name, reps.warm))
            cases.append(pair.hover(doc, uri, reps.warm))
            for range_name in ("visible", "whole"):
                cases.append(pair.edit(doc, uri, range_name, reps.edit, EDIT_DELAY))
            for range_name in ("visible", "whole"):
                cases.append(pair.edit(doc, uri, range_name, reps.edit, None))
            rn_side, fl_side = pair.sides["rnnlens"], pair.sides["floor"]
            for case in cases:
                a, b = rn_side.samples[case], fl_side.samples[case]
                r50, r99 = p50(a) / p50(b), p99(a) / p99(b)
                range_name = case.rsplit(" ", 1)[1]
                count = 1 if range_name == "hover" else len(answers.expected(doc, "a", range_name))
                goals = GOALS.get(case)
                g50 = g99 = None
                if goals is not None:
                    g50 = ctx.goal("latency", f"{case}, {doc.lines:,} lines, p50", r50, goals[0])
                    g99 = ctx.goal("latency", f"{case}, {doc.lines:,} lines, p99", r99, goals[1])
                mismatch = rn_side.mismatches.get(case) or fl_side.mismatches.get(case)
                if mismatch:
                    for goal in (g50, g99):
                        if goal is not None:
                            goal.note = "answers differ"
                    ctx.problem(f"latency {doc.lines} {case}: answers differ from RNN Lens's precomputed one — "
                                f"{mismatch_text(rn_side, case)}; {mismatch_text(fl_side, case)}")
                state = "MISMATCH" if mismatch else " / ".join(filter(None, [verdict(g50), verdict(g99)])) or "(report)"
                table.add(f"{doc.lines:,}", case, count, len(a), ms(p50(a)), ms(p50(b)), ratio(r50),
                          f"≤ {goals[0]}×" if goals else "—", ms(p99(a)), ms(p99(b)), ratio(r99),
                          f"≤ {goals[1]}×" if goals else "—", state)
    table.notes += [
        "- cold: from writing didOpen to the first inlayHint response (request sent with the didOpen); "
        "warm: the same request again; edit+25ms: a one-digit didChange inside a constructor's argument, "
        "the request 25 ms later; back-to-back: didChange and request written together, timed from the didChange.",
        f"- visible = {docs[0].ranges['visible'][2] - docs[0].ranges['visible'][0]} lines around the edited "
        "constructor; whole = (0,0)–(lines,0). Client capabilities: VS Code's (resolvable tooltips). "
        "Every response of both servers is checked against RNN Lens's precomputed answer for the live version.",
    ]
    ctx.emit(table)
