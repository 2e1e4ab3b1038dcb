"""Spans as the CLI and JSON report them: 1-based lines, 1-based code-point columns (as ruff does),
and for notebooks the cell and the line within it."""

from __future__ import annotations

from bisect import bisect_right
from typing import Dict, Optional, Sequence

from ..analysis.syntax import Span
from ..positions import UTF32, LineIndex


class Locator:
    def __init__(self, source: bytes, cell_starts: Optional[Sequence[int]] = None, cell_ids: Sequence[int] = ()):
        """`cell_starts`: for a notebook, the 0-based line where each code cell begins in the joined
        source; `cell_ids`: each code cell's index among all the notebook's cells."""
        self.index = LineIndex(source)
        self.cell_starts = list(cell_starts) if cell_starts is not None else None
        self.cell_ids = list(cell_ids)

    def point(self, offset: int) -> Dict[str, int]:
        line, column = self.index.position(offset, UTF32)
        return {"line": line + 1, "column": column + 1}

    def cell_of(self, offset: int) -> Optional[tuple]:
        if self.cell_starts is None:
            return None
        line, _ = self.index.position(offset, UTF32)
        position = bisect_right(self.cell_starts, line) - 1
        return self.cell_ids[position], self.cell_starts[position]

    def span(self, span: Span) -> Dict[str, int]:
        start, end = self.point(span.start_byte), self.point(span.end_byte)
        located = {"line": start["line"], "column": start["column"], "end_line": end["line"],
                   "end_column": end["column"]}
        cell = self.cell_of(span.start_byte)
        if cell is not None:
            cell_id, first_line = cell
            located = {"cell": cell_id, "line": located["line"] - first_line, "column": located["column"],
                       "end_line": located["end_line"] - first_line, "end_column": located["end_column"]}
        return located

    def where(self, offset: int) -> str:
        """"line 3", or "cell 2, line 1" in a notebook."""
        cell = self.cell_of(offset)
        line = self.point(offset)["line"]
        return f"line {line}" if cell is None else f"cell {cell[0]}, line {line - cell[1]}"

    def line_text(self, line: int) -> str:
        """The text of a 1-based line of the (joined) source."""
        return self.index.line_bytes(line - 1).decode("utf-8", errors="replace")
