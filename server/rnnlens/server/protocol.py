"""JSON-RPC as the specification asks, where pygls 2.1 falls short.

- A request whose params do not deserialise gets an `InvalidParams` error (pygls sends nothing, and
  the client waits forever).
- A request before `initialize` gets `ServerNotInitialized`; a notification then is dropped.
- A request after `shutdown` gets `InvalidRequest` (pygls ignores it, and the client waits forever).
- A body that is not JSON gets a `ParseError` response with a null id, and a log line rather than a
  message box in the user's face.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict

from cattrs.errors import ClassValidationError
from lsprotocol.types import EXIT, INITIALIZE, ResponseError, ResponseErrorMessage
from pygls.protocol import LanguageServerProtocol

logger = logging.getLogger("rnnlens")

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, SERVER_NOT_INITIALIZED = -32700, -32600, -32602, -32002


class Rejected:
    """A request answered with an error before any handler sees it."""

    def __init__(self, msg_id: Any, code: int, message: str):
        self.id, self.code, self.message = msg_id, code, message


class RnnLensProtocol(LanguageServerProtocol):
    initialized = False

    def structure_message(self, data: Dict[str, Any]):
        if "jsonrpc" not in data or "id" not in data or "method" not in data:
            return super().structure_message(data)
        try:
            return super().structure_message(data)
        except Exception as error:  # pygls wraps a ClassValidationError; anything else is as bad
            reason = error.__cause__ if isinstance(error.__cause__, ClassValidationError) else error
            logger.warning("invalid params for %s: %s", data.get("method"), reason)
            return Rejected(data["id"], INVALID_PARAMS, f"Invalid params for {data.get('method')}")

    def handle_message(self, message):
        if isinstance(message, Rejected):
            self._reject(message.id, message.code, message.message)
            return
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        if method == INITIALIZE:
            self.initialized = True
        elif method is not None and method != EXIT:
            if not self.initialized:
                if is_request:
                    self._reject(message.id, SERVER_NOT_INITIALIZED, "the server has not been initialized")
                return
            if self._shutdown:
                if is_request:
                    self._reject(message.id, INVALID_REQUEST, "the server is shutting down")
                return
        super().handle_message(message)

    def _reject(self, msg_id: Any, code: int, message: str) -> None:
        self._send_data(ResponseErrorMessage(id=msg_id, error=ResponseError(code=code, message=message)))

    def answer_parse_error(self, error: json.JSONDecodeError) -> None:
        logger.warning("a message that is not JSON was dropped: %s", error)
        # A plain dict: the spec wants `"id": null`, which serialising the typed message would drop.
        self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": PARSE_ERROR, "message": "Parse error"}})
