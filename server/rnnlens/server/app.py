"""The language server object: documents, settings and the negotiated position encoding. Each LSP
feature lives in its own module under `features/` and only reads from here."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from dataclasses import dataclass
from typing import Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..analysis import DocumentAnalysis
from ..positions import UTF8, UTF16, UTF32, LineIndex
from .documents import Document, DocumentStore
from .protocol import RnnLensProtocol
from .settings import Settings

ENCODINGS = {types.PositionEncodingKind.Utf8: UTF8, types.PositionEncodingKind.Utf16: UTF16,
             types.PositionEncodingKind.Utf32: UTF32}
LOG_LEVELS = {"error": types.MessageType.Error, "warning": types.MessageType.Warning,
              "info": types.MessageType.Info, "debug": types.MessageType.Log}


@dataclass(frozen=True)
class View:
    """A document as the client addresses it: a whole file, or one cell of a notebook whose cells
    are analysed together. Converts between the analysis's byte offsets and LSP positions."""

    document: Document
    base: int  # the first byte of this view in the analysed source
    lines: LineIndex
    encoding: str
    frameworks: tuple
    time_budget: float
    cells: tuple = ()  # for a notebook cell: every code cell of its notebook, in order

    def where(self, offset: int) -> str:
        """"line 3" for people (1-based), or "cell 2, line 1" in a notebook."""
        for cell in reversed(self.cells):
            if offset >= cell.offset:
                line = self.document.source.count(b"\n", cell.offset, offset) + 1
                return f"cell {cell.index + 1}, line {line}"
        line, _ = self.document.lines.position(offset, UTF8)
        return f"line {line + 1}"

    @property
    def analysis(self) -> DocumentAnalysis:
        return self.document.analysis(self.frameworks, self.time_budget)

    @property
    def end(self) -> int:
        return self.base + len(self.lines.source)

    def contains(self, start: int, end: int) -> bool:
        return self.base <= start and end <= self.end

    def position(self, offset: int) -> types.Position:
        line, character = self.lines.position(offset - self.base, self.encoding)
        return types.Position(line=line, character=character)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        return self.base + self.lines.offset(position.line, position.character, self.encoding)


class RnnLensServer(LanguageServer):
    exit_code = 0  # what `rnnlens serve` ends with: 1 after an `exit` without `shutdown`, as LSP asks

    def __init__(self) -> None:
        super().__init__(
            "rnnlens", __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    cells=[types.NotebookCellLanguage(language="python")], notebook="*")]),
            protocol_cls=RnnLensProtocol,
        )
        self.store = DocumentStore()
        self.settings = Settings()

    @property
    def encoding(self) -> str:
        try:
            negotiated = self.workspace.position_encoding
        except RuntimeError:
            return UTF16
        return ENCODINGS.get(negotiated, UTF16)

    def view(self, uri: str) -> Optional[View]:
        frameworks, budget = self.settings.frameworks, self.settings.analysis_time_budget
        cell = self.store.cells.get(uri)
        if cell is not None:
            document = self.store.get(cell.notebook)
            if document is None:
                return None
            lines = LineIndex(document.source[cell.offset:cell.offset + cell.length])
            cells = tuple(self.store.notebook_cells(cell.notebook))
            return View(document, cell.offset, lines, self.encoding, frameworks, budget, cells)
        document = self.store.get(uri)
        if document is None:
            return None
        return View(document, 0, document.lines, self.encoding, frameworks, budget)

    def start_io(self, stdin=None, stdout=None) -> None:
        """pygls' `_start_io_async` with two changes: messages are read by RnnLensProtocol.read (which
        finds its way back after a wrong Content-Length), and the code pygls' `exit` handler passes
        to sys.exit is kept in `exit_code` (pygls swallows the SystemExit)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        try:
            asyncio.run(self.protocol.read(reader, self._stop_event))
        except BrokenPipeError:
            logging.getLogger("rnnlens").error("the client has gone: shutting down")
        except SystemExit as stop:
            self.exit_code = stop.code
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def report_server_error(self, error: Exception, source) -> None:
        """Errors outside a request go to the log, not into a message box; a body that is not UTF-8
        JSON is answered with a ParseError."""
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
            self.protocol.answer_parse_error(error)
            return
        if isinstance(error, JsonRpcException):  # already answered to the client as an error response
            self.log(f"request failed: {error}", "warning")
        else:
            self.log(f"internal error ({getattr(source, '__name__', source)}): {error!r}", "error")

    def log(self, message: str, level: str = "info") -> None:
        """Log to the client's output, at or above the configured level."""
        order = list(LOG_LEVELS)
        if order.index(level) <= order.index(self.settings.log_level):
            try:
                self.window_log_message(types.LogMessageParams(type=LOG_LEVELS[level], message=message))
            except Exception:  # no client connected yet: the log is best-effort by nature
                logging.getLogger("rnnlens").log(logging.INFO, message)

    def client_supports(self, *path: str) -> bool:
        """Whether the client's capabilities have a truthy value at `path`."""
        node = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return False
        return bool(node)
