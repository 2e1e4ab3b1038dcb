"""The one place where byte offsets become line/column positions and back.

The analysis speaks in UTF-8 byte offsets (tree-sitter's); the LSP speaks in the negotiated
encoding (UTF-16 code units by default, UTF-8 bytes or UTF-32 code points when offered); the CLI
counts code points, as ruff does. Everything converts through `LineIndex`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Dict, List, Optional, Tuple

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_END = re.compile(rb"\r\n|\r|\n")
# A line longer than this converts through checkpoints every _STEP bytes (worked out once per line),
# so that a conversion costs O(_STEP) rather than O(length of the line).
_LONG = 512
_STEP = 1024
_ASCII = "ascii"


def _decode(data: bytes) -> str:
    """The text of stored bytes: a lone surrogate an editor sent was stored with `surrogatepass` (three
    bytes, one character); anything else undecodable counts one unit per byte."""
    try:
        return data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="surrogateescape")


def _units(prefix: bytes, encoding: str) -> int:
    """How many units of `encoding` the UTF-8 bytes `prefix` take."""
    if encoding == UTF8 or prefix.isascii():
        return len(prefix)
    decoded = _decode(prefix)
    if encoding == UTF32:
        return len(decoded)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in decoded)


class _Checkpoints:
    """Character boundaries of one long, valid UTF-8 line about every _STEP bytes, with the UTF-16 and
    UTF-32 units before each."""

    __slots__ = ("offsets", "utf16", "utf32")

    def __init__(self, content: bytes):
        self.offsets, self.utf16, self.utf32 = [0], [0], [0]
        at, length = 0, len(content)
        while at + _STEP < length:
            to = at + _STEP
            while (content[to] & 0xC0) == 0x80:
                to -= 1
            chunk = content[at:to].decode("utf-8")
            self.offsets.append(to)
            self.utf32.append(self.utf32[-1] + len(chunk))
            self.utf16.append(self.utf16[-1] + len(chunk.encode("utf-16-le")) // 2)
            at = to


class LineIndex:
    """Line starts of a UTF-8 document; lines end at \\n, \\r\\n or a lone \\r, as LSP defines."""

    def __init__(self, source: bytes, starts: Optional[List[int]] = None):
        self.source = source
        self.starts: List[int] = starts if starts is not None else \
            [0] + [match.end() for match in _LINE_END.finditer(source)]
        # Long lines: ASCII, checkpoints, or None (not valid UTF-8: converted the slow way).
        self._long: Dict[int, object] = {}

    def edited(self, start: int, end: int, new_end: int, source: bytes) -> "LineIndex":
        """The index of `source`, which is this index's source with bytes [start, end) replaced by
        [start, new_end): line starts before the edit are kept, those after it shifted, and only the
        edited bytes are scanned again."""
        starts = self.starts
        # A line start s depends on the bytes at s - 1 and s only: those before `start` and from `end`
        # on are unchanged.
        before = starts[:bisect_left(starts, start)] if start > 0 else [0]
        lowest = max(start, 1)
        middle = [match.end() for match in _LINE_END.finditer(source, max(start - 1, 0), new_end + 1)
                  if lowest <= match.end() <= new_end]
        after = starts[bisect_right(starts, end):]
        delta = new_end - end
        if delta:
            after = [s + delta for s in after]
        return LineIndex(source, before + middle + after)

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def _bounds(self, line: int) -> Tuple[int, int]:
        """The first byte of the line and the end of its content (before its line ending)."""
        start = self.starts[line]
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            end -= 2 if end - start >= 2 and self.source[end - 2:end] == b"\r\n" else 1
        else:
            end = len(self.source)
        return start, end

    def line_bytes(self, line: int) -> bytes:
        """The line's content without its line ending."""
        start, end = self._bounds(line)
        return self.source[start:end]

    def _line_info(self, line: int, start: int, end: int):
        if line not in self._long:
            content = self.source[start:end]
            if content.isascii():
                self._long[line] = _ASCII
            else:
                try:
                    content.decode("utf-8")  # strict: no surrogates, nothing undecodable
                except UnicodeDecodeError:
                    self._long[line] = None
                else:
                    self._long[line] = _Checkpoints(content)
        return self._long[line]

    def position(self, offset: int, encoding: str = UTF16) -> Tuple[int, int]:
        """(line, column) of a byte offset, both 0-based; offsets are clamped into the document and
        moved back to the start of a character they would split."""
        source = self.source
        offset = max(0, min(offset, len(source)))
        line = bisect_right(self.starts, offset) - 1
        start, end = self._bounds(line)
        length = end - start
        within = min(offset - start, length)
        while 0 < within < length and (source[start + within] & 0xC0) == 0x80:
            within -= 1
        if encoding == UTF8:
            return line, within
        if length > _LONG:
            info = self._line_info(line, start, end)
            if info is _ASCII:
                return line, within
            if info is not None:
                k = bisect_right(info.offsets, within) - 1
                done = info.utf32[k] if encoding == UTF32 else info.utf16[k]
                return line, done + _units(source[start + info.offsets[k]:start + within], encoding)
        return line, _units(source[start:start + within], encoding)

    def offset(self, line: int, column: int, encoding: str = UTF16) -> int:
        """The byte offset of a (line, column) position; past-the-end lines and columns clamp to the
        end of the document or line, and a column inside a character moves to its start."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.source)
        start, end = self._bounds(line)
        if column <= 0:
            return start
        length = end - start
        if encoding == UTF8:
            within = min(column, length)
            while 0 < within < length and (self.source[start + within] & 0xC0) == 0x80:
                within -= 1
            return start + within
        units, within, to = 0, 0, end
        if length > _LONG:
            info = self._line_info(line, start, end)
            if info is _ASCII:
                return start + min(column, length)
            if info is not None:
                counts = info.utf32 if encoding == UTF32 else info.utf16
                k = bisect_right(counts, column) - 1
                units, within = counts[k], info.offsets[k]
                if k + 1 < len(counts):
                    to = start + info.offsets[k + 1]
        for character in _decode(self.source[start + within:to]):
            width = 1 if encoding == UTF32 or ord(character) <= 0xFFFF else 2
            if units + width > column:
                break
            units += width
            within += len(character.encode("utf-8", errors="surrogatepass")) if not 0xDC80 <= ord(character) <= 0xDCFF \
                else 1
        return start + within
