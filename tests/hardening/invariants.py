"""What must hold of any analysis of any input, checked independently of the code under test where
that is possible (positions are recomputed here from the text, not with `rnnlens.positions`)."""

from __future__ import annotations

import contextlib
from bisect import bisect_right
import json
import re
import signal
import threading
import time
from typing import Dict, Iterator, List, Sequence, Tuple

from rnnlens.analysis import analyze
from rnnlens.positions import UTF8, UTF16, UTF32, LineIndex
from rnnlens.present import report
from rnnlens.present.hover import layer_markdown, model_markdown
from rnnlens.present.labels import COMPACT, DETAILED, hint_label, model_label
from rnnlens.present.locate import Locator
from rnnlens.present.text import Style, file_report

ENCODINGS = (UTF8, UTF16, UTF32)
MAX_CHECKED_OFFSETS = 400
LINE_END = re.compile(rb"\r\n|\r|\n")


class Hang(AssertionError):
    """The code under test ran past its time bound."""


@contextlib.contextmanager
def time_bound(seconds: float, what: str = "the analysis") -> Iterator[None]:
    """Fail with `Hang` if the block runs longer than `seconds` (SIGALRM: main thread, Python code).
    Elsewhere (a worker thread), only measure and fail afterwards."""
    start = time.monotonic()
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if main:
        def expired(signum, frame):
            raise Hang(f"{what} ran past its bound of {seconds:.1f} s")
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - start
    if elapsed > seconds:
        raise Hang(f"{what} took {elapsed:.1f} s, past its bound of {seconds:.1f} s")


# -- positions, computed independently ------------------------------------------------------------

def line_starts(data: bytes) -> List[int]:
    return [0] + [m.end() for m in LINE_END.finditer(data)]


def line_content(data: bytes, starts: Sequence[int], line: int) -> bytes:
    end = starts[line + 1] if line + 1 < len(starts) else len(data)
    content = data[starts[line]:end]
    for ending in (b"\r\n", b"\n", b"\r"):
        if content.endswith(ending):
            return content[:-len(ending)]
    return content


def units_of(text: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogateescape"))
    if encoding == UTF32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def expected_position(data: bytes, offset: int, encoding: str) -> Tuple[int, int]:
    """The LSP position of a byte offset (which must start a character), from first principles."""
    return expected_positions(data, [offset], encoding)[offset]


def expected_positions(data: bytes, offsets, encoding: str) -> Dict[int, Tuple[int, int]]:
    """`expected_position` of many offsets in one pass (linear in the document, however long its lines)."""
    starts = line_starts(data)
    ends = [starts[i] + len(line_content(data, starts, i)) for i in range(len(starts))]
    result: Dict[int, Tuple[int, int]] = {}
    line, done, units = -1, 0, 0
    for offset in sorted(set(offsets)):
        at = bisect_right(starts, offset) - 1
        if at != line:
            line, done, units = at, starts[at], 0
        within = min(offset, ends[line])
        if within > done:
            units += units_of(data[done:within].decode("utf-8", "surrogateescape"), encoding)
            done = within
        result[offset] = (line, units)
    return result


def line_lengths(data: bytes, encoding: str) -> List[int]:
    starts = line_starts(data)
    return [units_of(line_content(data, starts, i).decode("utf-8", "surrogateescape"), encoding)
            for i in range(len(starts))]


def position_inside(position: Tuple[int, int], lengths: Sequence[int]) -> bool:
    line, character = position
    return 0 <= line < len(lengths) and 0 <= character <= lengths[line]


def is_boundary(data: bytes, offset: int) -> bool:
    return offset == len(data) or offset == 0 or (0 <= offset < len(data) and (data[offset] & 0xC0) != 0x80)


# -- the analysis ---------------------------------------------------------------------------------

def where(offset: int) -> str:
    return f"offset {offset}"


def analysed(data: bytes, bound: float = 30.0, **kwargs):
    with time_bound(bound):
        return analyze(data, **kwargs)


def assert_well_formed(data: bytes, analysis, check_positions: bool = True, present: bool = True) -> None:
    """Spans inside the document, every finding a count / an honest unknown / a diagnostic, and
    every presenter able to show it."""
    size = len(data)
    findings = list(analysis.findings)
    offsets: List[int] = []
    assert len({f.index for f in findings}) == len(findings), "two findings share an index"
    for finding in findings:
        assert analysis.finding(finding.index).span == finding.span, "finding(index) is another finding"
        for span in [finding.span, finding.callee] + [d.span for d in finding.diagnostics] + \
                [a.span for a in finding.arguments if a.span is not None]:
            assert 0 <= span.start_byte <= span.end_byte <= size, (finding.layer, span, size)
            offsets += [span.start_byte, span.end_byte]
        for argument in finding.arguments:
            for origin in argument.origins:
                assert 0 <= origin.offset <= size, (finding.layer, origin, size)
        if finding.wrapped_by is not None:
            assert analysis.finding(finding.wrapped_by) is not None
        total = finding.count.total
        if total is not None and total.is_constant:
            assert total.value >= 0, f"a negative count for {finding.layer}: {total}"
            assert 0 <= finding.count.trainable.value <= total.value
        honest = (total is not None and total.is_constant) or finding.unknowns or finding.diagnostics \
            or finding.count.errors or getattr(finding, "cases", ())
        assert honest, f"{finding.layer} at {finding.span}: no count, no unknown named, no diagnostic"
        if total is not None and not total.is_constant:  # a formula: each of its names has its reason
            unexplained = set(total.unknowns) - {u.name for u in finding.unknowns}
            assert not unexplained, f"{finding.layer} at {finding.span}: {sorted(unexplained)} unknown, no reason given"
    for model in analysis.models:
        assert 0 <= model.span.start_byte <= model.span.end_byte <= size, (model.name, model.span, size)
        offsets += [model.span.start_byte, model.span.end_byte]
        for index in model.members:
            analysis.finding(index)
    if check_positions and offsets:
        index = LineIndex(data)
        sample = sorted(set(offsets))
        if len(sample) > MAX_CHECKED_OFFSETS:  # LineIndex is linear in the line per call: sample
            sample = sample[:: len(sample) // MAX_CHECKED_OFFSETS + 1]
        try:  # in invalid UTF-8 (only direct callers can pass it: the CLI refuses it, LSP text is Unicode)
            data.decode("utf-8")  # a stray continuation byte may well start a token
            valid = True
        except UnicodeDecodeError:
            valid = False
        for offset in sample if valid else ():
            assert is_boundary(data, offset), f"offset {offset} splits a character"
        for encoding in ENCODINGS:
            lengths = line_lengths(data, encoding)
            expected = expected_positions(data, sample, encoding)
            for offset in sample:
                position = index.position(offset, encoding)
                assert not valid or position == expected[offset], (offset, encoding, position, expected[offset])
                assert position_inside(position, lengths), (offset, encoding, position)
    if present:
        for finding in findings:
            hint_label(finding, COMPACT)
            hint_label(finding, DETAILED)
            layer_markdown(finding, where)
        for model in analysis.models:
            model_label(model)
            model_markdown(model, analysis, where)
        json.dumps(report.file_record("doc.py", analysis, Locator(data)))
        file_report("doc.py", analysis, Locator(data), Style(False, COMPACT, "float32"))


def labels(data: bytes, analysis) -> Dict[int, Tuple[str, str]]:
    """Each finding's hint as an editor shows it, by the byte offset of the call's end."""
    return {f.span.end_byte: (f.layer, hint_label(f, COMPACT)) for f in analysis.findings}


# -- an editor's copy of a document, kept by the LSP rules ----------------------------------------

def lsp_offset(data: bytes, line: int, character: int, encoding: str) -> int:
    """The byte offset of an LSP position: a line past the end is the end of the document, a character
    past the end of its line is the line's end, one inside a character is that character's start."""
    starts = line_starts(data)
    if line < 0:
        return 0
    if line >= len(starts):
        return len(data)
    content = line_content(data, starts, line)
    units, offset = 0, 0
    for char in content.decode("utf-8", "surrogateescape"):
        width = units_of(char, encoding)
        if units + width > character:
            break
        units += width
        offset += len(char.encode("utf-8", "surrogateescape"))
    return starts[line] + offset


def apply_change(data: bytes, change: dict, encoding: str) -> bytes:
    inserted = change["text"].encode("utf-8", "surrogatepass")
    if "range" not in change:
        return inserted
    start = lsp_offset(data, change["range"]["start"]["line"], change["range"]["start"]["character"], encoding)
    end = lsp_offset(data, change["range"]["end"]["line"], change["range"]["end"]["character"], encoding)
    start, end = min(start, end), max(start, end)
    return data[:start] + inserted + data[end:]


def expected_hints(data: bytes, encoding: str) -> List[Tuple[Tuple[int, int], str]]:
    """(position, label) of every hint a server must show for this text (fresh analysis, compact
    style): each shown constructor's count, and each instantiation's total where the analysis has them."""
    from rnnlens.present import labels
    analysis = analyze(data)
    hints = [(f.span.end_byte, hint_label(f, COMPACT)) for f in analysis.findings if getattr(f, "shows_hint", True)]
    label_of = getattr(labels, "instantiation_label", None)
    hints += [(i.span.end_byte, label_of(i)) for i in getattr(analysis, "instantiations", ())]
    positions = expected_positions(data, [offset for offset, _ in hints], encoding)
    return sorted((positions[offset], label) for offset, label in hints)


def hints_of(answer) -> List[Tuple[Tuple[int, int], str]]:
    return sorted(((h["position"]["line"], h["position"]["character"]), h["label"]) for h in answer)
