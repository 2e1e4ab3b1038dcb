"""The fuzzing engine shared by the CI slice (test_fuzz.py, hypothesis, fixed seed) and the long run
(fuzz_long.py): document generators, the checks run on every case, and a driver for malformed and
out-of-order LSP messages. Every generator takes a `random.Random`, so hypothesis can drive it
(`st.randoms()`) and the long run can replay any case from its seed."""

from __future__ import annotations

import json
import random
import re
import traceback
from typing import Any, Callable, Dict, List, Optional, Tuple

from rnnlens.analysis import UnitCache, analyze
from rnnlens.analysis.syntax import parse
from rnnlens.catalog import TABLES
from rnnlens.present.labels import COMPACT, hint_label

from .invariants import (analysed, apply_change, assert_well_formed, expected_hints, hints_of, line_lengths,
                         position_inside)
from .rpc import (INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, REQUEST_CANCELLED, NoResponse,
                  RawServer, frame, rng)
from .sources import INTERESTING, mutate, neutral_edit, to_text

DOCUMENT_BOUND = 20.0  # seconds one fuzzed document may take through the analysis (they are small)


# -- grammar-generated programs ----------------------------------------------------------------------

def _rows():
    rows = []
    for framework, table in TABLES.items():
        for module, namespace in table.MODULES.items():
            for spec in table.SPECS:
                if spec.namespace == namespace:
                    rows.append((framework, module, spec))
            break
    return rows


ROWS = _rows()
NAMES = ["H", "HIDDEN", "n_in", "hidden_dim", "EMB", "size", "units", "K"]


class Program:
    """A random Python program of imports, constants, classes, functions and layer constructors."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: List[str] = []
        self.bound: List[str] = []

    def expression(self, depth: int = 0) -> str:
        r = self.rng
        choice = r.randrange(14 if depth < 3 else 6)
        if choice <= 1:
            return str(r.choice([1, 2, 3, 4, 8, 16, 32, 64, 128, 0, -1, 10**6]))
        if choice == 2 and self.bound:
            return r.choice(self.bound)
        if choice == 3:
            return r.choice(["None", "True", "False", "2.5", "'tanh'", "'relu'", "(3,)", "(3, 3)", "[]", "x",
                             "self.size", "cfg.hidden", "10**10**10", "int('4')", "len(vocab)"])
        if choice == 4:
            return r.choice(NAMES)
        if choice == 5:
            return f"{r.randint(1, 99)}"
        if choice in (6, 7):
            return f"({self.expression(depth + 1)} {r.choice(['+', '-', '*', '//', '%', '**', '/'])} " \
                   f"{self.expression(depth + 1)})"
        if choice == 8:
            return f"{r.choice(['max', 'min'])}({self.expression(depth + 1)}, {self.expression(depth + 1)})"
        if choice == 9:
            return f"({self.expression(depth + 1)} if {r.choice(['True', 'False', 'flag'])} else " \
                   f"{self.expression(depth + 1)})"
        if choice == 10:
            return f"({', '.join(self.expression(depth + 1) for _ in range(r.randint(0, 3)))},)"
        if choice == 11:
            return f"int({self.expression(depth + 1)})"
        if choice == 12:
            return f"len([{', '.join('0' for _ in range(r.randint(0, 5)))}])"
        return f"-{self.expression(depth + 1)}"

    def constructor(self, alias: str, spec) -> str:
        r = self.rng
        arguments = []
        positional = [a for a in spec.signature if not a.keyword_only]
        for arg in positional[: r.randint(0, min(4, len(positional)))]:
            arguments.append(self.expression())
        for arg in r.sample(list(spec.signature), k=min(len(spec.signature), r.randint(0, 3))):
            if arg.name not in [a.name for a in positional[: len(arguments)]]:
                arguments.append(f"{arg.name}={self.expression()}")
        if r.random() < 0.05:
            arguments.append(r.choice(["*args", "**kwargs", "bogus=1"]))
        return f"{alias}.{spec.name}({', '.join(arguments)})"

    def generate(self) -> str:
        r = self.rng
        used = r.sample(ROWS, k=r.randint(1, 4))
        aliases = {}
        for index, (framework, module, spec) in enumerate(used):
            alias = aliases.setdefault(module, f"m{index}")
            self.lines.append(r.choice([f"import {module} as {alias}", f"import {module} as {alias}  # alias"]))
        for _ in range(r.randint(1, 12)):
            kind = r.randrange(8)
            framework, module, spec = r.choice(used)
            alias = aliases[module]
            if kind <= 1:
                name = r.choice(NAMES)
                self.lines.append(f"{name} = {self.expression()}")
                self.bound.append(name)
            elif kind == 2:
                self.lines.append(f"layer{len(self.lines)} = {self.constructor(alias, spec)}")
            elif kind == 3:
                body = [f"        self.size = {self.expression()}"] + [
                    f"        self.l{i} = {self.constructor(alias, spec)}" for i in range(r.randint(1, 3))]
                body += r.sample(["        self.l0.weight = self.l1.weight", "        self.h: int",
                                  "        self.l0.weight: int = 3", "        with ctx() as nn:\n            pass",
                                  "        try:\n            pass\n        except E as e:\n            pass",
                                  "        f = lambda n: n", "        if (k := 3):\n            pass",
                                  "        self.l1 = self.l0", "        del self.l0"], k=r.randint(0, 3))
                self.lines += [f"class Model{len(self.lines)}({alias}.Module):",
                               "    def __init__(self, size=4):", "        super().__init__()"] + body
            elif kind == 4:
                self.lines += [f"def build{len(self.lines)}(n_in, units=8):",
                               f"    return {self.constructor(alias, spec)}"]
            elif kind == 5:
                items = ", ".join(self.constructor(alias, spec) for _ in range(r.randint(0, 3)))
                self.lines.append(f"seq{len(self.lines)} = {alias}.Sequential([{items}])")
            elif kind == 6:
                self.lines.append(r.choice(["# a comment", '"""a docstring"""', "if flag:", "for i in range(3):",
                                            "pass", "x = foo(", ")", "    ", "\t", "@decorator", "else:"]))
                if self.lines[-1].endswith(":"):
                    self.lines.append(f"    layer{len(self.lines)} = {self.constructor(alias, spec)}")
            else:
                noise = "".join(r.choice("abc(){}[]:=,.'\"#\\ \t1😀") for _ in range(r.randint(1, 20)))
                self.lines.append(noise)
        ending = r.choice(["\n", "\n", "\n", "\r\n", "\r"])
        return ending.join(self.lines) + ending


def program(rng: random.Random) -> bytes:
    return Program(rng).generate().encode("utf-8")


# -- the checks on one document ------------------------------------------------------------------------

class CaseFailure(AssertionError):
    def __init__(self, kind: str, detail: str, document: bytes = b"", where: str = ""):
        super().__init__(f"{kind}: {detail}" + (f" (in {where})" if where else ""))
        self.kind, self.detail, self.document, self.where = kind, detail, document, where


def product_frame(error: BaseException) -> str:
    """`catalog/keras.py:_batch_norm`: the innermost frame of the package in the error's traceback."""
    where = ""
    for frame_summary in traceback.extract_tb(error.__traceback__):
        if "/rnnlens/" in frame_summary.filename:
            where = f"{frame_summary.filename.split('/rnnlens/')[-1]}:{frame_summary.name}"
    return where


def check_document(data: bytes, bound: float = DOCUMENT_BOUND) -> Any:
    """The analysis of any bytes: bounded, well-formed, presentable."""
    try:
        analysis = analysed(data, bound)
        assert_well_formed(data, analysis)
    except AssertionError as failure:
        raise CaseFailure(type(failure).__name__, str(failure)[:500], data, product_frame(failure)) from failure
    except Exception as error:  # noqa: BLE001 — an exception escaping the analysis is the finding
        raise CaseFailure(f"exception {type(error).__name__}", str(error)[:500], data, product_frame(error)) from error
    return analysis


# Failures the fuzzers find that are already diagnosed, each with the strict-xfail test that proves it.
# The fuzz tests fail on anything else; the long run reports both.
# Diagnosed bugs, each proven by a strict-xfail test, that the fuzzers count apart from new ones
# (none open now; the entry's name says which test proves it).
KNOWN_BUGS: List[Tuple[str, Callable[[CaseFailure], bool]]] = []


def known_bug(failure: CaseFailure) -> Optional[str]:
    for name, matches in KNOWN_BUGS:
        if matches(failure):
            return name
    if failure.kind == "no response" and failure.document:
        try:  # the server is stuck on this document: is it one the analysis is already known to hang on?
            check_document(failure.document, bound=5.0)
        except CaseFailure as cause:
            bug = known_bug(cause)
            if bug is not None:
                return f"the server is stuck on it: {bug}"
    return None


def check_cache_is_transparent(before: bytes, after: bytes) -> None:
    """An analysis reusing the previous version's units equals a fresh one (what the server relies on)."""
    cache = UnitCache()
    analyze(before, cache=cache)
    reused = analyze(after, cache=cache)
    fresh = analyze(after)
    got = sorted((f.span.start_byte, f.span.end_byte, hint_label(f, COMPACT)) for f in reused.findings)
    want = sorted((f.span.start_byte, f.span.end_byte, hint_label(f, COMPACT)) for f in fresh.findings)
    if got != want:
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        raise CaseFailure("cache", f"reused ≠ fresh: missing {missing[:3]}, extra {extra[:3]}", after)


def check_neutral_edit(data: bytes, r: random.Random, serial: int = 0) -> bool:
    """A comment line, a changed comment or an unrelated function leaves every hint as it was, moved
    by the inserted length. Returns False when the document offers no place for such an edit."""
    if parse(data).root_node.has_error:  # "touches nothing it depends on" means something in valid code only
        return False
    analysis = analyze(data)
    protected = [(f.span.start_byte, f.span.end_byte) for f in analysis.findings]
    edit = neutral_edit(data, r, protected, serial)
    if edit is None:
        return False
    new, at, delta = edit
    after = {(f.span.start_byte, f.span.end_byte): hint_label(f, COMPACT) for f in analyze(new).findings}
    for finding in analysis.findings:
        start, end = finding.span.start_byte, finding.span.end_byte
        moved = (start + delta, end + delta) if start >= at else (start, end)
        label = hint_label(finding, COMPACT)
        if after.get(moved) != label:
            raise CaseFailure("neutral edit", f"{finding.layer} {label!r} at {start} became {after.get(moved)!r} "
                                              f"after inserting {new[at:at + max(delta, 0)][:80]!r} at {at}", data)
    return True


def mutated(seed: bytes, r: random.Random) -> bytes:
    return mutate(seed, r, steps=r.randint(1, 6))


# -- the server -----------------------------------------------------------------------------------------

class ServerCase:
    """Drives one server through documents and messages, checking every answer; `sent` counts the
    messages sent (requests, notifications, garbage)."""

    def __init__(self, server: RawServer):
        self.server = server
        self.sent = 0
        self.serial = 0
        self.open_documents: Dict[str, bytes] = {}

    def _uri(self) -> str:
        self.serial += 1
        return f"file:///fuzz/doc{self.serial}.py"

    def _answer(self, msg_id, timeout: float = 60.0):
        return self.server.response(msg_id, timeout)

    def request(self, method: str, params: Any):
        self.sent += 1
        return self.server.request(method, params)

    def notify(self, method: str, params: Any = None) -> None:
        self.sent += 1
        self.server.notify(method, params)

    def call(self, method: str, params: Any, data: bytes) -> Any:
        """A request's result; an error answer is a CaseFailure (an InternalError names the package's
        innermost frame from the traceback the server sends)."""
        self.sent += 1
        msg_id = self.server.request(method, params)
        try:
            answer = self.server.response(msg_id, 20.0)
        except NoResponse:
            raise CaseFailure("no response", f"{method} got no answer within 20 s", data)
        if "error" in answer:
            error = answer["error"]
            frames = [line for line in (error.get("data") or {}).get("traceback", []) if "/rnnlens/" in line]
            where = ""
            if frames:
                match = re.search(r'/rnnlens/([^"]+)", line \d+, in (\w+)', frames[-1])
                where = f"{match.group(1)}:{match.group(2)}" if match else ""
            raise CaseFailure(f"server error {error.get('code')}", f"{method}: {error.get('message')}", data, where)
        return answer.get("result")

    def check_fresh_document(self, data: bytes, r: random.Random) -> None:
        """Open the text as a new document: the hints are exactly the analysis's, every position of
        every answer lies inside the document."""
        text = to_text(data)
        data = text.encode("utf-8")
        uri = self._uri()
        self.server.open(uri, text)
        self.sent += 1
        encoding = self.server.encoding
        lengths = line_lengths(data, encoding)
        hints = self.call("textDocument/inlayHint", {"textDocument": {"uri": uri},
                                                     "range": rng((0, 0), (len(lengths) + 1, 0))}, data) or []
        got = hints_of(hints)
        want = expected_hints(data, encoding)
        if got != want:
            raise CaseFailure("server hints", f"got {got[:4]}, want {want[:4]}", data)
        for _ in range(3):
            line = r.randrange(len(lengths) + 2)
            character = r.randrange((lengths[line] if line < len(lengths) else 5) + 3)
            hover = self.call("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": line, "character": character}}, data)
            if hover is not None and "range" in hover:
                for end in ("start", "end"):
                    point = (hover["range"][end]["line"], hover["range"][end]["character"])
                    if not position_inside(point, lengths):
                        raise CaseFailure("hover range", f"{point} outside the document", data)
        for lens in self.call("textDocument/codeLens", {"textDocument": {"uri": uri}}, data) or []:
            point = (lens["range"]["start"]["line"], lens["range"]["start"]["character"])
            if not position_inside(point, lengths):
                raise CaseFailure("code lens", f"{point} outside the document", data)
        for item in self.call("textDocument/diagnostic", {"textDocument": {"uri": uri}}, data)["items"]:
            point = (item["range"]["end"]["line"], item["range"]["end"]["character"])
            if not position_inside(point, lengths):
                raise CaseFailure("diagnostic", f"{point} outside the document", data)
        self.server.close(uri)
        self.sent += 1

    def check_edit_session(self, data: bytes, r: random.Random, edits: int = 20) -> None:
        """Random incremental edits (some out of range, some stale): every hint stays inside the
        client's copy of the document; a reopened copy gets exactly the fresh hints."""
        text = to_text(data)
        data = text.encode("utf-8")
        uri = self._uri()
        self.server.open(uri, text)
        encoding = self.server.encoding
        version = 1
        for _ in range(edits):
            lengths = line_lengths(data, encoding)
            line = r.randrange(len(lengths) + 2)
            start = (line, r.randrange((lengths[line] if line < len(lengths) else 3) + 3))
            end = (max(start[0] + r.choice([0, 0, 0, 1, 2, -1]), 0), r.randrange(40))
            inserted = to_text(r.choice(INTERESTING + [b"", b"", b"x", b"nn.LSTM(3, 2)\n"]))
            change = {"range": rng(start, end), "text": inserted}
            version = version + 1 if r.random() > 0.1 else max(0, version - 3)  # now and then a stale version
            self.server.change(uri, [change], version)
            self.sent += 1
            data = apply_change(data, change, encoding)
            if r.random() < 0.3:
                lengths = line_lengths(data, encoding)
                hints = self.call("textDocument/inlayHint", {"textDocument": {"uri": uri},
                                                             "range": rng((0, 0), (10**6, 0))}, data) or []
                for hint in hints:
                    point = (hint["position"]["line"], hint["position"]["character"])
                    if not position_inside(point, lengths):
                        raise CaseFailure("edited hint", f"{point} outside the document", data)
        self.server.close(uri)
        self.sent += 1
        if b"\xed" not in data:  # (a lone surrogate: see test_unicode)
            self.check_fresh_document(data, r)

    def check_messages(self, r: random.Random, count: int) -> None:
        """`count` malformed or out-of-order messages, each answered as the spec prescribes."""
        uri = self._uri()
        text = "import torch.nn as nn\nrnn = nn.LSTM(3, 2)\n"
        self.server.open(uri, text)
        self.sent += 1
        pending: Dict[Any, Callable[[dict], None]] = {}
        log: List[str] = []
        for _ in range(count):
            before = set(pending)
            self._message(r, uri, pending, log)
            for msg_id in set(pending) - before:
                log.append(f"  ↳ request id {msg_id!r}")
        for msg_id, verify in pending.items():
            try:
                answer = self._answer(msg_id, 20.0)
            except NoResponse:
                at = next(i for i, line in enumerate(log) if line == f"  ↳ request id {msg_id!r}")
                raise CaseFailure("no response", f"to {msg_id!r}; the messages before it:\n" +
                                  "\n".join(log[max(0, at - 6):at + 1]))
            verify(answer)
        parse_errors = self.server.null_id_responses()
        for answer in parse_errors:
            if answer.get("error", {}).get("code") not in (PARSE_ERROR, INVALID_REQUEST):
                raise CaseFailure("null id", f"unexpected {answer}")
        self.server.close(uri)

    def _message(self, r: random.Random, uri: str, pending: Dict[Any, Callable[[dict], None]],
                 log: List[str]) -> None:
        kind = r.randrange(12)
        server = self.server
        sent_before = len(server.sent_log)

        def expect(*codes):
            def verify(answer):
                code = answer.get("error", {}).get("code", "result")
                if code not in codes:
                    raise CaseFailure("message", f"{code} not in {codes}: {json.dumps(answer)[:300]}")
            return verify

        if kind == 0:  # not JSON
            body = r.choice([b"{", b"{not json", b"[", b'{"jsonrpc": "2.0", "id": 1, "method": ', b"}}"])
            server.send_bytes(frame(body + bytes(r.randrange(32, 127) for _ in range(r.randint(0, 20)))))
            self.sent += 1
        elif kind == 1:  # unknown method
            pending[self.request(r.choice(["foo/bar", "textDocument/nope", "$/x"]), {"a": r.randrange(9)})] = \
                expect(METHOD_NOT_FOUND)
        elif kind == 2:  # a known method with garbage params
            method = r.choice(["textDocument/hover", "textDocument/inlayHint", "textDocument/codeLens",
                               "textDocument/diagnostic", "inlayHint/resolve"])
            pending[self.request(method, random_json(r))] = expect("result", INVALID_PARAMS)
        elif kind == 3:  # a document never opened
            other = f"file:///fuzz/never-{r.randrange(10**6)}.py"
            pending[self.request("textDocument/hover", {"textDocument": {"uri": other},
                                                        "position": {"line": 0, "character": 0}})] = expect("result")
        elif kind == 4:  # positions out of bounds
            far = r.choice([10**6, 2**31 - 1, 0, 1, 5])
            pending[self.request("textDocument/inlayHint", {"textDocument": {"uri": uri},
                                                            "range": rng((far, far), (r.randrange(10**6), far))})] = \
                expect("result")
        elif kind == 5:  # cancellation of what was just sent, or of nothing
            msg_id = self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                         "position": {"line": 1, "character": 8}})
            pending[msg_id] = expect("result", REQUEST_CANCELLED)
            self.notify("$/cancelRequest", {"id": r.choice([msg_id, msg_id, 10**9, "nope"])})
        elif kind == 6:  # unknown notifications and garbage notifications
            self.notify(r.choice(["foo/bar", "$/whatever", "textDocument/didSave", "textDocument/didChange",
                                  "workspace/didChangeConfiguration"]), random_json(r))
        elif kind == 7:  # stale and out-of-range edits of the open document
            self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": r.randrange(-5, 5)},
                                                   "contentChanges": [{"range": rng((r.randrange(50), r.randrange(500)),
                                                                                    (r.randrange(50), 10**6)),
                                                                       "text": "\n"}]})
        elif kind == 8:  # responses nobody asked for
            server.send(r.choice([{"jsonrpc": "2.0", "id": r.randrange(10**6), "result": random_json(r)},
                                  {"jsonrpc": "2.0", "id": "x", "error": {"code": -1, "message": "?"}}]))
            self.sent += 1
        elif kind == 9:  # resolve with made-up data
            pending[self.request("inlayHint/resolve", {"position": {"line": 0, "character": 0}, "label": "x",
                                                       "data": random_json(r)})] = expect("result")
        elif kind == 10:  # open twice, close what is not open
            self.notify("textDocument/didClose", {"textDocument": {"uri": f"file:///fuzz/ghost{r.randrange(99)}.py"}})
        else:  # a request with a string id
            msg_id = f"id-{r.randrange(10**9)}"
            server.send({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/codeLens",
                         "params": {"textDocument": {"uri": uri}}})
            self.sent += 1
            pending[msg_id] = expect("result")
        log.extend(entry[:300] for entry in server.sent_log[sent_before:])


def random_json(r: random.Random, depth: int = 0) -> Any:
    kind = r.randrange(9 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return r.choice([True, False])
    if kind == 2:
        return r.choice([0, -1, 1, 2**31, 2**53, 1.5, -0.0])
    if kind == 3:
        return r.choice(["", "file:///x.py", "😀", "\u0000", "a" * 1000])
    if kind == 4:
        return r.randrange(100)
    if kind in (5, 6):
        keys = ["textDocument", "position", "range", "uri", "line", "character", "start", "end", "label", "data",
                "version", "index", "x"]
        return {r.choice(keys): random_json(r, depth + 1) for _ in range(r.randint(0, 4))}
    if kind == 7:
        return [random_json(r, depth + 1) for _ in range(r.randint(0, 3))]
    return {"textDocument": {"uri": r.choice(["file:///fuzz/doc1.py", "file:///x.py", 5])},
            "position": {"line": r.randrange(-2, 5), "character": r.choice([0, 3, "a", None])}}
