"""Issue 8, LSP messages: through the real `rnnlens serve` subprocess, with a raw JSON-RPC client that
can send anything. Each bad or out-of-order message gets the error the JSON-RPC 2.0 / LSP
specifications prescribe (or is ignored where they allow), and afterwards the server still answers a
fresh request correctly (`RawServer.assert_healthy`)."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from .invariants import apply_change, expected_hints, hints_of, line_lengths
from .rpc import (INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, PROBE_SOURCE, REQUEST_CANCELLED,
                  SERVER_NOT_INITIALIZED, RawServer, encode, frame, rng)

HOVER = {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}}
TORCH = "import torch.nn as nn\n\nHIDDEN = 2\nrnn = nn.LSTM(3, HIDDEN)\ngru = nn.GRU(4, 8)\n"


def request_bytes(msg_id, method="textDocument/hover", params=HOVER) -> bytes:
    return encode({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})


# -- framing and JSON -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"{not json", b"{", b'{"jsonrpc": "2.0", "id": 1, "method": ', b"[", b"nul",
                                  b"\x00\x00", b"}{", b'{"a": 1}}', b"'single'", b"NaN-ish"])
def test_malformed_json_gets_a_parse_error_with_a_null_id(raw_server, body):
    raw_server.send_bytes(frame(body))
    assert raw_server.wait_for(lambda: any(isinstance(k, tuple) for k in raw_server.responses), timeout=10)
    (answer,) = raw_server.null_id_responses()
    assert answer["id"] is None and answer["error"]["code"] == PARSE_ERROR
    raw_server.assert_healthy()


def test_a_body_that_is_not_utf8_gets_a_parse_error(raw_server):
    raw_server.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 5, "method": "\xff\xfe"}'))
    assert raw_server.wait_for(lambda: any(isinstance(k, tuple) for k in raw_server.responses), timeout=5)
    (answer,) = raw_server.null_id_responses()
    assert answer["error"]["code"] == PARSE_ERROR


NOT_A_REQUEST = {
    "no_jsonrpc": b'{"id": 41, "method": "textDocument/hover", "params": {}}',
    "old_jsonrpc": b'{"jsonrpc": "1.0", "id": 41, "method": "textDocument/hover", "params": {}}',
    "object_id": b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover", "params": {}}',
    "array": b"[1, 2]",
    "number": b"42",
    "string": b'"hello"',
}


@pytest.mark.parametrize("name", sorted(NOT_A_REQUEST))
def test_json_that_is_not_a_request_gets_invalid_request(raw_server, name):
    raw_server.send_bytes(frame(NOT_A_REQUEST[name]))
    answered = raw_server.wait_for(lambda: 41 in raw_server.responses or any(
        isinstance(k, tuple) for k in raw_server.responses), timeout=3)
    raw_server.assert_healthy()
    assert answered, "no answer at all"
    answer = raw_server.responses.pop(41, None) or raw_server.null_id_responses()[0]
    assert answer["error"]["code"] == INVALID_REQUEST


# pygls matched `^Content-Length: N\r\n$` against whole lines: after a body of the wrong length the next header,
# glued to the rest of that body, never matched again and every later message was lost.
@pytest.mark.parametrize("garble", ["shorter", "longer", "lowercase_header", "no_header", "huge"])
def test_a_content_length_that_does_not_match_the_body_costs_at_most_the_next_message(raw_server, garble):
    body = json.dumps({"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover", "params": HOVER}).encode()
    raw_server.send_bytes({
        "shorter": b"Content-Length: %d\r\n\r\n%s" % (len(body) - 7, body),
        "longer": b"Content-Length: %d\r\n\r\n%s" % (len(body) + 7, body),
        "lowercase_header": b"content-length: %d\r\n\r\n%s" % (len(body), body),
        "no_header": b"\r\n" + body,
        "huge": b"Content-Length: %d\r\n\r\n%s" % (10**17, body),  # reading it would need 100 PB
    }[garble])
    sacrificed = [raw_server.request("textDocument/hover", HOVER) for _ in range(2)]  # may be eaten
    time.sleep(0.5)
    for msg_id in sacrificed:
        raw_server.responses.pop(msg_id, None)
    raw_server.null_id_responses()
    assert raw_server.alive
    raw_server.assert_healthy(timeout=5)


def test_extra_headers_and_content_type_are_accepted(raw_server):
    body = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover", "params": HOVER}).encode()
    raw_server.send_bytes(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s"
                          % (len(body), body))
    assert raw_server.response(77, 10)["result"] is None
    raw_server.assert_healthy()


def test_a_message_split_into_single_bytes_is_still_read(raw_server):
    uri = "file:///trickle.py"
    data = encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": PROBE_SOURCE}}}) + request_bytes(
        55, "textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": rng((0, 0), (99, 0))})
    raw_server.send_bytes(data, piece=1)
    assert [h["label"] for h in raw_server.response(55, 20)["result"]] == ["56 params"]


# -- methods, order, lifecycle ---------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, [1], {"x": {"y": None}}])
def test_unknown_methods_get_method_not_found(raw_server, params):
    for method in ("foo/bar", "textDocument/definitelyNot", "$/unknownRequest", "workspace/executeCommandX"):
        answer = raw_server.response(raw_server.request(method, params))
        assert answer["error"]["code"] == METHOD_NOT_FOUND, (method, answer)
    raw_server.assert_healthy()


def test_an_unknown_method_without_params_gets_method_not_found(raw_server):
    raw_server.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 12, "method": "foo/bar"}'))
    assert raw_server.response(12)["error"]["code"] == METHOD_NOT_FOUND


def test_unknown_notifications_are_ignored(raw_server):
    for method in ("foo/bar", "$/unknownNotification", "textDocument/notAThing"):
        raw_server.notify(method, {"a": 1})
        raw_server.notify(method)
    raw_server.assert_healthy()
    assert not raw_server.null_id_responses()


@pytest.mark.parametrize("method,params", [
    ("textDocument/hover", HOVER), ("textDocument/inlayHint", {"textDocument": {"uri": "file:///a.py"},
                                                              "range": rng((0, 0), (1, 0))}),
    ("textDocument/codeLens", {"textDocument": {"uri": "file:///a.py"}}), ("shutdown", None), ("foo/bar", {})])
def test_requests_before_initialize_get_server_not_initialized(uninitialised_server, method, params):
    server = uninitialised_server
    assert server.response(server.request(method, params))["error"]["code"] == SERVER_NOT_INITIALIZED
    server.open("file:///early.py", PROBE_SOURCE)  # a notification before initialize: dropped
    server.initialize()
    assert server.hints("file:///early.py") == []
    server.assert_healthy()


def test_shutdown_then_requests_get_invalid_request_and_exit_ends_cleanly(raw_server):
    uri = raw_server.open("file:///before-shutdown.py", PROBE_SOURCE)
    assert raw_server.call("shutdown") is None
    for method, params in [("textDocument/hover", HOVER), ("shutdown", None),
                           ("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": rng((0, 0), (9, 0))})]:
        assert raw_server.response(raw_server.request(method, params))["error"]["code"] == INVALID_REQUEST
    raw_server.open("file:///after-shutdown.py", PROBE_SOURCE)  # notifications: ignored
    raw_server.notify("exit")
    assert raw_server.process.wait(timeout=10) == 0


def test_initialize_after_shutdown_gets_invalid_request(raw_server):
    raw_server.call("shutdown")
    answer = raw_server.response(raw_server.request("initialize", {"capabilities": {}}), timeout=5)
    assert answer["error"]["code"] == INVALID_REQUEST


def test_exit_without_shutdown_ends_with_code_1(raw_server):
    raw_server.notify("exit")
    assert raw_server.process.wait(timeout=10) == 1


def test_a_second_initialize_keeps_the_documents_and_the_encoding(raw_server):
    uri = raw_server.open("file:///kept.py", TORCH)
    raw_server.response(raw_server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {
        "general": {"positionEncodings": ["utf-32"]}}}))
    assert hints_of(raw_server.hints(uri)) == expected_hints(TORCH.encode(), "utf-16")
    raw_server.assert_healthy()


# -- documents -------------------------------------------------------------------------------------------

def test_documents_never_opened_get_empty_answers_and_the_disk_is_not_read(raw_server, tmp_path):
    real = tmp_path / "model.py"
    real.write_text(TORCH)
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)  # reading it would block the server: a hang here means the disk was read
    uris = [real.as_uri(), fifo.as_uri(), "untitled:Untitled-1", "file:///%00", "not a uri at all",
            "file:///" + "a" * 100_000 + ".py", "vscode-notebook-cell:/x.ipynb#cell0"]
    for uri in uris:
        document = {"textDocument": {"uri": uri}}
        assert raw_server.call("textDocument/inlayHint", dict(document, range=rng((0, 0), (99, 0))), 10) in ([], None)
        assert raw_server.call("textDocument/hover", dict(document, position={"line": 3, "character": 8}), 10) is None
        assert raw_server.call("textDocument/codeLens", document, 10) in ([], None)
        assert raw_server.call("textDocument/diagnostic", document, 10)["items"] == []
        hint = {"position": {"line": 3, "character": 24}, "label": "56 params", "data": {"uri": uri, "version": 1,
                                                                                     "index": 0}}
        assert "tooltip" not in raw_server.call("inlayHint/resolve", hint, 10)
        raw_server.change(uri, [{"range": rng((0, 0), (0, 0)), "text": "x"}], 2)  # ignored
        raw_server.close(uri)  # ignored
    raw_server.assert_healthy()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_positions_and_ranges_beyond_the_end_of_the_document(encoding):
    text = "import torch.nn as nn\nx = '😀'; rnn = nn.LSTM(3, 2)\n"
    with RawServer() as server:
        server.initialize(encoding)
        uri = server.open("file:///beyond.py", text)
        lengths = line_lengths(text.encode(), server.encoding)
        far = 2**31 - 1
        for start, end in [((0, 0), (far, far)), ((1, far), (far, 0)), ((far, far), (0, 0)), ((5, 0), (9, 0)),
                           ((1, 10**6), (1, 10**6 + 1))]:
            for hint in server.hints(uri, start, end):
                line, character = hint["position"]["line"], hint["position"]["character"]
                assert line < len(lengths) and character <= lengths[line]
        for line, character in [(far, far), (1, far), (far, 0), (2, 5), (0, 10**9)]:
            hover = server.hover(uri, line, character)
            if hover is not None:
                end = hover["range"]["end"]
                assert end["line"] < len(lengths) and end["character"] <= lengths[end["line"]]
        for position in [{"line": -1, "character": 0}, {"line": 0, "character": -5}, {"line": 2**32, "character": 0}]:
            params = {"textDocument": {"uri": uri}, "position": position}
            assert server.response(server.request("textDocument/hover", params))["error"]["code"] == INVALID_PARAMS
        server.assert_healthy()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_did_change_ranges_out_of_bounds_are_clamped_as_the_client_clamps_them(encoding):
    text = "import torch.nn as nn\nx = '😀'; rnn = nn.LSTM(3, 2)\n"
    far = 2**31 - 1
    edits = [
        {"range": rng((1, 999), (1, 999)), "text": "  # tail"},          # past the end of the line
        {"range": rng((50, 3), (60, 0)), "text": "gru = nn.GRU(4, 8)\n"},  # past the end of the document
        {"range": rng((far, far), (far, far)), "text": "c = nn.GRUCell(3, 3)\n"},
        {"range": rng((1, 6), (1, 5)), "text": ""},                        # reversed: inside the emoji
        {"range": rng((0, far), (1, 0)), "text": "\n"},                    # from past a line's end
        {"text": text + "extra = nn.RNN(4, 6)\n"},                           # a full replacement
        {"range": rng((2, 0), (2, 0)), "text": "H = 2\n"},
    ]
    with RawServer() as server:
        server.initialize(encoding)
        uri = server.open("file:///clamped.py", text)
        data = text.encode()
        for version, change in enumerate(edits, 2):
            server.change(uri, [change], version)
            data = apply_change(data, change, server.encoding)
            if b"\xed" in data or not data.decode("utf-8", "strict"):
                continue
            assert hints_of(server.hints(uri)) == expected_hints(data, server.encoding), (change, data)
        server.assert_healthy()


def comment_at(line: int, character: int) -> dict:
    return {"range": rng((line, character), (line, character)), "text": "  # enc"}


# pygls clamped each change's positions in place against its own copy of the text, split by str.splitlines (which
# also breaks at \x0c, \x1c, \u2028...) and mangled by a reversed range: RNN Lens's store then applied the edit
# somewhere else.
@pytest.mark.parametrize("text,changes", [
    ("import torch.nn as nn\n\x0c\nx = 1\nrnn = nn.LSTM(3, 2)\n", [comment_at(3, 19)]),
    ("import torch.nn as nn\nx = '\u2028'; rnn = nn.LSTM(3, 2)\n", [comment_at(1, 29)]),
    ("import torch.nn as nn\n# \x1c\nrnn = nn.LSTM(3, 2)\ngru = nn.GRU(4, 8)\n", [comment_at(2, 19)]),
    ("import torch.nn as nn\n# a comment\nx = 1\nrnn = nn.LSTM(3, 2)\n",
     [{"range": rng((2, 0), (1, 0)), "text": ""}, comment_at(2, 19)]),  # deletes the comment, reversed
], ids=["form_feed_line", "line_separator", "file_separator", "after_a_reversed_range"])
def test_an_edit_lands_where_the_client_made_it(raw_server, text, changes):
    uri = raw_server.open("file:///lands.py", text)
    data = text.encode()
    for version, change in enumerate(changes, 2):
        raw_server.change(uri, [change], version)
        data = apply_change(data, change, "utf-16")
    assert hints_of(raw_server.hints(uri)) == expected_hints(data, "utf-16")


# Notebook cells took their text from pygls' copies, which drift the same way after an incremental edit.
@pytest.mark.parametrize("text,changes", [
    ("import torch.nn as nn\n\x0c\nx = 1\nrnn = nn.LSTM(3, 2)\n", [comment_at(3, 19)]),
    ("import torch.nn as nn\nx = '\u2028'; rnn = nn.LSTM(3, 2)\n", [comment_at(1, 29)]),
], ids=["form_feed_line", "line_separator"])
def test_a_cell_edit_lands_where_the_client_made_it(raw_server, text, changes):
    notebook, cell = "file:///lands.ipynb", "vscode-notebook-cell:/lands.ipynb#c0"
    raw_server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": cell}]},
        "cellTextDocuments": [{"uri": cell, "languageId": "python", "version": 1, "text": text}]})
    data = text.encode()
    for version, change in enumerate(changes, 2):
        raw_server.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": notebook, "version": version},
            "change": {"cells": {"textContent": [
                {"document": {"uri": cell, "version": version}, "changes": [change]}]}}})
        data = apply_change(data, change, "utf-16")
    assert hints_of(raw_server.hints(cell)) == expected_hints(data, "utf-16")


def test_a_cell_added_and_edited_in_one_change_gets_its_hint(raw_server):
    # The structure change comes first (LSP's order): the edit is to the cell it opens.
    notebook = "file:///added.ipynb"
    first, added = "vscode-notebook-cell:/added.ipynb#c0", "vscode-notebook-cell:/added.ipynb#c1"
    raw_server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": first}]},
        "cellTextDocuments": [{"uri": first, "languageId": "python", "version": 1, "text": "import torch.nn as nn\n"}]})
    raw_server.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook, "version": 2},
        "change": {"cells": {
            "structure": {"array": {"start": 1, "deleteCount": 0, "cells": [{"kind": 2, "document": added}]},
                          "didOpen": [{"uri": added, "languageId": "python", "version": 1,
                                       "text": "x = '\u2028'; rnn = nn.LSTM(3, 2)\n"}]},
            "textContent": [{"document": {"uri": added, "version": 2}, "changes": [comment_at(0, 40)]}]}}})
    assert hints_of(raw_server.hints(added)) == [((0, 28), "56 params")]
    assert raw_server.hints(first) == []


def test_stale_and_repeated_versions_are_applied_in_order(raw_server):
    uri = raw_server.open("file:///stale.py", TORCH, version=10)
    data = TORCH.encode()
    for version, text in [(9, "# older\n"), (9, "# same again\n"), (3, "gru2 = nn.GRU(2, 2)\n"), (11, "# newer\n")]:
        change = {"range": rng((0, 0), (0, 0)), "text": text}
        raw_server.change(uri, [change], version)
        data = apply_change(data, change, "utf-16")
    assert hints_of(raw_server.hints(uri)) == expected_hints(data, "utf-16")
    hint = raw_server.hints(uri)[0]
    stale = dict(hint, data=dict(hint.get("data") or {}, version=1))
    resolved = raw_server.call("inlayHint/resolve", stale)
    assert resolved["label"] == hint["label"]  # a stale hint comes back as it was (no tooltip of another one)
    raw_server.assert_healthy()


def test_a_flood_of_ten_thousand_edits_ends_with_the_right_hints(raw_server):
    """10,000 didChange notifications, one character each — typing 526 constructors — sent by a thread
    while this one waits; then the hints of the final text, at the right places."""
    uri = raw_server.open("file:///flood.py", "import torch.nn as nn\n")
    line = "gru = nn.GRU(4, 8)\n"
    typed = (line * (10_000 // len(line) + 1))[:10_000]
    rss_before = raw_server.rss()
    start = time.monotonic()

    def flood():
        row, column = 1, 0
        for version, char in enumerate(typed, 2):
            raw_server.change(uri, [{"range": rng((row, column), (row, column)), "text": char}], version)
            row, column = (row + 1, 0) if char == "\n" else (row, column + 1)

    writer = threading.Thread(target=flood)
    writer.start()
    writer.join(timeout=600)
    assert not writer.is_alive(), "the server stopped reading"
    final = ("import torch.nn as nn\n" + typed).encode()
    assert hints_of(raw_server.hints(uri, timeout=300)) == expected_hints(final, "utf-16")
    elapsed = time.monotonic() - start
    print(f"\n10,000 edits and the final hints: {elapsed:.1f} s; server RSS {rss_before / 1e6:.0f} → "
          f"{raw_server.rss() / 1e6:.0f} MB")
    assert raw_server.rss() - rss_before < 200e6
    raw_server.assert_healthy()


# -- cancellation ----------------------------------------------------------------------------------------

def test_cancelled_requests_get_exactly_one_answer_each(raw_server):
    uri = raw_server.open("file:///cancel.py", TORCH)
    ids = []
    for _ in range(200):
        msg_id = raw_server.request("textDocument/inlayHint", {"textDocument": {"uri": uri},
                                                               "range": rng((0, 0), (99, 0))})
        raw_server.notify("$/cancelRequest", {"id": msg_id})
        ids.append(msg_id)
    for msg_id in ids:
        answer = raw_server.response(msg_id)
        assert "result" in answer or answer["error"]["code"] == REQUEST_CANCELLED
    time.sleep(0.3)
    assert not any(msg_id in raw_server.responses for msg_id in ids), "a request was answered twice"
    for params in [{"id": 987654}, {"id": "never"}, {}, {"id": None}, None]:
        raw_server.notify("$/cancelRequest", params)
    raw_server.assert_healthy()


def test_cancelling_a_slow_request(raw_server):
    # a 1 MB line with 100 constructors: an inlay-hint request takes seconds (see test_files)
    line = "layers = [" + ("nn.LSTM(3, 2), " + " " * 10_000) * 100 + "]"
    uri = raw_server.open("file:///slow.py", "import torch.nn as nn\n" + line + "\n")
    msg_id = raw_server.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": rng((0, 0), (9, 0))})
    time.sleep(0.05)
    raw_server.notify("$/cancelRequest", {"id": msg_id})
    answer = raw_server.response(msg_id, timeout=120)
    assert "result" in answer or answer["error"]["code"] == REQUEST_CANCELLED
    raw_server.assert_healthy(timeout=120)


# -- params ----------------------------------------------------------------------------------------------

BAD_PARAMS = [
    ("textDocument/hover", {"textDocument": {"uri": "file:///a.py"}, "position": "0:0"}),
    ("textDocument/hover", {"position": {"line": 0, "character": 0}}),
    ("textDocument/hover", {"textDocument": None, "position": None}),
    ("textDocument/hover", [1, 2, 3]),
    ("textDocument/hover", "a string"),
    ("textDocument/inlayHint", {"textDocument": {"uri": "file:///a.py"}, "range": {"start": {"line": 0}}}),
    ("textDocument/inlayHint", {"textDocument": {"uri": "file:///a.py"}}),
    ("textDocument/codeLens", {"textDocument": {}}),
    ("inlayHint/resolve", {"label": 5}),
    ("inlayHint/resolve", {"position": {"line": 0, "character": 0}}),
    ("textDocument/hover", {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 2**40, "character": 0}}),
]


# Values cattrs coerces ("1" → 1, 1.5 → 1, 5 → "5") are accepted rather than refused: not a spec breach
# worth a test either way; an answer is all that is required of them.
COERCED_PARAMS = [
    ("textDocument/hover", {"textDocument": {"uri": 5}, "position": {"line": 0, "character": 0}}),
    ("textDocument/hover", {"textDocument": {"uri": "file:///a.py"}, "position": {"line": "1", "character": 1.5}}),
    ("textDocument/diagnostic", {"textDocument": {"uri": ["x"]}}),
]


def test_params_that_can_be_coerced_get_an_answer(raw_server):
    for method, params in COERCED_PARAMS:
        answer = raw_server.response(raw_server.request(method, params))
        assert "result" in answer or answer["error"]["code"] == INVALID_PARAMS
    raw_server.assert_healthy()


@pytest.mark.parametrize("msg_id", [31, "string-id"])
def test_params_that_fail_to_deserialize_get_invalid_params_with_the_request_id(raw_server, msg_id):
    for method, params in BAD_PARAMS:
        raw_server.send_bytes(encode({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        answer = raw_server.response(msg_id)
        assert answer["id"] == msg_id and answer["error"]["code"] == INVALID_PARAMS, (method, params, answer)
    raw_server.assert_healthy()


def test_notifications_with_bad_params_are_dropped(raw_server):
    for method, params in [("textDocument/didOpen", {"textDocument": {"uri": 5}}),
                           ("textDocument/didChange", {"textDocument": {"uri": "file:///x.py"}, "contentChanges": 7}),
                           ("textDocument/didClose", []), ("workspace/didChangeConfiguration", "x"),
                           ("textDocument/didOpen", None)]:
        raw_server.notify(method, params)
    raw_server.assert_healthy()
    assert not raw_server.null_id_responses()


def test_bad_answers_to_the_servers_own_requests(raw_server):
    """The server asks the client for its settings; garbage, errors and unknown ids come back."""
    raw_server.settings = {"inlayHints": {"style": ["not", "a", "style"]}, "timeBudget": "soon"}
    raw_server.notify("workspace/didChangeConfiguration", {"settings": None})
    for payload in [{"jsonrpc": "2.0", "id": 424242, "result": [1]},
                    {"jsonrpc": "2.0", "id": "unknown", "error": {"code": -1, "message": "no"}},
                    {"jsonrpc": "2.0", "id": None, "result": None}]:
        raw_server.send(payload)
    raw_server.assert_healthy()


def test_every_request_in_a_mixed_burst_gets_exactly_one_answer(raw_server):
    uri = raw_server.open("file:///burst.py", TORCH)
    ids = {}
    for index in range(300):
        kind = index % 6
        if kind == 0:
            ids[raw_server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                          "position": {"line": index % 7, "character": index % 30}})] = "ok"
        elif kind == 1:
            ids[raw_server.request("textDocument/inlayHint", {"textDocument": {"uri": uri},
                                                              "range": rng((0, 0), (index, 0))})] = "ok"
        elif kind == 2:
            ids[raw_server.request("foo/bar", {})] = METHOD_NOT_FOUND
        elif kind == 3:
            ids[raw_server.request("textDocument/hover", {"position": 3})] = INVALID_PARAMS
        elif kind == 4:
            raw_server.edit(uri, (0, 0), (0, 0), "#")
            raw_server.edit(uri, (0, 0), (0, 1), "")
        else:
            ids[raw_server.request("textDocument/codeLens", {"textDocument": {"uri": uri}})] = "ok"
    for msg_id, expected in ids.items():
        answer = raw_server.response(msg_id)
        if expected == "ok":
            assert "result" in answer, answer
        else:
            assert answer["error"]["code"] == expected, answer
    time.sleep(0.2)
    assert not set(ids) & set(raw_server.responses)
    assert hints_of(raw_server.hints(uri)) == expected_hints(TORCH.encode(), "utf-16")
