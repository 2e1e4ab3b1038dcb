"""Issue 8, Unicode: astral-plane characters, combining marks, right-to-left text, CJK and emoji before
constructors, in UTF-8, UTF-16 and UTF-32 — through `positions.LineIndex` (every offset and position of
one sample, round trips) and through the running server (hint and hover positions on the right
character, for clients offering each encoding). Expected positions are computed here from first
principles (`invariants.expected_position`), not with the code under test."""

from __future__ import annotations

import json
from typing import List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rnnlens.positions import UTF8, UTF16, UTF32, LineIndex

from .invariants import ENCODINGS, expected_position, is_boundary, line_content, line_lengths, line_starts
from .rpc import RawServer, capabilities_for, frame

SAMPLE = (
    "import torch.nn as nn\r\n"
    "# 😀 𝔘𝔫𝔦 astral; a\u0308 combining; שלום עולם; مرحبا; 中文注释; 👩\u200d👩\u200d👧 ZWJ; 🇫🇷 flag\n"
    'x = "😀𝔘"; rnn = nn.LSTM(3, 2)\n'
    's = "a\u0308\u0308e\u0301"; gru = nn.GRU(4, 8)\r'
    't = "\u202eשלום\u202c"; r2 = nn.RNN(4, 6)  # right-to-left text, and a bidi override\n'
    "日本 = 4; 中 = nn.LSTM(日本, 2)  # CJK identifiers\n"
    'e = "👩\u200d👩\u200d👧🇫🇷"; c = nn.GRUCell(3, 3)\n'
    "δ = 5\n"
    "class Ünï(nn.Module):\n"
    "    def __init__(self):\n"
    '        self.ß = nn.LSTMCell(δ, 2)  # 😀\n'
    "\t# tab, then emoji at the end 😀"
)
# (text of the call, its hint)
CALLS = [("nn.LSTM(3, 2)", "56 params"), ("nn.GRU(4, 8)", "336 params"), ("nn.RNN(4, 6)", "72 params"),
         ("nn.LSTM(日本, 2)", "64 params"), ("nn.GRUCell(3, 3)", "72 params"), ("nn.LSTMCell(δ, 2)", "72 params")]
DATA = SAMPLE.encode("utf-8")


def call_span(data: bytes, call: str) -> Tuple[int, int]:
    start = data.index(call.encode("utf-8"))
    return start, start + len(call.encode("utf-8"))


def boundaries(data: bytes) -> List[int]:
    return [offset for offset in range(len(data) + 1) if is_boundary(data, offset)]


def inside_a_line_ending(data: bytes, offset: int) -> bool:
    starts = line_starts(data)
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return offset - starts[line] > len(line_content(data, starts, line))


# -- LineIndex directly ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_offset_of_the_sample_has_the_right_position_and_comes_back(encoding):
    index = LineIndex(DATA)
    for offset in boundaries(DATA):
        position = index.position(offset, encoding)
        assert position == expected_position(DATA, offset, encoding), (offset, encoding)
        back = index.offset(*position, encoding)
        if inside_a_line_ending(DATA, offset):  # between \r and \n: the position is the line's end
            assert back == line_starts(DATA)[position[0]] + len(line_content(DATA, line_starts(DATA), position[0]))
        else:
            assert back == offset, (offset, position, back, encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_position_maps_into_the_document_on_a_character_start(encoding):
    index = LineIndex(DATA)
    lengths = line_lengths(DATA, encoding)
    for line in range(-2, len(lengths) + 2):
        width = lengths[line] if 0 <= line < len(lengths) else 3
        for character in list(range(0, width + 4)) + [10**9]:
            offset = index.offset(line, character, encoding)
            assert 0 <= offset <= len(DATA) and is_boundary(DATA, offset), (line, character)
            if 0 <= line < len(lengths):
                got_line, got_character = index.position(offset, encoding)
                assert got_line == line and got_character <= min(character, lengths[line]), (line, character)


def test_a_position_inside_a_character_moves_to_its_start():
    data = "x = '😀é'".encode()
    index = LineIndex(data)
    emoji = data.index("😀".encode())
    assert index.offset(0, 6, UTF16) == emoji  # between the two UTF-16 halves of 😀
    assert index.offset(0, 7, UTF8) == emoji and index.offset(0, 8, UTF8) == emoji  # inside its 4 bytes
    assert index.offset(0, 6, UTF32) == emoji + 4  # é
    assert index.position(emoji + 2, UTF16) == (0, 5)  # an offset inside a character: its start


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(min_size=0, max_size=12),
                          st.sampled_from(["\n", "\r\n", "\r", "😀", "a\u0308", "שלום", "中", "👩\u200d👧", "\t",
                                           "\x00", "\u2028", "\x85", "\x0c"])), max_size=30))
def test_round_trips_on_any_text(parts):
    data = "".join(parts).encode("utf-8")
    index = LineIndex(data)
    for encoding in ENCODINGS:
        for offset in boundaries(data):
            position = index.position(offset, encoding)
            assert position == expected_position(data, offset, encoding)
            if not inside_a_line_ending(data, offset):
                assert index.offset(*position, encoding) == offset


def test_a_lone_surrogate_is_one_utf16_unit():
    text = 'x = "\ud800"; rnn = nn.LSTM(3, 2)'
    data = text.encode("utf-8", "surrogatepass")
    index = LineIndex(data)
    end = len(data)
    assert index.position(end, UTF16) == (0, len(text.encode("utf-16-le", "surrogatepass")) // 2)
    assert index.position(end, UTF32) == (0, len(text))


# -- through the server ------------------------------------------------------------------------------

def _uri(name: str, server: RawServer) -> str:
    return f"file:///unicode/{name}-{server.encoding}.py"


def test_hints_sit_right_after_each_call_in_the_negotiated_encoding(encoded_server):
    server = encoded_server
    uri = server.open(_uri("hints", server), SAMPLE)
    hints = server.hints(uri)
    got = [((h["position"]["line"], h["position"]["character"]), h["label"]) for h in hints]
    expected = [(expected_position(DATA, call_span(DATA, call)[1], server.encoding), label) for call, label in CALLS]
    assert got == expected


def test_every_hint_position_is_inside_the_document(encoded_server):
    server = encoded_server
    uri = server.open(_uri("inside", server), SAMPLE)
    lengths = line_lengths(DATA, server.encoding)
    for hint in server.hints(uri, (0, 0), (len(lengths) + 5, 0)):
        line, character = hint["position"]["line"], hint["position"]["character"]
        assert 0 <= line < len(lengths) and 0 <= character <= lengths[line]


def test_hover_anywhere_on_a_call_names_that_call_with_its_exact_range(encoded_server):
    server = encoded_server
    uri = server.open(_uri("hover", server), SAMPLE)
    for call, label in CALLS:
        start, end = call_span(DATA, call)
        # on the first character of the class name, and on the last character before ")"
        name = start + call.index(".") + 1
        for offset in (name, end - 1, start):
            line, character = expected_position(DATA, offset, server.encoding)
            hover = server.hover(uri, line, character)
            assert hover is not None, (call, offset)
            count = label.split()[0]
            assert f"**{count} params**" in hover["contents"]["value"], (call, hover["contents"]["value"][:200])
            assert (hover["range"]["start"]["line"], hover["range"]["start"]["character"]) == \
                expected_position(DATA, start, server.encoding)
            assert (hover["range"]["end"]["line"], hover["range"]["end"]["character"]) == \
                expected_position(DATA, end, server.encoding)


def test_hover_just_before_a_call_is_not_on_it(encoded_server):
    server = encoded_server
    uri = server.open(_uri("before", server), SAMPLE)
    start, _ = call_span(DATA, "nn.LSTM(3, 2)")
    line, character = expected_position(DATA, start - 2, server.encoding)  # the "=" before it
    hover = server.hover(uri, line, character)
    assert hover is None or "**56 params**" not in hover["contents"]["value"]


def test_edits_addressed_in_the_encoding_land_on_the_right_character(encoded_server):
    server = encoded_server
    uri = server.open(_uri("edit", server), SAMPLE)
    data = DATA
    # insert an emoji and a combining mark right before `rnn = ` on line 2, addressed in the encoding
    target = data.index(b"rnn = nn.LSTM")
    position = expected_position(data, target, server.encoding)
    server.edit(uri, position, position, "😀a\u0308")
    data = data[:target] + "😀a\u0308".encode() + data[target:]
    # delete the combining mark of line 3 (a range of one character, in the encoding)
    mark = data.index("a\u0308\u0308".encode()) + 1
    start, end = expected_position(data, mark, server.encoding), expected_position(data, mark + 2, server.encoding)
    server.edit(uri, start, end, "")
    data = data[:mark] + data[mark + 2:]
    hints = server.hints(uri)
    got = [((h["position"]["line"], h["position"]["character"]), h["label"]) for h in hints]
    expected = [(expected_position(data, call_span(data, call)[1], server.encoding), label) for call, label in CALLS]
    assert got == expected


@pytest.mark.parametrize("offered,chosen", [
    (["utf-32", "utf-16"], ("utf-32", "utf-16")), (["utf-8", "utf-32"], ("utf-8", "utf-32")),
    (["utf-7"], ("utf-16",)), ([], ("utf-16",)), (None, ("utf-16",))])
def test_the_server_picks_an_offered_encoding_and_keeps_to_it(offered, chosen):
    capabilities = capabilities_for()
    if offered is None:
        capabilities.pop("general", None)
    else:
        capabilities["general"]["positionEncodings"] = offered
    with RawServer() as server:
        server.initialize(capabilities=capabilities)
        assert server.encoding in chosen
        uri = server.open("file:///unicode/negotiated.py", SAMPLE)
        got = [(h["position"]["line"], h["position"]["character"]) for h in server.hints(uri)]
        assert got == [expected_position(DATA, call_span(DATA, call)[1], server.encoding) for call, _ in CALLS]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_lone_surrogate_in_a_document_does_not_shift_the_hints(encoding):
    text = 'import torch.nn as nn\nx = "\ud800"; rnn = nn.LSTM(3, 2)\n'
    with RawServer() as server:
        server.initialize(encoding)
        body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///unicode/lone.py", "languageId": "python", "version": 1, "text": text}}}, ensure_ascii=True)
        server.send_bytes(frame(body.encode()))
        (hint,) = server.hints("file:///unicode/lone.py")
        line = 'x = "\ud800"; rnn = nn.LSTM(3, 2)'
        width = len(line.encode("utf-16-le", "surrogatepass")) // 2 if encoding == "utf-16" else len(line)
        assert (hint["position"]["line"], hint["position"]["character"]) == (1, width)
