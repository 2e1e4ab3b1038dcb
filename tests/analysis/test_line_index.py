"""LineIndex: an index updated by an edit equals one built from scratch, and a long line converts
through its checkpoints exactly as it does character by character."""

from __future__ import annotations

import random

from rnnlens import positions
from rnnlens.positions import UTF8, UTF16, UTF32, LineIndex

PIECES = [b"a", b"bc", b"\n", b"\r", b"\r\n", "é".encode(), "编".encode(), "😀".encode(),
          "\udc80".encode("utf-8", "surrogatepass"), b"\xff", b"\x80", b" ", b"xyz" * 5]


def _random_bytes(rnd: random.Random, pieces: int) -> bytes:
    return b"".join(rnd.choice(PIECES) for _ in range(pieces))


def test_an_edited_index_equals_a_rebuilt_one():
    rnd = random.Random(7)
    for _ in range(2000):
        source = _random_bytes(rnd, rnd.randint(0, 30))
        index = LineIndex(source)
        for _ in range(4):
            start = rnd.randint(0, len(source))
            end = rnd.randint(start, len(source))
            inserted = _random_bytes(rnd, rnd.randint(0, 4))
            source = source[:start] + inserted + source[end:]
            index = index.edited(start, end, start + len(inserted), source)
            assert index.starts == LineIndex(source).starts


def _conversions(source: bytes):
    index = LineIndex(source)
    positions_ = [index.position(offset, encoding) for offset in range(-1, len(source) + 2)
                  for encoding in (UTF8, UTF16, UTF32)]
    offsets = [index.offset(line, column, encoding) for line in range(-1, index.line_count + 1)
               for column in range(-1, 70) for encoding in (UTF8, UTF16, UTF32)]
    return positions_, offsets


def test_long_lines_convert_through_checkpoints_as_character_by_character(monkeypatch):
    rnd = random.Random(11)
    sources = [_random_bytes(rnd, rnd.randint(0, 40)) for _ in range(300)]
    sources += [b"x" * rnd.randint(0, 20) + "é😀".encode() * rnd.randint(0, 9) for _ in range(50)]
    monkeypatch.setattr(positions, "_LONG", 10 ** 9)
    expected = [_conversions(source) for source in sources]
    for step in (4, 5, 9):
        monkeypatch.setattr(positions, "_LONG", 3)
        monkeypatch.setattr(positions, "_STEP", step)
        assert [_conversions(source) for source in sources] == expected
