"""JSON-RPC as the specification asks, where pygls 2.1 falls short.

- The reader finds a `Content-Length` header at the end of any line, in any case: after a body of the
  wrong length, pygls (which matches whole lines only) never finds a header again and drops every
  later message; here the mistake costs at most the next message. An absurd length is ignored
  rather than allocated (pygls' MemoryError ends the server).
- JSON that is not a JSON-RPC 2.0 message (no `"jsonrpc": "2.0"`, an id that is neither an integer
  nor a string, a top-level array, number or string) gets `InvalidRequest`, with the id when it can
  be read; pygls sends nothing.
- A request whose params do not deserialise gets an `InvalidParams` error (pygls sends nothing, and
  the client waits forever). A request for an unknown method may omit its params: it gets
  `MethodNotFound`, not `InvalidParams`.
- A request before `initialize` gets `ServerNotInitialized`; a notification then is dropped.
- A request after `shutdown`, `initialize` included, gets `InvalidRequest` (pygls ignores it, and
  the client waits forever).
- A body that is not UTF-8 JSON gets a `ParseError` response with a null id, and a log line rather
  than a message box in the user's face.
- `textDocument/didChange` and `notebookDocument/didChange` reach RNN Lens with the client's ranges,
  untouched by pygls.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any, Dict

import attrs
from cattrs.errors import ClassValidationError
from lsprotocol.types import (EXIT, INITIALIZE, NOTEBOOK_DOCUMENT_DID_CHANGE, TEXT_DOCUMENT_DID_CHANGE,
                              DidChangeNotebookDocumentParams, DidChangeTextDocumentParams)
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

logger = logging.getLogger("rnnlens")

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, SERVER_NOT_INITIALIZED = -32700, -32600, -32602, -32002
# At the end of a line, so that a header glued to the rest of a body of the wrong length is found.
CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\d+)[ \t]*\r?\n?$", re.IGNORECASE)
# A longer body is taken for a garbled header: reading it would fail to allocate (and end the server),
# or wait for bytes that never come. Far above any source file (the hardening tests serve 10 MB ones).
MAX_BODY = 256 << 20


class Rejected:
    """A request answered with an error before any handler sees it."""

    def __init__(self, msg_id: Any, code: int, message: str):
        self.id, self.code, self.message = msg_id, code, message


def is_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def readable_id(data: Any) -> Any:
    """The id to answer an invalid message with: its own when it is one, else null."""
    return data["id"] if isinstance(data, dict) and is_id(data.get("id")) else None


def is_well_formed(data: Dict[str, Any]) -> bool:
    """Whether `data` has the shape of a JSON-RPC 2.0 request, notification or response (the params
    are checked later, against the method's type)."""
    if data.get("jsonrpc") != "2.0":
        return False
    if "method" in data:
        return isinstance(data["method"], str) and ("id" not in data or is_id(data["id"]))
    return "id" in data and (data["id"] is None or is_id(data["id"]))  # a response: null after a ParseError


class RnnLensProtocol(LanguageServerProtocol):
    initialized = False

    async def read(self, reader, stop_event) -> None:
        """pygls' `io_.run_async`, except for the header, found as CONTENT_LENGTH says. A blank line
        ends the headers; a blank line before any header is skipped."""
        length = None
        while not stop_event.is_set():
            line = await reader.readline()
            if not line:
                return
            if line.strip():
                match = CONTENT_LENGTH.search(line)
                if match and int(match.group(1)) <= MAX_BODY:
                    length = int(match.group(1))
                continue
            if length is None:
                continue
            body = await reader.readexactly(length)
            if len(body) < length:  # the client closed its end
                return
            length = None
            try:
                # Strictly UTF-8, as LSP says: json.loads would guess UTF-16 and UTF-32 too.
                self.handle_message(json.loads(body.decode("utf-8"), object_hook=self.structure_message))
            except Exception as error:  # reported (and a ParseError answered) as pygls' loop does
                self._server._report_server_error(error, JsonRpcException)

    def structure_message(self, data: Dict[str, Any]):
        # The JSON decoder's object_hook: called for every object, nested ones first.
        if "jsonrpc" not in data:
            return data  # a nested object, or a message without "jsonrpc" that handle_message refuses
        if not is_well_formed(data):
            return Rejected(readable_id(data), INVALID_REQUEST, "Invalid Request")
        if "method" in data and "params" not in data and self.get_message_type(data["method"]) is None:
            # LSP makes params optional; pygls' generic message types require them. Without this, an
            # unknown method would get InvalidParams instead of MethodNotFound.
            data = dict(data, params=None)
        if "id" not in data or "method" not in data:
            return super().structure_message(data)
        try:
            return super().structure_message(data)
        except Exception as error:  # pygls wraps a ClassValidationError; anything else is as bad
            reason = error.__cause__ if isinstance(error.__cause__, ClassValidationError) else error
            logger.warning("invalid params for %s: %s", data["method"], reason)
            return Rejected(data["id"], INVALID_PARAMS, f"Invalid params for {data['method']}")

    def handle_message(self, message):
        if not isinstance(message, Rejected) and not attrs.has(type(message)):
            # JSON that structure_message left as it was: not a message object at all.
            message = Rejected(readable_id(message), INVALID_REQUEST, "Invalid Request")
        if isinstance(message, Rejected):
            self._reject(message.id, message.code, message.message)
            return
        method = getattr(message, "method", None)
        if method is not None and method != EXIT:
            if self._shutdown or not (self.initialized or method == INITIALIZE):
                if getattr(message, "id", None) is not None:  # a request, not a notification
                    code, reason = ((INVALID_REQUEST, "the server is shutting down") if self._shutdown else
                                    (SERVER_NOT_INITIALIZED, "the server has not been initialized"))
                    self._reject(message.id, code, reason)
                return
            if method == INITIALIZE:
                self.initialized = True
        super().handle_message(message)

    @lsp_method(TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: DidChangeTextDocumentParams):
        # pygls' own handler clamps each change's positions IN PLACE against pygls' copy of the text,
        # which it splits with str.splitlines (lines break at \x0c, \u2028 and more there, not in
        # LSP): pygls gets a copy of the changes, RNN Lens's store the client's own.
        for change in copy.deepcopy(params.content_changes):
            self.workspace.update_text_document(params.text_document, change)
        handler = self.fm.features.get(TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(self, params: DidChangeNotebookDocumentParams):
        # The same for a cell's edits: pygls would clamp them in place against its own copy of the cell.
        self.workspace.update_notebook_document(copy.deepcopy(params))
        handler = self.fm.features.get(NOTEBOOK_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    def _reject(self, msg_id: Any, code: int, message: str) -> None:
        # A plain dict: the spec wants `"id": null`, which serialising the typed message would drop.
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def answer_parse_error(self, error: ValueError) -> None:
        logger.warning("a message that is not UTF-8 JSON was dropped: %s", error)
        self._reject(None, PARSE_ERROR, "Parse error")
