"""Findings that survive a broken edit elsewhere.

While a user types `foo(` above a constructor, tree-sitter may fold the constructor into an ERROR
node, and a fresh analysis loses it. If the constructor's own text was not touched by the edits, its
last good finding — moved by the edits — is still right, and showing it keeps hints from flickering.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional, Sequence

from .findings import DocumentAnalysis, Finding
from .syntax import Node, Span, Tree


@dataclass(frozen=True)
class ByteEdit:
    start: int
    old_end: int
    new_end: int


def shift(offset: int, edits: Sequence[ByteEdit]) -> Optional[int]:
    """Where an offset of the old text is after the edits; None if an edit replaced it."""
    for edit in edits:
        if offset >= edit.old_end:
            offset += edit.new_end - edit.old_end
        elif offset > edit.start:
            return None
    return offset


def _moved(span: Span, edits: Sequence[ByteEdit]) -> Optional[Span]:
    start, end = shift(span.start_byte, edits), shift(span.end_byte, edits)
    if start is None or end is None or end - start != span.end_byte - span.start_byte:
        return None
    return Span(start, end)


def _inside_error(tree: Tree, span: Span) -> bool:
    node: Optional[Node] = tree.root_node.descendant_for_byte_range(span.start_byte, span.end_byte)
    while node is not None:
        if node.is_error:
            return True
        node = node.parent
    return False


def carry_over(previous: DocumentAnalysis, previous_source: bytes, edits: Sequence[ByteEdit],
               current: DocumentAnalysis, source: bytes, tree: Tree) -> DocumentAnalysis:
    """`current`, plus each previous finding that the edits did not touch, that the new parse lost
    inside broken text, and whose text is still there. Only the broken regions are examined."""
    broken = [(node.start_byte, node.end_byte) for node in tree.root_node.children if node.has_error]
    if not broken:
        return current
    kept: List[Finding] = []
    for start, end in broken:
        present = {f.span.start_byte for f in current.findings_between(start, end)}
        old_start, old_end = _unshift(start, edits), _unshift(end, edits)
        for finding in previous.findings_between(old_start, old_end):
            span = _moved(finding.span, edits)
            if span is None or span.start_byte in present or not _inside_error(tree, span):
                continue
            if source[span.start_byte:span.end_byte] != previous_source[finding.span.start_byte:finding.span.end_byte]:
                continue
            callee = _moved(finding.callee, edits) or span
            diagnostics = tuple(replace(d, span=moved) for d in finding.diagnostics
                                if (moved := _moved(d.span, edits)) is not None)
            kept.append(replace(finding, span=span, callee=callee, diagnostics=diagnostics, wrapped_by=None,
                                model=None))
    if not kept:
        return current
    return _merged(current, kept)


def _unshift(offset: int, edits: Sequence[ByteEdit]) -> int:
    """An offset of the new text mapped back to the old one (clamped into an edit it falls in)."""
    for edit in reversed(edits):
        if offset >= edit.new_end:
            offset += edit.old_end - edit.new_end
        elif offset > edit.start:
            offset = edit.start
    return offset


def _merged(current: DocumentAnalysis, kept: List[Finding]) -> DocumentAnalysis:
    everything = sorted(list(current.findings) + kept, key=lambda f: f.span.start_byte)
    fresh = {id(finding) for finding in current.findings}
    renumber = {finding.index: position for position, finding in enumerate(everything) if id(finding) in fresh}
    findings = tuple(
        replace(finding, index=position,
                wrapped_by=renumber.get(finding.wrapped_by) if id(finding) in fresh else None)
        for position, finding in enumerate(everything))
    models = tuple(replace(m, members=tuple(renumber[i] for i in m.members)) for m in current.models)
    return DocumentAnalysis.of(findings, models)
