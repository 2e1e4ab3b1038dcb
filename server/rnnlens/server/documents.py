"""Open documents: their text as UTF-8 bytes, their parse tree (re-parsed incrementally after each
edit), and their analysis cached per (version, frameworks).

The server keeps its own copy of each document's text rather than reading pygls' workspace, so that
a request for a document that was never opened never reads the disk.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from ..analysis import DocumentAnalysis, UnitCache, analyze
from ..analysis.notebook import join_cells
from ..analysis.stability import ByteEdit, carry_over
from ..analysis.syntax import Tree, parse
from ..positions import LineIndex


def _point(source: bytes, offset: int) -> Tuple[int, int]:
    row = source.count(b"\n", 0, offset)
    return row, offset - (source.rfind(b"\n", 0, offset) + 1)


def _applied(lines: LineIndex, change: types.TextDocumentContentChangeEvent,
             encoding: str) -> Tuple[LineIndex, ByteEdit]:
    """The text (as its line index) after `change`, its range read as LSP reads it, and the bytes it
    replaced."""
    if isinstance(change, types.TextDocumentContentChangePartial):
        start = lines.offset(change.range.start.line, change.range.start.character, encoding)
        end = lines.offset(change.range.end.line, change.range.end.character, encoding)
        start, end = min(start, end), max(start, end)
    else:
        start, end = 0, len(lines.source)
    inserted = change.text.encode("utf-8", errors="surrogatepass")
    new_end = start + len(inserted)
    source = lines.source[:start] + inserted + lines.source[end:]
    return lines.edited(start, end, new_end, source), ByteEdit(start, end, new_end)


@dataclass
class Document:
    uri: str
    version: Optional[int]
    source: bytes
    lines: LineIndex = field(init=False)
    tree: Optional[Tree] = None
    _analyses: Dict[Tuple[str, ...], DocumentAnalysis] = field(default_factory=dict)
    # The last analysis and the edits made since, to carry findings over a broken edit.
    _last: Optional[Tuple[Optional[DocumentAnalysis], bytes, Tuple[str, ...]]] = None
    _edits: List[ByteEdit] = field(default_factory=list)
    _units: UnitCache = field(default_factory=UnitCache)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.source)

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> None:
        old = self.source
        self.lines, edit = _applied(self.lines, change, encoding)
        self.source = self.lines.source
        if self.tree is not None:
            self.tree.edit(edit.start, edit.old_end, edit.new_end, _point(old, edit.start), _point(old, edit.old_end),
                           _point(self.source, edit.new_end))
        self._edits.append(edit)
        self._analyses.clear()

    def analysis(self, frameworks: Sequence[str], time_budget: Optional[float] = None) -> DocumentAnalysis:
        key = tuple(frameworks)
        cached = self._analyses.get(key)
        if cached is not None:
            return cached
        self.tree = parse(self.source, self.tree)
        result = analyze(self.source, key, self.tree, self._units, time_budget)
        if self._last is not None and self._last[2] == key and self._edits:
            previous, previous_source, _ = self._last
            if previous is None and self.tree.root_node.has_error:
                # Forgotten to bound memory (see `forget`): carrying findings over broken text needs it again.
                previous = analyze(previous_source, key)
            if previous is not None:
                result = carry_over(previous, previous_source, self._edits, result, self.source, self.tree)
        self._last, self._edits = (result, self.source, key), []
        # A cut-short answer is not kept: the next request goes on from the units analysed so far.
        self._analyses = {key: result} if result.complete else {}
        return result

    def evict_tree(self) -> None:
        """Drop the parse tree (the next analysis parses from scratch) to bound memory."""
        self.tree = None
        self._units.statements = {}

    @property
    def remembers(self) -> bool:
        """Whether an analysis of this document is kept (see `forget`)."""
        return bool(self._analyses) or len(self._units) > 0 or (self._last is not None and self._last[0] is not None)

    def forget(self) -> bool:
        """Drop the analysis, the units' results and the parse tree of a document not used lately, to
        bound memory; the next request analyses it afresh, with the same result. Only the source of the
        last analysed version is kept, in case an edit breaks the text and its findings must be carried
        over. An analysis the time budget cut short is kept. Returns whether anything was dropped."""
        if self._last is not None and self._last[0] is not None and not self._last[0].complete:
            return False
        self._analyses = {}
        self._units = UnitCache()
        if self._last is not None:
            self._last = (None, self._last[1], self._last[2])
        self.tree = None
        return True


@dataclass(frozen=True)
class CellView:
    """Where one notebook cell sits in its notebook's joined source."""

    notebook: str
    offset: int  # the cell's first byte in the joined source
    length: int
    index: int  # among the notebook's code cells


# Parse trees (about 1.2 MB per 1,000 lines) are kept for the most recently opened or edited documents.
MAX_PARSE_TREES = 4
# Analyses (about 1.4 MB per 1,000 lines) are kept for the most recently used documents up to this much
# source in all, and for the last MIN_ANALYSED used whatever their size; re-analysing is cheap.
ANALYSED_SOURCE_BYTES = 1 << 19
MIN_ANALYSED = 4


class GarbageCollector:
    """Keeps Python's full garbage collections off the whole analysed heap. Those traverse every live
    object — about 100 ms with a 10,000-line document analysed — and landed in the middle of an edit's
    analysis every few edits. Under `rnnlens serve`, once documents stop changing for IDLE_SECONDS, the
    server collects in full itself and freezes what survives (gc.freeze): Python's own collections then
    traverse only what was made since. What is frozen and later dropped is freed as usual, and in a
    cycle at the next pause."""

    IDLE_SECONDS = 0.5

    def __init__(self) -> None:
        self.enabled = False
        self._timer: Optional[asyncio.TimerHandle] = None

    def enable(self) -> None:
        self.enabled = True
        gc.freeze()  # what start-up made lives as long as the server

    def changed(self) -> None:
        """A document was opened or changed."""
        if not self.enabled:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            self._timer = asyncio.get_running_loop().call_later(self.IDLE_SECONDS, self.collect)
        except RuntimeError:  # no event loop: Python's own collections alone
            pass

    def collect(self) -> None:
        self._timer = None
        gc.unfreeze()
        gc.collect()
        gc.freeze()


COLLECTOR = GarbageCollector()


class DocumentStore:
    """Open documents by URI. Parse trees are kept for the most recently edited documents only (an
    evicted one is re-parsed from scratch on its next edit), and analyses for the most recently used
    ones, which bounds memory with many files open."""

    def __init__(self) -> None:
        self.documents: Dict[str, Document] = {}
        self.cells: Dict[str, CellView] = {}
        # Every open cell's own text (markdown ones too: a cell can change kind), edited here rather than
        # read from pygls' copies, which split lines where LSP does not (see protocol.py's didChange).
        self.cell_texts: Dict[str, LineIndex] = {}
        self._recent: Dict[str, None] = {}  # insertion-ordered: least recently edited first
        self._used: Dict[str, None] = {}  # insertion-ordered: least recently used first

    def _touch(self, uri: str) -> None:
        self._recent.pop(uri, None)
        self._recent[uri] = None
        while len(self._recent) > MAX_PARSE_TREES:
            oldest = next(iter(self._recent))
            del self._recent[oldest]
            if oldest in self.documents:
                self.documents[oldest].evict_tree()
        self._use(uri)

    def _use(self, uri: str) -> None:
        if next(reversed(self._used), None) == uri:
            return
        self._used.pop(uri, None)
        self._used[uri] = None
        total, kept = 0, 0
        for used in reversed(list(self._used)):
            document = self.documents.get(used)
            if document is None or not document.remembers:
                continue
            total += len(document.source)
            kept += 1
            if kept > MIN_ANALYSED and total > ANALYSED_SOURCE_BYTES and document.forget():
                total -= len(document.source)

    def open(self, uri: str, version: Optional[int], text: str) -> Document:
        document = Document(uri, version, text.encode("utf-8", errors="surrogatepass"))
        self.documents[uri] = document
        self._touch(uri)
        COLLECTOR.changed()
        return document

    def change(self, uri: str, version: Optional[int], changes, encoding: str) -> Optional[Document]:
        document = self.documents.get(uri)
        if document is None:
            return None
        for change in changes:
            document.apply(change, encoding)
        document.version = version
        self._touch(uri)
        COLLECTOR.changed()
        return document

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)
        self._recent.pop(uri, None)
        self._used.pop(uri, None)

    def get(self, uri: str) -> Optional[Document]:
        document = self.documents.get(uri)
        if document is not None:
            self._use(uri)
        return document

    def open_cells(self, documents: Sequence[types.TextDocumentItem]) -> None:
        for document in documents:
            self.cell_texts[document.uri] = LineIndex(document.text.encode("utf-8", errors="surrogatepass"))

    def change_cells(self, change: Optional[types.NotebookDocumentCellChanges], encoding: str) -> None:
        """Cells opened, closed and edited by a notebookDocument/didChange, in the order LSP gives."""
        if change is None:
            return
        if change.structure is not None:
            self.open_cells(change.structure.did_open or [])
            for closed in change.structure.did_close or []:
                self.cell_texts.pop(closed.uri, None)
        for edited in change.text_content or []:
            lines = self.cell_texts.get(edited.document.uri)
            if lines is None:
                continue
            for text_change in edited.changes:
                lines, _ = _applied(lines, text_change, encoding)
            self.cell_texts[edited.document.uri] = lines

    def cell_text(self, uri: str) -> str:
        lines = self.cell_texts.get(uri)
        return lines.source.decode("utf-8", errors="surrogatepass") if lines is not None else ""

    def set_notebook(self, uri: str, version: Optional[int], cells: Sequence[str]) -> Document:
        """(Re)build a notebook's joined document from its code cells, given by their URIs."""
        cells = [(cell_uri, self.cell_text(cell_uri)) for cell_uri in cells]
        joined = join_cells([text for _, text in cells], list(range(len(cells))))
        data = joined.source.encode("utf-8", errors="surrogatepass")
        for cell_uri in [u for u, view in self.cells.items() if view.notebook == uri]:
            del self.cells[cell_uri]
        ends = list(joined.cell_offsets[1:]) + [len(data)]
        for index, ((cell_uri, _), start, end) in enumerate(zip(cells, joined.cell_offsets, ends)):
            self.cells[cell_uri] = CellView(uri, start, end - start - 1, index)  # less the joining newline
        previous = self.documents.get(uri)
        if previous is not None and previous.source == data:
            previous.version = version
            return previous
        return self.open(uri, version, joined.source)

    def notebook_cells(self, uri: str) -> List[CellView]:
        return sorted((view for view in self.cells.values() if view.notebook == uri), key=lambda v: v.offset)

    def close_notebook(self, uri: str, cells: Sequence[str]) -> None:
        self.close(uri)
        for cell_uri in cells:
            self.cell_texts.pop(cell_uri, None)
        for cell_uri in [u for u, view in self.cells.items() if view.notebook == uri]:
            del self.cells[cell_uri]
