"""A minimal, synchronous LSP client over stdio, the same for every server the benchmarks drive.

JSON-RPC framing is written by hand on raw pipe file descriptors: no event loop, no threads, no
(de)serialisation on the timed path. A round trip is timed from just before the request's bytes are
written to the moment the response's last byte has been read; the body is parsed only afterwards.
Requests the server makes of the client (`workspace/configuration`, `client/registerCapability`,
refreshes) are answered as they arrive; notifications are counted and dropped.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
CAPABILITIES = json.loads((HERE / "vscode_capabilities.json").read_text())["capabilities"]
perf = time.perf_counter


def encode(message: Dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class ServerError(RuntimeError):
    pass


class LspClient:
    """One server subprocess. Use as a context manager: the process is shut down (or killed) on exit."""

    def __init__(self, argv: Sequence[str], label: str, env: Optional[Dict[str, str]] = None,
                 cwd: Optional[str] = None, stderr=None):
        self.label = label
        self.spawned = perf()
        self.process = subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr if stderr is not None else subprocess.DEVNULL,
                                        bufsize=0, env=env, cwd=cwd)
        self._in = self.process.stdout.fileno()
        self._out = self.process.stdin.fileno()
        self._buffer = bytearray()
        self._next_id = 0
        self.notifications = 0
        self.versions: Dict[str, int] = {}
        self.settings: Optional[Dict[str, Any]] = None  # sent as initializationOptions and workspace/configuration

    # -- framing -------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._out, view)
            view = view[written:]

    def _read_message(self) -> Tuple[bytes, float]:
        """The next message's body and the time its last byte arrived."""
        buffer = self._buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                length = None
                for line in bytes(buffer[:end]).split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length is None:
                    raise ServerError(f"{self.label}: message without Content-Length")
                total = end + 4 + length
                while len(buffer) < total:
                    chunk = os.read(self._in, max(total - len(buffer), 1 << 16))
                    if not chunk:
                        raise ServerError(f"{self.label}: server closed its output")
                    buffer += chunk
                arrived = perf()
                body = bytes(buffer[end + 4:total])
                del buffer[:total]
                return body, arrived
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise ServerError(f"{self.label}: server closed its output (exit code {self.process.poll()})")
            buffer += chunk

    def _answer(self, message: Dict[str, Any]) -> None:
        method = message.get("method")
        if method == "workspace/configuration":
            result: Any = [self.settings for _ in message.get("params", {}).get("items", [])]
        else:  # registerCapability, refreshes, workDoneProgress/create: acknowledge
            result = None
        self.write(encode({"jsonrpc": "2.0", "id": message["id"], "result": result}))

    def wait(self, request_id: int) -> Tuple[float, Any]:
        """(arrival time, result) of the response to `request_id`, answering what comes before it."""
        while True:
            body, arrived = self._read_message()
            message = json.loads(body)
            if "method" in message:
                if "id" in message:
                    self._answer(message)
                else:
                    self.notifications += 1
                continue
            if message.get("id") == request_id:
                if "error" in message:
                    raise ServerError(f"{self.label}: {message['error']}")
                return arrived, message.get("result")

    # -- messages --------------------------------------------------------------------------------
    def request_bytes(self, method: str, params: Any) -> Tuple[int, bytes]:
        self._next_id += 1
        return self._next_id, encode({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})

    @staticmethod
    def notification_bytes(method: str, params: Any) -> bytes:
        return encode({"jsonrpc": "2.0", "method": method, "params": params})

    def round_trip(self, method: str, params: Any, before: bytes = b"") -> Tuple[float, Any]:
        """Seconds from writing `before` (notifications sent back to back with it) and the request to
        reading the response, and the result."""
        request_id, data = self.request_bytes(method, params)
        start = perf()
        self.write(before + data)
        arrived, result = self.wait(request_id)
        return arrived - start, result

    def request(self, method: str, params: Any) -> Any:
        return self.round_trip(method, params)[1]

    def notify(self, method: str, params: Any) -> None:
        self.write(self.notification_bytes(method, params))

    # -- LSP ---------------------------------------------------------------------------------------
    def initialize(self, capabilities: Optional[Dict[str, Any]] = None,
                   settings: Optional[Dict[str, Any]] = None) -> float:
        """Initialise the session; returns seconds from spawning the process to the `initialize` response."""
        self.settings = settings
        request_id, data = self.request_bytes("initialize", {
            "initializationOptions": settings,
            "processId": os.getpid(), "rootUri": None, "workspaceFolders": None,
            "clientInfo": {"name": "rnnlens-bench", "version": "1"},
            "capabilities": capabilities if capabilities is not None else CAPABILITIES})
        self.write(data)
        arrived, _ = self.wait(request_id)
        self.notify("initialized", {})
        return arrived - self.spawned

    def open_bytes(self, uri: str, text: str, version: int = 1) -> bytes:
        self.versions[uri] = version
        return self.notification_bytes("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})

    def open(self, uri: str, text: str) -> None:
        self.write(self.open_bytes(uri, text))

    def change_bytes(self, uri: str, line: int, character: int, end_character: int, text: str) -> bytes:
        self.versions[uri] += 1
        return self.notification_bytes("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": self.versions[uri]},
            "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                          "end": {"line": line, "character": end_character}}, "text": text}]})

    def close(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    @staticmethod
    def hint_params(uri: str, hint_range: Tuple[int, int, int, int]) -> Dict[str, Any]:
        sl, sc, el, ec = hint_range
        return {"textDocument": {"uri": uri},
                "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}}

    def hints(self, uri: str, hint_range: Tuple[int, int, int, int], before: bytes = b"") -> Tuple[float, List]:
        elapsed, result = self.round_trip("textDocument/inlayHint", self.hint_params(uri, hint_range), before)
        return elapsed, result or []

    def hover(self, uri: str, line: int, character: int) -> Tuple[float, Any]:
        return self.round_trip("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": line, "character": character}})

    # -- process -----------------------------------------------------------------------------------
    @property
    def pid(self) -> int:
        return self.process.pid

    def memory(self) -> Dict[str, int]:
        """VmRSS and VmHWM (peak) of the server, in bytes."""
        values = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(value.split()[0]) * 1024
        return values

    def shutdown(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            try:
                self.request("shutdown", None)
                self.notify("exit", None)
            except (OSError, ServerError):
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> "LspClient":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None and self.process.poll() is None:
            self.process.kill()  # do not wait for a shutdown that may never come
            self.process.wait()
        self.shutdown()
