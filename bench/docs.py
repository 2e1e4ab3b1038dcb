"""Benchmark documents, the floor's table of RNN Lens's answers, and the check that both servers agree.

A document has at most two versions: as generated (variant "a") and with one digit of a constructor's
argument replaced (variant "b"); the benchmarks' edits toggle between them, so the floor's table holds
RNN Lens's answers for both, computed by a real RNN Lens server before any measurement.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from common import dump_json, rnnlens_server
from generate import edit_site, generate

RangeKey = Tuple[int, int, int, int]
VISIBLE_LINES = 100


@dataclass
class Doc:
    name: str
    text: str
    lines: int
    edit: Optional[Tuple[int, int, str, str]] = None  # line, character, digit of "a", digit of "b"
    ranges: Dict[str, RangeKey] = field(default_factory=dict)
    hovers: List[Tuple[int, int]] = field(default_factory=list)

    def uri(self, tag: str) -> str:
        return f"file:///bench/{self.name}/{tag}.py"

    def variant_text(self, variant: str) -> str:
        if variant == "a" or self.edit is None:
            return self.text
        line, character, _, digit = self.edit
        offset = self.offset(line, character)
        return self.text[:offset] + digit + self.text[offset + 1:]

    def offset(self, line: int, character: int) -> int:
        lines = self.text.split("\n")
        return sum(len(l) + 1 for l in lines[:line]) + character

    @property
    def variants(self) -> Tuple[str, ...]:
        return ("a", "b") if self.edit is not None else ("a",)

    def probe_text(self, variant: str) -> str:
        if self.edit is None:
            return ""
        return self.edit[2] if variant == "a" else self.edit[3]


def make_doc(name: str, lines: int, seed: int, editable: bool = True) -> Doc:
    """A generated document with its visible range (~100 lines around the middle edit), its whole range,
    and a hover position on the edited constructor."""
    text = generate(lines, seed)
    doc = Doc(name, text, lines)
    doc.ranges["whole"] = (0, 0, lines, 0)
    if editable:
        line, character, digit = edit_site(text, lines // 2)
        doc.edit = (line, character, digit, str((int(digit) + 1) % 10))
        start = max(0, line - VISIBLE_LINES // 2)
        doc.ranges["visible"] = (start, 0, min(lines, start + VISIBLE_LINES), 0)
        source_line = text.split("\n")[line]
        doc.hovers.append((line, source_line.index("nn.") + 3))  # on the constructor's name
    else:
        start = max(0, lines // 2 - VISIBLE_LINES // 2)
        doc.ranges["visible"] = (start, 0, min(lines, start + VISIBLE_LINES), 0)
    return doc


def key(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


@dataclass
class Answers:
    """RNN Lens's answers, per document and variant: what the floor serves and both servers must return."""

    hints: Dict[Tuple[str, str, str], List[Dict[str, Any]]] = field(default_factory=dict)  # (doc, variant, range)
    hovers: Dict[Tuple[str, str, Tuple[int, int]], Any] = field(default_factory=dict)
    table: Dict[str, Any] = field(default_factory=dict)
    unstable: List[str] = field(default_factory=list)  # answers that changed from one request to the next

    def write_table(self, path: Path) -> Path:
        dump_json(path, self.table)
        return path

    def expected(self, doc: Doc, variant: str, range_name: str) -> List[Dict[str, Any]]:
        return self.hints[(doc.name, variant, range_name)]


def normalise(hints: List[Dict[str, Any]], uri: Optional[str], version: Optional[int]) -> Optional[List[Dict[str, Any]]]:
    """Hints with their resolve data's URI and version blanked, after checking they are the live ones
    (None if they are not)."""
    out = []
    for hint in hints:
        data = hint.get("data")
        if isinstance(data, dict) and ("uri" in data or "version" in data):
            if uri is not None and (data.get("uri") != uri or data.get("version") != version):
                return None
            hint = dict(hint, data=dict(data, uri=None, version=None))
        out.append(hint)
    return out


def precompute(docs: Sequence[Doc], log=print) -> Answers:
    """Ask a real RNN Lens server for every (document, variant, range) and hover the benchmarks use."""
    answers = Answers()
    with rnnlens_server("rnnlens (precompute)") as server:
        # Without the time budget: the complete answer, which the measured servers (default settings) must give.
        server.initialize(settings={"analysis": {"timeBudget": 600}})
        for doc in docs:
            entry = {"probe": None, "variants": {}}
            if doc.edit is not None:
                entry["probe"] = [doc.offset(doc.edit[0], doc.edit[1]), 1]
            for variant in doc.variants:
                uri = doc.uri(f"precompute-{variant}")
                server.open(uri, doc.variant_text(variant))
                hints_out, hovers_out = {}, {}
                for range_name, hint_range in doc.ranges.items():
                    result = None
                    for attempt in range(1, 8):  # until two answers agree: a time budget may cut one short
                        _, again = server.hints(uri, hint_range)
                        if again == result:
                            break
                        result = again
                    if attempt > 2:
                        answers.unstable.append(f"{doc.name} ({doc.lines:,} lines) variant {variant}, {range_name}: "
                                                f"{attempt - 1} requests before the answer stopped changing")
                    hints_out[key(hint_range)] = result
                    answers.hints[(doc.name, variant, range_name)] = normalise(result, None, None)
                for position in doc.hovers:
                    _, result = server.hover(uri, *position)
                    hovers_out[key(position)] = result
                    answers.hovers[(doc.name, variant, position)] = result
                server.close(uri)
                entry["variants"][doc.probe_text(variant)] = {"hints": hints_out, "hover": hovers_out}
            answers.table[doc.name] = entry
    return answers


def same_hints(result: List[Dict[str, Any]], expected: List[Dict[str, Any]], uri: str, version: int) -> bool:
    got = normalise(result, uri, version)
    return got is not None and got == expected


def describe_difference(result, expected) -> str:
    got = normalise(copy.deepcopy(result), None, None) or []
    if len(got) != len(expected):
        return f"{len(got)} hints instead of {len(expected)}"
    for number, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return f"hint {number}: {a} instead of {b}"
    return "resolve data with the wrong URI or version"
