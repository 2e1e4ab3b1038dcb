"""The one place where byte offsets become line/column positions and back.

The analysis speaks in UTF-8 byte offsets (tree-sitter's); the LSP speaks in the negotiated
encoding (UTF-16 code units by default, UTF-8 bytes or UTF-32 code points when offered); the CLI
counts code points, as ruff does. Everything converts through `LineIndex`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import List, Tuple

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_END = re.compile(rb"\r\n|\r|\n")


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


class LineIndex:
    """Line starts of a UTF-8 document; lines end at \\n, \\r\\n or a lone \\r, as LSP defines."""

    def __init__(self, source: bytes):
        self.source = source
        self.starts: List[int] = [0] + [match.end() for match in _LINE_END.finditer(source)]

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_bytes(self, line: int) -> bytes:
        """The line's content without its line ending."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.source)
        content = self.source[start:end]
        return content.rstrip(b"\r\n") if content.endswith((b"\n", b"\r")) else content

    def position(self, offset: int, encoding: str = UTF16) -> Tuple[int, int]:
        """(line, column) of a byte offset, both 0-based; offsets are clamped into the document and
        moved back to the start of a character they would split."""
        offset = max(0, min(offset, len(self.source)))
        line = bisect_right(self.starts, offset) - 1
        content = self.line_bytes(line)
        within = min(offset - self.starts[line], len(content))
        while 0 < within < len(content) and (content[within] & 0xC0) == 0x80:
            within -= 1
        return line, _units(content[:within], encoding)

    def offset(self, line: int, column: int, encoding: str = UTF16) -> int:
        """The byte offset of a (line, column) position; past-the-end lines and columns clamp to the
        end of the document or line, and a column inside a character moves to its start."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.source)
        content = self.line_bytes(line)
        if column <= 0:
            return self.starts[line]
        if encoding == UTF8:
            within = min(column, len(content))
            while 0 < within < len(content) and (content[within] & 0xC0) == 0x80:
                within -= 1
            return self.starts[line] + within
        units, within = 0, 0
        for character in _decode(content):
            width = 1 if encoding == UTF32 or ord(character) <= 0xFFFF else 2
            if units + width > column:
                break
            units += width
            within += len(character.encode("utf-8", errors="surrogatepass")) if not 0xDC80 <= ord(character) <= 0xDCFF \
                else 1
        return self.starts[line] + within
