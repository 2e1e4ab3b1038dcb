"""A raw JSON-RPC client for `rnnlens serve` over stdio, able to send what no well-behaved client
would: malformed JSON, wrong Content-Length headers, requests out of order.

It frames messages by hand. A reader thread parses the server's output (tolerantly: the server's
framing is what is under test), answers the requests the server makes of the client
(`workspace/configuration`, refreshes, registrations) and files responses by id, so a test can wait
for one response with a timeout and never hang.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import psutil

ROOT = Path(__file__).resolve().parents[2]
SERVER_ARGV = [sys.executable, "-m", "rnnlens", "serve"]

# What a fresh request must answer, whatever happened before: one LSTM, 56 parameters, its hint at
# the end of the call on line 3 (0-based), all ASCII so that every position encoding agrees.
PROBE_SOURCE = "import torch.nn as nn\n\nHIDDEN = 2\nrnn = nn.LSTM(3, HIDDEN)\n"
PROBE_HINT = ((3, len("rnn = nn.LSTM(3, HIDDEN)")), "56 params")

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
SERVER_NOT_INITIALIZED, REQUEST_CANCELLED = -32002, -32800


class ServerGone(AssertionError):
    pass


class NoResponse(AssertionError):
    pass


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def encode(message: Any) -> bytes:
    return frame(json.dumps(message, ensure_ascii=False).encode("utf-8"))


def vscode_capabilities() -> Dict[str, Any]:
    """What VS Code 1.100 declares, for the features RNN Lens serves (kept here: the suite is standalone)."""
    return {
        "general": {"positionEncodings": ["utf-16"], "staleRequestSupport": {"cancel": True, "retryOnContentModified": []}},
        "window": {"workDoneProgress": True, "showMessage": {}, "showDocument": {"support": True}},
        "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True},
                      "inlayHint": {"refreshSupport": True}, "codeLens": {"refreshSupport": True},
                      "diagnostics": {"refreshSupport": True}, "workspaceFolders": True},
        "textDocument": {
            "synchronization": {"dynamicRegistration": True, "didSave": True},
            "hover": {"dynamicRegistration": True, "contentFormat": ["markdown", "plaintext"]},
            "inlayHint": {"dynamicRegistration": True, "resolveSupport": {"properties": ["tooltip", "textEdits"]}},
            "codeLens": {"dynamicRegistration": True},
            "diagnostic": {"dynamicRegistration": True, "relatedDocumentSupport": False},
            "publishDiagnostics": {"relatedInformation": True},
        },
        "notebookDocument": {"synchronization": {"dynamicRegistration": True}},
    }


def capabilities_for(encoding: Optional[str] = None, pull_diagnostics: bool = True,
                     configuration: bool = True) -> Dict[str, Any]:
    """VS Code's capabilities, offering only `encoding` (UTF-16 when None: the LSP default)."""
    capabilities = vscode_capabilities()
    capabilities.setdefault("general", {})["positionEncodings"] = [encoding] if encoding else ["utf-16"]
    if not pull_diagnostics:
        capabilities["textDocument"].pop("diagnostic", None)
    capabilities["workspace"]["configuration"] = configuration
    return capabilities


class RawServer:
    """One `rnnlens serve` subprocess. Use as a context manager."""

    def __init__(self, argv: Sequence[str] = SERVER_ARGV, env: Optional[Dict[str, str]] = None,
                 cwd: Optional[str] = None, settings: Optional[Dict[str, Any]] = None):
        environment = dict(os.environ)
        environment.update(env or {})
        self.process = subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, bufsize=0, env=environment, cwd=cwd)
        self.settings = settings  # what the client answers to workspace/configuration
        self._ids = itertools.count(1)
        self._write_lock = threading.Lock()
        self._condition = threading.Condition()
        self.responses: Dict[Any, Dict[str, Any]] = {}
        self.notifications: List[Dict[str, Any]] = []
        self.server_requests: List[Dict[str, Any]] = []
        self.unparsed: List[bytes] = []
        self.closed = False
        self.encoding = "utf-16"
        self.versions: Dict[str, int] = {}
        self._probes = itertools.count(1)
        self._stderr: List[bytes] = []
        self.sent_log: List[str] = []  # the last messages sent, for reports (bounded)
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int:
        return psutil.Process(self.process.pid).memory_info().rss

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    # -- reading -------------------------------------------------------------------------------
    def _drain_stderr(self) -> None:
        for line in iter(self.process.stderr.readline, b""):
            self._stderr.append(line)
            if len(self._stderr) > 2000:
                del self._stderr[:1000]

    def _read(self) -> None:
        stream, buffer = self.process.stdout, b""
        try:
            while True:
                end = buffer.find(b"\r\n\r\n")
                while end < 0:
                    chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else os.read(stream.fileno(), 1 << 16)
                    if not chunk:
                        return
                    buffer += chunk
                    end = buffer.find(b"\r\n\r\n")
                length = None
                for line in buffer[:end].split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length is None:
                    self.unparsed.append(buffer[:end])
                    buffer = buffer[end + 4:]
                    continue
                while len(buffer) < end + 4 + length:
                    chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else os.read(stream.fileno(), 1 << 16)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[end + 4:end + 4 + length], buffer[end + 4 + length:]
                self._dispatch(body)
        finally:
            with self._condition:
                self.closed = True
                self._condition.notify_all()

    def _dispatch(self, body: bytes) -> None:
        try:
            message = json.loads(body)
        except ValueError:
            self.unparsed.append(body)
            return
        if "method" in message and "id" in message:
            self.server_requests.append(message)
            self._answer(message)
            return
        with self._condition:
            if "method" in message:
                self.notifications.append(message)
                if len(self.notifications) > 5000:
                    del self.notifications[:2500]
            else:
                msg_id = message.get("id")
                if msg_id is None:
                    key: Any = ("null", len(self.responses))
                elif isinstance(msg_id, (int, str)):
                    key = msg_id
                else:  # an id no request can have had: filed by its JSON text
                    key = ("raw", json.dumps(msg_id, sort_keys=True))
                self.responses.setdefault(key, message)
            self._condition.notify_all()

    def _answer(self, message: Dict[str, Any]) -> None:
        method = message["method"]
        if method == "workspace/configuration":
            items = message.get("params", {}).get("items", [])
            result: Any = [self.settings for _ in items]
        else:  # registrations, refreshes, progress: acknowledged
            result = None
        try:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        except OSError:
            pass

    # -- writing -------------------------------------------------------------------------------
    def send_bytes(self, data: bytes, piece: Optional[int] = None) -> None:
        """Write `data`, flushed in pieces of `piece` bytes if given — all of it before any answer the
        reader thread writes (to workspace/configuration, say), which would land inside the message."""
        self.sent_log.append(data[:400].decode("utf-8", "replace"))
        if len(self.sent_log) > 4000:
            del self.sent_log[:2000]
        step = piece or max(len(data), 1)
        with self._write_lock:
            try:
                for start in range(0, len(data), step):
                    self.process.stdin.write(data[start:start + step])
                    self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as error:
                raise ServerGone(f"the server's input is closed ({error}); stderr:\n{self.stderr[-3000:]}")

    def send(self, message: Any) -> None:
        self.send_bytes(encode(message))

    def next_id(self) -> int:
        return next(self._ids)

    def request(self, method: str, params: Any = None, msg_id: Any = None) -> Any:
        """Send a request; return its id (wait for the answer with `response`)."""
        msg_id = self.next_id() if msg_id is None else msg_id
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def notify(self, method: str, params: Any = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def response(self, msg_id: Any, timeout: float = 20.0) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._condition:
            while msg_id not in self.responses:
                remaining = deadline - time.monotonic()
                if self.closed:
                    raise ServerGone(f"the server closed its output waiting for {msg_id!r} "
                                     f"(exit code {self.process.poll()}); stderr:\n{self.stderr[-3000:]}")
                if remaining <= 0:
                    raise NoResponse(f"no response to {msg_id!r} within {timeout} s")
                self._condition.wait(min(remaining, 0.5))
            return self.responses.pop(msg_id)

    def null_id_responses(self) -> List[Dict[str, Any]]:
        with self._condition:
            keys = [key for key in self.responses if isinstance(key, tuple)]
            return [self.responses.pop(key) for key in keys]

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._condition:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    return False
                self._condition.wait(min(remaining, 0.5))
            return True

    def call(self, method: str, params: Any = None, timeout: float = 20.0) -> Any:
        """A request's result; an error response fails the test."""
        answer = self.response(self.request(method, params), timeout)
        assert "error" not in answer, answer
        return answer.get("result")

    # -- LSP -------------------------------------------------------------------------------------
    def initialize(self, encoding: Optional[str] = None, capabilities: Optional[Dict[str, Any]] = None,
                   options: Optional[Dict[str, Any]] = None, timeout: float = 30.0) -> Dict[str, Any]:
        capabilities = capabilities if capabilities is not None else capabilities_for(encoding)
        params: Dict[str, Any] = {"processId": os.getpid(), "rootUri": None, "capabilities": capabilities}
        if options is not None:
            params["initializationOptions"] = options
        result = self.call("initialize", params, timeout)
        self.encoding = result["capabilities"].get("positionEncoding", "utf-16")
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> str:
        self.versions[uri] = version
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})
        return uri

    def change(self, uri: str, changes: Iterable[Dict[str, Any]], version: Optional[int] = None) -> None:
        self.versions[uri] = version if version is not None else self.versions.get(uri, 0) + 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                              "contentChanges": list(changes)})

    def edit(self, uri: str, start: Sequence[int], end: Sequence[int], text: str,
             version: Optional[int] = None) -> None:
        self.change(uri, [{"range": rng(start, end), "text": text}], version)

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def hints(self, uri: str, start: Sequence[int] = (0, 0), end: Sequence[int] = (1 << 30, 0),
              timeout: float = 20.0) -> List[Dict[str, Any]]:
        return self.call("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": rng(start, end)},
                         timeout) or []

    def hover(self, uri: str, line: int, character: int, timeout: float = 20.0) -> Optional[Dict[str, Any]]:
        return self.call("textDocument/hover", {"textDocument": {"uri": uri},
                                                "position": {"line": line, "character": character}}, timeout)

    def assert_healthy(self, timeout: float = 30.0) -> None:
        """A fresh document gets the right hint, at the right place: the server still works."""
        uri = f"file:///probe-{next(self._probes)}.py"
        self.open(uri, PROBE_SOURCE)
        hints = self.hints(uri, timeout=timeout)
        found = [((h["position"]["line"], h["position"]["character"]), h["label"]) for h in hints]
        assert found == [PROBE_HINT], f"a fresh document got {found}, expected {[PROBE_HINT]}"
        self.close(uri)

    def shutdown_and_exit(self, timeout: float = 20.0) -> int:
        self.call("shutdown", None, timeout)
        self.notify("exit")
        return self.process.wait(timeout=timeout)


def rng(start: Sequence[int], end: Sequence[int]) -> Dict[str, Any]:
    return {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}


def started(encoding: Optional[str] = None, **kwargs) -> RawServer:
    server = RawServer(**kwargs)
    server.initialize(encoding)
    return server
